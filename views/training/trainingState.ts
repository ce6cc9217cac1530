// The training screen as a pure reducer: the form, the launched run as the monitor shows it, the past runs.
import type { ResumePoint } from "../../src/training/checkpoints.js";
import type { LaunchState } from "../../src/training/launcher.js";
import type { TrainingProgress } from "../../src/training/progress.js";
import type { TrainingRunListing } from "../../src/training/runs.js";
import type { TrainingOutcome, TrainingSetting } from "../../src/training/types.js";
import { cycle, refill, visibleFields, type FieldKey, type FormContext, type TrainingFormValues } from "./formModel.js";
import type { StepPlan } from "./monitorModel.js";

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
    /** When this launch started (ms): the elapsed clock counts from here. */
    startedAt: number;
    resumed: boolean;
    /** What fixes the step totals before the trainer reports them; null when the request is unknown. */
    plan: StepPlan | null;
    /** What r would resume from, read from the folder once the run has ended; null = nothing (no checkpoint). */
    resume: ResumePoint | null;
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

export type TrainingAction =
    /** The previous or next form field (the start row included), or past run. */
    | { type: "move"; delta: 1 | -1 }
    /** The selected choice or curated-folder field to its previous or next option. */
    | { type: "cycle"; dir: 1 | -1; ctx: FormContext }
    | { type: "edit.begin" }
    | { type: "edit.input"; text: string }
    | { type: "edit.backspace" }
    | { type: "edit.accept" }
    | { type: "edit.cancel" }
    | { type: "form.error"; error: string | null }
    /** Back to the form for another run; `out` replaces a used run folder. */
    | { type: "form.again"; out: string | null }
    /** Tab: the past runs, or back to the live run (or the form). */
    | { type: "runs.toggle" }
    | { type: "runs.loaded"; runs: TrainingRunListing[] }
    /** The monitor: of a past run, or (null) of the one launched here. */
    | { type: "run.open"; run: LiveRun | null }
    | { type: "run.started"; run: LiveRun }
    | { type: "run.patch"; patch: Partial<LiveRun> }
    | { type: "help"; open: boolean }
    | { type: "confirmBack"; open: boolean }
    | { type: "notice"; text: string | null }
    | { type: "quitting" };

/** Fields whose change moves the defaults of the hyperparameters not edited by hand (refill ignores non-hyper keys in `edited`). */
const DRIVERS: FieldKey[] = ["setting", "full", "processes", "batchSize"];

export function initialTrainingState(values: TrainingFormValues, runs: TrainingRunListing[], edited: FieldKey[] = []): TrainingViewState {
    return { mode: "form", form: { values, sel: 0, editing: null, edited, error: null }, run: null, runs, runSel: 0, confirmBack: false, help: false, notice: null, quitting: false };
}

/** A new value for a field; hyperparameters follow the setting unless edited by hand. */
function setValue(f: FormState, key: FieldKey, value: string): FormState {
    const edited = [...new Set([...f.edited, key])];
    let values: TrainingFormValues = { ...f.values, [key]: value };
    if (DRIVERS.includes(key)) values = refill(values, new Set(edited));
    return { ...f, values, edited, editing: null, sel: Math.min(f.sel, visibleFields(values).length), error: null };
}

function reduceForm(f: FormState, a: TrainingAction): FormState {
    const fields = visibleFields(f.values);
    const field = fields[f.sel];
    switch (a.type) {
        case "move": {
            const n = fields.length + 1;
            return { ...f, sel: (f.sel + a.delta + n) % n };
        }
        case "cycle":
            return field && field.kind !== "text" ? setValue(f, field.key, cycle(field, f.values[field.key], a.dir, a.ctx)) : f;
        case "edit.begin":
            return field ? { ...f, editing: f.values[field.key] } : f;
        case "edit.input":
            return f.editing === null ? f : { ...f, editing: f.editing + a.text };
        case "edit.backspace":
            return f.editing === null ? f : { ...f, editing: f.editing.slice(0, -1) };
        case "edit.accept":
            return f.editing === null || !field ? f : setValue(f, field.key, f.editing.trim());
        case "edit.cancel":
            return { ...f, editing: null };
        case "form.error":
            return { ...f, error: a.error };
        default:
            return f;
    }
}

export function trainingReducer(s: TrainingViewState, a: TrainingAction): TrainingViewState {
    switch (a.type) {
        case "move":
            if (s.mode === "runs") return { ...s, runSel: Math.max(0, Math.min(s.runs.length - 1, s.runSel + a.delta)) };
            return s.mode === "form" ? { ...s, form: reduceForm(s.form, a) } : s;
        case "cycle":
        case "edit.begin":
        case "edit.input":
        case "edit.backspace":
        case "edit.accept":
        case "edit.cancel":
        case "form.error":
            return s.mode === "form" || a.type === "form.error" ? { ...s, form: reduceForm(s.form, a) } : s;
        case "form.again":
            return { ...s, mode: "form", form: { ...s.form, values: a.out ? { ...s.form.values, out: a.out } : s.form.values, error: null, sel: 0, editing: null } };
        case "runs.toggle":
            return s.mode === "runs" ? { ...s, mode: s.run ? "monitor" : "form" } : { ...s, mode: "runs" };
        case "runs.loaded":
            return { ...s, runs: a.runs, runSel: Math.min(s.runSel, Math.max(0, a.runs.length - 1)) };
        case "run.open":
            return a.run ? { ...s, mode: "monitor", run: a.run } : s.run ? { ...s, mode: "monitor" } : s;
        case "run.started":
            return { ...s, mode: "monitor", run: a.run, notice: null, confirmBack: false, form: { ...s.form, error: null } };
        case "run.patch":
            return s.run ? { ...s, run: { ...s.run, ...a.patch } } : s;
        case "help":
            return { ...s, help: a.open };
        case "confirmBack":
            return { ...s, confirmBack: a.open };
        case "notice":
            return s.notice === a.text ? s : { ...s, notice: a.text };
        case "quitting":
            return { ...s, quitting: true };
    }
}
