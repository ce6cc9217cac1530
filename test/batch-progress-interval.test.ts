// Headless progress lines (`batch | cat`) come on the interval whatever the item length: a timer,
// not item events, writes them, with the tokens and busy slots even when no item has finished.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ProgressLines } from "../src/batch/progress.js";
import type { BatchEvent, ItemOutcome, ItemResult } from "../src/batch/types.js";

const start: BatchEvent = { type: "start", total: 4, alreadyDone: 0, todo: 4, parallel: 2, runDir: "/tmp/run" };
const item = (o: ItemOutcome, done: number): BatchEvent => ({ type: "item", result: { itemId: o.itemId } as unknown as ItemResult, outcome: o, done, total: 4 });

describe("headless progress lines", () => {
    beforeEach(() => vi.useFakeTimers());
    afterEach(() => vi.useRealTimers());

    it("writes a line every interval while one long item runs, with tokens and busy slots", () => {
        const lines: string[] = [];
        const p = new ProgressLines(2, (l) => lines.push(l), 5000, { now: () => Date.now() });
        p.on(start);
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatch(/^batch: 4 items to run/);
        p.on({ type: "slot", slot: 0, phase: "answer", itemId: "q0" });
        p.on({ type: "slot", slot: 1, phase: "reflect", itemId: "q1" });
        // Nine minutes of one slow item: the old lines came only on item events (one line in nine minutes).
        for (let s = 0; s < 540; s += 30) {
            vi.advanceTimersByTime(30_000);
            p.on({ type: "tokens", slot: s % 2, count: 384 });
        }
        const progress = lines.slice(1);
        expect(progress).toHaveLength(540 / 5);
        expect(progress[0]).toMatch(/^0\/4 items · 0\.00 items\/s · – tok\/s · 0 tokens · slots 2\/2 busy · ETA \?$/);
        const last = progress.at(-1)!;
        // The 540 s line comes before that half-minute's tokens: 17 × 384.
        expect(last).toContain("6.5k tokens");
        expect(last).toMatch(/ · [1-9]\d*\.\d tok\/s · /);
        expect(last).toContain("slots 2/2 busy");
        p.on({ type: "done", done: 0, total: 4, errors: 0, interrupted: true, seconds: 540 });
        const after = lines.length;
        vi.advanceTimersByTime(60_000);
        // done wrote the final line and stopped the timer.
        expect(lines.length).toBe(after);
        expect(lines.at(-1)).toContain("slots 0/2 busy");
    });

    it("reports items and Acc on the interval lines, and close() stops a run that ends without done", () => {
        const lines: string[] = [];
        const p = new ProgressLines(2, (l) => lines.push(l), 5000, { now: () => Date.now() });
        p.on(start);
        vi.advanceTimersByTime(2000);
        p.on(item({ itemId: "q0", task: "t", t1: true, chains: [] }, 1));
        p.on(item({ itemId: "q1", task: "t", t1: false, chains: [[false, true]] }, 2));
        // Items alone write no line: the next comes on the timer.
        expect(lines).toHaveLength(1);
        vi.advanceTimersByTime(3000);
        expect(lines).toHaveLength(2);
        expect(lines[1]).toMatch(/^2\/4 items · \d+\.\d\d items\/s .* ETA ~\d+s · Acc@t1 50\.0 · Acc@t2 100\.0 \(this session\)$/);
        p.close();
        vi.advanceTimersByTime(60_000);
        expect(lines).toHaveLength(2);
    });

    it("with interval 0 writes a line per item and starts no timer", () => {
        const lines: string[] = [];
        const p = new ProgressLines(2, (l) => lines.push(l), 0, { now: () => Date.now() });
        p.on(start);
        vi.advanceTimersByTime(60_000);
        expect(lines).toHaveLength(1);
        p.on(item({ itemId: "q0", task: "t", t1: true, chains: [] }, 1));
        expect(lines).toHaveLength(2);
        expect(lines[1]).toMatch(/^1\/4 items/);
    });
});
