import { describe, expect, it } from "vitest";
import { answerValues, boxedContents, extractCode, extractFinalAnswer, finalExpression, lastBoxed, listOrStep, markedAnswer, valueKey } from "../src/verify/extract.js";
import { reasonLine, shown, verdictLine, verdictParts } from "../src/verify/line.js";

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

describe("markedAnswer names its rule", () => {
    it.each([
        ["Final answer: 42", "42", "final-answer line"],
        ["Final answer: \\boxed{42}", "42", "boxed"],
        ["so \\boxed{42}", "42", "boxed"],
        ["So the answer is 42.", "42", "answer-is"],
        ["The correct answer would be 42", "42", "answer-is"],
        ["Final Answer: The final answer is $42$. I hope it is correct.", "$42$", "final-answer line"],
        ["the answer is 5. No wait, the answer is 7.", "7", "answer-is"]
    ])("%j -> %j by %s", (output, value, rule) => {
        expect(markedAnswer(output)).toEqual({ value, rule });
    });

    it("returns null without a marker", () => {
        expect(markedAnswer("42")).toBeNull();
        expect(markedAnswer("The answer is not obvious.")).toBeNull();
    });
});

describe("lastBoxed", () => {
    it("joins boxes that stand together and keeps only the last of boxes apart", () => {
        expect(lastBoxed("\\boxed{2} and \\boxed{3}")).toBe("2, 3");
        expect(lastBoxed("$\\boxed{7}$ or $\\boxed{5}$")).toBe("7, 5");
        expect(lastBoxed("I got \\boxed{5}. Rechecking, \\boxed{7}.")).toBe("7");
        expect(lastBoxed("no box")).toBeNull();
    });
});

describe("finalExpression", () => {
    it.each([
        ["work\n42", "42"],
        ["work\nx = 7", "x = 7"],
        ["work\n$\\frac{3}{4}$", "$\\frac{3}{4}$"],
        ["work\n7 apples", "7 apples"],
        ["work\n#### 7", "7"],
        ["work\n\\[\nx = 7\n\\]", "\\[x = 7\\]"]
    ])("accepts %j -> %j", (output, value) => {
        expect(finalExpression(output).value).toBe(value);
    });

    it.each([
        ["work\n3. Plan the correction", /list item/],
        ["Step 2: add the numbers", /step label/],
        ["There are 3 possible mistakes", /prose/],
        ["work\n1)", /list item/],
        ["work\n- 7", /list item/],
        ["So x = 7", /prose/],
        ["", /empty/]
    ])("rejects %j", (output, why) => {
        const r = finalExpression(output);
        expect(r.value).toBeNull();
        expect(r.why).toMatch(why);
    });
});

describe("answerValues", () => {
    it.each([
        ["7 or 5", ["7", "5"]],
        ["7, not 5", ["7", "5"]],
        ["x = 7 or x = 5", ["x = 7", "x = 5"]],
        ["either 3 or 4", ["3", "4"]],
        ["7 (or maybe 5)", ["7", "5"]],
        ["3 \\text{ or } 5", ["3", "5"]],
        ["7 (seven)", ["7"]],
        ["7. I hope it is correct", ["7"]],
        ["so the answer is 7", ["7"]],
        ["(1, 2)", ["(1, 2)"]],
        ["\\{1,2\\}", ["\\{1,2\\}"]],
        ["[0,1)", ["[0,1)"]],
        ["1,000", ["1,000"]],
        ["\\frac{1}{2}", ["\\frac{1}{2}"]],
        ["3 / 4", ["3 / 4"]],
        ["$5", ["5"]]
    ])("%j -> %j", (answer, values) => {
        expect(answerValues(answer)).toEqual(values);
    });

    it("keys the same value written the same way alike", () => {
        expect(valueKey("x = 7")).toBe(valueKey("7.0"));
        expect(valueKey("7 apples")).toBe("7");
        expect(valueKey("5")).not.toBe(valueKey("7"));
    });
});

describe("listOrStep", () => {
    it("flags list items and step labels with words after them, not hedges or values", () => {
        expect(listOrStep("3. Plan the correction")).toMatch(/list item/);
        expect(listOrStep("Step 2: subtract")).toMatch(/step label/);
        expect(listOrStep("7. Or maybe 5")).toBeNull();
        expect(listOrStep("(1, 2)")).toBeNull();
        expect(listOrStep("3.5")).toBeNull();
    });
});

describe("verdictLine", () => {
    it("puts the verdict, what was read and by which rule, the gold and why on one line", () => {
        const got = { extracted: "7", rule: "boxed" };
        expect(verdictLine({ correct: false, ...got, reason: reasonLine(got, "5", "not equivalent") })).toBe('✗ incorrect · read "7" (boxed) · gold 5 · not equivalent');
        const none = { extracted: null, rule: "cut off" };
        expect(verdictLine({ correct: false, ...none, reason: reasonLine(none, "5", "cut off before a final answer") })).toBe("✗ incorrect · nothing read (cut off before a final answer) · gold 5");
        const letter = { extracted: "B", rule: "letter" };
        expect(verdictLine({ correct: true, ...letter, reason: reasonLine(letter, "B (Paris)", "") }, { mode: "oracle" })).toBe('✓ correct (oracle) · read "B" (letter) · gold B (Paris)');
    });

    it("shows the answer as written (no JSON escapes) and the part compared", () => {
        const got = { extracted: "\\dfrac12. I hope", rule: "final-answer line" };
        expect(reasonLine(got, "0.5", "equivalent", { as: "\\dfrac12" })).toBe('read "\\dfrac12. I hope" (final-answer line, as \\dfrac12) · gold 0.5 · equivalent');
        expect(shown("a\u001b[2Jb")).toBe('"a\\x1b[2Jb"');
    });

    it("adds what was read to reasons that lack it (code verdicts) and keeps code to its line count", () => {
        const line = verdictLine({ correct: false, extracted: "def f():\n    return 1\n", rule: "code block", reason: "0/1 tests passed;\nfirst failure: assert f() == 2" });
        expect(line).toBe("✗ incorrect · read 2 lines (code block) · 0/1 tests passed; ⏎ first failure: assert f() == 2");
        expect(verdictLine({ correct: false, extracted: "def f(): return 1\n", rule: "code block", reason: "all 0 tests" })).toBe('✗ incorrect · read "def f(): return 1" (code block) · all 0 tests');
        expect(verdictLine({ correct: false, extracted: null, rule: "no code", reason: "no code found in the answer" })).toBe("✗ incorrect · nothing read (no code found in the answer)");
        expect(shown("x".repeat(100))).toHaveLength(82);
    });

    it("splits into a head to colour and a body, escaping control bytes a reason may carry", () => {
        const v = { correct: false, extracted: "x", rule: "code block", reason: "the answer raised \u001b[31mboom" };
        expect(verdictParts(v, { mode: "oracle" })).toEqual({ head: "✗ incorrect (oracle)", body: 'read "x" (code block) · the answer raised \\x1b[31mboom' });
        expect(verdictLine(v)).toBe('✗ incorrect · read "x" (code block) · the answer raised \\x1b[31mboom');
    });

    it("shows a self or teacher verdict (no rule) as its reason", () => {
        expect(verdictLine({ correct: true, extracted: "correct", reason: "the model judged its own answer correct" }, { mode: "self" })).toBe("✓ correct (self) · the model judged its own answer correct");
    });

    it("rewords reasons stored in the older wording", () => {
        const old = { correct: false, extracted: "B", rule: "letter", reason: 'extracted "B" by letter · gold D (New York City) · B (London), read from the final-answer line' };
        expect(verdictLine(old)).toBe('✗ incorrect · read "B" (letter) · gold D (New York City) · B (London), read from the final-answer line');
        const none = { correct: false, extracted: null, rule: "cut off", reason: "nothing extracted (cut off) · gold 7 · cut off before a final answer" };
        expect(verdictLine(none)).toBe("✗ incorrect · nothing read (cut off) · gold 7 · cut off before a final answer");
    });
});
