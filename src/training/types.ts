/** The paper's four training settings (Sec. 3, App. B). */
export type TrainingSetting = "one-stage" | "two-stage" | "dpo-pref" | "dpo-pm";

/**
 * Lines of `<out>/log.jsonl`, appended by training/train.py (one JSON object per line, flushed at once).
 * A stage is one trainer run: "sft" (one-stage), "reflector" then "corrector" (two-stage), "dpo".
 */
export type TrainerEvent =
    | { event: "start"; setting: TrainingSetting; stages: string[]; device: string; gpus: number; base: string; data: string; time: string; resumed: boolean }
    | { event: "stage"; stage: string; index: number; of: number; rows: number; eval_rows: number }
    | {
          event: "log";
          stage: string;
          step: number;
          total_steps: number;
          loss?: number;
          eval_loss?: number;
          /** DPO only: mean chosen-minus-rejected reward. */
          rewards_margin?: number;
          learning_rate?: number;
          epoch?: number;
          elapsed_s: number;
          remaining_s: number | null;
          tokens_per_s?: number;
      }
    | { event: "checkpoint"; stage: string; step: number; path: string }
    | { event: "artifact"; stage: string; kind: "adapter" | "adapter-gguf" | "merged-gguf" | "model-gguf"; path: string }
    | { event: "done"; elapsed_s: number; result: TrainingResult }
    | { event: "error"; message: string; traceback?: string };

/**
 * `<out>/result.json`, written last: what the lab loads as the trained reflector/corrector.
 * For one-stage and DPO both roles use the same adapter; two-stage has one per role.
 * `model` is set instead of `adapter` after full fine-tuning (a whole GGUF).
 */
export interface TrainingResult {
    setting: TrainingSetting;
    base: { file: string; sha256: string };
    reflector: { adapter?: string; model?: string };
    corrector: { adapter?: string; model?: string };
}

/** Trainer hyperparameters, one per train.py flag (camelCase here, --kebab-case there). */
export interface Hyper {
    epochs: number;
    /** Overrides epochs when set. */
    maxSteps: number | null;
    lr: number;
    /** Per device (per process); effective batch = batchSize × gradAccum × processes. */
    batchSize: number;
    gradAccum: number;
    loraR: number;
    loraAlpha: number;
    loraDropout: number;
    /** Full fine-tuning instead of LoRA (the paper's two-stage setting). */
    full: boolean;
    loadIn4bit: "auto" | "on" | "off";
    /** DPO only. */
    beta: number;
    maxLength: number;
    seed: number;
    loggingSteps: number;
    evalSteps: number;
    saveSteps: number;
    /** CPU threads; null = the trainer decides. */
    threads: number | null;
}

/** What the user asks for; `<out>/request.json` stores it (with the argv) so a run can be resumed as it was launched. */
export interface TrainingRequest {
    setting: TrainingSetting;
    /** A curated folder (`reflect-lab curate --out`). */
    data: string;
    /** The run folder. */
    out: string;
    /** A GGUF file or a Hugging Face model folder; absent = the trainer's default (the lab's default model). */
    base?: string;
    /** Overrides of the setting's defaults (src/training/defaults.ts). */
    hyper: Partial<Hyper>;
    resume?: boolean;
    /** Also write a merged GGUF (base + adapter). */
    merge?: boolean;
    /** >1 runs the trainer under `accelerate launch --num_processes N` (multi-GPU). */
    processes?: number;
}

/** How a launch ended: `<out>/exit.json`. */
export type TrainingStatus = "done" | "failed" | "aborted";

/** A run folder's state as seen from outside: running = its trainer's process group is alive; incomplete = no exit record and no live trainer (the launcher itself died). */
export type TrainingRunStatus = TrainingStatus | "running" | "incomplete";

export interface TrainingOutcome {
    status: TrainingStatus;
    out: string;
    /** The trainer's exit code, or null when a signal ended it. */
    code: number | null;
    signal: string | null;
    /** Why it failed, in one line: the error event's message, else the exit code or signal. */
    reason?: string;
    /** The trainer's error event, when it wrote one. */
    error?: { message: string; traceback?: string };
    /** Last lines of `<out>/trainer.log` (failed runs). */
    lastLines: string[];
    result?: TrainingResult;
    elapsedS: number;
    endedAt: string;
}
