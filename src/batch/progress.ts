import { backoffLine } from "../endpoints/backoffLine.js";
import { cpuContention } from "../backend/cpuPeers.js";
import type { BatchEvent } from "./types.js";
import { MetricsAccumulator } from "./metrics.js";
import { EtaSmoother, roundEta, WindowRate } from "./rate.js";
import { compactTokens } from "./estimate.js";
import { formatDuration } from "../duration.js";

export interface ProgressOptions {
    /** Milliseconds since some origin; default performance.now (tests pass a fake clock). */
    now?: () => number;
}

/**
 * Headless progress: a line every `intervalMs` (items, rates, tokens, busy slots, ETA, running
 * Acc@t1/Acc@tmax). Lines come from a timer, not from item events: an item can take minutes (its
 * chains), and `batch | cat` must still show that tokens are flowing. intervalMs 0 = a line per item.
 * Keeps only running sums and bounded windows, so memory stays flat however long the run.
 */
export class ProgressLines {
    private readonly now: () => number;
    private t0: number;
    private timer: ReturnType<typeof setInterval> | null = null;
    private tokens = 0;
    private total = 0;
    private done = 0;
    private errors = 0;
    /** Busy flag per slot, from slot events. */
    private slots: boolean[] = [];
    private readonly tokenRate = new WindowRate({ windowMs: 30_000, minEvents: 4 });
    private readonly itemRate = new WindowRate({ windowMs: 120_000, minEvents: 4 });
    private readonly eta = new EtaSmoother();
    readonly metrics: MetricsAccumulator;

    constructor(maxTurns: number, private readonly write: (line: string) => void, private readonly intervalMs = 5000, opts: ProgressOptions = {}) {
        this.metrics = new MetricsAccumulator(maxTurns);
        this.now = opts.now ?? (() => performance.now());
        this.t0 = this.now();
    }

    on(e: BatchEvent): void {
        switch (e.type) {
            case "start":
                this.t0 = this.now();
                this.total = e.total;
                this.done = e.alreadyDone;
                this.slots = new Array(e.parallel).fill(false);
                this.write(`batch: ${e.todo} items to run (${e.alreadyDone} of ${e.total} already done) on ${e.parallel} parallel sequences → ${e.runDir}`);
                this.startTimer();
                break;
            case "slot":
                this.slots[e.slot] = e.phase !== "idle";
                break;
            case "tokens":
                this.tokens += e.count;
                this.tokenRate.add(this.now(), e.count);
                break;
            case "item":
                this.itemRate.add(this.now(), 1);
                this.done = e.done;
                this.total = e.total;
                this.metrics.add(e.outcome);
                this.checkContention();
                if (this.intervalMs <= 0) this.line();
                break;
            case "item-error":
                this.errors++;
                this.write(`error on ${e.itemId}: ${e.error}`);
                break;
            case "state":
                this.write(e.message);
                break;
            case "backoff":
                this.write(backoffLine(e));
                break;
            case "done":
                this.close();
                this.done = e.done;
                this.total = e.total;
                this.slots.fill(false);
                this.line();
                break;
        }
    }

    /** Stops the interval timer (the "done" event does; call it when a run ends without one). */
    close(): void {
        if (this.timer) clearInterval(this.timer);
        this.timer = null;
    }

    private startTimer(): void {
        this.close();
        if (this.intervalMs <= 0) return;
        this.timer = setInterval(() => {
            this.checkContention();
            this.line();
        }, this.intervalMs);
        // A finished or crashed run must not be kept alive by its progress lines.
        this.timer.unref?.();
    }

    private contention: string | null = null;
    private contentionCheckedAt = -Infinity;

    /** Says once when another reflect-lab process starts competing for the cores (and when it stops). */
    private checkContention(): void {
        const now = performance.now();
        if (now - this.contentionCheckedAt < 10_000) return;
        this.contentionCheckedAt = now;
        const line = cpuContention();
        if (line && line !== this.contention) this.write(`warning: ${line}`);
        else if (!line && this.contention) this.write("the other reflect-lab process has stopped: full speed again");
        this.contention = line;
    }

    private line(): void {
        const now = this.now();
        const items = this.itemRate.rate(now, this.t0);
        const tps = this.tokenRate.rate(now, this.t0);
        const left = Math.max(0, this.total - this.done - this.errors);
        const eta = this.eta.update(now, left === 0 ? 0 : items ? left / items : null);
        const busy = this.slots.filter(Boolean).length;
        const m = this.metrics.report().overall;
        const acc = m.n ? ` · Acc@t1 ${(100 * m.accByTurn[0]!).toFixed(1)} · Acc@t${m.accByTurn.length} ${(100 * m.accByTurn.at(-1)!).toFixed(1)} (this session)` : "";
        this.write(
            `${this.done}/${this.total} items · ${(items ?? 0).toFixed(2)} items/s · ${tps === null ? "–" : tps.toFixed(1)} tok/s · ${compactTokens(this.tokens)} tokens · slots ${busy}/${this.slots.length} busy · ETA ${eta === null ? "?" : `~${formatDuration(roundEta(eta))}`}${this.errors ? ` · ${this.errors} errors` : ""}${acc}`
        );
    }
}


// Re-exported: its callers predate src/duration.ts (a leaf, so training need not import batch).
export { formatDuration };
