import { join } from "node:path";

/**
 * Where each step of an evolve folder lives. Every round is its own folder, and every step its own
 * batch run, curated folder or training run, so each can be opened with the usual commands (report,
 * compare, curate, train --resume) and `evolve --resume` finds where it stopped from what exists.
 */
export const evolvePaths = (out: string) => ({
    manifest: join(out, "evolve.json"),
    split: join(out, "split"),
    trainTasks: join(out, "split", "train.jsonl"),
    evalTasks: join(out, "split", "eval.jsonl"),
    /** Round 0: the base model on the eval part (its turn 1 is reused by every evaluation), and the w/o-reflection baseline. */
    baseEval: join(out, "round-0", "eval"),
    retry: join(out, "round-0", "retry"),
    round: (r: number) => ({
        dir: join(out, `round-${r}`),
        batch: join(out, `round-${r}`, "batch"),
        curated: join(out, `round-${r}`, "curated"),
        train: join(out, `round-${r}`, "train"),
        eval: join(out, `round-${r}`, "eval")
    }),
    table: join(out, "rounds.json")
});
