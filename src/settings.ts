import { copyFileSync, existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import type Conf from "conf";
import { ConfigFileError, confFilePath, jsonProblem, openConfFile, quoteValue, withFileErrors } from "./configFile.js";
import { ensureDir } from "./fsDirs.js";
import { CONFIG_DIR_FIX, configDir } from "./paths.js";
import type { SamplerSettings } from "./backend/types.js";
import type { LoopConfig, VerifierMode } from "./engine/types.js";
import { INSTRUCTIONS_GRAMMAR } from "./prompts/instructionSpec.js";
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
    /** The one `--instructions` grammar (src/prompts/instructionSpec.ts), as the lab uses it: one instruction per reflection. */
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
            if (typeof value !== "string") return `instructions must be a string: ${INSTRUCTIONS_GRAMMAR}`;
            try {
                parseSelection(value as string);
                return null;
            } catch (e) {
                return (e as Error).message;
            }
    }
    return null;
}

const SETTINGS_FIX = "run `reflect-lab config reset` to rewrite it with the defaults (the broken file is kept as config.json.bad), or repair it by hand";

/**
 * The stored settings (config.json in configDir()). Nothing is read until a command needs the
 * settings, so `verify`, `--help` and `config reset` work whatever state the file is in.
 */
export class SettingsStore {
    readonly path: string;
    private readonly dir: string;
    private conf: Conf<Settings> | null = null;

    constructor(cwd = process.env.REFLECT_LAB_CONFIG_DIR) {
        this.dir = cwd ? resolve(cwd) : configDir();
        this.path = confFilePath(this.dir, "config");
    }

    private open(): Conf<Settings> {
        return (this.conf ??= openConfFile<Settings>({ dir: this.dir, name: "config", defaults: DEFAULT_SETTINGS, fix: SETTINGS_FIX }));
    }

    /** Stored settings; throws ConfigFileError naming the file, each invalid field and how to fix it. */
    load(): Settings {
        const { settings, problems } = this.read();
        if (problems.length) throw new ConfigFileError(invalidSettingsMessage(this.path, problems), this.path);
        return settings;
    }

    /**
     * For `config show`: the settings with defaults in place of invalid fields (null when the file
     * cannot be read) and what is wrong, as load() would throw it (null: nothing).
     */
    inspect(): { settings: Settings | null; problem: string | null } {
        try {
            const { settings, problems } = this.read();
            return { settings, problem: problems.length ? invalidSettingsMessage(this.path, problems) : null };
        } catch (e) {
            return { settings: null, problem: (e as Error).message };
        }
    }

    private read(): { settings: Settings; problems: { key: keyof Settings; value: unknown; error: string }[] } {
        const conf = this.open();
        const stored = withFileErrors(this.path, () => conf.store) as unknown as Record<string, unknown>;
        const out = { ...DEFAULT_SETTINGS };
        const problems: { key: keyof Settings; value: unknown; error: string }[] = [];
        for (const key of Object.keys(DEFAULT_SETTINGS) as (keyof Settings)[]) {
            const v = stored[key];
            if (v === undefined) continue;
            const error = validateSetting(key, v as never);
            if (error === null) (out as Record<string, unknown>)[key] = v;
            else problems.push({ key, value: v, error });
        }
        return { settings: out, problems };
    }

    set<K extends keyof Settings>(key: K, value: Settings[K]): void {
        const err = validateSetting(key, value);
        if (err) throw new Error(err);
        const conf = this.open();
        withFileErrors(this.path, () => conf.set(key, value));
    }

    /**
     * Writes the defaults whatever the file holds (it need not parse); an unreadable file is first
     * copied to config.json.bad, whose path is returned.
     */
    reset(): { kept: string | null } {
        ensureDir(this.dir, "config folder", CONFIG_DIR_FIX);
        let kept: string | null = null;
        return withFileErrors(this.path, () => {
            if (existsSync(this.path) && jsonProblem(readFileSync(this.path, "utf8").replace(/^\ufeff/, "")).problem !== null) {
                kept = `${this.path}.bad`;
                copyFileSync(this.path, kept);
            }
            // Temp file + rename, like conf: a crash mid-write never leaves half a file.
            const tmp = `${this.path}.${process.pid}.tmp`;
            writeFileSync(tmp, JSON.stringify(DEFAULT_SETTINGS, undefined, "\t"));
            renameSync(tmp, this.path);
            this.conf = null;
            return { kept };
        });
    }
}

function invalidSettingsMessage(file: string, problems: { key: keyof Settings; value: unknown; error: string }[]): string {
    const lines = problems.map((p) => `  ${p.key} is ${quoteValue(p.value)}: ${p.error}`);
    const first = problems[0]!.key;
    const example = `reflect-lab config set ${first} ${String(DEFAULT_SETTINGS[first])}`;
    return `${file} has ${problems.length === 1 ? "an invalid setting" : `${problems.length} invalid settings`}:\n${lines.join("\n")}\nfix ${problems.length === 1 ? "it" : "each"} with \`reflect-lab config set <key> <value>\` (e.g. \`${example}\`, the default), or run \`reflect-lab config reset\``;
}

export function samplerFrom(s: Settings): SamplerSettings {
    return { temperature: s.temperature, topK: s.topK, topP: s.topP, minP: s.minP, repeatPenalty: s.repeatPenalty, seed: s.seed, maxTokens: s.maxTokens };
}

export function loopConfigFrom(s: Settings): LoopConfig {
    return { maxTurns: s.maxTurns, verifier: s.verifier, mode: "reflect", sampler: samplerFrom(s), instructions: parseSelection(s.instructions) };
}
