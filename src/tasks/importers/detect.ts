// Chooses an importer by the shape of a file (or an explicit format) and runs it.
import { readdir } from "node:fs/promises";
import { basename, extname, join } from "node:path";
import { loadTaskJsonl } from "../jsonl.js";
import { letterIndex, splitInlineOptions } from "../options.js";
import { importBigBench } from "./bigbench.js";
import { isObject, readText, type ImportOptions, type ImportResult, type Importer, statTaskPath } from "./common.js";
import { importLogiQA } from "./logiqa.js";
import { importMath } from "./math.js";
import { importMbpp } from "./mbpp.js";
import { importReflectEvo, looksLikeReflectEvo } from "./reflectevo.js";

export const FORMATS = ["reflect-lab", "bigbench", "logiqa", "mbpp", "math", "reflectevo"] as const;
export type Format = (typeof FORMATS)[number];

export function isFormat(s: string): s is Format {
    return (FORMATS as readonly string[]).includes(s);
}

const IMPORTERS: Record<Format, Importer> = {
    "reflect-lab": loadTaskJsonl,
    bigbench: importBigBench,
    logiqa: importLogiQA,
    mbpp: importMbpp,
    math: importMath,
    reflectevo: importReflectEvo
};

/** All keys reflect-lab's own JSONL schema knows. */
const OWN_KEYS = new Set(["id", "task", "family", "question", "choices", "answer", "answer_index", "tests", "test_setup", "entry_point"]);
const has = (o: Record<string, unknown>, ...keys: string[]) => keys.every((k) => k in o);

/** The format of one parsed record (of a .json file or a JSONL line), or null if unrecognised. */
function recordFormat(o: Record<string, unknown>): Format | null {
    if ((has(o, "text") || has(o, "prompt") || has(o, "question")) && has(o, "code", "test_list")) return "mbpp";
    if (has(o, "problem", "solution")) return "math";
    if (has(o, "id", "question", "answer")) {
        // Own items: a field only reflect-lab writes, or nothing but reflect-lab's fields.
        if (["choices", "tests", "answer_index", "family"].some((k) => k in o) || Object.keys(o).every((k) => OWN_KEYS.has(k))) return "reflect-lab";
    }
    return looksLikeReflectEvo(o) ? "reflectevo" : null;
}

/** Fields only reflect-lab's own schema has. */
const OWN_ONLY = ["choices", "tests", "answer_index", "family"];
/** The test files of the ReflectEvo release (data/data_source/logiqa_test.jsonl, ...). */
const REFLECTEVO_NAME = /^(?:logiqa|bigbench|bigbench_?free|math|mbpp)(?:[-_.](?:test|train|dev|val|eval))?$/i;

/**
 * Records that fit reflect-lab's schema by their keys alone ({id, question, answer}) are ReflectEvo's
 * when the file is named like its test files, a question lists its options with a letter as the
 * answer (LogiQA), or an id recurs across tasks (BIG-bench subtasks).
 */
function reflectEvoShaped(path: string, records: Record<string, unknown>[]): boolean {
    if (records.some((o) => OWN_ONLY.some((k) => k in o))) return false;
    if (REFLECTEVO_NAME.test(basename(path, extname(path)))) return true;
    const scope = new Map<string, unknown>();
    for (const o of records) {
        const q = o.question;
        const a = typeof o.answer === "string" ? o.answer : null;
        if (typeof q === "string" && a !== null && letterIndex(a) !== null && splitInlineOptions(q)) return true;
        const id = String(o.id);
        if (scope.has(id) && scope.get(id) !== o.task) return true;
        scope.set(id, o.task);
    }
    return false;
}

const keysSeen = (o: unknown) => (isObject(o) ? `keys seen: ${Object.keys(o).slice(0, 12).join(", ") || "(none)"}` : `not a JSON object`);
const hint = `; pass --format (one of ${FORMATS.join(", ")})`;

/**
 * The format of a directory, from the first .json file below it (breadth-first, a bounded search):
 * a BIG-bench task folder (task.json, possibly per subtask) or MATH problem files (problem+solution).
 */
async function dirFormat(dir: string): Promise<Format | null> {
    const queue = [dir];
    for (let visited = 0; queue.length > 0 && visited < 200; visited++) {
        const d = queue.shift()!;
        const entries = (await readdir(d, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
        if (entries.some((e) => e.isFile() && e.name.toLowerCase() === "task.json")) return "bigbench";
        for (const e of entries) {
            if (e.isDirectory()) queue.push(join(d, e.name));
            else if (e.isFile() && /\.json$/i.test(e.name)) {
                try {
                    const o: unknown = JSON.parse(await readText(join(d, e.name), { invalid: "lossy" }));
                    if (isObject(o) && has(o, "problem", "solution")) return "math";
                    return isObject(o) && ("examples" in o || "subtasks" in o) ? "bigbench" : null;
                } catch {
                    return null;
                }
            }
        }
    }
    return null;
}

/** The format of a task file or directory, from its shape. Throws naming the file when unrecognised. */
export async function detectFormat(path: string): Promise<Format> {
    const st = await statTaskPath(path);
    if (st.isDirectory()) {
        const f = await dirFormat(path);
        if (f) return f;
        throw new Error(`cannot detect the task format of directory ${path}: expected BIG-bench task.json files or MATH problem .json files (with "problem" and "solution")${hint}`);
    }
    const ext = extname(path).toLowerCase();
    if (ext === ".txt") return "logiqa";
    if (ext === ".json") {
        // Detection reads leniently: the importer reports invalid UTF-8 by line (or skips it).
        const text = await readText(path, { invalid: "lossy" });
        let o: unknown;
        try {
            o = JSON.parse(text);
        } catch {
            // Let the importer report where the JSON breaks.
            if (basename(path).toLowerCase() === "task.json") return "bigbench";
            if (/"problem"\s*:/.test(text) && /"solution"\s*:/.test(text)) return "math";
            throw new Error(`cannot detect the task format of ${path}: invalid JSON${hint}`);
        }
        if (isObject(o) && ("examples" in o || "subtasks" in o || basename(path).toLowerCase() === "task.json")) return "bigbench";
        const first = Array.isArray(o) ? o[0] : o;
        if (isObject(first) && has(first, "problem", "solution")) return "math";
        throw new Error(`cannot detect the task format of ${path}: expected a BIG-bench task (with "examples") or a MATH problem (with "problem" and "solution"); ${keysSeen(first)}${hint}`);
    }
    if (ext === ".jsonl") {
        const lines = (await readText(path, { invalid: "lossy" })).split(/\r?\n/).filter((l) => l.trim());
        if (lines.length === 0) return "reflect-lab";
        // Judge by the first line that parses (a broken first line is reported by the importer), and
        // by a sample of the records where reflect-lab's schema and ReflectEvo's look alike.
        const sample: unknown[] = [];
        for (const l of lines.slice(0, 500)) {
            try {
                sample.push(JSON.parse(l));
            } catch {
                continue;
            }
        }
        if (sample.length === 0) return "reflect-lab";
        const seen = sample[0];
        const f = isObject(seen) ? recordFormat(seen) : null;
        if (f === "reflect-lab" && reflectEvoShaped(path, sample.filter(isObject))) return "reflectevo";
        if (f) return f;
        throw new Error(`cannot detect the task format of ${path}: the first record is not a reflect-lab task, an MBPP problem, a MATH problem or a question/answer record; ${keysSeen(seen)}${hint}`);
    }
    throw new Error(`cannot detect the task format of ${path}: expected a .jsonl, .json or .txt file or a MATH directory${hint}`);
}

export interface ImportTasksOptions extends ImportOptions {
    /** A Format, or "auto"/undefined to detect it from the file. */
    format?: Format | "auto" | string;
}

/** Reads a task file in any supported format into a TaskSet (see detectFormat). */
export async function importTasks(path: string, opts: ImportTasksOptions = {}): Promise<ImportResult & { format: Format }> {
    const f = opts.format ?? "auto";
    if (f !== "auto" && !isFormat(f)) throw new Error(`unknown task format "${f}": expected auto or one of ${FORMATS.join(", ")}`);
    const format = f === "auto" ? await detectFormat(path) : f;
    const result = await IMPORTERS[format](path, { skipInvalid: opts.skipInvalid });
    return { ...result, format };
}
