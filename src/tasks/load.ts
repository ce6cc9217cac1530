import { stat } from "node:fs/promises";
import { DEMO_TASKS } from "./demo.js";
import { loadTaskJsonl, type TaskFormatError } from "./jsonl.js";
import type { TaskItem, TaskSet } from "./types.js";

export interface LoadTasksOptions {
    /** Skip invalid JSONL lines instead of throwing on the first one. */
    skipInvalid?: boolean;
    /** Called with the errors of skipped lines (only with skipInvalid, only when there are some). */
    onSkipped?: (errors: TaskFormatError[]) => void;
}

/**
 * Resolves a task spec: "demo" is the built-in set; a path ending in .jsonl is read with
 * loadTaskJsonl. Throws a clear error for a missing file, an unknown spec or an empty set.
 */
export async function loadTasks(spec: string, opts: LoadTasksOptions = {}): Promise<TaskSet> {
    const s = spec.trim();
    if (s === "demo") return DEMO_TASKS;
    if (!/\.jsonl$/i.test(s)) {
        throw new Error(`unknown task spec "${spec}": expected "demo" or a path to a .jsonl task file`);
    }
    try {
        const st = await stat(s);
        if (!st.isFile()) throw new Error(`task file is not a regular file: ${s}`);
    } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") throw new Error(`task file not found: ${s}`);
        throw e;
    }
    const { set, skipped } = await loadTaskJsonl(s, { skipInvalid: opts.skipInvalid });
    if (skipped.length > 0) opts.onSkipped?.(skipped);
    if (set.items.length === 0) {
        const why = skipped.length > 0 ? ` (all ${skipped.length} task lines were invalid; first: ${skipped[0]!.message})` : "";
        throw new Error(`task file contains no tasks: ${s}${why}`);
    }
    return set;
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
