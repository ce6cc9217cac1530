// BIG-bench JSON tasks: a `task.json` of the form
//   {name, description, task_prefix?, example_input_prefix?, examples: [{input, target_scores?, target?, id?}]}
// An example with `target_scores` ({option: score}) becomes a multiple-choice item (options in key
// order, gold = the single highest positive score); one with only `target` (a string or a list of
// accepted strings) becomes a free-text item (answer = first target, answers = all of them).
// Subtasks: a task.json with a `subtasks` array of such objects, a parent task.json without examples
// whose sub-folders hold the subtasks' task.json, or a folder of task.json files. Ids are
// `<subtask>-<index>` (or the example's own `id`/`idx`) and unique within a subtask; when one recurs
// across subtasks every id becomes "<subtask>/<id>".
import { readdir } from "node:fs/promises";
import { basename, dirname, extname, join } from "node:path";
import { letterOf, stripListedOptions } from "../options.js";
import type { TaskItem } from "../types.js";
import { Collector, failer, isObject, jsonPaths, lineFinder, nonEmpty, type ImportOptions, type ImportResult, statTaskPath, readJsonFile } from "./common.js";

const describe = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "an array" : typeof v);

/** The task name: the JSON's "name", else the parent folder ("strategyqa/task.json"), else the file stem. */
function taskName(json: Record<string, unknown>, path: string): string {
    if (nonEmpty(json.name)) return json.name.trim();
    const stem = basename(path, extname(path));
    return stem === "task" ? basename(dirname(path)) || stem : stem;
}

/** Every task.json below `dir` (sorted, depth-first), or every .json when there is no task.json. */
async function taskFiles(dir: string, names: RegExp = /^task\.json$/i): Promise<string[]> {
    const out: string[] = [];
    const walk = async (d: string) => {
        const entries = (await readdir(d, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name, "en", { numeric: true }));
        for (const e of entries) {
            const p = join(d, e.name);
            if (e.isDirectory()) await walk(p);
            else if (e.isFile() && names.test(e.name)) out.push(p);
        }
    };
    await walk(dir);
    return out;
}

/** The import's collector; each subtask is one id scope, labelled by its name (made unique). */
interface Reader {
    col: Collector;
    /** Subtask labels used so far (a repeated name becomes "name-2"). */
    labels: Map<string, number>;
}

function label(r: Reader, name: string): string {
    const n = (r.labels.get(name) ?? 0) + 1;
    r.labels.set(name, n);
    return n === 1 ? name : `${name}-${n}`;
}

export async function importBigBench(path: string, opts: ImportOptions = {}): Promise<ImportResult> {
    const st = await statTaskPath(path);
    const r: Reader = { col: new Collector(opts), labels: new Map() };
    let name: string;
    if (st.isDirectory()) {
        let files = await taskFiles(path);
        if (files.length === 0) files = await taskFiles(path, /\.json$/i);
        if (files.length === 0) throw new Error(`no BIG-bench task.json files under ${path}`);
        for (const f of files) await readFile(f, r, { skipParents: true });
        name = basename(path);
    } else name = await readFile(path, r, { skipParents: false });
    r.col.namespace();
    return { set: { name, source: path, items: r.col.items }, skipped: r.col.skipped };
}

/** Reads one task.json (with its subtasks); returns its task name. */
async function readFile(file: string, r: Reader, how: { skipParents: boolean }): Promise<string> {
    const read = await readJsonFile(file, r.col);
    if (!read) return basename(dirname(file));
    const { text, json } = read;
    const paths = jsonPaths(text, (p, d) => d <= 3 || (p.startsWith("subtasks/") && d <= 5));
    const lineAt = lineFinder(text);
    const lineOf = (p: string, fallback = 1) => (paths.has(p) ? lineAt(paths.get(p)!) : fallback);
    const task = isObject(json) ? taskName(json, file) : basename(dirname(file));
    try {
        if (!isObject(json)) failer(file, 1)(null, `expected a BIG-bench task object, got ${describe(json)}`);
        const o = json as Record<string, unknown>;
        if (Array.isArray(o.subtasks) && o.examples === undefined) {
            (o.subtasks as unknown[]).forEach((sub, s) => {
                const at = `subtasks/${s}`;
                try {
                    if (!isObject(sub)) failer(file, lineOf(at))("subtasks", `subtask ${s}: expected an object, got ${describe(sub)}`);
                    const subName = nonEmpty((sub as Record<string, unknown>).name) ? ((sub as Record<string, unknown>).name as string).trim() : `${task}-${s}`;
                    readTask(sub as Record<string, unknown>, `${at}/`, subName, file, lineOf, r);
                } catch (e) {
                    r.col.fail(e); // skipInvalid: the other subtasks still count
                }
            });
            return task;
        }
        if (o.examples === undefined) {
            // A parent task: its subtasks are the task.json files in its sub-folders.
            const subs = (await taskFiles(dirname(file))).filter((f) => f !== file);
            if (subs.length > 0) {
                if (!how.skipParents) for (const f of subs) await readFile(f, r, { skipParents: true });
                return task;
            }
        }
        readTask(o, "", task, file, lineOf, r);
    } catch (e) {
        r.col.fail(e);
    }
    return task;
}

/** One task object's examples; `base` is its path in the file ("" or "subtasks/2/"). */
function readTask(o: Record<string, unknown>, base: string, task: string, file: string, lineOf: (p: string, fallback?: number) => number, r: Reader): void {
    const keyLine = (k: string) => lineOf(`${base}${k}`, lineOf(base.replace(/\/$/, "")));
    if (!Array.isArray(o.examples)) failer(file, keyLine("examples"))("examples", o.examples === undefined ? "missing (a BIG-bench task.json has an \"examples\" array)" : `expected an array, got ${describe(o.examples)}`);
    let prefix = "";
    if (o.task_prefix !== undefined && o.task_prefix !== null) {
        if (typeof o.task_prefix !== "string") failer(file, keyLine("task_prefix"))("task_prefix", `expected a string, got ${describe(o.task_prefix)}`);
        prefix = (o.task_prefix as string).trim();
    }
    const inputPrefix = typeof o.example_input_prefix === "string" ? o.example_input_prefix.trim() : "";
    const scope = label(r, task);
    (o.examples as unknown[]).forEach((ex, i) => {
        const at = `${base}examples/${i}`;
        const line = lineOf(at, keyLine("examples"));
        const fail = (field: string | null, detail: string): never => failer(file, field ? lineOf(`${at}/${field}`, line) : line)(field, detail);
        r.col.add(() => toItem(ex, i, task, prefix, inputPrefix, fail), { file, line }, scope);
    });
}

function toItem(ex: unknown, index: number, task: string, prefix: string, inputPrefix: string, fail: (field: string | null, detail: string) => never): TaskItem {
    if (!isObject(ex)) fail(null, `example ${index}: expected an object, got ${describe(ex)}`);
    const e = ex as Record<string, unknown>;
    // An empty input is fine when the task prefix asks the question (cause_and_effect/one_sentence).
    if (typeof e.input !== "string" || (!e.input.trim() && !prefix && !inputPrefix)) fail("input", e.input === undefined ? "missing" : "expected a non-empty string");
    let id = `${task}-${index}`;
    const own = e.id ?? e.idx;
    if (own !== undefined && own !== null) {
        const k = e.id !== undefined && e.id !== null ? "id" : "idx";
        if (!(typeof own === "number" && Number.isFinite(own)) && !nonEmpty(own)) fail(k, "expected a number or a non-empty string");
        id = String(own).trim();
    }
    const compose = (input: string) => {
        const body = [inputPrefix, input].filter(Boolean).join(" ");
        return [prefix, body].filter(Boolean).join("\n\n");
    };
    const input = (e.input as string).trim();
    const base = { id, task, tests: null, test_setup: null };

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
        const choices = entries.map(([k]) => k);
        // An input that already lists the options keeps only its stem: the prompt shows them once.
        return { ...base, question: compose(stripListedOptions(input, choices)), family: "mc", choices, answer: letterOf(idx), answer_index: idx };
    }

    const t = e.target;
    if (t === undefined || t === null) fail("target", "missing (an example needs target_scores or target)");
    const list = (Array.isArray(t) ? t : [t]).map((x) => (typeof x === "number" && Number.isFinite(x) ? String(x) : x));
    if (list.length === 0 || !list.every(nonEmpty)) fail("target", "expected a non-empty string or a list of non-empty strings");
    const answers = [...new Set((list as string[]).map((s) => s.trim()))];
    const item: TaskItem = { ...base, question: compose(input), family: "text", choices: null, answer: answers[0]!, answer_index: null };
    if (answers.length > 1) item.answers = answers;
    return item;
}
