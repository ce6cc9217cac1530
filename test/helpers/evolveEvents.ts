// Scripted evolve events for the evolve screen's tests: steps, batch items and a trainer's events folded as the launcher folds them.
import type { BatchEvent, ItemOutcome, ItemResult } from "../../src/batch/types.js";
import type { EvolveEvent } from "../../src/evolve/run.js";
import type { EvolveStep } from "../../src/evolve/types.js";
import { emptyProgress, reduceProgress, type TrainingProgress } from "../../src/training/progress.js";
import type { TrainerEvent } from "../../src/training/types.js";

export function evolveEvents(out: string) {
    const step = (round: number, s: EvolveStep, state: "start" | "done" | "skipped"): EvolveEvent => ({ type: "step", round, step: s, state, dir: `${out}/round-${round}/${s}` });
    const batch = (round: number, s: EvolveStep, event: BatchEvent): EvolveEvent => ({ type: "batch", round, step: s, event });
    const item = (o: ItemOutcome, done: number, total: number): BatchEvent => ({ type: "item", result: { itemId: o.itemId } as unknown as ItemResult, outcome: o, done, total });
    /** A trainer's events folded the way the launcher folds them, each with the progress so far. */
    const trainEvents = (round: number): EvolveEvent[] => {
        const evs: TrainerEvent[] = [
            { event: "start", setting: "one-stage", stages: ["sft"], device: "cpu", gpus: 0, base: "tiny.gguf", data: "d", time: "t", resumed: false },
            { event: "stage", stage: "sft", index: 1, of: 1, rows: 118, eval_rows: 0 },
            ...[1, 2, 3, 4, 5, 6].map((k): TrainerEvent => ({ event: "log", stage: "sft", step: k, total_steps: 12, loss: 2 - 0.2 * k, elapsed_s: k, remaining_s: 12 - k }))
        ];
        let p: TrainingProgress = emptyProgress();
        return evs.map((event) => ((p = reduceProgress(p, event)), { type: "train", round, event, progress: p }));
    };
    return { step, batch, item, trainEvents };
}
