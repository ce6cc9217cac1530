// Smoothed tok/s and ETA (src/batch/rate.ts) over synthetic event sequences: the old fixed-window
// formulas flickered (tok/s 0.0 with every slot busy, the ETA jumping), the new ones stay steady.
import { describe, expect, it } from "vitest";
import { EtaSmoother, roundEta, WindowRate } from "../src/batch/rate.js";

/** The dashboard's old tok/s: tokens of the last 10 s over 10 s. */
function oldTokensPerSecond(events: { t: number; n: number }[], now: number): number {
    return events.filter((e) => e.t <= now && now - e.t <= 10_000).reduce((a, e) => a + e.n, 0) / 10;
}

/**
 * 8 slots in lockstep, each generation 384 tokens over ~75 s (5 tok/s per slot, 40 tok/s in all):
 * the runner reports a generation's tokens once, when it ends, so they arrive in bursts every ~75 s.
 */
function lockstepTokens(seconds: number): { t: number; n: number }[] {
    const out: { t: number; n: number }[] = [];
    for (let end = 75_000; end <= seconds * 1000; end += 75_000) for (let s = 0; s < 8; s++) out.push({ t: end + s * 40, n: 384 });
    return out;
}

describe("tokens per second", () => {
    const events = lockstepTokens(600);
    const samples = Array.from({ length: 500 }, (_, i) => 90_000 + i * 1000); // once a second from 90 s to 590 s

    it("the old 10 s window reads 0.0 most of the time while every slot is generating", () => {
        const zeros = samples.filter((now) => oldTokensPerSecond(events, now) === 0).length;
        expect(zeros).toBeGreaterThan(samples.length / 2);
    });

    it("the widening window never reads 0 once a generation has ended, and stays near the true 40 tok/s", () => {
        const r = new WindowRate({ windowMs: 30_000, minEvents: 8 });
        let next = 0;
        const seen: number[] = [];
        for (const now of samples) {
            while (next < events.length && events[next]!.t <= now) r.add(events[next]!.t, events[next]!.n), next++;
            seen.push(r.rate(now, 0)!);
        }
        expect(seen).toHaveLength(samples.length);
        expect(Math.min(...seen)).toBeGreaterThan(15);
        expect(Math.max(...seen)).toBeLessThan(90);
        // Averaged over the run it is the true rate.
        expect(seen.reduce((a, x) => a + x, 0) / seen.length).toBeGreaterThan(30);
        expect(seen.reduce((a, x) => a + x, 0) / seen.length).toBeLessThan(50);
    });

    it("is null before the first event, a plain window with dense events, and decays (not drops) when events stop", () => {
        const r = new WindowRate({ windowMs: 30_000, minEvents: 2 });
        expect(r.rate(5_000, 0)).toBeNull();
        for (let t = 1_000; t <= 60_000; t += 500) r.add(t, 10);
        // 20 tok/s, measured over the last 30 s.
        expect(r.rate(60_000, 0)).toBeCloseTo(20, 0);
        const later = [70_000, 100_000, 200_000].map((now) => r.rate(now, 0)!);
        expect(later[0]).toBeGreaterThan(0);
        expect(later[1]).toBeLessThan(later[0]!);
        expect(later[2]).toBeLessThan(later[1]!);
        expect(later[2]).toBeGreaterThan(0);
    });

    it("keeps a bounded number of events however many arrive", () => {
        const r = new WindowRate({ windowMs: 30_000, minEvents: 4 });
        for (let t = 0; t < 1_000_000; t += 10) r.add(t, 1);
        // 250 ms buckets over 30 s.
        expect((r as unknown as { events: unknown[] }).events.length).toBeLessThanOrEqual(121 + 5);
    });
});

describe("ETA", () => {
    /**
     * 400 items on 8 slots: items end in bursts (a lockstep batch finishes together) and alternate between
     * quick ones (right at turn 1) and long ones (12 chains); the true rate is ~0.2 items/s.
     */
    function bursts(): number[] {
        const t: number[] = [];
        let now = 0;
        for (let b = 0; t.length < 400; b++) {
            now += b % 2 ? 70_000 : 10_000;
            for (let i = 0; i < 8; i++) t.push(now + i * 100);
        }
        return t;
    }
    const ends = bursts();
    const total = ends.length;

    /** The old ETA from a 30 s window of items: left / rate, updated every second. */
    function oldEta(now: number): number | null {
        const recent = ends.filter((t) => t <= now && now - t <= 30_000).length;
        const done = ends.filter((t) => t <= now).length;
        return recent ? (total - done) / (recent / 30) : null;
    }

    it("the raw estimate jumps by large factors from one second to the next", () => {
        let worst = 1;
        let prev: number | null = null;
        for (let now = 100_000; now < 2_100_000; now += 1000) {
            const e = oldEta(now);
            if (e !== null && prev !== null && e > 0 && prev > 0) worst = Math.max(worst, e / prev, prev / e);
            prev = e;
        }
        expect(worst).toBeGreaterThan(2);
    });

    it("the smoothed ETA moves by a bounded factor per update and counts down with the clock", () => {
        const items = new WindowRate({ windowMs: 120_000, minEvents: 8 });
        const eta = new EtaSmoother();
        let next = 0;
        const shown: number[] = [];
        let finishedAt = -1;
        for (let now = 100_000; now < 2_100_000; now += 1000) {
            while (next < ends.length && ends[next]! <= now) items.add(ends[next]!, 1), next++;
            const rate = items.rate(now, 0);
            const left = total - next;
            const v = eta.update(now, left === 0 ? 0 : rate ? left / rate : null);
            if (v !== null) shown.push(v);
            if (left === 0 && finishedAt < 0) finishedAt = shown.length - 1;
        }
        expect(shown.length).toBeGreaterThan(1000);
        // Up to the last item; then it reads 0 at once.
        expect(finishedAt).toBeGreaterThan(1000);
        for (let i = 1; i < finishedAt; i++) {
            const [a, b] = [shown[i - 1]!, shown[i]!];
            // One second later: at most 1.25× (with 2 s of slack) around the counted-down value.
            const predicted = Math.max(0, a - 1);
            expect(b).toBeLessThanOrEqual(predicted * 1.25 + 2 + 1e-9);
            expect(b).toBeGreaterThanOrEqual(predicted / 1.25 - 2 - 1e-9);
        }
        expect(shown.at(-1)).toBe(0);
    });

    it("starts at the first raw value, holds (counting down) without a rate, and shows 0 when nothing is left", () => {
        const e = new EtaSmoother();
        expect(e.update(0, null)).toBeNull();
        expect(e.update(1000, 100)).toBe(100);
        expect(e.update(11_000, null)).toBe(90);
        expect(e.update(12_000, 0)).toBe(0);
    });

    it("rounds what is shown", () => {
        expect(roundEta(43)).toBe(45);
        expect(roundEta(434)).toBe(430);
        expect(roundEta(535)).toBe(540);
        expect(roundEta(1234)).toBe(1260);
        expect(roundEta(4000)).toBe(3900);
    });
});
