// BIG-bench JSON tasks: a `task.json` of the form
//   {name, description, task_prefix?, example_input_prefix?, examples: [{input, target_scores?, target?}]}
// An example with `target_scores` ({option: score}) becomes a multiple-choice item (options in key
// order, gold = the single highest positive score); one with only `target` (a string or a list of
// accepted strings) becomes a free-text item (answer = first target, answers = all of them).
import { basename, dirname, extname } from "node:path";
import type { TaskItem } from "../types.js";
import { Collector, failer, isObject, letterOf, lineFinder, nonEmpty, parseJson, readText, scanJson, type ImportOptions, type ImportResult } from "./common.js";

const describe = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "an array" : typeof v);

/** The task name: the JSON's "name", else the parent folder ("strategyqa/task.json"), else the file stem. */
function taskName(json: Record<string, unknown>, path: string): string {
    if (nonEmpty(json.name)) return json.name.trim();
    const stem = basename(path, extname(path));
    return stem === "task" ? basename(dirname(path)) || stem : stem;
}

export async function importBigBench(path: string, opts: ImportOptions = {}): Promise<ImportResult> {
    const text = await readText(path);
    const json = parseJson(text, path);
    const { keys, elements } = scanJson(text);
    const lineAt = lineFinder(text);
    const top = failer(path, 1);
    if (!isObject(json)) top(null, `expected a BIG-bench task object, got ${describe(json)}`);
    const o = json as Record<string, unknown>;
    const keyLine = (k: string) => (keys.has(k) ? lineAt(keys.get(k)!) : 1);
    if (!Array.isArray(o.examples)) failer(path, keyLine("examples"))("examples", o.examples === undefined ? "missing (a BIG-bench task.json has an \"examples\" array)" : `expected an array, got ${describe(o.examples)}`);

    const task = taskName(o, path);
    let prefix = "";
    if (o.task_prefix !== undefined && o.task_prefix !== null) {
        if (typeof o.task_prefix !== "string") failer(path, keyLine("task_prefix"))("task_prefix", `expected a string, got ${describe(o.task_prefix)}`);
        prefix = (o.task_prefix as string).trim();
    }
    const inputPrefix = typeof o.example_input_prefix === "string" ? o.example_input_prefix.trim() : "";
    const starts = elements.get("examples") ?? [];
    const examples = o.examples as unknown[];
    const col = new Collector(opts);
    examples.forEach((ex, i) => {
        const line = starts[i] !== undefined ? lineAt(starts[i]!) : keyLine("examples");
        col.add(() => toItem(ex, i, task, prefix, inputPrefix, failer(path, line)), { file: path, line });
    });
    return { set: { name: task, source: path, items: col.items }, skipped: col.skipped };
}

function toItem(ex: unknown, index: number, task: string, prefix: string, inputPrefix: string, fail: ReturnType<typeof failer>): TaskItem {
    if (!isObject(ex)) fail(null, `example ${index}: expected an object, got ${describe(ex)}`);
    const e = ex as Record<string, unknown>;
    if (!nonEmpty(e.input)) fail("input", e.input === undefined ? "missing" : "expected a non-empty string");
    const input = (e.input as string).trim();
    const body = inputPrefix ? `${inputPrefix} ${input}` : input;
    const question = prefix ? `${prefix}\n\n${body}` : body;
    const base = { id: `${task}-${index}`, task, question, tests: null, test_setup: null };

    if (e.target_scores !== undefined && e.target_scores !== null) {
        if (!isObject(e.target_scores)) fail("target_scores", `expected an object {option: score}, got ${describe(e.target_scores)}`);
        const entries = Object.entries(e.target_scores as Record<string, unknown>);
        if (entries.length < 2) fail("target_scores", `expected at least 2 options, got ${entries.length}`);
        if (entries.length > 26) fail("target_scores", `expected at most 26 options, got ${entries.length}`);
        const scores = entries.map(([k, v]) => {
            const s = typeof v === "boolean" ? Number(v) : v;
            if (typeof s !== "number" || !Number.isFinite(s)) fail("target_scores", `score of "${k}" is not a number`);
            return s as number;
        });
        const best = Math.max(...scores);
        if (!(best > 0)) fail("target_scores", "no option has a positive score");
        const top = scores.flatMap((s, j) => (s === best ? [j] : []));
        if (top.length > 1) fail("target_scores", `tie: options ${top.map((j) => `"${entries[j]![0]}"`).join(", ")} share the highest score ${best}`);
        const idx = top[0]!;
        return { ...base, family: "mc", choices: entries.map(([k]) => k), answer: letterOf(idx), answer_index: idx };
    }

    const t = e.target;
    if (t === undefined || t === null) fail("target", "missing (an example needs target_scores or target)");
    const list = (Array.isArray(t) ? t : [t]).map((x) => (typeof x === "number" && Number.isFinite(x) ? String(x) : x));
    if (list.length === 0 || !list.every(nonEmpty)) fail("target", "expected a non-empty string or a list of non-empty strings");
    const answers = [...new Set((list as string[]).map((s) => s.trim()))];
    const item: TaskItem = { ...base, family: "text", choices: null, answer: answers[0]!, answer_index: null };
    if (answers.length > 1) item.answers = answers;
    return item;
}
