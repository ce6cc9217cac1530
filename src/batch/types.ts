import type { LoopMode, VerifierMode, ItemRecord } from "../engine/types.js";
import type { SamplerSettings } from "../backend/types.js";

/** Which instructions each failed answer is reflected on. */
export type InstructionPlan =
    | { kind: "fixed"; keys: string[] }
    | { kind: "random"; count: number }
    | { kind: "round-robin" }
    | { kind: "all" };

/** Everything that defines a batch run's results; stored in the manifest and checked on resume. */
export interface BatchConfig {
    tasks: string[];
    format: string;
    limit: number | null;
    parallel: number;
    k: number;
    instructions: InstructionPlan;
    maxTurns: number;
    mode: LoopMode;
    verifier: VerifierMode;
    sampler: SamplerSettings;
    model: string;
    contextSize: number;
}

/** One finished item: its turn-1 attempt and every sampled chain, written to the store together. */
export interface ItemResult {
    itemId: string;
    index: number;
    task: string;
    /** The loop up to the turn-1 verdict (and beyond when no samples were drawn). */
    base: ItemRecord;
    samples: ItemRecord[];
    outputTokens: number;
    ms: number;
}

/** The per-item facts metrics need, as stored: small enough to reload 100k samples fast. */
export interface ItemOutcome {
    itemId: string;
    task: string;
    /** Ground-truth correctness of the turn-1 answer. */
    t1: boolean;
    /** correct_by_turn of each sampled chain; empty when the loop stopped at turn 1. */
    chains: boolean[][];
}

export type SlotPhase = "idle" | "question" | "answer" | "verify" | "reflect" | "correct";

export type BatchEvent =
    | { type: "start"; total: number; alreadyDone: number; todo: number; parallel: number; runDir: string }
    | { type: "slot"; slot: number; phase: SlotPhase; itemId?: string; question?: string; detail?: string }
    | { type: "tokens"; slot: number; count: number }
    | { type: "item"; result: ItemResult; outcome: ItemOutcome; done: number; total: number }
    | { type: "item-error"; itemId: string; task: string; error: string; done: number; total: number }
    | { type: "state"; message: string }
    | { type: "done"; done: number; total: number; errors: number; interrupted: boolean; seconds: number };
