import Conf from "conf";
import type { SamplerSettings } from "./backend/types.js";
import type { LoopConfig, VerifierMode } from "./engine/types.js";
import { parseSelection } from "./prompts/pool.js";

/** Everything the lab remembers between sessions (stored with `conf` in the user's config dir). */
export interface Settings {
    /** "default" (the embedded SmolLM2), a GGUF path, or an `hf:` URI. */
    model: string;
    gpu: "auto" | "cuda" | "vulkan" | "metal" | "cpu";
    /** "auto" = as many layers as fit; a number caps the offloaded layers. */
    gpuLayers: "auto" | number;
    /** Caps the VRAM the model may take, in MiB; null = no cap. */
    vramCapMiB: number | null;
    contextSize: number;
    /** null = one per core. */
    threads: number | null;
    temperature: number;
    topK: number;
    topP: number;
    minP: number;
    repeatPenalty: number;
    seed: number;
    maxTokens: number;
    maxTurns: number;
    verifier: VerifierMode;
    /** fixed:a-b-c | random | round-robin | subset:k1,k2 */
    instructions: string;
}

// Paper defaults where it has them: temperature 0.8 for sampling reflections, 2 turns.
export const DEFAULT_SETTINGS: Settings = {
    model: "default",
    gpu: "auto",
    gpuLayers: "auto",
    vramCapMiB: null,
    contextSize: 4096,
    threads: null,
    temperature: 0.8,
    topK: 40,
    topP: 0.95,
    minP: 0.05,
    repeatPenalty: 1.1,
    seed: 42,
    maxTokens: 384,
    maxTurns: 2,
    verifier: "oracle",
    instructions: "random"
};

/** Checks one setting, returning an error message or null; used for the CLI, the settings screen and stored values. */
export function validateSetting<K extends keyof Settings>(key: K, value: Settings[K]): string | null {
    const num = (v: unknown, min: number, max: number, int = false) =>
        typeof v === "number" && Number.isFinite(v) && v >= min && v <= max && (!int || Number.isInteger(v)) ? null : `${key} must be ${int ? "an integer" : "a number"} in ${min}..${max}`;
    switch (key) {
        case "model":
            return typeof value === "string" && value.length > 0 ? null : "model must be a path, an hf: URI or \"default\"";
        case "gpu":
            return ["auto", "cuda", "vulkan", "metal", "cpu"].includes(value as string) ? null : "gpu must be auto, cuda, vulkan, metal or cpu";
        case "gpuLayers":
            return value === "auto" ? null : num(value, 0, 1000, true);
        case "vramCapMiB":
            return value === null ? null : num(value, 1, 1 << 22, true);
        case "contextSize":
            return num(value, 256, 1 << 20, true);
        case "threads":
            return value === null ? null : num(value, 1, 1024, true);
        case "temperature":
            return num(value, 0, 5);
        case "topK":
            return num(value, 0, 10000, true);
        case "topP":
        case "minP":
            return num(value, 0, 1);
        case "repeatPenalty":
            return num(value, 1, 3);
        case "seed":
            return num(value, 0, 2 ** 32 - 1, true);
        case "maxTokens":
            return num(value, 1, 1 << 16, true);
        case "maxTurns":
            return num(value, 1, 20, true);
        case "verifier":
            // "teacher" also needs a teacher endpoint at run time; the loop says so clearly when none is given.
            return value === "oracle" || value === "self" || value === "teacher" ? null : "verifier must be oracle, self or teacher";
        case "instructions":
            try {
                parseSelection(value as string);
                return null;
            } catch (e) {
                return (e as Error).message;
            }
    }
    return null;
}

export class SettingsStore {
    private readonly conf: Conf<Settings>;

    constructor(cwd = process.env.REFLECT_LAB_CONFIG_DIR) {
        this.conf = new Conf<Settings>({ projectName: "reflect-lab", cwd, defaults: DEFAULT_SETTINGS });
    }

    get path(): string {
        return this.conf.path;
    }

    /** Stored settings, with any invalid stored value (hand-edited file) replaced by its default. */
    load(): Settings {
        const out = { ...DEFAULT_SETTINGS };
        for (const key of Object.keys(DEFAULT_SETTINGS) as (keyof Settings)[]) {
            const v = this.conf.get(key);
            if (v !== undefined && validateSetting(key, v) === null) (out as Record<string, unknown>)[key] = v;
        }
        return out;
    }

    set<K extends keyof Settings>(key: K, value: Settings[K]): void {
        const err = validateSetting(key, value);
        if (err) throw new Error(err);
        this.conf.set(key, value);
    }
}

export function samplerFrom(s: Settings): SamplerSettings {
    return { temperature: s.temperature, topK: s.topK, topP: s.topP, minP: s.minP, repeatPenalty: s.repeatPenalty, seed: s.seed, maxTokens: s.maxTokens };
}

export function loopConfigFrom(s: Settings): LoopConfig {
    return { maxTurns: s.maxTurns, verifier: s.verifier, mode: "reflect", sampler: samplerFrom(s), instructions: parseSelection(s.instructions) };
}
