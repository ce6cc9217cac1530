import type { Settings } from "../src/settings.js";

/** How the settings screen steps one value: left/right move through a range or cycle a list. */
type Stepper = (value: unknown, dir: 1 | -1, instructionKeys: string[]) => unknown;

export interface SettingRow {
    key: keyof Settings;
    hint: string;
    /** Applies when the model is loaded again (next start), not at the next question. */
    restart: boolean;
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
    { key: "model", hint: "set with: reflect-lab config set model <path>", restart: true },
    { key: "gpu", hint: "compute backend", restart: true, step: cycle(() => ["auto", "cuda", "vulkan", "metal", "cpu"]) },
    { key: "gpuLayers", hint: "layers on the GPU (auto = all that fit)", restart: true, step: optionalInt("auto", 1, 0, 1000) },
    { key: "vramCapMiB", hint: "VRAM cap in MiB", restart: true, step: optionalInt(null, 512, 512, 1 << 22), format: orWord("none") },
    {
        key: "contextSize",
        hint: "context size in tokens",
        restart: true,
        step: (v, dir) => clamp(dir > 0 ? (v as number) * 2 : Math.floor((v as number) / 2), 256, 1 << 17)
    },
    { key: "threads", hint: "CPU threads (auto = one per core)", restart: true, step: optionalInt(null, 1, 1, 1024), format: orWord("auto") },
    { key: "temperature", hint: "sampling temperature", restart: false, step: (v, dir) => clamp(Math.round(((v as number) + dir * 0.1) * 100) / 100, 0, 2) },
    { key: "seed", hint: "sampling seed", restart: false, step: int(1, 0, 2 ** 32 - 1) },
    { key: "maxTurns", hint: "turns per question", restart: false, step: int(1, 1, 20) },
    { key: "maxTokens", hint: "tokens per generation", restart: false, step: int(32, 32, 1 << 16) },
    { key: "verifier", hint: "oracle = ground truth, self = the model judges itself, teacher = the teacher endpoint judges", restart: false, step: cycle(() => ["oracle", "self", "teacher"]) },
    {
        key: "instructions",
        hint: "how reflections pick an instruction",
        restart: false,
        step: cycle((_v, keys) => ["random", "round-robin", ...keys.map((k) => `fixed:${k}`)])
    }
];

export function formatSetting(row: SettingRow, value: unknown): string {
    return row.format ? row.format(value) : String(value);
}
