import { describe, expect, it } from "vitest";
import { boxedContents, extractCode, extractFinalAnswer } from "../src/verify/extract.js";

describe("extractFinalAnswer", () => {
    it.each([
        ["Some reasoning.\nFinal answer: 42", "42"],
        ["final ANSWER: Paris.", "Paris"],
        ["**Final answer:** D", "D"],
        ["**Final answer**: $\\frac{1}{2}$", "$\\frac{1}{2}$"],
        ["Answer: yes", "yes"],
        ["Final answer: 1\nwait, no.\nFinal answer: 2", "2"],
        ["The final answer is: 7", "7"],
        ["so x = \\boxed{\\frac{1}{2}} is the result", "\\frac{1}{2}"],
        ["\\boxed{1} then \\boxed{{2}+{3}}", "{2}+{3}"],
        ["Final answer: \\boxed{5}", "5"],
        ["Final answer:\n\n  12 cm", "12 cm"],
        ["Final answer: 3.5", "3.5"],
        ["Final answer: 5.", "5"]
    ])("%j -> %j", (output, expected) => {
        expect(extractFinalAnswer(output)).toBe(expected);
    });

    it("returns null when there is no marker and no box", () => {
        expect(extractFinalAnswer("I think it is 42")).toBeNull();
        expect(extractFinalAnswer("")).toBeNull();
    });

    it("balances nested braces in boxes and skips unbalanced ones", () => {
        expect(boxedContents("\\boxed{\\sqrt{\\frac{1}{2}}} and \\boxed{x")).toEqual(["\\sqrt{\\frac{1}{2}}"]);
    });
});

describe("extractCode", () => {
    it("takes the last python block", () => {
        const out = "```python\ndef a(): return 1\n```\ntext\n```python\ndef b(): return 2\n```\n";
        expect(extractCode(out)).toBe("def b(): return 2\n");
    });
    it("prefers a python block over a later block of another language", () => {
        expect(extractCode("```py\nx = 1\n```\n```text\noutput\n```")).toBe("x = 1\n");
    });
    it("falls back to any fenced block", () => {
        expect(extractCode("Here:\n```\ndef f(x):\n    return x\n```")).toBe("def f(x):\n    return x\n");
    });
    it("accepts an unclosed final fence (truncated output)", () => {
        expect(extractCode("```python\ndef f():\n    return 3")).toBe("def f():\n    return 3\n");
    });
    it("uses the whole output when it looks like code", () => {
        expect(extractCode("def f(x):\n    return x + 1")).toBe("def f(x):\n    return x + 1\n");
    });
    it("returns null for prose", () => {
        expect(extractCode("I cannot write this function.")).toBeNull();
    });
});

describe("extractFinalAnswer without the colon", () => {
    it("takes the value from 'the answer is X' in the last such sentence", () => {
        expect(extractFinalAnswer("Divide both sides.\n\nSo,\n\nThe answer is 3")).toBe("3");
        expect(extractFinalAnswer("I think the final answer is 42. Done")).toBe("42");
        expect(extractFinalAnswer("The answer is not obvious.")).toBeNull();
        expect(extractFinalAnswer("No answer here")).toBeNull();
    });
});
