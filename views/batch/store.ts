import { createStore, type StoreApi } from "zustand/vanilla";
import type { VerifierMode } from "../../src/engine/types.js";
import { MetricsAccumulator, type MetricsReport } from "../../src/batch/metrics.js";
import type { SlotPhase } from "../../src/batch/types.js";

export interface SlotView {
    phase: SlotPhase;
    itemId?: string;
    /** A one-line snippet, not the whole question: the store must not hold item texts. */
    question?: string;
    /** The instruction key of a reflect/correct phase. */
    instructionKey?: string;
}

/** What one line of the finished-items log needs, nothing more (memory stays flat over 10k+ items). */
export interface FinishedLine {
    key: number;
    itemId: string;
    task: string;
    /** null for an item that errored. */
    t1: boolean | null;
    samples: number;
    /** Chains correct at t_max out of `samples`. */
    correctAtMax: number;
    error?: string;
}

export type BatchStatus = "starting" | "running" | "stopping" | "done";

export interface BatchInit {
    maxTurns: number;
    verifier: VerifierMode;
    /** A short description of the run (tasks, mode, plan) for the title line. */
    title?: string;
}

export interface BatchState {
    status: BatchStatus;
    title: string;
    maxTurns: number;
    verifier: VerifierMode;
    runDir: string | null;
    total: number;
    done: number;
    /** Errors of this session. */
    errors: number;
    alreadyDone: number;
    todo: number;
    elapsed: number;
    /** Parallel sequences of the run (0 before it starts). */
    parallel: number;
    /** Over a sliding window (src/batch/rate.ts). */
    itemsPerSecond: number;
    /** Over a sliding window that widens to hold a few finished generations; null before the first one. */
    tokensPerSecond: number | null;
    /** The session's tokens over its elapsed time: the measured speed the batch form estimates with. */
    averageTokensPerSecond: number | null;
    /** Seconds left, smoothed (src/batch/rate.ts); null before the first item. */
    eta: number | null;
    slots: SlotView[];
    report: MetricsReport;
    /** The current chunk of the finished-items log; a new chunk (new <Static> key) starts every LOG_CHUNK lines. */
    log: FinishedLine[];
    logChunk: number;
    /** The last finished items, across chunks: the ones the dashboard can open. */
    recent: FinishedLine[];
    /** What generates (node-llama-cpp or the managed llama-server) and why; null until the run says. */
    engine: { engine: string; why: string } | null;
    /** The engine's last "state" message (waiting, backing off), or load progress. */
    state: string | null;
    lastError: string | null;
    interrupted: boolean;

    reset(init: BatchInit): void;
    setStopping(): void;
    setState(state: string | null): void;
    setError(error: string): void;
}

export type BatchStore = StoreApi<BatchState>;

export const emptyReport = (maxTurns: number): MetricsReport => new MetricsAccumulator(maxTurns).report();

function initial(init: BatchInit) {
    return {
        status: "starting" as BatchStatus,
        title: init.title ?? "batch run",
        maxTurns: init.maxTurns,
        verifier: init.verifier,
        runDir: null,
        total: 0,
        done: 0,
        errors: 0,
        alreadyDone: 0,
        todo: 0,
        elapsed: 0,
        parallel: 0,
        itemsPerSecond: 0,
        tokensPerSecond: null,
        averageTokensPerSecond: null,
        eta: null,
        slots: [],
        report: emptyReport(init.maxTurns),
        log: [],
        logChunk: 0,
        recent: [],
        engine: null,
        state: null,
        lastError: null,
        interrupted: false
    };
}

export function createBatchStore(init: BatchInit = { maxTurns: 2, verifier: "oracle" }): BatchStore {
    return createStore<BatchState>()((set, get) => ({
        ...initial(init),
        reset: (i) => set(initial(i)),
        setStopping: () => {
            if (get().status !== "done") set({ status: "stopping" });
        },
        setState: (state) => set({ state }),
        setError: (lastError) => set({ lastError })
    }));
}
