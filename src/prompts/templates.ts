import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { withTests } from "../tasks/importers/common.js";
import { letterOf, listsOptions } from "../tasks/options.js";
import type { TaskFamily, TaskItem } from "../tasks/types.js";

export type TurnTemplateName = "answer" | "reflect" | "correct" | "retry" | "self-verify";
const NAMES: TurnTemplateName[] = ["answer", "reflect", "correct", "retry", "self-verify"];
const FAMILIES: TaskFamily[] = ["mc", "math", "code", "text"];

/** The turn templates, loaded once from prompts/; the same ones serve evaluation, batch runs and training exports. */
export class TurnTemplates {
    constructor(
        private readonly templates: Record<TaskFamily, Record<TurnTemplateName, string>>,
        private readonly formats: Record<TaskFamily, string>
    ) {}

    render(name: TurnTemplateName, item: TaskItem, vars: { instruction?: string; attempt?: string } = {}): string {
        const values: Record<string, string> = {
            // Code items show all their tests, as the paper's MBPP prompt does (once: importers may have added them).
            question: item.family === "code" && item.tests?.length ? withTests(item.question, item.tests) : item.question.trim(),
            // Loaders keep `question` to the stem; one that still lists these options shows them once.
            choices: listsOptions(item.question, item.choices) ? "" : formatChoices(item.choices),
            format: this.formats[item.family],
            instruction: vars.instruction ?? "",
            attempt: vars.attempt ?? ""
        };
        return this.templates[item.family][name].replace(/\{\{(\w+)\}\}/g, (m, k: string) => {
            if (!(k in values)) throw new Error(`unknown placeholder ${m} in prompts template "${name}"`);
            return values[k]!;
        }).trim();
    }
}

export function formatChoices(choices: string[] | null): string {
    if (!choices || choices.length === 0) return "";
    return "\n\n" + choices.map((c, i) => `${letterOf(i)}. ${c}`).join("\n");
}

export function loadTurnTemplates(promptsDir: string): TurnTemplates {
    const read = (file: string) => {
        try {
            return readFileSync(file, "utf8");
        } catch {
            throw new Error(`missing prompt template ${file}`);
        }
    };
    const templates = {} as Record<TaskFamily, Record<TurnTemplateName, string>>;
    const formats = {} as Record<TaskFamily, string>;
    for (const family of FAMILIES) {
        formats[family] = read(join(promptsDir, "formats", `${family}.txt`)).trim();
        templates[family] = {} as Record<TurnTemplateName, string>;
        for (const name of NAMES) {
            // A family may override a shared template with turns/<family>/<name>.txt.
            const override = join(promptsDir, "turns", family, `${name}.txt`);
            templates[family][name] = read(existsSync(override) ? override : join(promptsDir, "turns", `${name}.txt`));
        }
    }
    return new TurnTemplates(templates, formats);
}
