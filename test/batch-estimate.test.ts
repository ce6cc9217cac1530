// The batch cost estimate: generations, tokens and time before a run starts (src/batch/estimate.ts).
import stringWidth from "string-width";
import { describe, expect, it } from "vitest";
import { compactTokens, estimateBatch, formatEstimate, instructionCount, roughDuration, type EstimateInput } from "../src/batch/estimate.js";

const base: EstimateInput = { items: 40, k: 2, instructions: 6, maxTurns: 2, mode: "reflect", verifier: "oracle", maxTokens: 384 };

describe("instructionCount", () => {
    it("counts what each failed item is reflected on, per plan", () => {
        expect(instructionCount({ kind: "random", count: 6 }, 32)).toBe(6);
        expect(instructionCount({ kind: "fixed", keys: ["1-1-1", "2-1-1"] }, 32)).toBe(2);
        expect(instructionCount({ kind: "round-robin" }, 32)).toBe(1);
        expect(instructionCount({ kind: "all" }, 32)).toBe(32);
        // retry draws k chains with no instruction, whatever the plan.
        expect(instructionCount({ kind: "all" }, 32, "retry")).toBe(1);
    });
});

describe("estimateBatch", () => {
    it("k 2 × random:6 is 12 chains per failed item; with Acc@t1 unknown every item is assumed to fail (upper bound)", () => {
        const e = estimateBatch(base);
        expect(e.chainsPerFailed).toBe(12);
        expect(e.failedIsUpperBound).toBe(true);
        expect(e.failedItems).toBe(40);
        // Turn 1: one answer; each chain: a reflection and a correction.
        expect(e.turn1Generations).toBe(1);
        expect(e.generationsPerChain).toBe(2);
        expect(e.generationsPerFailedItem).toBe(1 + 12 * 2);
        expect(e.generations).toBe(40 * 25);
        expect(e.tokens).toBe(40 * 25 * 384);
        expect(e.seconds).toBeNull();
    });

    it("an expected Acc@t1 lowers the failed items; a measured speed gives the time", () => {
        const e = estimateBatch({ ...base, expectedAcc1: 0.75, tokensPerSecond: 100 });
        expect(e.failedIsUpperBound).toBe(false);
        expect(e.failedItems).toBe(10);
        expect(e.generations).toBe(40 + 10 * 12 * 2);
        expect(e.tokens).toBe(280 * 384);
        expect(e.seconds).toBeCloseTo((280 * 384) / 100);
    });

    it("counts self verdicts, retry's missing reflections, extra turns, and no chains with one turn", () => {
        const self = estimateBatch({ ...base, verifier: "self", maxTurns: 3 });
        expect(self.turn1Generations).toBe(2);
        // Two extra turns of reflection, correction and self verdict.
        expect(self.generationsPerChain).toBe(6);
        expect(self.generations).toBe(40 * (2 + 12 * 6));
        const retry = estimateBatch({ ...base, mode: "retry", instructions: 1 });
        expect(retry.chainsPerFailed).toBe(2);
        expect(retry.generationsPerChain).toBe(1);
        const one = estimateBatch({ ...base, maxTurns: 1 });
        expect(one.chainsPerFailed).toBe(0);
        expect(one.generations).toBe(40);
        // "all" (32 instructions) × k 2 = 64 chains.
        expect(estimateBatch({ ...base, instructions: instructionCount({ kind: "all" }, 32) }).chainsPerFailed).toBe(64);
    });

    it("with the items unknown (task files not read yet) estimates one failing item", () => {
        const e = estimateBatch({ ...base, items: null, tokensPerSecond: 50 });
        expect(e.generations).toBeNull();
        expect(e.failedItems).toBeNull();
        expect(e.tokens).toBe(25 * 384);
        expect(e.seconds).toBeCloseTo((25 * 384) / 50);
    });
});

describe("formatEstimate", () => {
    it("says what is an upper bound and why, and that time is unknown without a measured speed", () => {
        const lines = formatEstimate(estimateBatch(base), base);
        expect(lines).toEqual([
            "estimate: ≤ 1,000 generations · ≤ 384k tokens (384 max each)",
            "failing: all 40 assumed (Acc@t1 unknown) · 12 chains each (k 2×6)",
            "time: unknown until a generation has run"
        ]);
    });

    it("gives the time at the measured speed, named by its source, and the expected failures", () => {
        const input = { ...base, expectedAcc1: 0.5, tokensPerSecond: 123.4 };
        const lines = formatEstimate(estimateBatch(input), input, "last batch run, P 8");
        expect(lines).toHaveLength(3);
        expect(lines[1]).toBe("failing: ~20 of 40 (Acc@t1 50%) · 12 chains each (k 2×6)");
        // (40 + 20 × 24) × 384 = 199,680 tokens at 123.4 tok/s = 1618 s → 27 minutes, rounded up.
        expect(lines[2]).toBe("time: ≤ 27m at 123.4 tok/s (last batch run, P 8)");
    });

    it("per item when the items are unknown", () => {
        const input = { ...base, items: null };
        const lines = formatEstimate(estimateBatch(input), input);
        expect(lines[0]).toBe("estimate per item: 1 generation if turn 1 is right, ≤ 25 if not");
        expect(lines[1]).toBe("a failing item: 12 chains (k 2×6) · ≤ 9.6k tokens");
        expect(lines[2]).toBe("time per failing item: unknown until a generation has run");
    });

    it("every line fits the batch form at 80 columns (76 inside its border)", () => {
        const worst = { ...base, items: 123_456, k: 16, instructions: 32, maxTurns: 6, verifier: "self" as const, maxTokens: 65_536, tokensPerSecond: 0.5, expectedAcc1: 0.333 };
        const perItem = { ...worst, items: null };
        const lines = [...formatEstimate(estimateBatch(worst), worst, "the lab, one sequence"), ...formatEstimate(estimateBatch(perItem), perItem, "the lab, one sequence")];
        expect(lines).toHaveLength(6);
        for (const l of lines) expect(stringWidth(l), l).toBeLessThanOrEqual(76);
    });

    it("compact numbers", () => {
        expect(compactTokens(999)).toBe("999");
        expect(compactTokens(9600)).toBe("9.6k");
        expect(compactTokens(476_160)).toBe("476k");
        expect(compactTokens(1_200_000)).toBe("1.2M");
        expect(roughDuration(12.2)).toBe("13s");
        expect(roughDuration(95)).toBe("2m");
        expect(roughDuration(4000)).toBe("1h07m");
        expect(roughDuration(3 * 86_400)).toBe("3d");
        expect(compactTokens(4.1e13)).toBe("41000G");
    });
});
