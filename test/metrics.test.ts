// Metrics recomputed from plain records by an independent path (loops over turns, no accumulator).
import { describe, expect, it } from "vitest";
import { computeMetrics, formatReport, MetricsAccumulator, wilson } from "../src/batch/metrics.js";
import type { ItemOutcome } from "../src/batch/types.js";

/** A seeded generator of outcomes: varied chain lengths, samples per item, tasks and flips. */
function outcomes(n: number, seed: number): ItemOutcome[] {
    let x = seed;
    const rnd = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    return Array.from({ length: n }, (_, i) => {
        const t1 = rnd() < 0.4;
        const k = rnd() < 0.3 ? 0 : 1 + Math.floor(rnd() * 4);
        const chains = Array.from({ length: k }, () => [t1, ...Array.from({ length: Math.floor(rnd() * 4) }, () => rnd() < 0.5)]);
        return { itemId: `i${i}`, task: ["a", "b", "c"][i % 3]!, t1, chains };
    });
}

/** The brief's definitions, written out directly. */
function reference(os: ItemOutcome[], T: number) {
    const acc: number[] = [];
    for (let t = 1; t <= T; t++) {
        let sum = 0;
        for (const o of os) {
            if (o.chains.length === 0) {
                sum += o.t1 ? 1 : 0;
                continue;
            }
            let s = 0;
            for (const c of o.chains) {
                // the answer standing at turn t: the turn-t answer, or the last one if the chain stopped earlier
                const idx = Math.min(t, c.length) - 1;
                s += c[idx] ? 1 : 0;
            }
            sum += s / o.chains.length;
        }
        acc.push(sum / os.length);
    }
    let c2i = 0;
    let i2c = 0;
    for (const o of os)
        for (const c of o.chains) {
            const last = c[Math.min(T, c.length) - 1];
            if (c[0] && !last) c2i++;
            if (!c[0] && last) i2c++;
        }
    return { acc, c2i, i2c };
}

describe("metrics", () => {
    it("match the definitions overall and per task", () => {
        const os = outcomes(500, 7);
        const T = 4;
        const r = computeMetrics(os, T);
        const ref = reference(os, T);
        r.overall.accByTurn.forEach((a, i) => expect(a).toBeCloseTo(ref.acc[i]!, 12));
        expect(r.overall.delta).toBeCloseTo(ref.acc[T - 1]! - ref.acc[0]!, 12);
        expect(r.overall.flips).toEqual({ correctToIncorrect: ref.c2i, incorrectToCorrect: ref.i2c });
        expect(r.overall.n).toBe(500);
        expect(r.overall.samples).toBe(os.reduce((a, o) => a + o.chains.length, 0));
        for (const task of ["a", "b", "c"]) {
            const sub = os.filter((o) => o.task === task);
            const rt = reference(sub, T);
            expect(r.perTask[task]!.n).toBe(sub.length);
            r.perTask[task]!.accByTurn.forEach((a, i) => expect(a).toBeCloseTo(rt.acc[i]!, 12));
        }
    });

    it("oracle-style outcomes (stop when correct) give Acc@t1 = correct at turn 1 and Δ >= 0", () => {
        const os: ItemOutcome[] = [
            { itemId: "a", task: "x", t1: true, chains: [] },
            { itemId: "b", task: "x", t1: false, chains: [[false, true], [false, false]] },
            { itemId: "c", task: "x", t1: false, chains: [[false, false, true]] },
            { itemId: "d", task: "x", t1: false, chains: [] }
        ];
        const r = computeMetrics(os, 3).overall;
        expect(r.accByTurn[0]).toBe(0.25);
        expect(r.accByTurn[1]).toBeCloseTo((1 + 0.5) / 4);
        expect(r.accByTurn[2]).toBeCloseTo((1 + 0.5 + 1) / 4);
        // Two deltas, named: up to the last turn, and the paper's first reflection only.
        expect(r.deltaLast).toBeCloseTo(0.375);
        expect(r.delta12).toBeCloseTo(0.125);
        expect(r.delta).toBe(r.deltaLast);
        expect(r.flips).toEqual({ correctToIncorrect: 0, incorrectToCorrect: 2 });
    });

    it("counts correct→incorrect flips of the self verifier", () => {
        const r = computeMetrics([{ itemId: "a", task: "x", t1: true, chains: [[true, false], [true, true]] }], 2).overall;
        expect(r.accByTurn).toEqual([1, 0.5]);
        expect(r.deltaLast).toBe(-0.5);
        expect(r.delta12).toBe(-0.5);
        expect(r.flips.correctToIncorrect).toBe(1);
    });

    it("gives 95% Wilson intervals that contain p and match known values", () => {
        // Known: p = 0.5, n = 100 -> [0.4038, 0.5962]
        const [lo, hi] = wilson(0.5, 100);
        expect(lo).toBeCloseTo(0.4038, 3);
        expect(hi).toBeCloseTo(0.5962, 3);
        expect(wilson(0, 10)[0]).toBe(0);
        expect(wilson(1, 10)[1]).toBe(1);
        const r = computeMetrics(outcomes(200, 3), 2).overall;
        r.ciByTurn.forEach(([l, h], i) => {
            expect(l).toBeLessThanOrEqual(r.accByTurn[i]!);
            expect(h).toBeGreaterThanOrEqual(r.accByTurn[i]!);
        });
    });

    it("accumulates incrementally to the same result and prints a table", () => {
        const os = outcomes(50, 11);
        const acc = new MetricsAccumulator(2);
        os.forEach((o) => acc.add(o));
        expect(acc.report()).toEqual(computeMetrics(os, 2));
        const table = formatReport(acc.report());
        expect(table.split("\n")[0]).toMatch(/task\s+N\s+samples\s+Acc@t1\s+Acc@t2\s+Δ\(t1,t2\)/);
        expect(table).toMatch(/^overall\s+50\s/m);
        // Two turns: one Δ column, the two deltas being the same number.
        expect(table.split("\n")[0]!.match(/Δ\(/g)).toHaveLength(1);
    });

    it("fits a two-turn report, with the demo set's longest task name, in 80 columns", () => {
        const os = outcomes(40, 5).map((o, i) => ({ ...o, task: ["demo-commonsense", "demo-code", "demo-logic", "demo-math"][i % 4]! }));
        const lines = formatReport(computeMetrics(os, 2)).split("\n").filter((l) => l.length > 0);
        expect(lines.length).toBeGreaterThanOrEqual(12); // 2 tables: header, 4 tasks and overall each
        expect(lines.filter((l) => l.startsWith("demo-commonsense"))).toHaveLength(2);
        for (const l of lines) expect([...l].length, l).toBeLessThanOrEqual(80);
        // The last turn's interval is still printed, in the intervals table.
        expect(lines.find((l) => l.startsWith("95% CI"))).toMatch(/Acc@t1\s+Acc@t2$/);
    });

    it("shows Δ(t1,t2) and Δ(t1,tN) side by side past two turns", () => {
        const os: ItemOutcome[] = [
            { itemId: "a", task: "x", t1: false, chains: [[false, false, true]] },
            { itemId: "b", task: "x", t1: false, chains: [[false, true]] }
        ];
        const r = computeMetrics(os, 3);
        expect(r.overall.accByTurn).toEqual([0, 0.5, 1]);
        expect([r.overall.delta12, r.overall.deltaLast]).toEqual([0.5, 1]);
        const lines = formatReport(r).split("\n");
        expect(lines[0]).toMatch(/Acc@t3\s+Δ\(t1,t2\)\s+Δ\(t1,t3\)\s+c→i/);
        expect(lines.find((l) => l.startsWith("overall"))).toMatch(/^overall\s+2\s+2\s+0\.0\s+50\.0\s+100\.0\s+\+50\.0\s+\+100\.0\s+0\s+2$/);
    });

    it("has no gain to show for a one-turn run", () => {
        const r = computeMetrics([{ itemId: "a", task: "x", t1: true, chains: [] }], 1).overall;
        expect([r.deltaLast, r.delta12, r.delta]).toEqual([0, 0, 0]);
    });
});
