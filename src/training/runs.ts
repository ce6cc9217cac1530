// Training run folders under the sessions dir: what each asked for, how far it got, how it ended.
import { existsSync, readFileSync, statSync } from "node:fs";
import { folderStamp } from "../paths.js";
import { basename, join } from "node:path";
import { runFiles } from "./files.js";
import { readStoredRequest } from "./launcher.js";
import { groupAlive } from "./processGroup.js";
import { sessionFolders } from "../sessionFolders.js";
import { asTrainerEvent, currentStage, emptyProgress, last, reduceProgress, type TrainingProgress } from "./progress.js";
import type { TrainingOutcome, TrainingRequest, TrainingResult, TrainingRunStatus, TrainingSetting } from "./types.js";

export interface TrainingRunListing {
    dir: string;
    id: string;
    setting: TrainingSetting | null;
    data: string | null;
    base: string | null;
    request: TrainingRequest | null;
    command: string | null;
    launchedAt: string | null;
    launches: number;
    status: TrainingRunStatus;
    /** The stage reached and its step / total. */
    stage: string | null;
    step: number;
    totalSteps: number;
    finalLoss: number | null;
    finalEvalLoss: number | null;
    /** Everything log.jsonl holds, folded: curves per stage, checkpoints, artifacts. */
    progress: TrainingProgress;
    outcome: TrainingOutcome | null;
    result: TrainingResult | null;
    /** Whether --resume has a checkpoint or finished stage to continue from. */
    resumable: boolean;
}

/** `<sessionsDir>/train-YYYYMMDD-HHMMSS` (UTC, like batch and curated folders), not yet used. */
export function defaultTrainingOut(sessionsDir: string, now = new Date()): string {
    const base = join(sessionsDir, `train-${folderStamp(now)}`);
    // Two runs started within the same second get -2, -3, ...
    let dir = base;
    for (let i = 2; existsSync(dir); i++) dir = `${base}-${i}`;
    return dir;
}

function readJson<T>(file: string): T | null {
    try {
        return JSON.parse(readFileSync(file, "utf8")) as T;
    } catch {
        return null;
    }
}

export function readEventsFile(file: string): TrainingProgress {
    let p = emptyProgress();
    let text: string;
    try {
        text = readFileSync(file, "utf8");
    } catch {
        return p;
    }
    for (const line of text.split("\n")) {
        if (!line.trim()) continue;
        try {
            const e = asTrainerEvent(JSON.parse(line));
            if (e) p = reduceProgress(p, e);
        } catch {
            // A line cut by a crash.
        }
    }
    return p;
}

function statusOf(dir: string, outcome: TrainingOutcome | null, result: TrainingResult | null): TrainingRunStatus {
    const f = runFiles(dir);
    const pid = Number(readFileSync(f.pid, "utf8").trim());
    if (pid > 0 && groupAlive(pid)) return "running";
    if (outcome) return outcome.status;
    // A trainer that finished while nobody watched still wrote result.json.
    if (result) return "done";
    return "incomplete";
}

/** One run folder, or null when `dir` is not a training run. */
export function readTrainingRun(dir: string): TrainingRunListing | null {
    const f = runFiles(dir);
    const stored = readStoredRequest(dir);
    if (!stored && !existsSync(f.events)) return null;
    const progress = readEventsFile(f.events);
    const outcome = readJson<TrainingOutcome>(f.exit);
    const result = readJson<TrainingResult>(f.result);
    let status: TrainingRunStatus;
    try {
        status = existsSync(f.pid) ? statusOf(dir, outcome, result) : outcome ? outcome.status : result ? "done" : "incomplete";
    } catch {
        status = outcome?.status ?? "incomplete";
    }
    const cur = currentStage(progress);
    return {
        dir,
        id: basename(dir),
        setting: stored?.request.setting ?? progress.setting,
        data: stored?.request.data ?? null,
        base: stored?.request.base ?? progress.base,
        request: stored?.request ?? null,
        command: stored?.command ?? null,
        launchedAt: stored?.launched_at ?? null,
        launches: stored?.launches ?? 0,
        status,
        stage: cur?.name ?? null,
        step: cur?.step ?? 0,
        totalSteps: cur?.totalSteps ?? 0,
        finalLoss: cur ? last(cur.loss) : null,
        finalEvalLoss: cur ? last(cur.evalLoss) : null,
        progress,
        outcome,
        result,
        resumable: !!stored && status !== "done" && status !== "running"
    };
}

/** Training runs under `sessionsDir` (train-* folders, or any folder with a training request.json), newest first. */
export function listTrainingRuns(sessionsDir: string): TrainingRunListing[] {
    const runs: { run: TrainingRunListing; t: number }[] = [];
    for (const dir of sessionFolders(sessionsDir)) {
        try {
            if (!statSync(dir).isDirectory()) continue;
            if (!basename(dir).startsWith("train-") && !existsSync(runFiles(dir).request)) continue;
            const run = readTrainingRun(dir);
            if (run) runs.push({ run, t: run.launchedAt ? Date.parse(run.launchedAt) : statSync(dir).mtimeMs });
        } catch {
            // Vanished or unreadable: not listed.
        }
    }
    return runs.sort((a, b) => b.t - a.t).map((r) => r.run);
}
