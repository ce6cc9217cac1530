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
