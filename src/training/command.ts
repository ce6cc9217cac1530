// A TrainingRequest as the exact trainer command line (argv), and the trainer's location.
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { DEFAULT_MODEL_PATH, PROJECT_ROOT } from "../paths.js";
import { isDpo, resolveHyper } from "./defaults.js";
import type { Hyper, TrainingRequest } from "./types.js";

export const TRAINING_DIR = join(PROJECT_ROOT, "training");
export const SETUP_HINT = "npm run setup:training";

export interface TrainerPaths {
    python: string;
    script: string;
}

/** Where the trainer is: options first (tests), then env, then the venv that `npm run setup:training` creates. */
export function trainerPaths(opts: Partial<TrainerPaths> = {}, env: NodeJS.ProcessEnv = process.env): TrainerPaths {
    return {
        python: opts.python ?? env.REFLECT_LAB_TRAIN_PYTHON ?? join(TRAINING_DIR, ".venv", "bin", "python"),
        script: opts.script ?? env.REFLECT_LAB_TRAIN_SCRIPT ?? join(TRAINING_DIR, "train.py")
    };
}

/** A problem found before the trainer is spawned (missing venv, data, folder); the message names the fix. */
export class TrainingLaunchError extends Error {}

/** Why the trainer cannot start, with the fix; null when it can. A bare command name ("python3") is left to PATH. */
export function trainerProblem(paths: TrainerPaths, processes = 1): string | null {
    if (paths.python.includes("/") && !existsSync(paths.python))
        return `the training environment is missing (${paths.python}). Fix: \`${SETUP_HINT}\` (creates training/.venv with torch, transformers, trl, peft), or point REFLECT_LAB_TRAIN_PYTHON at a Python that has them.`;
    if (!existsSync(paths.script)) return `the trainer script is missing: ${paths.script}`;
    if (processes > 1 && paths.python.includes("/") && !existsSync(accelerateOf(paths)))
        return `--processes ${processes} needs accelerate next to ${paths.python} (${accelerateOf(paths)}). Fix: \`${SETUP_HINT}\`.`;
    return null;
}

/** `accelerate` from the same environment as the python. */
export const accelerateOf = (paths: TrainerPaths): string => (paths.python.includes("/") ? join(dirname(paths.python), "accelerate") : "accelerate");

/**
 * Absolute paths, so the command means the same from any working directory. "default" is the lab's
 * default model; a base that is no local path (a hub id) is passed through as given.
 */
export function normalizeRequest(req: TrainingRequest): TrainingRequest {
    let base = req.base?.trim() || undefined;
    if (base === "default") base = DEFAULT_MODEL_PATH;
    else if (base && existsSync(resolve(base))) base = resolve(base);
    return { ...req, data: resolve(req.data), out: resolve(req.out), base };
}

const FLAGS: [keyof Hyper, string][] = [
    ["epochs", "--epochs"],
    ["maxSteps", "--max-steps"],
    ["lr", "--lr"],
    ["batchSize", "--batch-size"],
    ["gradAccum", "--grad-accum"],
    ["loraR", "--lora-r"],
    ["loraAlpha", "--lora-alpha"],
    ["loraDropout", "--lora-dropout"],
    ["loadIn4bit", "--load-in-4bit"],
    ["beta", "--beta"],
    ["maxLength", "--max-length"],
    ["seed", "--seed"],
    ["loggingSteps", "--logging-steps"],
    ["evalSteps", "--eval-steps"],
    ["saveSteps", "--save-steps"],
    ["threads", "--threads"]
];

/** Flags that mean nothing for this request (LoRA and 4-bit under --full, beta outside DPO) are left out. */
function applies(key: keyof Hyper, req: TrainingRequest, h: Hyper): boolean {
    if (h.full && (key === "loraR" || key === "loraAlpha" || key === "loraDropout" || key === "loadIn4bit")) return false;
    if (key === "beta") return isDpo(req.setting);
    return true;
}

/** Numbers as the user would write them (1e-3, not 0.001). */
export function formatNumber(v: number): string {
    if (Number.isInteger(v) || (Math.abs(v) >= 0.01 && Math.abs(v) < 1e6)) return String(v);
    return v.toExponential().replace(/\.?0+e/, "e").replace("e+", "e");
}

/**
 * The exact argv (argv[0] is the program). Every hyperparameter is passed explicitly, so request.json and
 * the command preview say what ran whatever the trainer's own defaults become.
 */
export function buildArgv(request: TrainingRequest, paths: TrainerPaths): string[] {
    const req = normalizeRequest(request);
    const processes = Math.max(1, req.processes ?? 1);
    const h = resolveHyper(req.setting, req.hyper, processes);
    const head = processes > 1 ? [accelerateOf(paths), "launch", "--num_processes", String(processes), paths.script] : [paths.python, paths.script];
    const args = [...head, "--setting", req.setting, "--data", req.data, "--out", req.out];
    if (req.base) args.push("--base", req.base);
    for (const [key, flag] of FLAGS) {
        const v = h[key];
        if (v === null || v === undefined || !applies(key, req, h)) continue;
        args.push(flag, typeof v === "number" ? formatNumber(v) : String(v));
    }
    if (h.full) args.push("--full");
    if (req.resume) args.push("--resume");
    if (req.merge) args.push("--merge");
    return args;
}

/** POSIX shell quoting: what the preview shows can be pasted into a shell. */
export function shellQuote(arg: string): string {
    return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export const commandLine = (argv: string[]): string => argv.map(shellQuote).join(" ");
