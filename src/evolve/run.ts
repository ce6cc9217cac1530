import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { resolveModelPath } from "../backend/modelFile.js";
import { reflectorFromTraining } from "../batch/reflector.js";
import type { BatchEvent } from "../batch/types.js";
import type { CurationSummary } from "../curate/export.js";
import type { PreferenceJudge } from "../curate/judge.js";
import { emptyCurationAdvice } from "../curate/emptyAdvice.js";
import { acquireRunLock } from "../runLock.js";
import { loadTaskFiles } from "../tasks/load.js";
import type { LaunchOptions } from "../training/launcher.js";
import type { TrainingProgress } from "../training/progress.js";
import type { TrainerEvent } from "../training/types.js";
import { evolvePaths } from "./layout.js";
import { splitByQuestion, writeTaskFile } from "./split.js";
import { batchDone, batchStep, EvolveInterrupted, curateStep, readCuration, SETS_FOR, trainingRows, trainStep, type StepContext } from "./steps.js";
import { roundsTable, type RoundsTable } from "./table.js";
import { EVOLVE_SCHEMA, type EvolveConfig, type EvolveManifest, type EvolveStep } from "./types.js";

export type EvolveEvent =
    | { type: "step"; round: number; step: EvolveStep; state: "start" | "done" | "skipped"; dir: string }
    | { type: "batch"; round: number; step: EvolveStep; event: BatchEvent }
    | { type: "train"; round: number; event: TrainerEvent; progress: TrainingProgress }
    | { type: "curated"; round: number; summary: CurationSummary; rows: number }
    | { type: "table"; table: RoundsTable }
    /** The loop cannot go on (an empty curated set): why, and what to change. */
    | { type: "stopped"; round: number; reason: string }
    | { type: "note"; message: string };

export interface EvolveRequest extends Omit<StepContext, "onProgress"> {
    out: string;
    resume?: boolean;
    judge?: PreferenceJudge;
    /** Trainer location and environment (tests). */
    launch?: LaunchOptions;
    onEvent?: (e: EvolveEvent) => void;
}

export interface EvolveResult {
    out: string;
    table: RoundsTable;
    /** Set when the loop stopped early (an empty curated set), with the reason. */
    stopped: string | null;
}

/** Names the results-defining differences between a stored evolve config and a requested one (rounds and parallel may change). */
export function evolveDifferences(stored: EvolveConfig, asked: EvolveConfig): string[] {
    return (Object.keys(stored) as (keyof EvolveConfig)[]).filter((k) => k !== "rounds" && k !== "parallel" && JSON.stringify(stored[k]) !== JSON.stringify(asked[k]));
}

/**
 * The self-evolving loop (paper Sec. 3): split once by question into train and eval parts; round 0
 * evaluates the base model on the eval part (its turn 1 is reused by every later evaluation, so all
 * rounds are paired exactly) beside the w/o-reflection baseline; each round r then generates
 * reflections over the train part with the current reflector (round 1: the base), curates every
 * round's samples so far, trains a new adapter and evaluates it. Each step is a folder of its own;
 * whatever exists is skipped or resumed, so `--resume` continues at any step.
 */
export async function runEvolve(req: EvolveRequest): Promise<EvolveResult> {
    const out = resolve(req.out);
    const lock = acquireRunLock(out, { what: "evolve folder" });
    try {
        if (lock.tookOver) req.onEvent?.({ type: "note", message: lock.tookOver });
        return await evolveLocked(req, out);
    } finally {
        lock.release();
    }
}

async function evolveLocked(req: EvolveRequest, out: string): Promise<EvolveResult> {
    const P = evolvePaths(out);
    const emit = (e: EvolveEvent) => req.onEvent?.(e);
    const ctx: StepContext = { ...req, onProgress: (message) => emit({ type: "note", message }) };
    let manifest: EvolveManifest;
    if (existsSync(P.manifest)) {
        if (!req.resume) throw new Error(`${out} already holds an evolve run; pass --resume to continue it, or choose another --out`);
        manifest = readEvolveManifest(P.manifest);
        const diff = evolveDifferences(manifest.config, req.config);
        if (diff.length) throw new Error(`--resume: ${out} was started with other settings (${diff.join(", ")}); drop them to continue with the stored ones, or choose another --out`);
        if (req.config.rounds !== manifest.config.rounds) {
            manifest = { ...manifest, config: { ...manifest.config, rounds: req.config.rounds } };
            writeManifestFile(out, manifest);
        }
    } else {
        if (req.resume) throw new Error(`nothing to resume: ${out} holds no evolve run (no evolve.json)`);
        emit({ type: "step", round: 0, step: "split", state: "start", dir: P.split });
        const set = await loadTaskFiles(req.config.tasks, { format: req.config.format });
        const items = req.config.limit != null ? set.items.slice(0, req.config.limit) : set.items;
        const split = splitByQuestion(items, req.config.evalShare, req.config.seed);
        if (!split.train.length || !split.eval.length) throw new Error(`the tasks give ${items.length} items (${split.summary.questions.train + split.summary.questions.eval} distinct questions): too few to split into a train and an eval part; give more items`);
        writeTaskFile(P.trainTasks, split.train);
        writeTaskFile(P.evalTasks, split.eval);
        manifest = { schema: EVOLVE_SCHEMA, created_at: new Date().toISOString(), config: req.config, split: split.summary };
        // Written last: a folder with evolve.json has its split.
        writeManifestFile(out, manifest);
        emit({ type: "step", round: 0, step: "split", state: "done", dir: P.split });
    }
    const config = manifest.config;
    const c = { ...ctx, config };
    const table = () => roundsTable(out, manifest);

    // A stop between steps is honoured before the next one starts (a step's own stop is its business).
    const checkStop = (what: string) => {
        if (req.signal?.aborted) throw new EvolveInterrupted(`stopped before ${what}`);
    };
    const batch = async (round: number, step: EvolveStep, dir: string, spec: Omit<Parameters<typeof batchStep>[1], "dir" | "onEvent">) => {
        if (batchDone(dir)) return emit({ type: "step", round, step, state: "skipped", dir });
        checkStop(dir);
        emit({ type: "step", round, step, state: "start", dir });
        await batchStep(c, { ...spec, dir, onEvent: (event) => emit({ type: "batch", round, step, event }) });
        emit({ type: "step", round, step, state: "done", dir });
    };

    await batch(0, "eval-base", P.baseEval, { tasksFile: P.evalTasks, mode: "reflect", reflector: null, turn1From: null });
    await batch(0, "retry", P.retry, { tasksFile: P.evalTasks, mode: "retry", reflector: null, turn1From: P.baseEval });
    emit({ type: "table", table: table() });
    const base = await resolveModelPath(config.model);

    for (let r = 1; r <= config.rounds; r++) {
        const R = P.round(r);
        const reflector = r === 1 ? null : reflectorFromTraining(P.round(r - 1).train);
        // Turn 1 on the train part is the base model's too: made in round 1, reused after.
        await batch(r, "batch", R.batch, { tasksFile: P.trainTasks, mode: "reflect", reflector, turn1From: r === 1 ? null : P.round(1).batch });

        const runs = Array.from({ length: r }, (_, i) => P.round(i + 1).batch);
        const had = readCuration(R.curated);
        if (!had) checkStop(R.curated);
        emit({ type: "step", round: r, step: "curate", state: had ? "skipped" : "start", dir: R.curated });
        const summary = had ?? (await curateStep(c, R.curated, runs, req.judge));
        const rows = trainingRows(summary, config.setting);
        emit({ type: "curated", round: r, summary, rows });
        if (!had) emit({ type: "step", round: r, step: "curate", state: "done", dir: R.curated });
        if (rows === 0) {
            const reason = emptyCurationAdvice(summary, SETS_FOR[config.setting]) ?? `the curated set for ${config.setting} is empty`;
            const message = `round ${r}: nothing to train on, so the loop stops here (no empty training run).\n${reason}\n(this folder's settings are fixed: start a new --out with the changes)`;
            emit({ type: "stopped", round: r, reason: message });
            const t = table();
            emit({ type: "table", table: t });
            return { out, table: t, stopped: message };
        }

        const trained = existsSync(`${R.train}/result.json`);
        if (!trained) checkStop(R.train);
        emit({ type: "step", round: r, step: "train", state: trained ? "skipped" : "start", dir: R.train });
        await trainStep(c, { dir: R.train, data: R.curated, base, launch: req.launch, onEvent: (event, progress) => emit({ type: "train", round: r, event, progress }) });
        if (!trained) emit({ type: "step", round: r, step: "train", state: "done", dir: R.train });

        await batch(r, "eval", R.eval, { tasksFile: P.evalTasks, mode: "reflect", reflector: reflectorFromTraining(R.train), turn1From: P.baseEval });
        emit({ type: "table", table: table() });
    }
    return { out, table: table(), stopped: null };
}

/** evolve.json, checked to be one (the CLI reads it for --resume too). */
export function readEvolveManifest(file: string): EvolveManifest {
    let m: EvolveManifest;
    try {
        m = JSON.parse(readFileSync(file, "utf8")) as EvolveManifest;
    } catch (e) {
        throw new Error(`cannot read ${file}: ${(e as Error).message}`);
    }
    if (m.schema !== EVOLVE_SCHEMA) throw new Error(`${file} is not an evolve manifest (schema ${String(m.schema)})`);
    return m;
}

/** evolve.json, atomically (temp + rename). */
function writeManifestFile(out: string, m: EvolveManifest): void {
    const file = evolvePaths(out).manifest;
    writeFileSync(`${file}.tmp`, JSON.stringify(m, null, 2) + "\n");
    renameSync(`${file}.tmp`, file);
}
