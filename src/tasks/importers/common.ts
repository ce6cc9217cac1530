// Shared plumbing of the native-format importers: reading files, locating JSON values by line,
// collecting per-item errors (throw the first, or skip and report them with skipInvalid).
import { stat } from "node:fs/promises";
import type { Stats } from "node:fs";
import { namespaceIds } from "../ids.js";
import { TaskFormatError } from "../jsonl.js";
import { readTaskText, readText } from "../readText.js";
import type { TaskItem, TaskSet } from "../types.js";

export interface ImportOptions {
    /** Skip invalid items (collecting their errors) instead of throwing on the first one. */
    skipInvalid?: boolean;
}

export interface ImportResult {
    set: TaskSet;
    /** Errors of the items that were skipped (only ever non-empty with skipInvalid). */
    skipped: TaskFormatError[];
}

export type Importer = (path: string, opts?: ImportOptions) => Promise<ImportResult>;

export { readText } from "../readText.js";

/**
 * The text of a file read line by line (JSONL, LogiQA blocks): a line of invalid UTF-8 is an error
 * of that line; with skipInvalid it is recorded in the collector and emptied (or, with `blank`
 * false, kept lossily decoded: the caller drops the item holding one of `invalidLines`).
 */
export async function readItemText(path: string, col: Collector, opts: ImportOptions, blank = true): Promise<{ text: string; invalidLines: Set<number> }> {
    const { text, invalid } = await readTaskText(path, { invalid: opts.skipInvalid ? "skip" : "throw", blankSkipped: blank });
    for (const e of invalid) col.fail(e);
    return { text, invalidLines: new Set(invalid.map((e) => e.line)) };
}

/** 1-based line of a character offset. */
export function lineAt(text: string, offset: number): number {
    return lineFinder(text)(offset);
}

/** A fast offset -> 1-based line lookup for repeated queries on one text. */
export function lineFinder(text: string): (offset: number) => number {
    const nl: number[] = [];
    for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) nl.push(i);
    return (offset) => {
        let lo = 0;
        let hi = nl.length;
        while (lo < hi) {
            const mid = (lo + hi) >> 1;
            if (nl[mid]! < offset) lo = mid + 1;
            else hi = mid;
        }
        return lo + 1;
    };
}

/** Parses whole-file JSON; a syntax error becomes a TaskFormatError on the line of the error when Node reports it. */
/** A JSON task file's text and value; null (the error handed to the collector) when unreadable or not JSON. */
export async function readJsonFile(file: string, col: Collector): Promise<{ text: string; json: unknown } | null> {
    try {
        const text = await readText(file);
        return { text, json: parseJson(text, file) };
    } catch (e) {
        col.fail(e);
        return null;
    }
}

export function parseJson(text: string, file: string): unknown {
    try {
        return JSON.parse(text);
    } catch (e) {
        const msg = (e as Error).message;
        const lc = /line (\d+) column/.exec(msg);
        const pos = /position (\d+)/.exec(msg);
        const line = lc ? Number(lc[1]) : pos ? lineAt(text, Number(pos[1])) : 1;
        throw new TaskFormatError(file, line, null, `invalid JSON: ${msg}`);
    }
}

/**
 * A cheap scan of JSON text: offsets of the keys of the top-level object, and of the start of every
 * element of top-level arrays (the document itself, or the value of a top-level key).
 */
export function scanJson(text: string): { keys: Map<string, number>; elements: Map<string, number[]> } {
    const keys = new Map<string, number>();
    const elements = new Map<string, number[]>();
    const stack: string[] = []; // "{" or "[" per open container
    let lastKey = "";
    let arrayKey: string | null = null; // key owning the depth-1/2 array being scanned
    let expectValue = true;
    for (let i = 0; i < text.length; i++) {
        const c = text[i]!;
        if (/\s/.test(c) || c === ":") continue;
        const depth = stack.length;
        const inTopArray = arrayKey !== null && stack[depth - 1] === "[" && depth === (arrayKey === "" ? 1 : 2);
        if (inTopArray && expectValue && c !== "]" && c !== ",") elements.get(arrayKey!)!.push(i);
        if (c === ",") { expectValue = true; continue; }
        expectValue = false;
        if (c === '"') {
            const start = i;
            for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === "\\") i++;
            if (depth === 1 && stack[0] === "{" && /^\s*:/.test(text.slice(i + 1, i + 20))) {
                lastKey = JSON.parse(text.slice(start, i + 1)) as string;
                if (!keys.has(lastKey)) keys.set(lastKey, start);
                expectValue = true;
            }
        } else if (c === "{" || c === "[") {
            if (c === "[" && depth === 0) { arrayKey = ""; elements.set("", []); }
            if (c === "[" && depth === 1 && stack[0] === "{") { arrayKey = lastKey; elements.set(lastKey, []); }
            stack.push(c);
            expectValue = c === "[";
        } else if (c === "}" || c === "]") {
            stack.pop();
            if (c === "]" && arrayKey !== null && stack.length === (arrayKey === "" ? 0 : 1)) arrayKey = null;
        }
    }
    return { keys, elements };
}

/**
 * Offsets in valid JSON text of the values at paths ("examples/3", "examples/3/target_scores": the
 * key's offset for object members, the element's start for array elements) for which `keep(path,
 * depth)` holds (the whole text is scanned; only those are stored).
 */
export function jsonPaths(text: string, keep: (path: string, depth: number) => boolean): Map<string, number> {
    const out = new Map<string, number>();
    let i = 0;
    const ws = () => {
        for (let c = text.charCodeAt(i); c === 32 || c === 10 || c === 13 || c === 9; c = text.charCodeAt(++i));
    };
    const str = (): string => {
        const start = i++;
        while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
        i++;
        return JSON.parse(text.slice(start, i)) as string;
    };
    const value = (path: string, depth: number): void => {
        ws();
        const c = text[i];
        if (c === "{" || c === "[") {
            i++;
            ws();
            if (text[i] === "}" || text[i] === "]") {
                i++;
                return;
            }
            for (let n = 0; ; n++) {
                ws();
                const at = i;
                const key = c === "{" ? str() : String(n);
                if (c === "{") {
                    ws();
                    i++; // ":"
                }
                const p = path ? `${path}/${key}` : key;
                if (keep(p, depth + 1)) out.set(p, at);
                value(p, depth + 1);
                ws();
                if (text[i++] !== ",") return;
            }
        }
        if (c === '"') str();
        else while (i < text.length && !/[\s,\]}]/.test(text[i]!)) i++;
    };
    if (text.charCodeAt(0) === 0xfeff) i = 1;
    value("", 0);
    return out;
}

/**
 * Collects items; each attempt either yields items or a TaskFormatError (thrown unless skipInvalid).
 * Ids must be unique within a scope (default: one scope for all); see namespace().
 */
export class Collector {
    readonly items: TaskItem[] = [];
    readonly skipped: TaskFormatError[] = [];
    private readonly seen = new Map<string, string>();
    private readonly scopes: string[] = [];
    constructor(private readonly opts: ImportOptions) {}

    /** Runs `make`; a TaskFormatError it throws is rethrown or recorded. Duplicate ids within a scope are errors. */
    add(make: () => TaskItem | null, where?: { file: string; line: number }, scope: string | ((item: TaskItem) => string) = ""): void {
        try {
            const item = make();
            if (!item) return;
            const sc = typeof scope === "function" ? scope(item) : scope;
            const key = `${sc}\u0000${item.id}`;
            const first = this.seen.get(key);
            if (first !== undefined && where) throw new TaskFormatError(where.file, where.line, "id", `duplicate id "${item.id}"${sc ? ` within "${sc}"` : ""} (first used at ${first})`);
            this.seen.set(key, where ? `${where.file}:${where.line}` : "?");
            this.items.push(item);
            this.scopes.push(sc);
        } catch (e) {
            this.fail(e);
        }
    }

    /** When an id recurs in several scopes (BIG-bench subtasks), every id becomes "<scope>/<id>". */
    namespace(): void {
        namespaceIds(this.items, (_, i) => this.scopes[i]!);
    }

    /** Records (skipInvalid) or rethrows an error. Non-format errors always propagate. */
    fail(e: unknown): void {
        if (!(e instanceof TaskFormatError) || !this.opts.skipInvalid) throw e;
        this.skipped.push(e);
    }
}

/** A thrower bound to a file and line. */
export const failer = (file: string, line: number) => (field: string | null, detail: string): never => {
    throw new TaskFormatError(file, line, field, detail);
};

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
export const nonEmpty = (v: unknown): v is string => typeof v === "string" && v.trim() !== "";

/** Lower-case slug: "Counting & Probability" -> "counting-probability". */
export const slug = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");

/** "Your code should pass these tests:" and every test, as the paper's MBPP prompt shows them. */
export function testsBlock(tests: string[]): string {
    return `Your code should pass these tests:\n\n${tests.join("\n")}`;
}

/** The question of a code item with all its tests shown, unless it already shows them. */
export function withTests(question: string, tests: string[]): string {
    const q = question.trim();
    if (tests.length === 0 || tests.every((t) => q.includes(t.trim())) || /pass (?:these|the following|all (?:of )?the) tests/i.test(q)) return q;
    return `${q}\n\n${testsBlock(tests)}`;
}

/** The first `def` in Python code whose name the test calls, else the first `def`. */
export function pythonEntry(code: string, test?: string): { name: string; params: string } | null {
    const defs = [...code.matchAll(/^\s*def\s+([A-Za-z_]\w*)\s*\(([^)]*)\)/gm)].map((m) => ({ name: m[1]!, params: m[2]!.replace(/\s+/g, " ").trim() }));
    if (defs.length === 0) return null;
    return (test && defs.find((d) => new RegExp(`\\b${d.name}\\s*\\(`).test(test))) || defs[0]!;
}

/** Runs `make` on every non-blank JSONL line (parsed), through the collector; bad JSON is an error of that line. */
export function eachJsonLine(text: string, file: string, col: Collector, make: (raw: unknown, line: number) => TaskItem | null, scope?: (item: TaskItem) => string): void {
    const lines = text.split(/\r?\n/);
    for (let i = 0; i < lines.length; i++) {
        const src = lines[i]!;
        if (!src.trim()) continue;
        const line = i + 1;
        col.add(() => {
            let raw: unknown;
            try {
                raw = JSON.parse(src);
            } catch (e) {
                throw new TaskFormatError(file, line, null, `invalid JSON: ${(e as Error).message}`);
            }
            if (!isObject(raw)) throw new TaskFormatError(file, line, null, "expected a JSON object");
            return make(raw, line);
        }, { file, line }, scope);
    }
}

/** stat() of a task path, with "task file not found" for a missing one. */
export async function statTaskPath(path: string): Promise<Stats> {
    try {
        return await stat(path);
    } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") throw new Error(`task file not found: ${path}`);
        throw e;
    }
}
