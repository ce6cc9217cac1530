import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PROMPTS_DIR } from "../paths.js";

export type TeacherTemplateName = "judge" | "error-types" | "verify";
const NAMES: TeacherTemplateName[] = ["judge", "error-types", "verify"];

/** The placeholders each template is rendered with: a template using any other is refused at load. */
const PLACEHOLDERS: Record<TeacherTemplateName, readonly string[]> = {
    judge: ["question", "attempt", "instruction", "reflection_1", "reflection_2"],
    "error-types": ["question", "attempt", "reflection"],
    verify: ["question", "choices", "attempt"]
};

/** The teacher's prompts (prompts/teacher/*.txt), editable text like the turn templates. */
export class TeacherTemplates {
    constructor(
        private readonly texts: Record<TeacherTemplateName, string>,
        private readonly files: Record<TeacherTemplateName, string> = { judge: "judge.txt", "error-types": "error-types.txt", verify: "verify.txt" }
    ) {
        for (const name of NAMES) {
            for (const [, k] of texts[name].matchAll(/\{\{(\w+)\}\}/g)) {
                if (!PLACEHOLDERS[name].includes(k!)) throw new Error(`unknown placeholder {{${k}}} in ${this.files[name]} (it may use ${PLACEHOLDERS[name].map((p) => `{{${p}}}`).join(", ")})`);
            }
        }
    }

    render(name: TeacherTemplateName, vars: Record<string, string>): string {
        return this.texts[name]
            .replace(/\{\{(\w+)\}\}/g, (_m, k: string) => {
                const v = vars[k];
                // A missing value is a bug in the caller, not something to send to the teacher as "{{x}}".
                if (v === undefined) throw new Error(`no value for {{${k}}} in ${this.files[name]}`);
                return v;
            })
            .trim();
    }
}

export function loadTeacherTemplates(promptsDir: string = PROMPTS_DIR): TeacherTemplates {
    const texts = {} as Record<TeacherTemplateName, string>;
    const files = {} as Record<TeacherTemplateName, string>;
    for (const name of NAMES) {
        const file = join(promptsDir, "teacher", `${name}.txt`);
        files[name] = file;
        try {
            texts[name] = readFileSync(file, "utf8");
        } catch {
            throw new Error(`missing teacher prompt template ${file}`);
        }
    }
    return new TeacherTemplates(texts, files);
}

let cached: TeacherTemplates | null = null;
/** The project's templates, read once: for callers that are not given a prompts folder of their own. */
export function defaultTeacherTemplates(): TeacherTemplates {
    return (cached ??= loadTeacherTemplates(PROMPTS_DIR));
}
