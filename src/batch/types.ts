import type { LoopMode, VerifierMode, ItemRecord } from "../engine/types.js";
import type { SamplerSettings } from "../backend/types.js";
import type { BackoffEvent, EndpointRef } from "../endpoints/types.js";
import type { BatchEngine } from "./engineChoice.js";

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
    /**
     * The trained reflector/corrector; null = the base model plays every role. Optional so configs and
     * manifests written before it still type-check and load: startBatch stores it as null when absent.
     */
    reflector?: ReflectorSpec | null;
    /**
     * The generator's OpenAI-compatible endpoint (which server and model; never the key); null = the
     * local `model`. Optional for the same reason as `reflector`: older manifests load as null.
     */
    endpoint?: EndpointRef | null;
    /** The endpoint that judges answers when `verifier` is "teacher" (never the key); null otherwise. */
    teacher?: EndpointRef | null;
    /**
     * `--turn1-from`: the run folder (absolute) whose stored turn-1 attempts and verdicts this run reuses
     * instead of generating them; null = turn 1 is generated here. Optional like `reflector`.
     */
    turn1From?: string | null;
    /**
     * What generates with the local model: node-llama-cpp in this process or a managed llama-server on
     * the same GGUF (the resolved one, never "auto"). Optional: older manifests load as "node-llama-cpp".
     */
    engine?: BatchEngine;
}

/**
 * One role's model: a LoRA adapter (GGUF) put on the run's base model, a whole GGUF (after full
 * fine-tuning), or an OpenAI-compatible endpoint; none = the base model.
 */
export interface RoleModelSpec {
    adapter?: string;
    model?: string;
    endpoint?: EndpointRef;
}

/**
 * A trained reflector/corrector for batch runs (the paper's evaluation: turn 1 from the frozen base
 * model, reflect and correct steps from the trained one). Paths are absolute.
 */
export interface ReflectorSpec {
    /** The training run folder it came from (informational). */
    source?: string;
    /** The base model the training started from, as its result.json names it (checked against the run's model, a warning only). */
    base?: { file: string; sha256: string };
    /** `--reflector-model`: a different (untrained) model reflects and corrects, not a trained one. */
    crossModel?: boolean;
    reflect: RoleModelSpec;
    correct: RoleModelSpec;
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
    /** The engine the run generates with and why (sent before "start"). */
    | { type: "engine"; engine: BatchEngine; why: string }
    /** A remote request waits before its next try (429, 5xx, timeout...); its item carries on afterwards. */
    | ({ type: "backoff" } & BackoffEvent)
    | { type: "done"; done: number; total: number; errors: number; interrupted: boolean; seconds: number };
