import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { STAGE_KINDS, type StageKind } from "./types.js";

/** Which caption file a stage reads: the main one, or its variant when the verdict goes the other way. */
export type CaptionKey = StageKind | "verdict-correct" | "final-wrong";

const VARIANTS: Record<"verdict-correct" | "final-wrong", StageKind> = { "verdict-correct": "verdict", "final-wrong": "final" };

export const CAPTION_PLACEHOLDERS = ["turn", "verifier_who", "pool_size", "key", "verify_way", "focus", "level", "family_word", "task"] as const;
export type CaptionVars = Partial<Record<(typeof CAPTION_PLACEHOLDERS)[number], string | number>>;

/**
 * The teaching captions, one editable text file per stage under prompts/teaching/ (a teacher may
 * rewrite or translate them). A missing stage file or an unknown placeholder is an error naming the file.
 */
export class Captions {
    private constructor(private readonly texts: Map<CaptionKey, { text: string; file: string }>) {}

    static load(promptsDir: string): Captions {
        const dir = join(promptsDir, "teaching");
        const texts = new Map<CaptionKey, { text: string; file: string }>();
        const read = (key: CaptionKey, required: boolean) => {
            const file = join(dir, `${key}.txt`);
            if (!existsSync(file)) {
                if (required) throw new Error(`missing teaching caption ${file}: every stage (${STAGE_KINDS.join(", ")}) needs one`);
                return;
            }
            const text = readFileSync(file, "utf8").replace(/\s+/g, " ").trim();
            if (!text) throw new Error(`teaching caption ${file} is empty`);
            for (const m of text.matchAll(/\{\{(\w+)\}\}/g)) {
                if (!(CAPTION_PLACEHOLDERS as readonly string[]).includes(m[1]!)) throw new Error(`unknown placeholder ${m[0]} in ${file}: use ${CAPTION_PLACEHOLDERS.map((p) => `{{${p}}}`).join(", ")}`);
            }
            texts.set(key, { text, file });
        };
        for (const k of STAGE_KINDS) read(k, true);
        for (const k of Object.keys(VARIANTS) as (keyof typeof VARIANTS)[]) read(k, false);
        return new Captions(texts);
    }

    /** The caption for `key` with its placeholders filled (a variant falls back to its stage's file). */
    render(key: CaptionKey, vars: CaptionVars): string {
        const entry = this.texts.get(key) ?? this.texts.get(VARIANTS[key as keyof typeof VARIANTS]);
        if (!entry) throw new Error(`no teaching caption for ${key}`);
        return entry.text.replace(/\{\{(\w+)\}\}/g, (m, k: string) => {
            const v = vars[k as keyof CaptionVars];
            return v === undefined ? m : String(v);
        });
    }

    /** The file each caption comes from (tests, and the handout's footnote). */
    files(): string[] {
        return [...this.texts.values()].map((e) => e.file);
    }
}
