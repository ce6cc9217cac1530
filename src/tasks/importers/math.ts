// MATH (Hendrycks et al.): problems {problem, level, type, solution}, as one JSON file per problem
// (MATH/test/algebra/1.json), a directory of them (read recursively), a JSON array, or JSONL
// (e.g. MATH-500, whose `unique_id` "test/algebra/1.json" becomes the id). The gold answer is the
// content of the solution's \boxed{} (or \fbox{}); a solution with several different boxed answers
// ("the roots are \boxed{2} and \boxed{3}") keeps all of them, as "\boxed{2}, \boxed{3}".
import { readdir } from "node:fs/promises";
import { basename, extname, join, relative } from "node:path";
import { boxedContents } from "../../verify/extract.js";
import type { TaskItem } from "../types.js";
import { Collector, eachJsonLine, failer, isObject, lineFinder, nonEmpty, readItemText, scanJson, slug, type ImportOptions, type ImportResult, statTaskPath, readJsonFile } from "./common.js";

/**
 * The gold of a MATH solution: the content of its \boxed{...}/\fbox{...} (else of `\boxed x`). Several
 * different boxed answers are all kept, each re-boxed ("\boxed{2}, \boxed{3}"), so the verifier sees the
 * whole set; a repeated one (a second method boxing the same value) counts once. Null if none.
 */
export function mathGold(solution: string): string | null {
    let parts = [...new Set(boxedContents(solution).filter((b) => b.trim()))];
    if (parts.length === 0) parts = [...new Set([...solution.matchAll(/\\boxed\s+([^\s${}]+)/g)].map((m) => m[1]!))];
    if (parts.length === 0) return null;
    return parts.length === 1 ? parts[0]! : parts.map((p) => `\\boxed{${p}}`).join(", ");
}

/** Builds one item; `lineOf(key)` gives the line of a key of the record (the record's own line if unknown). */
function toItem(o: unknown, file: string, line: number, idFor: (task: string) => string, lineOf: (key: string) => number = () => line): TaskItem {
    if (!isObject(o)) failer(file, line)(null, "expected a MATH problem object {problem, solution, level, type}");
    const r = o as Record<string, unknown>;
    if (!nonEmpty(r.problem)) failer(file, lineOf("problem"))("problem", r.problem === undefined ? "missing" : "expected a non-empty string");
    if (!nonEmpty(r.solution)) failer(file, lineOf("solution"))("solution", r.solution === undefined ? "missing" : "expected a non-empty string");
    const gold = mathGold(r.solution as string);
    if (gold === null || !gold.trim()) failer(file, lineOf("solution"))("solution", "has no \\boxed{} answer");
    const type = nonEmpty(r.type) ? slug(r.type) : "";
    const task = type ? `math-${type}` : "math";
    return { id: idFor(task), task, family: "math", question: (r.problem as string).trim(), choices: null, answer: gold!, answer_index: null, tests: null, test_setup: null };
}

async function jsonFiles(dir: string): Promise<string[]> {
    const out: string[] = [];
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => a.name.localeCompare(b.name, "en", { numeric: true }));
    for (const e of entries) {
        const p = join(dir, e.name);
        if (e.isDirectory()) out.push(...(await jsonFiles(p)));
        else if (e.isFile() && /\.json$/i.test(e.name)) out.push(p);
    }
    return out;
}

/** Items of one .json file (a problem object or an array of them) into the collector. */
async function addJsonFile(file: string, col: Collector, idBase: string): Promise<void> {
    const read = await readJsonFile(file, col);
    if (!read) return;
    const { text, json } = read;
    const { keys, elements } = scanJson(text);
    const lineAt = lineFinder(text);
    if (Array.isArray(json)) {
        const starts = elements.get("") ?? [];
        json.forEach((o, i) => {
            const line = starts[i] !== undefined ? lineAt(starts[i]!) : 1;
            col.add(() => toItem(o, file, line, () => `${idBase}-${i + 1}`), { file, line });
        });
    } else {
        const lineOf = (k: string) => (keys.has(k) ? lineAt(keys.get(k)!) : 1);
        col.add(() => toItem(json, file, 1, () => idBase, lineOf), { file, line: 1 });
    }
}

export async function importMath(path: string, opts: ImportOptions = {}): Promise<ImportResult> {
    const col = new Collector(opts);
    const name = basename(path, extname(path));
    const isDir = (await statTaskPath(path)).isDirectory();
    if (isDir) {
        const files = await jsonFiles(path);
        if (files.length === 0) throw new Error(`no MATH .json problem files under ${path}`);
        for (const f of files) await addJsonFile(f, col, `math-${slug(relative(path, f).replace(/\.json$/i, ""))}`);
        return { set: { name: basename(path), source: path, items: col.items }, skipped: col.skipped };
    }
    if (/\.jsonl$/i.test(path)) {
        const { text } = await readItemText(path, col, opts);
        eachJsonLine(text, path, col, (raw, line) => {
            const r = raw as Record<string, unknown>;
            const uid = r.unique_id ?? r.id;
            const own = nonEmpty(uid) || typeof uid === "number" ? slug(String(uid).replace(/\.json$/i, "")) : "";
            return toItem(raw, path, line, () => (own ? `math-${own}` : `math-${line}`));
        });
    } else {
        await addJsonFile(path, col, `math-${slug(name)}`);
        // A single problem file is named after its number ("1.json"): qualify it with the type.
        const only = col.items.length === 1 ? col.items[0]! : null;
        if (only && /^\d+$/.test(name)) only.id = `${only.task}-${name}`;
    }
    return { set: { name, source: path, items: col.items }, skipped: col.skipped };
}
