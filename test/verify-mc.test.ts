import { describe, expect, it } from "vitest";
import { verifyMC } from "../src/verify/mc.js";
import { verifyOracle } from "../src/verify/oracle.js";

const choices = ["Paris", "London", "Berlin", "New York City"];
const GOLD = 3; // D

describe("verifyMC", () => {
    it.each([
        ["D", true],
        ["Final answer: D", true],
        ["Final answer: (D)", true],
        ["Final answer: D.", true],
        ["Final answer: D)", true],
        ["Final answer: D) New York City", true],
        ["Final answer: Option D", true],
        ["Final answer: the answer is D", true],
        ["**Final answer:** **D**", true],
        ["Final answer: d", true],
        ["Final answer: New York City", true],
        ["Final answer: new york city.", true],
        ["Final answer: [D]", true],
        ["Final answer: choice (d)", true],
        ["Reasoning about cities...\nThe answer is D.", true],
        ["Let me think.\nD", true],
        ["Final answer: The city is New York City, clearly", true],
        ["Final answer: B", false],
        ["Final answer: (b) London", false],
        ["Final answer: London", false],
        ["Final answer: option A", false],
        ["Final answer: A or D", false],
        ["Final answer: B, D", false],
        ["I don't know.", false],
        ["Final answer: D\nFinal answer: A", false]
    ])("%j -> %s", (output, correct) => {
        expect(verifyMC(output, choices, GOLD).correct).toBe(correct);
    });

    it("reports the extracted letter and the gold letter with its text", () => {
        const v = verifyMC("Final answer: B", choices, GOLD);
        expect(v.extracted).toBe("B");
        expect(v.reason).toContain("B");
        expect(v.reason).toContain("D (New York City)");
    });

    it("marks several different letters as ambiguous", () => {
        const v = verifyMC("Final answer: A or D", choices, GOLD);
        expect(v.correct).toBe(false);
        expect(v.reason).toMatch(/ambiguous/);
    });

    it("does not read the article 'a' as option A", () => {
        expect(verifyMC("Final answer: the answer is a city in France", choices, 0).extracted).not.toBe("A");
    });

    it("reports when no option is found", () => {
        const v = verifyMC("hmm", choices, GOLD);
        expect(v.extracted).toBeNull();
        expect(v.reason).toMatch(/no option/);
    });
});

describe("verifyOracle (mc)", () => {
    it("derives the gold index from a letter or an option text", async () => {
        expect((await verifyOracle({ family: "mc", output: "Final answer: C", gold: "C", choices, answerIndex: null })).correct).toBe(true);
        expect((await verifyOracle({ family: "mc", output: "Final answer: C", gold: "Berlin", choices })).correct).toBe(true);
        expect((await verifyOracle({ family: "mc", output: "Final answer: A", gold: "Berlin", choices })).correct).toBe(false);
    });
});

describe("an output that restates the options", () => {
    it("is not read as choosing the last listed option", () => {
        const v = verifyMC("A. All animals are cats\nB. All cats are mammals\nC. Some animals are not dogs", ["w", "x", "y", "z"], 2);
        expect(v.correct).toBe(false);
        expect(v.reason).toMatch(/ambiguous.*A, B, C/);
    });
});

describe("more option forms", () => {
    it.each([
        ["Final answer: D.New York City", "option label"],
        ["Final answer: D:New York City", "option label"],
        ["Final answer: d) new york city", "option label"],
        ["Final answer: Option D", "named option"],
        ["The correct option is D", "named option"],
        ["Final answer: New York City", "option text"],
        ["Final answer: (d)", "letter"]
    ])("%j -> D by %s", (output, rule) => {
        const v = verifyMC(output, choices, GOLD);
        expect(v.correct, v.reason).toBe(true);
        expect(v.extracted).toBe("D");
        expect(v.rule).toBe(rule);
    });

    it("reads options whose texts carry their own labels (ReflectEvo style)", () => {
        const labelled = ["A. Paris", "B. London", "C. Berlin", "D. New York City"];
        for (const out of ["Final answer: (d)", "Final answer: New York City", "Final answer: D) New York City", "Answer: d"]) {
            expect(verifyMC(out, labelled, GOLD).correct, out).toBe(true);
        }
        expect(verifyMC("Final answer: B", labelled, GOLD).reason).toContain("D (New York City)");
    });

    it.each(["Final answer: D, not C", "Final answer: b or d", "Final answer: not A", "Final answer: D) Paris", "Final answer: D (or maybe A)", "Final answer: either (a) or (d)"])("%j is ambiguous", (output) => {
        const v = verifyMC(output, choices, GOLD);
        expect(v.correct).toBe(false);
        expect(v.extracted).toBeNull();
        expect(v.rule).toBe("ambiguous");
    });

    it("has no answer when cut off before a final-answer marker", () => {
        const v = verifyMC("Comparing the cities, D", choices, GOLD, { truncated: true });
        expect(v).toMatchObject({ correct: false, extracted: null, rule: "cut off" });
        expect(v.reason).toMatch(/cut off before a final answer/);
        expect(verifyMC("Final answer: D", choices, GOLD, { truncated: true }).correct).toBe(true);
    });

    it("gives every verdict a rule", () => {
        for (const out of ["D", "hmm", "A or B", "Final answer: B", ""]) expect(verifyMC(out, choices, GOLD).rule, out).toBeTruthy();
    });
});
