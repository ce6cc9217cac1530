import { describe, expect, it } from "vitest";
import { lightNormalise, normaliseText, TEXT_F1_THRESHOLD, tokenF1, verifyText } from "../src/verify/text.js";
import { verifyOracle } from "../src/verify/oracle.js";

describe("normaliseText", () => {
    it("lowercases, strips punctuation, articles and extra whitespace", () => {
        expect(normaliseText("  The Eiffel   Tower! ")).toBe("eiffel tower");
        expect(normaliseText("An apple, a day")).toBe("apple day");
    });
});

describe("verifyText", () => {
    it("accepts a normalised exact match", () => {
        const v = verifyText("Reasoning...\nFinal answer: The Eiffel Tower.", "Eiffel Tower");
        expect(v.correct).toBe(true);
        expect(v.details).toEqual({ em: true, f1: 1 });
        expect(v.extracted).toBe("The Eiffel Tower");
    });

    it("accepts a high-F1 near miss and rejects a low-F1 one", () => {
        // 4 of 5 predicted tokens match 4 gold tokens: F1 = 0.889
        const near = verifyText("Final answer: the president of united states america", "president of united states");
        expect(near.details?.em).toBe(false);
        expect(near.details?.f1 as number).toBeGreaterThanOrEqual(TEXT_F1_THRESHOLD);
        expect(near.correct).toBe(true);
        const far = verifyText("Final answer: the king of france", "president of united states");
        expect(far.correct).toBe(false);
        expect(far.details?.f1 as number).toBeLessThan(TEXT_F1_THRESHOLD);
    });

    it("computes token F1 on partial overlap", () => {
        expect(tokenF1("red car", "red bus")).toBeCloseTo(0.5);
        expect(tokenF1("a b c d", "a b")).toBeCloseTo(2 / 3);
        expect(tokenF1("x", "y")).toBe(0);
        const v = verifyText("Final answer: big red car", "red car parked outside");
        expect(v.correct).toBe(false);
        expect(v.details?.f1).toBeCloseTo(0.571, 2);
    });

    it("takes the best over several acceptable golds", () => {
        expect(verifyText("Final answer: NYC", ["New York City", "NYC"]).correct).toBe(true);
        expect(verifyText("Final answer: Boston", ["New York City", "NYC"]).correct).toBe(false);
    });

    it("normalises yes/no answers to their first word", () => {
        expect(verifyText("Final answer: Yes.", "yes").correct).toBe(true);
        expect(verifyText("Final answer: yes, because the sky is blue", "Yes").correct).toBe(true);
        expect(verifyText("Final answer: No, it is not", "yes").correct).toBe(false);
        expect(verifyText("Final answer: no", "No.").correct).toBe(true);
        expect(verifyText("Final answer: yes no maybe", "no").correct).toBe(false);
    });

    it("falls back to the last line without a marker, and reports a missing answer", () => {
        expect(verifyText("thinking\nParis", "Paris").correct).toBe(true);
        const none = verifyText("   \n", "Paris");
        expect(none.correct).toBe(false);
        expect(none.extracted).toBeNull();
    });

    it("is reachable through verifyOracle", async () => {
        expect((await verifyOracle({ family: "text", output: "Final answer: the Nile", gold: "Nile" })).correct).toBe(true);
    });
});

describe("golds that SQuAD normalisation would erase", () => {
    it("never matches an empty normalised answer, and keeps short golds", () => {
        // The bug: gold "a" normalised to "", so the answer "The" (also "") passed.
        expect(verifyText("Final answer: The", "a").correct).toBe(false);
        expect(verifyText("Final answer: a", "a").correct).toBe(true);
        expect(verifyText("Final answer: A.", "a").correct).toBe(true);
        expect(verifyText("Final answer: the", "The").correct).toBe(true);
        expect(verifyText("Final answer: The", "Paris").correct).toBe(false);
        expect(verifyText("Final answer: ?", "?").correct).toBe(true);
    });

    it("lightNormalise keeps articles and falls back to the raw text for punctuation", () => {
        expect(lightNormalise(" The  Thé! ")).toBe("the thé");
        expect(lightNormalise("?")).toBe("?");
    });

    it("reads yes-or-no hedges as ambiguous", () => {
        const v = verifyText("Final answer: yes or no", "yes");
        expect(v).toMatchObject({ correct: false, extracted: null, rule: "ambiguous" });
    });

    it("names the rule and has no answer when cut off", () => {
        expect(verifyText("thinking\nParis", "Paris").rule).toBe("last line");
        expect(verifyText("Final answer: Paris", "Paris").rule).toBe("final-answer line");
        const v = verifyText("thinking about Paris", "Paris", { truncated: true });
        expect(v).toMatchObject({ correct: false, extracted: null, rule: "cut off" });
        expect(v.reason).toMatch(/cut off before a final answer/);
    });
});
