import type { Settings } from "../src/settings.js";

/** How the settings screen steps one value: left/right move through a range or cycle a list. */
type Stepper = (value: unknown, dir: 1 | -1, instructionKeys: string[]) => unknown;

export interface SettingRow {
    key: keyof Settings;
    hint: string;
    step?: Stepper;
    format?: (value: unknown) => string;
}

const clamp = (v: number, min: number, max: number) => Math.min(max, Math.max(min, v));

const cycle =
    (options: (v: unknown, keys: string[]) => readonly unknown[]): Stepper =>
    (v, dir, keys) => {
        const opts = options(v, keys);
        const i = opts.indexOf(v);
        const n = opts.length;
        return opts[(((i < 0 ? 0 : i + dir) % n) + n) % n];
    };

const int =
    (step: number, min: number, max: number): Stepper =>
    (v, dir) =>
        clamp(Math.round((v as number) + dir * step), min, max);

/** Numbers with an "unset" value (null or "auto") below the minimum. */
const optionalInt =
    (unset: null | "auto", step: number, min: number, max: number): Stepper =>
    (v, dir) => {
        if (v === unset) return dir > 0 ? min : unset;
        const n = (v as number) + dir * step;
        return n < min ? unset : clamp(n, min, max);
    };

const orWord = (word: string) => (v: unknown) => (v === null ? word : String(v));

export const SETTING_ROWS: SettingRow[] = [
    { key: "model", hint: "set with: reflect-lab config set model <path>" },
    { key: "gpu", hint: "compute backend", step: cycle(() => ["auto", "cuda", "vulkan", "metal", "cpu"]) },
    { key: "gpuLayers", hint: "layers on the GPU (auto = all that fit)", step: optionalInt("auto", 1, 0, 1000) },
    { key: "vramCapMiB", hint: "VRAM cap in MiB", step: optionalInt(null, 512, 512, 1 << 22), format: orWord("none") },
    {
        key: "contextSize",
        hint: "context size in tokens",
        step: (v, dir) => clamp(dir > 0 ? (v as number) * 2 : Math.floor((v as number) / 2), 256, 1 << 17)
    },
    { key: "threads", hint: "CPU threads (auto = one per core)", step: optionalInt(null, 1, 1, 1024), format: orWord("auto") },
    { key: "temperature", hint: "sampling temperature", step: (v, dir) => clamp(Math.round(((v as number) + dir * 0.1) * 100) / 100, 0, 2) },
    { key: "seed", hint: "sampling seed", step: int(1, 0, 2 ** 32 - 1) },
    { key: "maxTurns", hint: "turns per question", step: int(1, 1, 20) },
    { key: "maxTokens", hint: "tokens per generation", step: int(32, 32, 1 << 16) },
    { key: "verifier", hint: "oracle = ground truth, self = the model judges itself, teacher = the teacher endpoint judges", step: cycle(() => ["oracle", "self", "teacher"]) },
    {
        key: "instructions",
        hint: "how reflections pick an instruction",
        step: cycle((_v, keys) => ["random", "round-robin", ...keys.map((k) => `fixed:${k}`)])
    }
];

export function formatSetting(row: Pick<SettingRow, "format">, value: unknown): string {
    return row.format ? row.format(value) : String(value);
}

/**
 * When a changed setting takes effect: "generation" = the running question's next generation (the
 * sampler, handed to the loop at once), "question" = the next question's loop, "start" = when the
 * model is loaded again.
 */
export type Applies = "generation" | "question" | "start";

const AT_START = new Set<keyof Settings>(["model", "gpu", "gpuLayers", "vramCapMiB", "contextSize", "threads"]);
// The seed stays with the question: every step's seed derives from it (see ReflectionLoop.setSampler).
const AT_GENERATION = new Set<keyof Settings>(["temperature", "topK", "topP", "minP", "repeatPenalty", "maxTokens"]);

export function appliesOf(key: keyof Settings): Applies {
    return AT_START.has(key) ? "start" : AT_GENERATION.has(key) ? "generation" : "question";
}

/** The words of the one pending marker, the same for every setting in the header and the settings screen. */
export const APPLIES_WHEN: Record<Exclude<Applies, "generation">, string> = { question: "next question", start: "next start" };

export interface PendingChange {
    key: keyof Settings;
    /** In effect now, and saved (taking effect at `when`). */
    from: string;
    to: string;
    when: string;
}

const rowOf = (key: keyof Settings) => SETTING_ROWS.find((r) => r.key === key) ?? {};

/** Every saved setting that is not yet in effect, in the settings' order. */
export function pendingChanges(effective: Settings, saved: Settings): PendingChange[] {
    const out: PendingChange[] = [];
    for (const key of Object.keys(saved) as (keyof Settings)[]) {
        const applies = appliesOf(key);
        if (applies === "generation" || JSON.stringify(effective[key]) === JSON.stringify(saved[key])) continue;
        out.push({ key, from: formatSetting(rowOf(key), effective[key]), to: formatSetting(rowOf(key), saved[key]), when: APPLIES_WHEN[applies] });
    }
    return out;
}

/** The marker itself: `oracle → self (next question)`. */
export function pendingMark(p: Pick<PendingChange, "from" | "to" | "when">): string {
    return `${p.from} → ${p.to} (${p.when})`;
}
