// What the training monitor says about a run, as plain functions: step totals before the trainer reports
// them, the wall-clock elapsed time, and how an ended run stopped.
import { resolveHyper } from "../../src/training/defaults.js";
import { currentStage, type StageProgress } from "../../src/training/progress.js";
import type { TrainingRequest } from "../../src/training/types.js";
import type { LiveRun } from "./trainingState.js";

/** The request's numbers that fix how many optimizer steps a stage takes, and how often it checkpoints. */
export interface StepPlan {
    maxSteps: number | null;
    epochs: number;
    batchSize: number;
    gradAccum: number;
    processes: number;
    saveSteps: number;
}

export function stepPlan(req: TrainingRequest | null | undefined): StepPlan | null {
    if (!req) return null;
    const processes = Math.max(1, req.processes ?? 1);
    const h = resolveHyper(req.setting, req.hyper ?? {}, processes);
    return { maxSteps: h.maxSteps, epochs: h.epochs, batchSize: h.batchSize, gradAccum: h.gradAccum, processes, saveSteps: h.saveSteps };
}

export interface StepTotal {
    total: number;
    /** Counted by us from epochs × rows (the trainer has not said yet). */
    estimated: boolean;
}

/**
 * A stage's step total: the trainer's once it logs one; before that --max-steps (exact), else epochs ×
 * rows ÷ effective batch counted as transformers' Trainer does (batches per process, then ceil by
 * grad-accum, at least 1 per epoch; ceil over fractional epochs). Null when nothing says.
 */
export function stageTotal(stage: Pick<StageProgress, "totalSteps" | "rows"> | null, plan: StepPlan | null): StepTotal | null {
    if (stage?.totalSteps) return { total: stage.totalSteps, estimated: false };
    if (!plan) return null;
    if (plan.maxSteps) return { total: plan.maxSteps, estimated: false };
    if (!stage?.rows) return null;
    const batches = Math.ceil(stage.rows / (plan.batchSize * plan.processes));
    const perEpoch = Math.max(1, Math.ceil(batches / plan.gradAccum));
    return { total: Math.ceil(plan.epochs * perEpoch), estimated: true };
}

export const fmtTotal = (t: StepTotal | null): string => (t ? `${t.estimated ? "~" : ""}${t.total}` : "?");

export const isLive = (run: LiveRun): boolean => run.state === "running" || run.state === "stopping";

/** Seconds this launch has run: the wall clock while live (the trainer logs nothing while it loads), the outcome's once ended. */
export function elapsedS(run: LiveRun, now: number): number {
    if (!isLive(run) && run.outcome) return run.outcome.elapsedS;
    return Math.max(0, (now - run.startedAt) / 1000);
}

export const NO_STEP = "no step was logged";

/** How far an ended run got: "stopped at step 4/6" (with the stage when there are several), or "no step was logged". */
export function stoppedAt(run: LiveRun): string {
    const p = run.progress;
    const s = currentStage(p);
    if (!s || (s.step === 0 && !s.loss.length && !s.evalLoss.length)) return NO_STEP;
    const where = p.stageNames.length > 1 ? `${s.name} step` : "step";
    return `stopped at ${where} ${s.step}/${fmtTotal(stageTotal(s, run.plan))}`;
}
