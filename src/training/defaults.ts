// The paper's training hyperparameters per setting (App. B, Tab. 11), and ours where it says nothing.
// The values live in training/defaults.json, which train.py reads too: one place for both languages.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../paths.js";
import type { Hyper, TrainingSetting } from "./types.js";

export const TRAINING_SETTINGS: readonly TrainingSetting[] = ["one-stage", "two-stage", "dpo-pref", "dpo-pm"];

export const SETTING_INFO: Record<TrainingSetting, { title: string; data: string; stages: string[] }> = {
    "one-stage": { title: "one-stage SFT on D+ (reflection + correction)", data: "D+", stages: ["sft"] },
    "two-stage": { title: "two-stage SFT on D+ (reflector, then corrector)", data: "D+", stages: ["reflector", "corrector"] },
    "dpo-pref": { title: "DPO on D_pref (teacher-judged pairs; reflection only)", data: "D_pref", stages: ["dpo"] },
    "dpo-pm": { title: "DPO on D± (correct vs incorrect correction; reflection only)", data: "D±", stages: ["dpo"] }
};

export const isDpo = (s: TrainingSetting): boolean => s === "dpo-pref" || s === "dpo-pm";

/** The hyperparameters whose default is one value for every setting. */
type SharedDefaults = Pick<Hyper, "batchSize" | "loraR" | "loraAlpha" | "loraDropout" | "beta" | "maxLength" | "seed" | "loggingSteps" | "evalSteps" | "saveSteps">;

/**
 * training/defaults.json, as both the lab and train.py read it. Where the values come from:
 * - effectiveBatch (batch × grad-accum × processes): paper one-stage per-device 8 (16 for LogiQA), two-stage
 *   16 × 4 = 64, DPO 2 × 32 on two GPUs = 128. Ours keeps these with a per-device batch of 4, which fits a
 *   CPU or a small GPU; grad-accum makes up the rest.
 * - epochs: not stated in the paper. Ours: 3 of SFT, 1 of DPO (DPO at lr 5e-7 moves slowly but overfits pairs quickly).
 * - lr: paper 1e-3 one-stage LoRA; two-stage "1e-5, 1e-3" (full, LoRA); DPO 5e-7 (7e-7 for some models).
 *   Ours: 2e-5 for full fine-tuning, a little above the paper's 1e-5 for the much smaller models we train.
 * - LoRA r 8, alpha 32, dropout 0.1: the paper's one-stage values; ours uses them for two-stage LoRA and DPO too.
 * - loadIn4bit: the paper loads one-stage in 4 bits (bitsandbytes); ours only where CUDA exists ("auto"), never under --full.
 * - beta 0.01: the paper's (DPO only).
 * - maxLength: the paper caps generation at 512 new tokens; 2048 holds prompt + failed attempt + reflection + correction.
 */
export interface TrainingDefaults extends SharedDefaults {
    effectiveBatch: Record<TrainingSetting, number>;
    epochs: { sft: number; dpo: number };
    lr: { lora: number; full: number; dpo: number };
    loadIn4bit: { lora: Hyper["loadIn4bit"]; full: Hyper["loadIn4bit"] };
}

export const TRAINING_DEFAULTS_FILE = join(PROJECT_ROOT, "training", "defaults.json");

const FOUR_BIT = ["auto", "on", "off"];

/** Reads and checks a defaults file; a missing or malformed one is refused naming the file and the field. */
export function readTrainingDefaults(file: string = TRAINING_DEFAULTS_FILE): TrainingDefaults {
    const fail = (why: string): never => {
        throw new Error(`cannot read the training defaults ${file}: ${why}; it ships with reflect-lab (restore it with git checkout -- training/defaults.json)`);
    };
    let d: Record<string, unknown>;
    try {
        d = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    } catch (e) {
        return fail((e as Error).message);
    }
    const at = (path: string): unknown => path.split(".").reduce<unknown>((o, k) => (o && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined), d);
    const numbers = [...TRAINING_SETTINGS.map((s) => `effectiveBatch.${s}`), "batchSize", "epochs.sft", "epochs.dpo", "lr.lora", "lr.full", "lr.dpo", "loraR", "loraAlpha", "loraDropout", "beta", "maxLength", "seed", "loggingSteps", "evalSteps", "saveSteps"];
    for (const k of numbers) if (typeof at(k) !== "number" || !Number.isFinite(at(k))) fail(`"${k}" must be a number, not ${JSON.stringify(at(k)) ?? "missing"}`);
    for (const k of ["loadIn4bit.lora", "loadIn4bit.full"]) if (!FOUR_BIT.includes(at(k) as string)) fail(`"${k}" must be one of ${FOUR_BIT.join(", ")}`);
    return d as unknown as TrainingDefaults;
}

/** Read once, when the module loads: every screen and command that trains uses the same values. */
export const TRAINING_DEFAULTS: TrainingDefaults = readTrainingDefaults();

/**
 * Defaults for a setting. `full` (two-stage's paper choice) changes the learning rate; `processes`
 * changes grad-accum so the effective batch stays the paper's. train.py computes the same from the
 * same file (reflect_train/defaults.py) when it is run by hand.
 */
export function defaultHyper(setting: TrainingSetting, opts: { full?: boolean; processes?: number } = {}, d: TrainingDefaults = TRAINING_DEFAULTS): Hyper {
    const full = opts.full ?? false;
    const processes = Math.max(1, opts.processes ?? 1);
    const dpo = isDpo(setting);
    return {
        epochs: dpo ? d.epochs.dpo : d.epochs.sft,
        maxSteps: null,
        lr: dpo ? d.lr.dpo : full ? d.lr.full : d.lr.lora,
        batchSize: d.batchSize,
        gradAccum: Math.max(1, Math.round(d.effectiveBatch[setting] / (d.batchSize * processes))),
        loraR: d.loraR,
        loraAlpha: d.loraAlpha,
        loraDropout: d.loraDropout,
        // Paper: two-stage is full fine-tuning in bf16; ours: LoRA unless --full, so it fits a laptop.
        full,
        loadIn4bit: full ? d.loadIn4bit.full : d.loadIn4bit.lora,
        beta: d.beta,
        maxLength: d.maxLength,
        seed: d.seed,
        loggingSteps: d.loggingSteps,
        evalSteps: d.evalSteps,
        saveSteps: d.saveSteps,
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
