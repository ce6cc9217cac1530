// The training form as plain data: fields, prefill from the setting's defaults, and the TrainingRequest it describes.
import { formatNumber } from "../../src/training/command.js";
import { isDpo, resolveHyper, SETTING_INFO, TRAINING_SETTINGS } from "../../src/training/defaults.js";
import type { Hyper, TrainingRequest, TrainingSetting } from "../../src/training/types.js";

/** Hyperparameters the form edits, in the order shown. */
export const HYPER_KEYS = ["epochs", "maxSteps", "lr", "batchSize", "gradAccum", "loraR", "loraAlpha", "loraDropout", "loadIn4bit", "beta", "maxLength", "seed", "loggingSteps", "evalSteps", "saveSteps", "threads"] as const;
type HyperKey = (typeof HYPER_KEYS)[number];

export type TrainingFormValues = { setting: string; data: string; base: string; out: string; full: string; processes: string; merge: string } & Record<HyperKey, string>;
export type FieldKey = keyof TrainingFormValues;

export interface FormContext {
    /** Curated folders offered for `data` (newest first). */
    curated: string[];
}

export interface TrainingField {
    key: FieldKey;
    /** text: typed; choice: cycled; path: cycled through the curated folders or typed. */
    kind: "text" | "choice" | "path";
    hint: string;
    options?: (ctx: FormContext) => string[];
    /** Hidden when it does not apply (LoRA under full fine-tuning, beta outside DPO). */
    visible?: (v: TrainingFormValues) => boolean;
}

const lora = (v: TrainingFormValues) => v.full !== "yes";
const YES_NO = () => ["no", "yes"];

export const TRAINING_FIELDS: TrainingField[] = [
    { key: "setting", kind: "choice", hint: "", options: () => [...TRAINING_SETTINGS] },
    { key: "data", kind: "path", hint: "curated folder: ←→ the ones in sessions, enter types a path", options: (c) => c.curated },
    { key: "base", kind: "text", hint: 'GGUF file or HF model folder; "default" = the lab\'s default model' },
    { key: "out", kind: "text", hint: "run folder (a new one)" },
    { key: "full", kind: "choice", hint: "full fine-tuning instead of LoRA (paper: two-stage, bf16)", options: YES_NO },
    { key: "epochs", kind: "text", hint: "epochs (paper: not stated; ours SFT 3, DPO 1)" },
    { key: "maxSteps", kind: "text", hint: "stop after N steps per stage (empty = epochs)" },
    { key: "lr", kind: "text", hint: "learning rate" },
    { key: "batchSize", kind: "text", hint: "per-device batch" },
    { key: "gradAccum", kind: "text", hint: "gradient accumulation (keeps the paper's effective batch)" },
    { key: "loraR", kind: "text", hint: "LoRA rank", visible: lora },
    { key: "loraAlpha", kind: "text", hint: "LoRA alpha", visible: lora },
    { key: "loraDropout", kind: "text", hint: "LoRA dropout", visible: lora },
    { key: "loadIn4bit", kind: "choice", hint: "4-bit base weights (auto = where CUDA exists)", options: () => ["auto", "on", "off"], visible: lora },
    { key: "beta", kind: "text", hint: "DPO beta", visible: (v) => isDpo(v.setting as TrainingSetting) },
    { key: "maxLength", kind: "text", hint: "max tokens per example" },
    { key: "seed", kind: "text", hint: "seed" },
    { key: "loggingSteps", kind: "text", hint: "log every N steps" },
    { key: "evalSteps", kind: "text", hint: "eval loss every N steps" },
    { key: "saveSteps", kind: "text", hint: "checkpoint every N steps" },
    { key: "threads", kind: "text", hint: "CPU threads (empty = the trainer decides)" },
    { key: "processes", kind: "text", hint: "processes/GPUs (>1: accelerate launch)" },
    { key: "merge", kind: "choice", hint: "also write a merged GGUF", options: YES_NO }
];

export const visibleFields = (v: TrainingFormValues): TrainingField[] => TRAINING_FIELDS.filter((f) => !f.visible || f.visible(v));

export const settingHint = (v: TrainingFormValues): string => SETTING_INFO[v.setting as TrainingSetting]?.title ?? "";

const show = (x: Hyper[HyperKey]): string => (x === null ? "" : typeof x === "number" ? formatNumber(x) : String(x));

/** Hyperparameter fields the user has not edited follow the setting (and full, processes, batch size). */
export function refill(v: TrainingFormValues, edited: ReadonlySet<FieldKey>): TrainingFormValues {
    const over: Partial<Hyper> = {};
    for (const k of HYPER_KEYS) {
        if (!edited.has(k)) continue;
        try {
            (over as Record<string, unknown>)[k] = parseHyper(k, v[k]);
        } catch {
            // Invalid input stays as typed; start reports it.
        }
    }
    over.full = v.full === "yes";
    const processes = Number(v.processes) >= 1 ? Math.floor(Number(v.processes)) : 1;
    const h = resolveHyper(v.setting as TrainingSetting, over, processes);
    const next = { ...v };
    for (const k of HYPER_KEYS) if (!edited.has(k)) next[k] = show(h[k]);
    return next;
}

export function formDefaults(d: Partial<TrainingRequest> & { out: string }, ctx: FormContext): TrainingFormValues {
    const setting = d.setting ?? "one-stage";
    const v = {
        setting,
        data: d.data ?? ctx.curated[0] ?? "",
        base: d.base ?? "default",
        out: d.out,
        full: d.hyper?.full ? "yes" : "no",
        processes: String(d.processes ?? 1),
        merge: d.merge ? "yes" : "no"
    } as TrainingFormValues;
    const edited = new Set<FieldKey>();
    for (const k of HYPER_KEYS) {
        const x = d.hyper?.[k];
        if (x === undefined) continue;
        v[k] = show(x);
        edited.add(k);
    }
    return refill(v, edited);
}

export function cycle(field: TrainingField, value: string, dir: 1 | -1, ctx: FormContext): string {
    const opts = field.options?.(ctx) ?? [];
    if (!opts.length) return value;
    const i = opts.indexOf(value);
    return opts[(((i < 0 ? (dir === 1 ? -1 : 0) : i) + dir) % opts.length + opts.length) % opts.length]!;
}

function num(name: string, raw: string, opts: { int?: boolean; min?: number } = {}): number {
    const s = raw.trim();
    const n = Number(s);
    if (!s || !Number.isFinite(n) || (opts.int && !Number.isInteger(n)) || (opts.min !== undefined && n < opts.min))
        throw new Error(`${name} must be ${opts.int ? "an integer" : "a number"}${opts.min !== undefined ? ` >= ${opts.min}` : ""}`);
    return n;
}

function parseHyper(k: HyperKey, raw: string): Hyper[HyperKey] {
    switch (k) {
        case "maxSteps":
        case "threads":
            return raw.trim() ? num(k, raw, { int: true, min: 1 }) : null;
        case "loadIn4bit":
            if (raw !== "auto" && raw !== "on" && raw !== "off") throw new Error("loadIn4bit must be auto, on or off");
            return raw;
        case "epochs":
        case "lr":
        case "loraDropout":
        case "beta":
            return num(k, raw, { min: 0 });
        default:
            return num(k, raw, { int: true, min: k === "seed" ? 0 : 1 });
    }
}

/** The request the form describes; throws a message for the form on bad input. */
export function formRequest(v: TrainingFormValues): TrainingRequest {
    if (!TRAINING_SETTINGS.includes(v.setting as TrainingSetting)) throw new Error(`setting must be one of ${TRAINING_SETTINGS.join(", ")}`);
    if (!v.data.trim()) throw new Error("data: pick or type a curated folder (reflect-lab curate makes one)");
    if (!v.out.trim()) throw new Error("out: give a run folder");
    const hyper: Partial<Hyper> = {};
    for (const f of visibleFields(v)) {
        if (!(HYPER_KEYS as readonly string[]).includes(f.key)) continue;
        (hyper as Record<string, unknown>)[f.key] = parseHyper(f.key as HyperKey, v[f.key]);
    }
    if (v.full === "yes") hyper.full = true;
    return {
        setting: v.setting as TrainingSetting,
        data: v.data.trim(),
        out: v.out.trim(),
        base: v.base.trim() || "default",
        hyper,
        merge: v.merge === "yes" ? true : undefined,
        processes: num("processes", v.processes, { int: true, min: 1 })
    };
}
