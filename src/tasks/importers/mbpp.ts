// MBPP JSONL: one problem per line,
//   {task_id, text, code, test_list, test_setup_code, challenge_test_list}
// (the "sanitized" variant's `prompt` / `test_imports`, and `question` / `id` as ReflectEvo's copies
// name them, are accepted in place of text / test_setup_code / task_id).
// question = text + which function to write (name and parameters from the reference code) + every
// test, as the paper's prompt shows them ("Your code should pass these tests:\n\n<asserts>"), unless
// the text already shows them; answer = the reference code; tests = test_list (challenge_test_list
// is not used).
import { basename, extname } from "node:path";
import type { TaskItem } from "../types.js";
import { Collector, eachJsonLine, failer, nonEmpty, pythonEntry, readItemText, withTests, type ImportOptions, type ImportResult } from "./common.js";

const lf = (s: string) => s.replace(/\r\n?/g, "\n");
const first = (o: Record<string, unknown>, keys: string[]) => keys.find((k) => o[k] !== undefined && o[k] !== null) ?? keys[0]!;

function toItem(o: Record<string, unknown>, file: string, line: number): TaskItem {
    const fail = failer(file, line);
    const idField = first(o, ["task_id", "id"]);
    const tid = o[idField];
    if (tid === undefined || tid === null) fail("task_id", "missing (task_id or id)");
    if (!(typeof tid === "number" && Number.isFinite(tid)) && !nonEmpty(tid)) fail(idField, "expected a number or a non-empty string");
    const textField = first(o, ["text", "prompt", "question"]);
    const text = o[textField];
    if (!nonEmpty(text)) fail(textField, text === undefined ? "missing" : "expected a non-empty string");
    if (!nonEmpty(o.code)) fail("code", o.code === undefined ? "missing" : "expected a non-empty string");
    const tl = o.test_list;
    if (!Array.isArray(tl) || tl.length === 0 || !tl.every(nonEmpty)) fail("test_list", tl === undefined ? "missing" : "expected a non-empty array of assert statements");
    let setup: string | null = null;
    const setupField = first(o, ["test_setup_code", "test_setup"]);
    if (o[setupField] !== undefined && o[setupField] !== null) {
        if (typeof o[setupField] !== "string") fail(setupField, "expected a string");
        setup = lf(o[setupField] as string);
    } else if (o.test_imports !== undefined && o.test_imports !== null) {
        if (!Array.isArray(o.test_imports) || !o.test_imports.every((s) => typeof s === "string")) fail("test_imports", "expected an array of strings");
        setup = (o.test_imports as string[]).join("\n");
    }
    const code = lf(o.code as string);
    const tests = (tl as string[]).map((t) => lf(t).trim());
    const entry = pythonEntry(code, tests.join("\n"));
    const body = lf(text as string).trim();
    const hint = entry ? `\nThe function must be named \`${entry.name}\` and take (${entry.params}).` : "";
    const id = String(tid).trim();
    return {
        id: /^mbpp-/.test(id) ? id : `mbpp-${id}`,
        task: "mbpp",
        family: "code",
        question: withTests(`${body}${hint}`, tests),
        choices: null,
        answer: code,
        answer_index: null,
        tests,
        test_setup: setup && setup.trim() ? setup : null,
        entry_point: entry?.name ?? null
    };
}

export async function importMbpp(path: string, opts: ImportOptions = {}): Promise<ImportResult> {
    const col = new Collector(opts);
    const { text } = await readItemText(path, col, opts);
    eachJsonLine(text, path, col, (raw, line) => toItem(raw as Record<string, unknown>, path, line));
    return { set: { name: basename(path, extname(path)), source: path, items: col.items }, skipped: col.skipped };
}
