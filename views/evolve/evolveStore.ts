// The evolve screen's state, folded from runEvolve's EvolveEvents. A batch step's live state is the
// batch dashboard's own store and bridge (fed with the `batch` events' inner BatchEvent), so the
// evolve screen shows exactly what `reflect-lab batch` shows for the same run.
import { createStore, type StoreApi } from "zustand/vanilla";
import type { ItemOutcome } from "../../src/batch/types.js";
import type { EvolveEvent, EvolveResult } from "../../src/evolve/run.js";
import type { RoundsTable } from "../../src/evolve/table.js";
import { ROUND_STEPS, type EvolveManifest, type EvolveStep } from "../../src/evolve/types.js";
import { currentStage, last, type TrainingProgress } from "../../src/training/progress.js";
import { createBatchBridge, type BatchBridge } from "../batch/bridge.js";
import { storedOutcomes } from "../batch/request.js";
import { createBatchStore, type BatchStore } from "../batch/store.js";

/** pending → running → done; skipped = found done on disk (a resumed loop); stopped/failed = the step that was running when the loop ended early. */
export type StepState = "pending" | "running" | "done" | "skipped" | "stopped" | "failed";

export interface StepView {
    round: number;
    step: EvolveStep;
    state: StepState;
    dir: string | null;
}

/** running → stopping (q) → interrupted; or done / stopped (an empty curated set) / failed (an error). */
export type EvolveStatus = "running" | "stopping" | "done" | "stopped" | "interrupted" | "failed";

export interface CuratedView {
    round: number;
    /** Rows of the setting's training file(s): what the next training run gets. */
    rows: number;
    dplus: number;
    dpm: number;
    dpref: number;
    questions: number;
    samples: number;
    files: { name: string; rows: number }[];
}

/** What a round has shown before its table row exists (the table comes after the round's eval). */
export interface RoundLive {
    dplus: number | null;
    trainRows: number | null;
    loss: number | null;
}

export interface EvolveInit {
    out: string;
    setting: string;
    rounds: number;
    maxTurns: number;
    split?: EvolveManifest["split"] | null;
}

export interface EvolveStoreOptions {
    /** The batch bridge's store-update interval (0 = every event; tests). */
    batchThrottleMs?: number;
    /** Stored outcomes of a resumed batch step (default: read from its run folder). */
    preload?: (runDir: string) => Iterable<ItemOutcome>;
}

export interface EvolveViewState {
    out: string;
    setting: string;
    rounds: number;
    maxTurns: number;
    split: EvolveManifest["split"] | null;
    status: EvolveStatus;
    /** The step that got the latest step event: its panel is the one shown. */
    current: { round: number; step: EvolveStep } | null;
    steps: StepView[];
    /** The current (or last) batch step's dashboard state; reset when a batch step starts. */
    batch: BatchStore;
    batchOf: { round: number; step: EvolveStep } | null;
    train: { round: number; progress: TrainingProgress } | null;
    curated: CuratedView | null;
    live: Record<number, RoundLive>;
    table: RoundsTable | null;
    stopped: string | null;
    error: string | null;
    /** The last notes (progress lines, lock take-overs), oldest first. */
    notes: string[];
    /** The step under way when the last note came: the screen shows a note only during its own step. */
    noteOf: { round: number; step: EvolveStep } | null;

    onEvent(e: EvolveEvent): void;
    setSplit(split: EvolveManifest["split"]): void;
    setStopping(): void;
    finish(result: EvolveResult): void;
    fail(message: string, interrupted: boolean): void;
    /** Stops the batch bridge's timers. */
    dispose(): void;
}

export type EvolveStore = StoreApi<EvolveViewState>;

const MAX_NOTES = 20;

export const isBatchStep = (s: EvolveStep): boolean => s === "eval-base" || s === "retry" || s === "batch" || s === "eval";

/** Every step of the loop in order: split and round 0's two evaluations, then batch → curate → train → eval per round. */
export function plannedSteps(rounds: number): StepView[] {
    const steps: StepView[] = (["split", "eval-base", "retry"] as const).map((step) => ({ round: 0, step, state: "pending", dir: null }));
    for (let r = 1; r <= rounds; r++) for (const step of ROUND_STEPS) steps.push({ round: r, step, state: "pending", dir: null });
    return steps;
}

const STATE_OF = { start: "running", done: "done", skipped: "skipped" } as const;

/**
 * One step's new state. The loop runs its steps in order, so a step that never got an event before
 * the one now reported was found done on disk (the split of a resumed loop): it shows as skipped.
 */
export function advanceSteps(steps: StepView[], round: number, step: EvolveStep, state: StepState, dir: string): StepView[] {
    let i = steps.findIndex((s) => s.round === round && s.step === step);
    let list = steps;
    if (i < 0) {
        // A round beyond the planned ones (rounds grew on --resume): its steps are added.
        list = [...steps, ...ROUND_STEPS.map((st) => ({ round, step: st, state: "pending" as StepState, dir: null }))];
        i = list.findIndex((s) => s.round === round && s.step === step);
    }
    return list.map((s, j) => (j === i ? { ...s, state, dir } : j < i && s.state === "pending" ? { ...s, state: "skipped" } : s));
}

const liveOf = (live: Record<number, RoundLive>, round: number, patch: Partial<RoundLive>): Record<number, RoundLive> => ({
    ...live,
    [round]: { ...(live[round] ?? { dplus: null, trainRows: null, loss: null }), ...patch }
});

export function createEvolveStore(init: EvolveInit, opts: EvolveStoreOptions = {}): EvolveStore {
    const batch = createBatchStore({ maxTurns: init.maxTurns, verifier: "oracle" });
    let bridge: BatchBridge | null = null;
    /** Whether the bridge saw its run's "start": a second start (errored items retried) needs a fresh bridge. */
    let bridgeStarted = false;

    const freshBatch = (round: number, step: EvolveStep) => {
        bridge?.flush();
        bridge?.dispose();
        // The evolve loop always verifies with the oracle (src/evolve/steps.ts batchStep).
        batch.getState().reset({ maxTurns: init.maxTurns, verifier: "oracle", title: `round ${round} · ${step}` });
        bridge = createBatchBridge(batch, { throttleMs: opts.batchThrottleMs, preload: opts.preload ?? storedOutcomes });
        bridgeStarted = false;
    };

    return createStore<EvolveViewState>()((set, get) => ({
        out: init.out,
        setting: init.setting,
        rounds: init.rounds,
        maxTurns: init.maxTurns,
        split: init.split ?? null,
        status: "running",
        current: null,
        steps: plannedSteps(init.rounds),
        batch,
        batchOf: null,
        train: null,
        curated: null,
        live: {},
        table: null,
        stopped: null,
        error: null,
        notes: [],
        noteOf: null,

        onEvent: (e) => {
            const s = get();
            switch (e.type) {
                case "step": {
                    const patch: Partial<EvolveViewState> = { steps: advanceSteps(s.steps, e.round, e.step, STATE_OF[e.state], e.dir), current: { round: e.round, step: e.step } };
                    if (isBatchStep(e.step) && e.state === "start") {
                        freshBatch(e.round, e.step);
                        patch.batchOf = { round: e.round, step: e.step };
                    } else if (isBatchStep(e.step) && e.state === "done") bridge?.flush();
                    if (e.step === "train" && e.state !== "done" && s.train?.round !== e.round) patch.train = null;
                    if (e.step === "curate" && s.curated?.round !== e.round) patch.curated = null;
                    set(patch);
                    return;
                }
                case "batch": {
                    const same = s.batchOf?.round === e.round && s.batchOf.step === e.step;
                    if (!same || !bridge || (e.event.type === "start" && bridgeStarted)) {
                        freshBatch(e.round, e.step);
                        if (!same) set({ batchOf: { round: e.round, step: e.step } });
                    }
                    if (e.event.type === "start") bridgeStarted = true;
                    bridge!.onEvent(e.event);
                    return;
                }
                case "train": {
                    const stage = currentStage(e.progress);
                    const loss = stage ? last(stage.loss) : null;
                    set({ train: { round: e.round, progress: e.progress }, ...(loss !== null ? { live: liveOf(s.live, e.round, { loss }) } : {}) });
                    return;
                }
                case "curated": {
                    const c = e.summary.counts;
                    const curated: CuratedView = {
                        round: e.round,
                        rows: e.rows,
                        dplus: c.dplus?.total ?? 0,
                        dpm: c.dpm?.total ?? 0,
                        dpref: c.dpref?.total ?? 0,
                        questions: e.summary.questions.train + e.summary.questions.eval,
                        samples: e.summary.samples.read,
                        files: e.summary.files.map((f) => ({ name: f.name, rows: f.rows }))
                    };
                    set({ curated, live: liveOf(s.live, e.round, { dplus: curated.dplus, trainRows: e.rows }) });
                    return;
                }
                case "table":
                    set({ table: e.table, split: e.table.split, rounds: Math.max(s.rounds, e.table.rounds) });
                    return;
                case "stopped":
                    set({ stopped: e.reason, status: "stopped" });
                    return;
                case "note":
                    set({ notes: [...s.notes, e.message].slice(-MAX_NOTES), noteOf: s.current });
                    return;
            }
        },

        setSplit: (split) => set({ split }),

        setStopping: () => {
            if (get().status !== "running") return;
            batch.getState().setStopping();
            set({ status: "stopping" });
        },

        finish: (result) => {
            bridge?.flush();
            set({ status: result.stopped ? "stopped" : "done", stopped: result.stopped, table: result.table });
        },

        fail: (message, interrupted) => {
            bridge?.flush();
            const b = batch.getState();
            if (b.status !== "done") batch.setState({ status: "done", interrupted: true });
            const mark: StepState = interrupted ? "stopped" : "failed";
            set({ status: interrupted ? "interrupted" : "failed", error: message, steps: get().steps.map((st) => (st.state === "running" ? { ...st, state: mark } : st)) });
        },

        dispose: () => {
            bridge?.dispose();
            bridge = null;
        }
    }));
}
