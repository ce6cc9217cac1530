import type { BackendInfo, ChatMessage, SamplerSettings, StopReason } from "../backend/types.js";
import type { InstructionSelection } from "../prompts/pool.js";
import type { TaskFamily } from "../tasks/types.js";
import type { Verdict } from "../verify/types.js";

export const RECORD_SCHEMA = "reflect-lab/record@1";

/** `oracle`: ground truth; `self`: the generator judges its own answer; `teacher`: a stronger model judges it. */
export type VerifierMode = "oracle" | "self" | "teacher";
/** `reflect`: reflection before each new turn (the paper's "w/ reflection"); `retry`: only the "incorrect" signal ("w/o reflection"). */
export type LoopMode = "reflect" | "retry";
export type StepKind = "answer" | "verify" | "reflect" | "correct";

export interface LoopConfig {
    maxTurns: number;
    verifier: VerifierMode;
    mode: LoopMode;
    sampler: SamplerSettings;
    instructions: InstructionSelection;
}

/** Which model made a generation: the GGUF file, its sha256 and the LoRA adapters on it (file names). */
export interface ModelRef {
    file: string;
    sha256: string;
    adapters: string[];
}

/** One model call or verdict, recorded as it happened. Field names are shared by sessions, batch runs and exports. */
export interface StepRecord {
    kind: StepKind;
    /** The turn this step belongs to: answer/verify of turn t, reflect before turn t+1, correct = the answer of turn t (t >= 2). */
    turn: number;
    /** 0 for the first reflection of a turn; re-rolls count up (reject sampling: each sees the same failed attempt). */
    sample_index: number;
    /** Messages exactly as sent, captured before generation. */
    messages?: ChatMessage[];
    /** The rendered prompt text (chat template applied) exactly as the model read it. */
    prompt?: string;
    output?: string;
    /** For answer/correct: the final answer as the verifier extracted it. */
    verdict?: Verdict & { mode: VerifierMode };
    /**
     * In `self` and `teacher` modes the ground-truth verdict is kept beside the model's, for metrics only: it never reaches the model.
     * `reflect-lab audit --write` puts the re-judged ground truth here in every mode (in `oracle` mode `verdict` stays the one that steered the loop).
     */
    oracle_verdict?: Verdict;
    instruction_key?: string;
    sampler?: SamplerSettings;
    seed?: number;
    /** Prompt tokens evaluated, and those reused from the sequence's earlier evaluation (prefix reuse). */
    prompt_tokens?: number;
    cached_tokens?: number;
    output_tokens?: number;
    tokens_per_second?: number;
    stop_reason?: StopReason;
    ms: number;
    started_at: string;
    /** Set when another model than the record's `model` made this step (a trained reflector/corrector, or the teacher of a verify step). */
    model?: ModelRef;
    /** True when the user re-rolled this reflection; the step stays in the record but left the conversation. */
    superseded?: boolean;
}

export interface ItemIdentity {
    id: string;
    task: string;
    family: TaskFamily;
    question: string;
    choices: string[] | null;
    answer: string;
}

/** The record of one question through the loop: the unit the batch store will also hold. */
export interface ItemRecord {
    schema: typeof RECORD_SCHEMA;
    run_id: string;
    item: ItemIdentity;
    /** The generator (turn-1 answers); steps made by a role model carry their own `model`. */
    model: ModelRef;
    backend: Pick<BackendInfo, "kind" | "compute" | "gpuLayers" | "totalLayers" | "contextSize" | "threads">;
    config: { max_turns: number; verifier: VerifierMode; mode: LoopMode; seed: number; sampler: SamplerSettings; instructions: string };
    steps: StepRecord[];
    /** correct_by_turn[t-1]: was the (effective) answer of turn t correct by ground truth. */
    correct_by_turn: boolean[];
    status: "running" | "done" | "aborted" | "error";
    /** For batch samples: which instruction and which of the K samples this chain is (null key in retry mode). */
    sample?: { instruction_key: string | null; sample_index: number };
    error?: string;
    started_at: string;
    finished_at?: string;
    /** Re-judgements by `reflect-lab audit --write`, oldest first: what the ground truth was before each. */
    audits?: RecordAudit[];
}

/** One audit of a stored record: when, by which verifier version, and the ground truth it replaced. */
export interface RecordAudit {
    at: string;
    verifier: string;
    correct_by_turn_before: boolean[];
    /** Verify steps (index into `steps`) whose ground-truth verdict changed, with the verdict before (null: none was stored). */
    changed: { step: number; turn: number; before: Verdict | null }[];
}

export type LoopPhase = "idle" | "answering" | "verifying" | "reflecting" | "correcting" | "done";

export type EngineEvent =
    | { type: "phase"; phase: LoopPhase; turn: number }
    /** Emitted before generation with the exact prompt; recorders persist it immediately. */
    | { type: "prompt"; kind: StepKind; turn: number; sample_index: number; messages: ChatMessage[]; prompt: string; instruction_key?: string }
    | { type: "text"; kind: StepKind; turn: number; text: string }
    | { type: "step"; step: StepRecord; record: ItemRecord }
    | { type: "done"; record: ItemRecord }
    | { type: "error"; error: Error; record: ItemRecord };

/**
 * Where the loop stands; `next()` performs the one step this state allows.
 * answer(t) -> judged(t) -> [reflected(t)] -> answer(t+1) ... until correct (oracle) or maxTurns.
 */
export type LoopState =
    | { kind: "start" }
    | { kind: "answered"; turn: number }
    | { kind: "judged"; turn: number; correct: boolean }
    | { kind: "reflected"; turn: number }
    | { kind: "done" };
