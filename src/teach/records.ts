import { readFileSync, statSync } from "node:fs";
import { notRegular } from "../inputFile.js";
import { RECORD_SCHEMA, type ItemRecord } from "../engine/types.js";

/** Where a record was read, for errors: the file, its line (1-based) and, for batch runs, the sample. */
export interface RecordPlace {
    file: string;
    line?: number;
    what?: string;
}

const at = (p: RecordPlace, field: string) => `${p.file}${p.line ? `:${p.line}` : ""}${p.what ? ` (${p.what})` : ""}: field "${field}"`;

/**
 * Checks that a parsed value is an item record a walkthrough can be built from, and names the file,
 * line and field when it is not (a hand-edited set or a session from another version).
 */
export function checkRecord(v: unknown, place: RecordPlace): ItemRecord {
    const o = v as Record<string, unknown> | null;
    if (!o || typeof o !== "object" || Array.isArray(o)) throw new Error(`${place.file}${place.line ? `:${place.line}` : ""}: not an item record (expected a JSON object)`);
    if (o.schema !== RECORD_SCHEMA) throw new Error(`${at(place, "schema")} is ${JSON.stringify(o.schema)}, expected "${RECORD_SCHEMA}"`);
    const item = o.item as Record<string, unknown> | undefined;
    if (!item || typeof item !== "object") throw new Error(`${at(place, "item")} is missing`);
    for (const f of ["id", "task", "family", "question", "answer"]) {
        if (typeof item[f] !== "string") throw new Error(`${at(place, `item.${f}`)} must be a string`);
    }
    if (!["mc", "math", "code", "text"].includes(item.family as string)) throw new Error(`${at(place, "item.family")} is ${JSON.stringify(item.family)}: use mc, math, code or text`);
    if (!Array.isArray(o.steps)) throw new Error(`${at(place, "steps")} must be a list`);
    o.steps.forEach((s: unknown, i: number) => {
        const st = s as Record<string, unknown> | null;
        if (!st || typeof st !== "object") throw new Error(`${at(place, `steps[${i}]`)} must be an object`);
        if (!["answer", "verify", "reflect", "correct"].includes(st.kind as string)) throw new Error(`${at(place, `steps[${i}].kind`)} is ${JSON.stringify(st.kind)}: use answer, verify, reflect or correct`);
        if (!Number.isInteger(st.turn)) throw new Error(`${at(place, `steps[${i}].turn`)} must be an integer`);
        if (st.kind === "verify") {
            const v = st.verdict as Record<string, unknown> | undefined;
            if (!v || typeof v.correct !== "boolean") throw new Error(`${at(place, `steps[${i}].verdict.correct`)} must be true or false`);
        } else if (st.output !== undefined && typeof st.output !== "string") throw new Error(`${at(place, `steps[${i}].output`)} must be a string`);
    });
    if (!Array.isArray(o.correct_by_turn) || !o.correct_by_turn.every((c) => typeof c === "boolean")) throw new Error(`${at(place, "correct_by_turn")} must be a list of true/false`);
    const cfg = o.config as Record<string, unknown> | undefined;
    if (!cfg || !["oracle", "self", "teacher"].includes(cfg.verifier as string)) throw new Error(`${at(place, "config.verifier")} must be oracle, self or teacher`);
    const model = o.model as Record<string, unknown> | undefined;
    if (!model || typeof model.file !== "string") throw new Error(`${at(place, "model.file")} must be a string`);
    return o as unknown as ItemRecord;
}

/** A JSONL file's parsed lines with their line numbers; a line that is not JSON is an error naming it. */
export function readJsonLines(file: string, what: string): { line: number; value: unknown }[] {
    let st;
    try {
        st = statSync(file);
    } catch (e) {
        throw new Error(`cannot read ${what} ${file}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}`);
    }
    const bad = notRegular(file, st, what);
    if (bad) throw new Error(bad);
    const lines = readFileSync(file, "utf8").split("\n");
    const out: { line: number; value: unknown }[] = [];
    lines.forEach((text, i) => {
        if (!text.trim()) return;
        try {
            out.push({ line: i + 1, value: JSON.parse(text) });
        } catch (e) {
            // A session cut by a crash may end in half a line: the last line only is forgiven.
            if (i >= lines.length - 2 && !text.endsWith("}")) return;
            throw new Error(`${file}:${i + 1}: not JSON (${(e as Error).message})`);
        }
    });
    return out;
}
