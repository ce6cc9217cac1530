import type { SamplerSettings } from "../backend/types.js";
import type { InstructionPlan } from "../batch/types.js";
import type { Hyper, TrainingSetting } from "../training/types.js";

export const EVOLVE_SCHEMA = "reflect-lab/evolve@1";

/**
 * What defines an evolve folder's results: stored in `<out>/evolve.json` when it starts and checked on
 * `--resume` (only `rounds` may grow, and `parallel` may change: it does not change the records).
 */
export interface EvolveConfig {
    tasks: string[];
    format: string;
    limit: number | null;
    rounds: number;
    setting: TrainingSetting;
    /** Share of questions held out for evaluation (split once, by question, per task). */
    evalShare: number;
    /** The split's seed (and the run seed unless `sampler.seed` says otherwise). */
    seed: number;
    k: number;
    instructions: InstructionPlan;
    maxTurns: number;
    sampler: SamplerSettings;
    model: string;
    contextSize: number;
    parallel: number;
    /** Trainer overrides of the setting's defaults (epochs, lr, ...). */
    hyper: Partial<Hyper>;
    /** The D_pref judge (dpo-pref only): an endpoint by name. */
    teacher: string | null;
}

export interface EvolveManifest {
    schema: typeof EVOLVE_SCHEMA;
    created_at: string;
    config: EvolveConfig;
    /** The split, made once: item ids per part (reflect-lab JSONL files in split/). */
    split: { train: number; eval: number; questions: { train: number; eval: number }; per_task: Record<string, { train: number; eval: number }> };
}

/** The steps of the loop, in order; round 0 is the base model's evaluation (turn 1 made there, reused by every later evaluation). */
export type EvolveStep = "split" | "eval-base" | "retry" | "batch" | "curate" | "train" | "eval";

export const ROUND_STEPS: readonly EvolveStep[] = ["batch", "curate", "train", "eval"];
