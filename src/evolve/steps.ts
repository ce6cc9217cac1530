import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { reportRun } from "../batch/report.js";
import { startBatch } from "../batch/session.js";
import { RunStore } from "../batch/store.js";
import type { BatchConfig, BatchEvent, ReflectorSpec } from "../batch/types.js";
import { CURATION_FILE, exportCuration, type CurationSummary } from "../curate/export.js";
import { defaultOptions } from "../curate/options.js";
import type { PreferenceJudge } from "../curate/judge.js";
import type { CuratedSet } from "../curate/types.js";
import { withCurationLock } from "../curate/writer.js";
import type { Settings } from "../settings.js";
import { launchTraining, readStoredRequest, resumeTraining, type LaunchOptions } from "../training/launcher.js";
import type { TrainingProgress } from "../training/progress.js";
import type { TrainerEvent, TrainingOutcome, TrainingSetting } from "../training/types.js";
import type { EvolveConfig } from "./types.js";

/** Raised when Ctrl-C (or SIGTERM) stopped a step: what it finished is stored and `--resume` continues. */
export class EvolveInterrupted extends Error {}

export interface StepContext {
    config: EvolveConfig;
    hardware: Pick<Settings, "gpu" | "gpuLayers" | "vramCapMiB" | "threads">;
    signal?: AbortSignal;
    allowUnsafeCode?: boolean;
    onProgress?: (line: string) => void;
}

/** The curated sets a training setting reads (D_pref needs the teacher's judgements). */
export const SETS_FOR: Record<TrainingSetting, CuratedSet[]> = { "one-stage": ["dplus"], "two-stage": ["dplus"], "dpo-pm": ["dpm"], "dpo-pref": ["dpref"] };
/** The training file of each setting whose train rows must not be empty. */
export const FILES_FOR: Record<TrainingSetting, string[]> = {
    "one-stage": ["sft.one-stage.train.jsonl"],
    "two-stage": ["sft.reflector.train.jsonl", "sft.corrector.train.jsonl"],
    "dpo-pm": ["pref.dpm.train.jsonl"],
    "dpo-pref": ["pref.dpref.train.jsonl"]
};

export interface BatchStepSpec {
    dir: string;
    tasksFile: string;
    mode: "reflect" | "retry";
    reflector: ReflectorSpec | null;
    turn1From: string | null;
    onEvent?: (e: BatchEvent) => void;
}

/** Whether a batch step is finished: every item stored done. */
export function batchDone(dir: string): boolean {
    if (!RunStore.exists(dir)) return false;
    const p = reportRun(dir).progress;
    return p.done === p.items;
}

/**
 * Runs (or finishes) one batch run of the loop: new, or resumed (missing items) and then its errored
 * items retried once. An item that still errors stops the loop, naming the run to look at.
 */
export async function batchStep(ctx: StepContext, s: BatchStepSpec): Promise<void> {
    const c = ctx.config;
    const config: BatchConfig = {
        tasks: [s.tasksFile], format: "reflect-lab", limit: null, parallel: c.parallel, k: c.k, instructions: c.instructions, maxTurns: c.maxTurns,
        mode: s.mode, verifier: "oracle", sampler: c.sampler, model: c.model, contextSize: c.contextSize, reflector: s.reflector, endpoint: null, teacher: null, turn1From: s.turn1From
    };
    const common = { config, out: s.dir, hardware: ctx.hardware, signal: ctx.signal, allowUnsafeCode: ctx.allowUnsafeCode, onEvent: s.onEvent, onProgress: ctx.onProgress };
    const existed = RunStore.exists(s.dir);
    let summary = await startBatch({ ...common, resume: existed });
    if (summary.interrupted) throw new EvolveInterrupted(`stopped during ${s.dir}`);
    if (summary.errors || reportRun(s.dir).progress.errors) {
        ctx.onProgress?.(`retrying the items of ${s.dir} that errored`);
        summary = await startBatch({ ...common, retryErrors: true });
        if (summary.interrupted) throw new EvolveInterrupted(`stopped during ${s.dir}`);
    }
    const p = reportRun(s.dir).progress;
    if (p.done !== p.items) throw new Error(`${p.items - p.done} of ${p.items} items of ${s.dir} did not finish (${p.errors} errored): see reflect-lab report ${s.dir}; evolve --resume retries them`);
}

/** Rows of the setting's training files in a curated folder (from curation.json). */
export function trainingRows(summary: CurationSummary, setting: TrainingSetting): number {
    const rows = FILES_FOR[setting].map((f) => summary.files.find((x) => x.name === f)?.rows ?? 0);
    return Math.min(...rows);
}

/** D+ rows (train and eval) a curation holds. */
export const dplusRows = (s: CurationSummary): number => s.counts.dplus?.total ?? 0;

export function readCuration(dir: string): CurationSummary | null {
    const file = join(dir, CURATION_FILE);
    if (!existsSync(file)) return null;
    return JSON.parse(readFileSync(file, "utf8")) as CurationSummary;
}

/**
 * Curates the loop's training data from every round's batch so far (accumulated, deduplicated; no
 * eval share: the eval part is held out already). A folder with curation.json is done.
 */
export async function curateStep(ctx: StepContext, dir: string, runs: string[], judge?: PreferenceJudge): Promise<CurationSummary> {
    const done = readCuration(dir);
    if (done) return done;
    const options = defaultOptions({ sets: SETS_FOR[ctx.config.setting], capPerTask: null, instructions: null, dedup: true, evalFraction: 0, seed: ctx.config.seed });
    return withCurationLock(dir, true, (force) => exportCuration({ runs, options, out: dir, force, judge }), ctx.onProgress);
}

export interface TrainStepSpec {
    dir: string;
    data: string;
    base: string;
    launch?: LaunchOptions;
    onEvent?: (e: TrainerEvent, p: TrainingProgress) => void;
}

/** Trains (or resumes training) one round's adapter; a folder with result.json is done. */
export async function trainStep(ctx: StepContext, s: TrainStepSpec): Promise<TrainingOutcome | null> {
    if (existsSync(join(s.dir, "result.json"))) return null;
    const opts: LaunchOptions = { ...s.launch, onEvent: s.onEvent };
    const run = readStoredRequest(s.dir)
        ? resumeTraining(s.dir, opts)
        : launchTraining({ setting: ctx.config.setting, data: s.data, out: s.dir, base: s.base, hyper: ctx.config.hyper }, opts);
    if (run.lockNote) ctx.onProgress?.(run.lockNote);
    const stop = () => void run.abort();
    ctx.signal?.addEventListener("abort", stop);
    try {
        const outcome = await run.finished;
        if (outcome.status === "aborted" || ctx.signal?.aborted) throw new EvolveInterrupted(`stopped during training ${s.dir}`);
        if (outcome.status !== "done") throw new Error(`training ${s.dir} failed: ${outcome.reason ?? outcome.status}${outcome.lastLines.length ? `\n${outcome.lastLines.slice(-5).join("\n")}` : ""}`);
        return outcome;
    } finally {
        ctx.signal?.removeEventListener("abort", stop);
    }
}
