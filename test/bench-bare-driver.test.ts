// The bare node-llama-cpp driver's two modes on the real default model: prefill untimed (the ceiling
// of the issue-14 target) and same work (the call's own prompt tokens read inside the timed phase).
import { afterAll, describe, expect, it } from "vitest";
import { bareLockstep, disposeBare } from "../bench/bare-driver.js";

afterAll(() => disposeBare());

describe("bench/bare-driver.ts", () => {
    it("times the call's prompt reads in same-work mode, which costs more than generation alone", async () => {
        const base = { P: 2, promptTokens: 96, genTokens: 8, threads: 2, runs: 1, contextSize: 256 };
        const plain = await bareLockstep(base);
        const same = await bareLockstep({ ...base, prefillTokens: 80 });
        expect(plain.runs).toHaveLength(1);
        expect(same.runs).toHaveLength(1);
        expect(plain.genTokensPerSecond).toBeGreaterThan(0);
        expect(same.genTokensPerSecond).toBeGreaterThan(0);
        // 2 x 80 prompt tokens take several decode steps' time: the timed phase is clearly longer per token.
        expect(same.genTokensPerSecond).toBeLessThan(plain.genTokensPerSecond * 0.8);
    }, 300_000);

    it("refuses a prefill longer than the prompt", async () => {
        await expect(bareLockstep({ P: 1, promptTokens: 16, genTokens: 4, prefillTokens: 17, runs: 1 })).rejects.toThrow(/prefillTokens must be an integer from 0 to promptTokens \(16\)/);
    });
});
