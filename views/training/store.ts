// The training screen's state: the form, the launched run as the monitor shows it, and the past runs.
import { createStore, type StoreApi } from "zustand/vanilla";
import type { LaunchState } from "../../src/training/launcher.js";
import { emptyProgress, type TrainingProgress } from "../../src/training/progress.js";
import { runFiles } from "../../src/training/files.js";
import { lastLines } from "../../src/training/logLines.js";
import type { TrainingRunListing } from "../../src/training/runs.js";
import type { TrainingOutcome, TrainingSetting } from "../../src/training/types.js";
import type { FieldKey, TrainingFormValues } from "./formModel.js";

export type TrainingMode = "form" | "monitor" | "runs";

export interface FormState {
    values: TrainingFormValues;
    /** Index into the visible fields; their count is the start row. */
    sel: number;
    /** The text being typed into the selected field, or null. */
    editing: string | null;
    /** Fields the user set: they keep their value when the setting changes. */
    edited: FieldKey[];
    error: string | null;
}

export interface LiveRun {
    out: string;
    setting: TrainingSetting;
    command: string;
    state: LaunchState;
    progress: TrainingProgress;
    outcome: TrainingOutcome | null;
    /** The last lines of trainer.log, refreshed while it runs. */
    logLines: string[];
    startedAt: number;
    resumed: boolean;
}

export interface TrainingViewState {
    mode: TrainingMode;
    form: FormState;
    run: LiveRun | null;
    runs: TrainingRunListing[];
    runSel: number;
    /** Asking before leaving while a trainer runs. */
    confirmBack: boolean;
    help: boolean;
    /** A one-line message (a launch that could not start, a resume that is not possible). */
    notice: string | null;
    quitting: boolean;
}

export type TrainingViewStore = StoreApi<TrainingViewState>;

export function createTrainingStore(values: TrainingFormValues, runs: TrainingRunListing[], edited: FieldKey[] = []): TrainingViewStore {
    return createStore<TrainingViewState>(() => ({
        mode: "form",
        form: { values, sel: 0, editing: null, edited, error: null },
        run: null,
        runs,
        runSel: 0,
        confirmBack: false,
        help: false,
        notice: null,
        quitting: false
    }));
}

export const newLiveRun = (out: string, setting: TrainingSetting, command: string, progress = emptyProgress(), resumed = false): LiveRun => ({
    out,
    setting,
    command,
    state: "running",
    progress,
    outcome: null,
    logLines: [],
    startedAt: Date.now(),
    resumed
});

/** A stored run as the monitor shows it (read-only until resumed). */
export function pastRun(r: TrainingRunListing): LiveRun {
    const log = lastLines(runFiles(r.dir).log, 12);
    // No live trainer and no exit record: the launcher itself died; shown as failed so it can be resumed.
    const outcome: TrainingOutcome | null =
        r.outcome ?? (r.status === "incomplete" ? { status: "failed", out: r.dir, code: null, signal: null, reason: "incomplete: no trainer is running and none recorded how it ended", lastLines: log, elapsedS: 0, endedAt: "" } : null);
    const state = r.status === "done" || r.status === "failed" || r.status === "aborted" ? r.status : "failed";
    return { ...newLiveRun(r.dir, r.setting ?? "one-stage", r.command ?? "", r.progress), state, outcome, logLines: log.slice(-6) };
}
