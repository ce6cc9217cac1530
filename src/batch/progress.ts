import { backoffLine } from "../endpoints/backoffLine.js";
import { cpuContention } from "../backend/cpuPeers.js";
import type { BatchEvent } from "./types.js";
import { MetricsAccumulator } from "./metrics.js";

/**
 * Headless progress: a line every `intervalMs` (items, rate, tokens/s, ETA, running Acc@t1/Acc@tmax).
 * Keeps only running sums, so memory stays flat however long the run.
 */
export class ProgressLines {
    private last = 0;
    private tokens = 0;
    private items = 0;
    private t0 = performance.now();
    private total = 0;
    private done = 0;
    private errors = 0;
    readonly metrics: MetricsAccumulator;

    constructor(maxTurns: number, private readonly write: (line: string) => void, private readonly intervalMs = 5000) {
        this.metrics = new MetricsAccumulator(maxTurns);
    }

    on(e: BatchEvent): void {
        switch (e.type) {
            case "start":
                this.total = e.total;
                this.done = e.alreadyDone;
                this.write(`batch: ${e.todo} items to run (${e.alreadyDone} of ${e.total} already done) on ${e.parallel} parallel sequences → ${e.runDir}`);
                break;
            case "tokens":
                this.tokens += e.count;
                break;
            case "item":
                this.items++;
                this.done = e.done;
                this.metrics.add(e.outcome);
                this.maybeLine();
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
                this.line();
                break;
            default:
                break;
        }
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

    private maybeLine(): void {
        this.checkContention();
        const now = performance.now();
        if (now - this.last >= this.intervalMs) this.line();
    }

    private line(): void {
        this.last = performance.now();
        const s = (this.last - this.t0) / 1000;
        const rate = this.items / Math.max(s, 1e-9);
        const left = this.total - this.done;
        const eta = rate > 0 ? formatDuration(left / rate) : "?";
        const m = this.metrics.report().overall;
        const acc = m.n ? ` · Acc@t1 ${(100 * m.accByTurn[0]!).toFixed(1)} · Acc@t${m.accByTurn.length} ${(100 * m.accByTurn.at(-1)!).toFixed(1)} (this session)` : "";
        this.write(`${this.done}/${this.total} items · ${rate.toFixed(2)} items/s · ${(this.tokens / Math.max(s, 1e-9)).toFixed(1)} tok/s · ETA ${eta}${this.errors ? ` · ${this.errors} errors` : ""}${acc}`);
    }
}

export function formatDuration(seconds: number): string {
    if (!Number.isFinite(seconds)) return "?";
    const s = Math.round(seconds);
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    return h ? `${h}h${String(m).padStart(2, "0")}m` : m ? `${m}m${String(s % 60).padStart(2, "0")}s` : `${s}s`;
}
