import { describe, expect, it } from "vitest";
import { breakdown, formatBreakdown, nativeSlotMs, PARTS, phaseSlotMs, ratioLine, samplingShare } from "../bench/breakdown.js";
import type { FlushSizeTimes } from "../src/backend/lockstep.js";

const sizeTimes = (decodeSample: number[], firstMs = 0, firstCount = 0): FlushSizeTimes => ({
    decodeCount: decodeSample.length, decodeMs: decodeSample.reduce((a, b) => a + b, 0), decodeSample, firstCount, firstMs
});

describe("bench time breakdown", () => {
    it("splits slot time by phase from the slot events, start-up counting as work", () => {
        const marks = [
            { atMs: 10, slot: 0, phase: "answer" as const },
            { atMs: 20, slot: 1, phase: "answer" as const },
            { atMs: 40, slot: 0, phase: "verify" as const },
            { atMs: 60, slot: 0, phase: "reflect" as const },
            { atMs: 70, slot: 1, phase: "idle" as const },
            { atMs: 90, slot: 0, phase: "idle" as const }
        ];
        // slot 0: work 0-40 and 60-90, verify 40-60, idle 90-100; slot 1: work 0-70, idle 70-100.
        const p = phaseSlotMs(marks, 2, 0, 100);
        expect(p).toEqual({ work: 140, verify: 20, idle: 40 });
        expect(p.work + p.verify + p.idle).toBe(2 * 100);
        expect(() => phaseSlotMs([{ atMs: 5, slot: 2, phase: "answer" }], 2, 0, 100)).toThrow(/slot 2 is outside the 2 slots/);
    });

    it("takes the sampling share from greedy against sampled tokens/s", () => {
        expect(samplingShare(100, 80)).toBeCloseTo(0.2, 12);
        expect(samplingShare(100, 110)).toBe(0);
        expect(() => samplingShare(0, 10)).toThrow(/positive tokens\/s/);
    });

    it("counts a prefill flush's excess over the median decode flush of its size, or of the nearest size", () => {
        const flushes = new Map([
            [2, sizeTimes([10, 10, 12], 30, 1)], // median 10: prefill 30 - 10 = 20 ms, held by 2 slots
            [1, sizeTimes([8])],
            [3, sizeTimes([], 25, 1)] // no decode-only flush of 3: the nearest size (2) gives 10, so 15 ms x 3 slots
        ]);
        const n = nativeSlotMs(flushes);
        expect(n.native).toBe(2 * (32 + 30) + 8 + 3 * 25);
        expect(n.prefill).toBe(2 * 20 + 3 * 15);
        // A prefill flush faster than the decode median adds no (negative) prefill.
        expect(nativeSlotMs(new Map([[1, sizeTimes([10, 10], 6, 1)]]))).toEqual({ native: 26, prefill: 0 });
    });

    it("gives six parts whose wall ms sum to the wall time", () => {
        const flushes = new Map([[2, sizeTimes([10, 10, 12], 30, 1)], [1, sizeTimes([8])]]);
        // native 2*(32+30) + 8 = 132 slot-ms, prefill 40, steps 92: decode 69, sampling 23 (share 0.25)
        const rows = breakdown({ wallMs: 1000, P: 2, generatedTokens: 100, flushes, phases: { work: 1500, verify: 300, idle: 200 }, samplingShare: 0.25 });
        expect(rows.map((r) => r.part)).toEqual([...PARTS]);
        const ms = Object.fromEntries(rows.map((r) => [r.part, r.ms]));
        expect(ms).toEqual({ decode: 34.5, sampling: 11.5, "JS work": 684, verification: 150, prefill: 20, "idle slots": 100 });
        expect(rows.reduce((a, r) => a + r.ms, 0)).toBeCloseTo(1000, 9);
        expect(rows.reduce((a, r) => a + r.share, 0)).toBeCloseTo(1, 12);
        expect(rows.find((r) => r.part === "JS work")!.msPerToken).toBeCloseTo(6.84, 12);
        const lines = formatBreakdown(rows, 100);
        expect(lines).toHaveLength(7);
        expect(lines[6]).toMatch(/wall\s+10\.00 ms\/tok\s+100\.0 %/);
    });

    it("rejects slot phases that do not cover P x the wall time, and empty runs", () => {
        const flushes = new Map([[1, sizeTimes([5])]]);
        expect(() => breakdown({ wallMs: 100, P: 2, generatedTokens: 10, flushes, phases: { work: 100, verify: 0, idle: 0 }, samplingShare: 0 })).toThrow(/not P x wall = 200/);
        expect(() => breakdown({ wallMs: 100, P: 1, generatedTokens: 0, flushes, phases: { work: 100, verify: 0, idle: 0 }, samplingShare: 0 })).toThrow(/positive wall time, P and generated tokens/);
    });

    it("marks each ratio met or missed against its target", () => {
        expect(ratioLine([{ P: 1, ratio: 0.93 }, { P: 8, ratio: 0.714 }, { P: 4, ratio: null }], 0.9)).toBe("P=1 0.93 met · P=8 0.71 MISSED · P=4 n/a");
    });
});
