import { renameSync, writeFileSync } from "node:fs";
import { unitHash } from "../curate/split.js";
import { ensureDir } from "../fsDirs.js";
import type { TaskItem } from "../tasks/types.js";
import type { EvolveManifest } from "./types.js";

/** The same question (whitespace and case aside) in two items is one question: both land on the same side. */
const questionKey = (i: TaskItem) => `${i.task}\u0000${i.question.replace(/\s+/g, " ").trim().toLowerCase()}`;

/**
 * Splits items by question into a train and an eval part, per task, exactly: ceil(share × questions)
 * of each task's questions go to eval (at least one when the task has two or more), ordered by a seeded
 * hash so the split is stable across machines. Items keep their order within each part.
 */
export function splitByQuestion(items: TaskItem[], evalShare: number, seed: number): { train: TaskItem[]; eval: TaskItem[]; summary: EvolveManifest["split"] } {
    const byTask = new Map<string, string[]>();
    for (const i of items) {
        const list = byTask.get(i.task) ?? [];
        const k = questionKey(i);
        if (!list.includes(k)) list.push(k);
        byTask.set(i.task, list);
    }
    const evalKeys = new Set<string>();
    for (const keys of byTask.values()) {
        const n = keys.length < 2 ? 0 : Math.min(keys.length - 1, Math.max(1, Math.round(evalShare * keys.length)));
        [...keys].sort((a, b) => unitHash("evolve-split", a, seed) - unitHash("evolve-split", b, seed)).slice(0, n).forEach((k) => evalKeys.add(k));
    }
    const train = items.filter((i) => !evalKeys.has(questionKey(i)));
    const evalPart = items.filter((i) => evalKeys.has(questionKey(i)));
    const per_task: Record<string, { train: number; eval: number }> = {};
    for (const i of items) {
        const t = (per_task[i.task] ??= { train: 0, eval: 0 });
        if (evalKeys.has(questionKey(i))) t.eval++;
        else t.train++;
    }
    const questions = { train: new Set(train.map(questionKey)).size, eval: new Set(evalPart.map(questionKey)).size };
    return { train, eval: evalPart, summary: { train: train.length, eval: evalPart.length, questions, per_task } };
}

/** An item as a line of reflect-lab's task JSONL (src/tasks/jsonl.ts reads it back to the same item). */
export function taskLine(i: TaskItem): string {
    return JSON.stringify({
        id: i.id,
        task: i.task,
        family: i.family,
        question: i.question,
        choices: i.choices,
        answer: i.answer,
        answer_index: i.answer_index,
        tests: i.tests,
        test_setup: i.test_setup,
        ...(i.entry_point ? { entry_point: i.entry_point } : {}),
        ...(i.answers ? { answers: i.answers } : {})
    });
}

/** Writes a task file atomically (temp + rename): a split file under its name is always whole. */
export function writeTaskFile(path: string, items: TaskItem[]): void {
    ensureDir(path.replace(/\/[^/]+$/, ""), "split folder", "choose another --out");
    const tmp = `${path}.part`;
    writeFileSync(tmp, items.map(taskLine).join("\n") + (items.length ? "\n" : ""));
    renameSync(tmp, path);
}
