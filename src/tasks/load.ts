import { stat } from "node:fs/promises";
import { notRegular } from "../inputFile.js";
import { DEMO_TASKS } from "./demo.js";
import { importTasks, type Format } from "./importers/detect.js";
import type { TaskFormatError } from "./jsonl.js";
import type { TaskItem, TaskSet } from "./types.js";

export interface LoadTasksOptions {
    /** Skip invalid items (lines, blocks, examples, files) instead of throwing on the first one. */
    skipInvalid?: boolean;
    /** Called with the errors of skipped items (only with skipInvalid, only when there are some). */
    onSkipped?: (errors: TaskFormatError[]) => void;
    /** The file format; "auto" or undefined detects it from the file (see importers/detect.ts). */
    format?: Format | "auto" | string;
}

const PATHLIKE = /[\\/]|\.(jsonl|json|txt)$/i;

/**
 * Resolves a task spec: "demo" is the built-in set; anything else is a path to a task file (or a
 * MATH directory) in any supported format, read with importTasks. Throws a clear error for a
 * missing file, an unknown spec or an empty set.
 */
export async function loadTasks(spec: string, opts: LoadTasksOptions = {}): Promise<TaskSet> {
    const s = spec.trim();
    if (s === "demo") return DEMO_TASKS;
    let st;
    try {
        st = await stat(s);
    } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
        if (PATHLIKE.test(s)) throw new Error(`task file not found: ${s}`);
        throw new Error(`unknown task spec "${spec}": expected "demo" or a path to a task file (.jsonl, .json, .txt) or a MATH directory`);
    }
    // A FIFO would block the first read until a writer comes, a device may never end: refused before opening.
    if (!st.isDirectory()) {
        const bad = notRegular(s, st, "task file");
        if (bad) throw new Error(bad);
    }
    const { set, skipped } = await importTasks(s, { format: opts.format, skipInvalid: opts.skipInvalid });
    if (skipped.length > 0) opts.onSkipped?.(skipped);
    if (set.items.length === 0) {
        const why = skipped.length > 0 ? ` (all ${skipped.length} tasks were invalid; first: ${skipped[0]!.message})` : "";
        throw new Error(`task file contains no tasks: ${s}${why}`);
    }
    return set;
}

/**
 * Loads several task files into one set. Ids stay as they are unless two files share one; then
 * every id is prefixed with its file's set name ("<setname>/<id>", set names made unique).
 */
export async function loadTaskFiles(specs: string[], opts: LoadTasksOptions = {}): Promise<TaskSet> {
    if (specs.length === 0) throw new Error("no task files given");
    const sets: TaskSet[] = [];
    for (const spec of specs) sets.push(await loadTasks(spec, opts));
    if (sets.length === 1) return sets[0]!;
    const ids = sets.flatMap((st) => st.items.map((it) => it.id));
    const collide = new Set(ids).size !== ids.length;
    const used = new Map<string, number>();
    const items: TaskItem[] = [];
    for (const st of sets) {
        const n = (used.get(st.name) ?? 0) + 1;
        used.set(st.name, n);
        const prefix = n === 1 ? st.name : `${st.name}-${n}`;
        for (const it of st.items) items.push(collide ? { ...it, id: `${prefix}/${it.id}` } : it);
    }
    return { name: sets.map((st) => st.name).join("+"), source: sets.map((st) => st.source).join(", "), items };
}

/** The item with this id; throws an error listing a few valid ids when there is none. */
export function findItem(set: TaskSet, id: string): TaskItem {
    const item = set.items.find((it) => it.id === id);
    if (item) return item;
    const shown = set.items.slice(0, 5).map((it) => it.id);
    const more = set.items.length > shown.length ? `, ... (${set.items.length} in all)` : "";
    const valid = shown.length > 0 ? `; valid ids include: ${shown.join(", ")}${more}` : "; the set is empty";
    throw new Error(`no task with id "${id}" in task set "${set.name}"${valid}`);
}
