// LiveRun values: a run just launched here, and a stored run opened from the past runs (read-only until resumed).
import { resumePoint } from "../../src/training/checkpoints.js";
import { runFiles } from "../../src/training/files.js";
import { lastLines } from "../../src/training/logLines.js";
import { emptyProgress } from "../../src/training/progress.js";
import type { TrainingRunListing } from "../../src/training/runs.js";
import type { TrainingOutcome, TrainingRequest, TrainingSetting } from "../../src/training/types.js";
import { stepPlan } from "./monitorModel.js";
import type { LiveRun } from "./trainingState.js";

export const newLiveRun = (out: string, setting: TrainingSetting, command: string, request: TrainingRequest | null, progress = emptyProgress(), resumed = false): LiveRun => ({
    out,
    setting,
    command,
    state: "running",
    progress,
    outcome: null,
    logLines: [],
    startedAt: Date.now(),
    resumed,
    plan: stepPlan(request),
    resume: null
});

/** A stored run as the monitor shows it. */
export function pastRun(r: TrainingRunListing): LiveRun {
    const log = lastLines(runFiles(r.dir).log, 12);
    // No live trainer and no exit record: the launcher itself died; shown as failed so it can be resumed.
    const outcome: TrainingOutcome | null =
        r.outcome ?? (r.status === "incomplete" ? { status: "failed", out: r.dir, code: null, signal: null, reason: "incomplete: no trainer is running and none recorded how it ended", lastLines: log, elapsedS: 0, endedAt: "" } : null);
    const state = r.status === "done" || r.status === "failed" || r.status === "aborted" ? r.status : "failed";
    const run = newLiveRun(r.dir, r.setting ?? "one-stage", r.command ?? "", r.request, r.progress);
    return { ...run, state, outcome, logLines: log.slice(-6), resume: state === "done" ? null : resumePoint(r.dir, r.progress.stageNames) };
}
