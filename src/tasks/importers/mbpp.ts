// MBPP JSONL: one problem per line,
//   {task_id, text, code, test_list, test_setup_code, challenge_test_list}
// (the "sanitized" variant's `prompt` / `test_imports` are accepted in place of text / test_setup_code).
// question = text + which function to write (name and parameters from the reference code) + the
// first test; answer = the reference code; tests = test_list (challenge_test_list is not used).
import { basename, extname } from "node:path";
import type { TaskItem } from "../types.js";
import { Collector, eachJsonLine, failer, nonEmpty, pythonEntry, readText, type ImportOptions, type ImportResult } from "./common.js";

const lf = (s: string) => s.replace(/\r\n?/g, "\n");

function toItem(o: Record<string, unknown>, file: string, line: number): TaskItem {
    const fail = failer(file, line);
    const tid = o.task_id;
    if (tid === undefined || tid === null) fail("task_id", "missing");
    if (!(typeof tid === "number" && Number.isFinite(tid)) && !nonEmpty(tid)) fail("task_id", "expected a number or a non-empty string");
    const textField = o.text !== undefined ? "text" : o.prompt !== undefined ? "prompt" : "text";
    const text = o[textField];
    if (!nonEmpty(text)) fail(textField, text === undefined ? "missing" : "expected a non-empty string");
    if (!nonEmpty(o.code)) fail("code", o.code === undefined ? "missing" : "expected a non-empty string");
    const tl = o.test_list;
    if (!Array.isArray(tl) || tl.length === 0 || !tl.every(nonEmpty)) fail("test_list", tl === undefined ? "missing" : "expected a non-empty array of assert statements");
    let setup: string | null = null;
    if (o.test_setup_code !== undefined && o.test_setup_code !== null) {
        if (typeof o.test_setup_code !== "string") fail("test_setup_code", "expected a string");
        setup = lf(o.test_setup_code as string);
    } else if (Array.isArray(o.test_imports)) {
        if (!o.test_imports.every((s) => typeof s === "string")) fail("test_imports", "expected an array of strings");
        setup = (o.test_imports as string[]).join("\n");
    }
    const code = lf(o.code as string);
    const tests = (tl as string[]).map((t) => lf(t).trim());
    const entry = pythonEntry(code, tests[0]);
    const hint = entry ? `The function must be named \`${entry.name}\` and take (${entry.params}). ` : "";
    const question = `${(text as string).trim()}\n${hint}Your code should pass this test:\n${tests[0]}`;
    return {
        id: `mbpp-${String(tid).trim()}`,
        task: "mbpp",
        family: "code",
        question,
        choices: null,
        answer: code,
        answer_index: null,
        tests,
        test_setup: setup && setup.trim() ? setup : null,
        entry_point: entry?.name ?? null
    };
}

export async function importMbpp(path: string, opts: ImportOptions = {}): Promise<ImportResult> {
    const text = await readText(path);
    const col = new Collector(opts);
    eachJsonLine(text, path, col, (raw, line) => toItem(raw as Record<string, unknown>, path, line));
    return { set: { name: basename(path, extname(path)), source: path, items: col.items }, skipped: col.skipped };
}
