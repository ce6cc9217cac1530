// What the monitor shows, folded from the trainer's events: progress per stage and overall, ETA, curves, rates.
import type { TrainerEvent, TrainingResult, TrainingSetting } from "./types.js";

export type Point = [step: number, value: number];

export interface StageProgress {
    name: string;
    /** 1-based. */
    index: number;
    rows: number | null;
    evalRows: number | null;
    step: number;
    totalSteps: number;
    done: boolean;
    loss: Point[];
    evalLoss: Point[];
    /** DPO: mean chosen-minus-rejected reward. */
    rewardsMargin: Point[];
    /** Seconds the stage has run and, by the trainer or our rate, has left. */
    elapsedS: number;
    remainingS: number | null;
    /** The first log of this process (a resumed stage starts mid-way): the rate counts from here. */
    rateFrom: { step: number; elapsedS: number } | null;
}

export interface TrainingProgress {
    setting: TrainingSetting | null;
    device: string | null;
    gpus: number;
    base: string | null;
    resumed: boolean;
    stageNames: string[];
    stages: Record<string, StageProgress>;
    current: string | null;
    /** 0..1: stages weigh the same (their step counts are unknown until they start). */
    overall: number;
    /** Seconds left for the current stage and for the whole run (later stages estimated as long as this one). */
    stageEtaS: number | null;
    etaS: number | null;
    lr: number | null;
    epoch: number | null;
    tokensPerS: number | null;
    checkpoints: { stage: string; step: number; path: string }[];
    artifacts: { stage: string; kind: string; path: string }[];
    result: TrainingResult | null;
    error: { message: string; traceback?: string } | null;
    finished: boolean;
    events: number;
}

export function emptyProgress(): TrainingProgress {
    return {
        setting: null,
        device: null,
        gpus: 0,
        base: null,
        resumed: false,
        stageNames: [],
        stages: {},
        current: null,
        overall: 0,
        stageEtaS: null,
        etaS: null,
        lr: null,
        epoch: null,
        tokensPerS: null,
        checkpoints: [],
        artifacts: [],
        result: null,
        error: null,
        finished: false,
        events: 0
    };
}

function stageOf(p: TrainingProgress, name: string): StageProgress {
    let s = p.stages[name];
    if (!s) {
        const i = p.stageNames.indexOf(name);
        if (i < 0) p.stageNames = [...p.stageNames, name];
        s = { name, index: (i < 0 ? p.stageNames.length - 1 : i) + 1, rows: null, evalRows: null, step: 0, totalSteps: 0, done: false, loss: [], evalLoss: [], rewardsMargin: [], elapsedS: 0, remainingS: null, rateFrom: null };
        p.stages = { ...p.stages, [name]: s };
    }
    return s;
}

/** Adds a point; a step at or before the last one (a resumed run re-logs from its checkpoint) replaces the tail. */
function push(series: Point[], step: number, value: number | undefined): Point[] {
    if (value === undefined || value === null || !Number.isFinite(value)) return series;
    const keep = series.length && series[series.length - 1]![0] >= step ? series.filter(([s]) => s < step) : series;
    return [...keep, [step, value]];
}

function markEarlierDone(p: TrainingProgress, name: string): void {
    const i = p.stageNames.indexOf(name);
    for (const n of p.stageNames.slice(0, Math.max(0, i))) {
        const s = p.stages[n];
        if (s && !s.done) p.stages = { ...p.stages, [n]: { ...s, done: true, step: Math.max(s.step, s.totalSteps) } };
    }
}

function recompute(p: TrainingProgress): TrainingProgress {
    const n = Math.max(1, p.stageNames.length);
    let sum = 0;
    for (const name of p.stageNames) {
        const s = p.stages[name];
        if (!s) continue;
        sum += s.done ? 1 : s.totalSteps > 0 ? Math.min(1, s.step / s.totalSteps) : 0;
    }
    const cur = p.current ? p.stages[p.current] : undefined;
    let stageEta: number | null = null;
    let eta: number | null = null;
    if (p.finished) {
        stageEta = eta = 0;
    } else if (cur && !cur.done) {
        stageEta = cur.remainingS;
        if (stageEta === null && cur.rateFrom && cur.step > cur.rateFrom.step && cur.elapsedS > cur.rateFrom.elapsedS) {
            const rate = (cur.step - cur.rateFrom.step) / (cur.elapsedS - cur.rateFrom.elapsedS);
            stageEta = Math.max(0, (cur.totalSteps - cur.step) / rate);
        }
        if (stageEta !== null) {
            const later = p.stageNames.length - cur.index;
            eta = stageEta + Math.max(0, later) * (cur.elapsedS + stageEta);
        }
    }
    return { ...p, overall: p.finished ? 1 : sum / n, stageEtaS: stageEta, etaS: eta };
}

/** Folds one event in; returns a new object (the views compare by identity). */
export function reduceProgress(prev: TrainingProgress, e: TrainerEvent): TrainingProgress {
    const p: TrainingProgress = { ...prev, events: prev.events + 1 };
    switch (e.event) {
        case "start":
            p.setting = e.setting;
            p.device = e.device;
            p.gpus = e.gpus;
            p.base = e.base;
            p.resumed = e.resumed;
            // Keep what earlier launches logged (curves, finished stages); the new launch decides the rest.
            p.stageNames = e.stages?.length ? [...e.stages] : p.stageNames;
            p.stages = Object.fromEntries(Object.entries(p.stages).map(([k, s]) => [k, { ...s, index: p.stageNames.indexOf(k) + 1, rateFrom: null }]));
            p.error = null;
            p.result = null;
            p.finished = false;
            break;
        case "stage": {
            const s = stageOf(p, e.stage);
            p.stages = { ...p.stages, [e.stage]: { ...s, index: e.index, rows: e.rows, evalRows: e.eval_rows, done: false, rateFrom: null } };
            p.current = e.stage;
            markEarlierDone(p, e.stage);
            break;
        }
        case "log": {
            let s = stageOf(p, e.stage);
            // A step at or before the last one: a resumed run re-logs from its checkpoint; its old tail goes.
            if (e.step <= s.step) {
                const cut = (x: Point[]) => x.filter(([st]) => st < e.step);
                s = { ...s, loss: cut(s.loss), evalLoss: cut(s.evalLoss), rewardsMargin: cut(s.rewardsMargin) };
            }
            const next: StageProgress = {
                ...s,
                step: e.step,
                totalSteps: e.total_steps || s.totalSteps,
                loss: push(s.loss, e.step, e.loss),
                evalLoss: push(s.evalLoss, e.step, e.eval_loss),
                rewardsMargin: push(s.rewardsMargin, e.step, e.rewards_margin),
                elapsedS: e.elapsed_s,
                remainingS: e.remaining_s ?? null,
                rateFrom: s.rateFrom ?? { step: e.step, elapsedS: e.elapsed_s }
            };
            // A step that went back (resume) restarts the rate.
            if (s.rateFrom && e.step < s.step) next.rateFrom = { step: e.step, elapsedS: e.elapsed_s };
            next.done = e.total_steps > 0 && e.step >= e.total_steps;
            p.stages = { ...p.stages, [e.stage]: next };
            p.current = e.stage;
            markEarlierDone(p, e.stage);
            if (e.learning_rate !== undefined) p.lr = e.learning_rate;
            if (e.epoch !== undefined) p.epoch = e.epoch;
            if (e.tokens_per_s !== undefined) p.tokensPerS = e.tokens_per_s;
            break;
        }
        case "checkpoint":
            p.checkpoints = [...p.checkpoints, { stage: e.stage, step: e.step, path: e.path }];
            break;
        case "artifact":
            p.artifacts = [...p.artifacts.filter((a) => a.path !== e.path), { stage: e.stage, kind: e.kind, path: e.path }];
            if (p.stages[e.stage]) p.stages = { ...p.stages, [e.stage]: { ...p.stages[e.stage]!, done: true } };
            break;
        case "done":
            p.result = e.result;
            p.finished = true;
            p.stages = Object.fromEntries(Object.entries(p.stages).map(([k, s]) => [k, { ...s, done: true }]));
            break;
        case "error":
            p.error = { message: e.message, traceback: e.traceback };
            break;
        default:
            return prev;
    }
    return recompute(p);
}

export const currentStage = (p: TrainingProgress): StageProgress | null => (p.current ? (p.stages[p.current] ?? null) : null);

/** The last value of a series, if any. */
export const last = (s: Point[]): number | null => (s.length ? s[s.length - 1]![1] : null);

/** Unknown JSON into a TrainerEvent, or null (the trainer may gain event kinds we do not know). */
export function asTrainerEvent(v: unknown): TrainerEvent | null {
    if (!v || typeof v !== "object") return null;
    const e = (v as { event?: unknown }).event;
    return typeof e === "string" && ["start", "stage", "log", "checkpoint", "artifact", "done", "error"].includes(e) ? (v as TrainerEvent) : null;
}
