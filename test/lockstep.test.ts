import { describe, expect, it } from "vitest";
import { LockstepScheduler } from "../src/backend/lockstep.js";

/** An iterator that logs when next() is called, resolving on a later tick like a real decode. */
function logged(id: number, n: number, log: string[]): AsyncIterator<number> {
    let i = 0;
    return {
        next: () => {
            log.push(`${id}`);
            return new Promise((r) => setTimeout(() => r(i < n ? { value: i++, done: false } : { value: undefined, done: true }), 1));
        }
    };
}

async function drive(s: LockstepScheduler<number>, slot: number, it: AsyncIterator<number>, startDelay = 0): Promise<number> {
    if (startDelay) await new Promise((r) => setTimeout(r, startDelay));
    let count = 0;
    for (;;) {
        const r = await s.step(slot, it);
        if (r.done) break;
        count++;
    }
    s.leave(slot);
    return count;
}

describe("lockstep scheduler", () => {
    it("requests every generating slot's next token together, in slot order", async () => {
        const s = new LockstepScheduler<number>();
        const log: string[] = [];
        const counts = await Promise.all([drive(s, 2, logged(2, 3, log)), drive(s, 0, logged(0, 3, log)), drive(s, 1, logged(1, 3, log))]);
        expect(counts).toEqual([3, 3, 3]);
        // Four rounds (3 tokens + the final done), each round in slot order.
        expect(log.join("")).toBe("012".repeat(4));
    });

    it("does not make others wait for a slot that has finished, and admits late joiners", async () => {
        const s = new LockstepScheduler<number>();
        const log: string[] = [];
        const counts = await Promise.all([drive(s, 0, logged(0, 1, log)), drive(s, 1, logged(1, 6, log)), drive(s, 2, logged(2, 2, log), 5)]);
        expect(counts).toEqual([1, 6, 2]);
        expect(s.generating).toBe(0);
        expect(log.filter((x) => x === "1")).toHaveLength(7);
    });

    it("passes a generator's error to its own slot only", async () => {
        const s = new LockstepScheduler<number>();
        const bad: AsyncIterator<number> = { next: () => Promise.reject(new Error("decode failed")) };
        const good = logged(1, 2, []);
        const [a, b] = await Promise.allSettled([
            s.step(0, bad).finally(() => s.leave(0)),
            drive(s, 1, good)
        ]);
        expect(a.status).toBe("rejected");
        expect(b).toEqual({ status: "fulfilled", value: 2 });
    });
});

/** An iterator whose every token takes `ms` milliseconds, like a decode of that length. */
function slow(n: number, ms: number): AsyncIterator<number> {
    let i = 0;
    return { next: () => new Promise((r) => setTimeout(() => r(i < n ? { value: i++, done: false } : { value: undefined, done: true }), ms)) };
}

describe("lockstep flush timing", () => {
    it("times each flush up to its slowest token, by batch size, flagging the flush that carries a first step", async () => {
        const s = new LockstepScheduler<number>();
        // Two slots, 2 tokens each: 3 flushes of 2 (tokens, tokens, done); slot 1 is the slow one.
        await Promise.all([drive(s, 0, slow(2, 2)), drive(s, 1, slow(2, 40))]);
        expect(s.stats.flushes).toBe(3);
        const t = s.timing.bySize.get(2)!;
        expect([...s.timing.bySize.keys()]).toEqual([2]);
        expect(t.firstCount).toBe(1);
        expect(t.decodeCount).toBe(2);
        expect(t.decodeSample).toHaveLength(2);
        // Each flush lasts until the 40 ms token, not the 2 ms one.
        for (const ms of t.decodeSample) expect(ms).toBeGreaterThan(30);
        expect(t.firstMs).toBeGreaterThan(30);
        expect(t.decodeMs).toBeCloseTo(t.decodeSample[0]! + t.decodeSample[1]!, 6);
    });

    it("flags a late joiner's first step in a flush of the new size", async () => {
        const s = new LockstepScheduler<number>();
        // Slot 0 makes 6 tokens of 10 ms; slot 1 joins after ~25 ms: its first step lands in a flush of 2.
        await Promise.all([drive(s, 0, slow(6, 10)), drive(s, 1, slow(1, 10), 25)]);
        const one = s.timing.bySize.get(1)!, two = s.timing.bySize.get(2)!;
        expect(one.firstCount).toBe(1);
        expect(two.firstCount).toBe(1);
        expect(one.firstCount + one.decodeCount + two.firstCount + two.decodeCount).toBe(s.stats.flushes);
        expect(s.stats.steps).toBe(one.firstCount + one.decodeCount + 2 * (two.firstCount + two.decodeCount));
    });

    it("keeps a bounded sample of decode flushes but exact counts and sums", () => {
        const s = new LockstepScheduler<number>();
        const n = 1030;
        for (let i = 0; i < n; i++) s.timing.record(4, false, i);
        s.timing.record(4, true, 500);
        const t = s.timing.bySize.get(4)!;
        expect(t.decodeCount).toBe(n);
        expect(t.decodeSample).toHaveLength(1024);
        expect(t.decodeMs).toBe((n * (n - 1)) / 2);
        // The oldest six were overwritten by the newest six.
        expect(t.decodeSample.slice(0, 6)).toEqual([1024, 1025, 1026, 1027, 1028, 1029]);
        expect([t.firstCount, t.firstMs]).toEqual([1, 500]);
        s.timing.reset();
        expect(s.timing.bySize.size).toBe(0);
    });
});
