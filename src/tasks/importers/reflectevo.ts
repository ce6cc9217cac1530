// JSONL records of the ReflectEvo-460k release. Its schema is not documented here, so the reader is
// tolerant and reads only these fields (the first present of each group; everything else, such as
// the reflections and second answers, is ignored):
//   question: question | problem | input | query                  (required, non-empty string)
//   gold:     answer | gold | target | label                       (required: string, number, or a list
//             of accepted strings; with options, a letter, an option text or a 0-based index)
//   task:     task | dataset | source                              (optional; default: the file name)
//   options:  options | choices                                    (optional: a list of strings, or an
//             object {A: "...", B: "..."}; "A." style labels are stripped)
//   id:       id | idx | question_id                               (optional; default: <file>-<line>)
//   tests:    tests | test_list, test_setup | test_setup_code      (optional, for code items)
//   family:   family                                               (optional; else inferred as jsonl.ts does)
import { basename, extname } from "node:path";
import { answerIndexFromAnswer, inferFamily } from "../jsonl.js";
import type { TaskFamily, TaskItem } from "../types.js";
import { Collector, eachJsonLine, failer, letterOf, nonEmpty, pythonEntry, readText, stripOptionLabel, type ImportOptions, type ImportResult } from "./common.js";

export const QUESTION_KEYS = ["question", "problem", "input", "query"] as const;
export const GOLD_KEYS = ["answer", "gold", "target", "label"] as const;
const TASK_KEYS = ["task", "dataset", "source"] as const;
const OPTION_KEYS = ["options", "choices"] as const;
const ID_KEYS = ["id", "idx", "question_id"] as const;
const FAMILIES: readonly TaskFamily[] = ["mc", "math", "code", "text"];

const pick = (o: Record<string, unknown>, keys: readonly string[]): [string, unknown] | null => {
    const k = keys.find((key) => o[key] !== undefined && o[key] !== null);
    return k === undefined ? null : [k, o[k]];
};

/** True if a parsed record has a recognisable question and gold (used by format detection). */
export function looksLikeReflectEvo(o: Record<string, unknown>): boolean {
    return pick(o, QUESTION_KEYS) !== null && pick(o, GOLD_KEYS) !== null;
}

const asText = (v: unknown): string | null => (typeof v === "string" ? v : typeof v === "number" && Number.isFinite(v) ? String(v) : null);

function toItem(o: Record<string, unknown>, file: string, line: number, fileTask: string): TaskItem {
    const fail = failer(file, line);
    const q = pick(o, QUESTION_KEYS);
    if (!q) fail("question", `missing (looked for ${QUESTION_KEYS.join(", ")})`);
    if (!nonEmpty(q![1])) fail(q![0], "expected a non-empty string");
    const g = pick(o, GOLD_KEYS);
    if (!g) fail("answer", `missing (looked for ${GOLD_KEYS.join(", ")})`);
    const [goldKey, goldRaw] = g!;
    const golds = (Array.isArray(goldRaw) ? goldRaw : [goldRaw]).map(asText);
    if (golds.length === 0 || golds.some((x) => x === null || !x.trim())) fail(goldKey, "expected a non-empty string, a number or a list of strings");
    const answers = [...new Set((golds as string[]).map((s) => s.trim()))];

    const t = pick(o, TASK_KEYS);
    if (t && !nonEmpty(t[1])) fail(t[0], "expected a non-empty string");
    const task = t ? (t[1] as string).trim() : fileTask;

    let choices: string[] | null = null;
    const op = pick(o, OPTION_KEYS);
    if (op) {
        const vals = Array.isArray(op[1]) ? op[1] : typeof op[1] === "object" ? Object.values(op[1] as object) : null;
        if (!vals || !vals.every((v) => typeof v === "string")) fail(op[0], "expected a list of strings or an object of option texts");
        choices = (vals as string[]).map((c, i) => stripOptionLabel(c, i));
        if (choices.length < 2 || choices.length > 26) fail(op[0], `expected 2-26 options, got ${choices.length}`);
    }
    const tp = pick(o, ["tests", "test_list"]);
    if (tp && (!Array.isArray(tp[1]) || !tp[1].every(nonEmpty))) fail(tp[0], "expected a list of test statements");
    const tests = tp ? (tp[1] as string[]) : null;
    const sp = pick(o, ["test_setup", "test_setup_code"]);
    const test_setup = sp && typeof sp[1] === "string" && sp[1].trim() ? sp[1] : null;

    let family: TaskFamily;
    if (o.family !== undefined && o.family !== null) {
        if (!FAMILIES.includes(o.family as TaskFamily)) fail("family", `expected one of ${FAMILIES.join(", ")}`);
        family = o.family as TaskFamily;
    } else family = inferFamily({ tests, choices, answer: answers[0]!, task });

    const idp = pick(o, ID_KEYS);
    const idText = idp ? asText(idp[1]) : null;
    if (idp && (idText === null || !idText.trim())) fail(idp[0], "expected a non-empty string or a number");
    const id = idText ? idText.trim() : `${fileTask}-${line}`;
    const item: TaskItem = { id, task, family, question: q![1] as string, choices, answer: answers[0]!, answer_index: null, tests, test_setup };

    if (family === "mc") {
        if (!choices) fail("options", "multiple-choice items need options");
        let idx: number | null = answerIndexFromAnswer(answers[0]!, choices!);
        if (idx === null && typeof goldRaw === "number" && Number.isInteger(goldRaw) && goldRaw >= 0 && goldRaw < choices!.length) idx = goldRaw;
        if (idx === null) fail(goldKey, `"${answers[0]}" is neither an option letter (A-${letterOf(choices!.length - 1)}), nor an option text, nor an option index`);
        item.answer = letterOf(idx!);
        item.answer_index = idx;
    } else if (family === "code") {
        if (!tests || tests.length === 0) fail("tests", "code items need a non-empty list of tests");
        item.entry_point = pythonEntry(item.answer, tests![0])?.name ?? null;
    } else if (answers.length > 1) item.answers = answers;
    return item;
}

export async function importReflectEvo(path: string, opts: ImportOptions = {}): Promise<ImportResult> {
    const text = await readText(path);
    const name = basename(path, extname(path));
    const col = new Collector(opts);
    eachJsonLine(text, path, col, (raw, line) => toItem(raw as Record<string, unknown>, path, line, name));
    return { set: { name, source: path, items: col.items }, skipped: col.skipped };
}
