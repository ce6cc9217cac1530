// The paper's training hyperparameters per setting (App. B, Tab. 11), and ours where it says nothing.
import type { Hyper, TrainingSetting } from "./types.js";

export const TRAINING_SETTINGS: readonly TrainingSetting[] = ["one-stage", "two-stage", "dpo-pref", "dpo-pm"];

export const SETTING_INFO: Record<TrainingSetting, { title: string; data: string; stages: string[] }> = {
    "one-stage": { title: "one-stage SFT on D+ (reflection + correction)", data: "D+", stages: ["sft"] },
    "two-stage": { title: "two-stage SFT on D+ (reflector, then corrector)", data: "D+", stages: ["reflector", "corrector"] },
    "dpo-pref": { title: "DPO on D_pref (teacher-judged pairs; reflection only)", data: "D_pref", stages: ["dpo"] },
    "dpo-pm": { title: "DPO on D± (correct vs incorrect correction; reflection only)", data: "D±", stages: ["dpo"] }
};

export const isDpo = (s: TrainingSetting): boolean => s === "dpo-pref" || s === "dpo-pm";

/**
 * Effective batch (batch × grad-accum × processes) we aim for. Paper: one-stage per-device 8 (16 for
 * LogiQA); two-stage 16 × 4 = 64; DPO 2 × 32 on two GPUs = 128. Ours: keep these effective sizes with a
 * per-device batch of 4, which fits a CPU or a small GPU; grad-accum makes up the rest.
 */
const EFFECTIVE_BATCH: Record<TrainingSetting, number> = { "one-stage": 8, "two-stage": 64, "dpo-pref": 128, "dpo-pm": 128 };
const PER_DEVICE_BATCH = 4;

/**
 * Defaults for a setting. `full` (two-stage's paper choice) changes the learning rate; `processes`
 * changes grad-accum so the effective batch stays the paper's.
 */
export function defaultHyper(setting: TrainingSetting, opts: { full?: boolean; processes?: number } = {}): Hyper {
    const full = opts.full ?? false;
    const processes = Math.max(1, opts.processes ?? 1);
    const dpo = isDpo(setting);
    const batchSize = PER_DEVICE_BATCH;
    return {
        // Paper: not stated. Ours: 3 epochs of SFT, 1 of DPO (DPO at lr 5e-7 moves slowly but overfits pairs quickly).
        epochs: dpo ? 1 : 3,
        maxSteps: null,
        // Paper: 1e-3 one-stage LoRA; two-stage "1e-5, 1e-3" (full, LoRA); DPO 5e-7 (7e-7 for some models).
        // Ours: 2e-5 for full fine-tuning, a little above the paper's 1e-5 for the much smaller models we train.
        lr: dpo ? 5e-7 : full ? 2e-5 : 1e-3,
        batchSize,
        gradAccum: Math.max(1, Math.round(EFFECTIVE_BATCH[setting] / (batchSize * processes))),
        // Paper: LoRA r 8, alpha 32, dropout 0.1 (one-stage); ours: the same for two-stage LoRA and DPO.
        loraR: 8,
        loraAlpha: 32,
        loraDropout: 0.1,
        // Paper: two-stage is full fine-tuning in bf16; ours: LoRA unless --full, so it fits a laptop.
        full,
        // Paper: 4-bit (bitsandbytes) for one-stage; ours: only where CUDA exists (bitsandbytes needs it).
        loadIn4bit: full ? "off" : "auto",
        // Paper: beta 0.01 (DPO only).
        beta: 0.01,
        // Ours: the paper caps generation at 512 new tokens; 2048 holds prompt + failed attempt + reflection + correction.
        maxLength: 2048,
        seed: 42,
        loggingSteps: 1,
        evalSteps: 50,
        saveSteps: 50,
        threads: null
    };
}

/** The setting's defaults with the request's overrides on top (full, processes and batch size move other defaults). */
export function resolveHyper(setting: TrainingSetting, over: Partial<Hyper>, processes = 1): Hyper {
    const base = defaultHyper(setting, { full: over.full, processes });
    const out = { ...base } as Record<string, unknown>;
    for (const [k, v] of Object.entries(over)) if (v !== undefined) out[k] = v;
    const h = out as unknown as Hyper;
    // A smaller batch without a grad-accum of its own keeps the setting's effective batch.
    if (over.gradAccum === undefined && over.batchSize !== undefined && over.batchSize > 0)
        h.gradAccum = Math.max(1, Math.round((base.batchSize * base.gradAccum) / over.batchSize));
    return h;
}
