import { MetricsAccumulator, standing } from "../../src/batch/metrics.js";
import { EtaSmoother, WindowRate } from "../../src/batch/rate.js";
import { backoffLine } from "../../src/endpoints/backoffLine.js";
import type { BatchEvent, ItemOutcome } from "../../src/batch/types.js";
import { snippet } from "./format.js";
import type { BatchStore, FinishedLine, SlotView } from "./store.js";

/** Lines per <Static> chunk: the store never holds more than this many finished items. */
export const LOG_CHUNK = 50;
/** Finished items the dashboard keeps for opening (↑/↓, enter), whatever the chunk. */
export const RECENT_LINES = 50;

export interface BatchBridgeOptions {
    /** Store updates at most this often (tokens and items can arrive thousands of times a second); 0 = on every event. */
    throttleMs?: number;
    /** Sliding window of the tokens/s rate (it widens to hold a few finished generations). */
    windowMs?: number;
    /** Sliding window of the items/s rate the ETA comes from. */
    itemWindowMs?: number;
    /** Re-computes rates and ETA this often while running, even with no events. */
    tickMs?: number;
    now?: () => number;
    /** Outcomes already stored in a resumed run, so the metrics cover the whole run (not only this session). */
    preload?: (runDir: string) => Iterable<ItemOutcome>;
}

export interface BatchBridge {
    onEvent(e: BatchEvent): void;
    /** Writes the pending state to the store now. */
    flush(): void;
    dispose(): void;
}

/**
 * Turns BatchEvents into dashboard state. Running sums live here and are copied to the store on
 * flush, so a fast run costs one store update (one Ink render) per throttle interval.
 */
export function createBatchBridge(store: BatchStore, opts: BatchBridgeOptions = {}): BatchBridge {
    const throttleMs = opts.throttleMs ?? 150;
    const windowMs = opts.windowMs ?? 30_000;
    const itemWindowMs = opts.itemWindowMs ?? 120_000;
    const now = opts.now ?? (() => performance.now());
    const maxTurns = store.getState().maxTurns;
    const metrics = new MetricsAccumulator(maxTurns);
    let metricsDirty = false;
    let slots: SlotView[] = [];
    let log = store.getState().log;
    let recent = store.getState().recent;
    let logChunk = store.getState().logChunk;
    let lineKey = 0;
    let t0: number | null = null;
    let total = 0;
    let done = 0;
    let errors = 0;
    let sessionTokens = 0;
    // Tokens arrive once per finished generation: the window widens to hold a few of them (see rate.ts).
    let tokenRate = new WindowRate({ windowMs, minEvents: 2 });
    let itemRate = new WindowRate({ windowMs: itemWindowMs, minEvents: 3 });
    const eta = new EtaSmoother();
    let timer: ReturnType<typeof setTimeout> | null = null;
    let ticker: ReturnType<typeof setInterval> | null = null;
    let pending: Partial<ReturnType<BatchStore["getState"]>> = {};
    /** The state line a backoff replaced, restored once its wait is over and work goes on. */
    let backoff: { until: number; before: string | null } | null = null;
    const endBackoff = () => {
        if (!backoff || now() < backoff.until) return;
        pending = { ...pending, state: backoff.before };
        backoff = null;
    };

    const pushLine = (line: Omit<FinishedLine, "key">) => {
        if (log.length >= LOG_CHUNK) {
            log = [];
            logChunk++;
        }
        const l = { key: lineKey++, ...line };
        log = [...log, l];
        recent = [...recent.slice(1 - RECENT_LINES), l];
    };

    const flush = () => {
        if (timer) clearTimeout(timer);
        timer = null;
        const t = now();
        const elapsed = t0 === null ? 0 : (t - t0) / 1000;
        const rate = t0 === null ? null : itemRate.rate(t, t0);
        const left = Math.max(0, total - done - errors);
        store.setState({
            ...pending,
            total,
            done,
            errors,
            elapsed,
            itemsPerSecond: rate ?? 0,
            tokensPerSecond: t0 === null ? null : tokenRate.rate(t, t0),
            averageTokensPerSecond: elapsed > 0 && sessionTokens > 0 ? sessionTokens / elapsed : null,
            eta: t0 === null ? null : eta.update(t, left === 0 ? 0 : rate ? left / rate : null),
            slots: slots.map((s) => ({ ...s })),
            log,
            logChunk,
            recent,
            ...(metricsDirty ? { report: metrics.report() } : {})
        });
        pending = {};
        metricsDirty = false;
    };

    const schedule = () => {
        if (throttleMs <= 0) flush();
        else timer ??= setTimeout(flush, throttleMs);
    };

    const stopTimers = () => {
        if (timer) clearTimeout(timer);
        if (ticker) clearInterval(ticker);
        timer = ticker = null;
    };

    const onEvent = (e: BatchEvent) => {
        switch (e.type) {
            case "start":
                t0 = now();
                total = e.total;
                done = e.alreadyDone;
                slots = Array.from({ length: e.parallel }, () => ({ phase: "idle" as const }));
                // Generations ending within 250 ms share a bucket (lockstep slots end together): a few buckets suffice.
                tokenRate = new WindowRate({ windowMs, minEvents: Math.min(4, Math.max(2, e.parallel)) });
                itemRate = new WindowRate({ windowMs: itemWindowMs, minEvents: Math.max(3, e.parallel) });
                if (e.alreadyDone > 0 && opts.preload) {
                    for (const o of opts.preload(e.runDir)) metrics.add(o);
                    metricsDirty = true;
                }
                // The loading messages end here.
                pending = { ...pending, status: "running", state: null, runDir: e.runDir, alreadyDone: e.alreadyDone, todo: e.todo, parallel: e.parallel };
                if (opts.tickMs !== 0 && throttleMs > 0) {
                    ticker = setInterval(flush, opts.tickMs ?? 1000);
                    ticker.unref?.();
                }
                flush();
                return;
            case "slot": {
                const prev = slots[e.slot] ?? { phase: "idle" };
                const same = e.itemId !== undefined && e.itemId === prev.itemId;
                slots[e.slot] =
                    e.phase === "idle"
                        ? { phase: "idle" }
                        : {
                              phase: e.phase,
                              itemId: e.itemId ?? prev.itemId,
                              question: e.question !== undefined ? snippet(e.question, 120) : same ? prev.question : undefined,
                              instructionKey: e.phase === "reflect" || e.phase === "correct" ? (e.detail ?? prev.instructionKey) : undefined
                          };
                break;
            }
            case "tokens": {
                endBackoff();
                sessionTokens += e.count;
                tokenRate.add(now(), e.count);
                break;
            }
            case "item": {
                endBackoff();
                itemRate.add(now(), 1);
                done = e.done;
                total = e.total;
                metrics.add(e.outcome);
                metricsDirty = true;
                const chains = e.outcome.chains;
                pushLine({ itemId: e.outcome.itemId, task: e.outcome.task, t1: e.outcome.t1, samples: chains.length, correctAtMax: chains.filter((c) => standing(c, maxTurns)).length });
                break;
            }
            case "item-error":
                errors++;
                total = e.total;
                pushLine({ itemId: e.itemId, task: e.task, t1: null, samples: 0, correctAtMax: 0, error: e.error });
                pending = { ...pending, lastError: `${e.itemId}: ${e.error}` };
                break;
            case "engine":
                pending = { ...pending, engine: { engine: e.engine, why: e.why } };
                break;
            case "state":
                pending = { ...pending, state: e.message };
                if (backoff) backoff.before = e.message;
                break;
            case "backoff": {
                const before = backoff ? backoff.before : pending.state !== undefined ? pending.state : store.getState().state;
                backoff = { until: Math.max(backoff?.until ?? 0, now() + e.delayMs), before: before ?? null };
                pending = { ...pending, state: backoffLine(e) };
                break;
            }
            case "done":
                stopTimers();
                done = e.done;
                total = e.total;
                pending = { ...pending, status: "done", interrupted: e.interrupted, state: null };
                slots = slots.map(() => ({ phase: "idle" as const }));
                flush();
                return;
        }
        schedule();
    };

    return { onEvent, flush, dispose: stopTimers };
}
