// One table of extraction cases for the mc, math and text verifiers, run through verifyOracle (math
// through the real math-verify worker): each case states the verdict and, where it matters, the
// extracted answer and the rule that produced it. The issue: one candidate, or incorrect.
import { afterAll, describe, expect, it } from "vitest";
import { verdictLine } from "../src/verify/line.js";
import { closeMathWorker } from "../src/verify/math.js";
import { verifyOracle } from "../src/verify/oracle.js";

afterAll(() => closeMathWorker());

interface Case {
    family: "math" | "mc" | "text";
    output: string;
    gold: string;
    choices?: string[];
    answers?: string[];
    truncated?: boolean;
    correct: boolean;
    /** Checked when given (null: nothing extracted). */
    extracted?: string | null;
    rule?: string;
    reason?: RegExp;
}

type Expect = Pick<Case, "extracted" | "rule" | "reason" | "truncated">;
const math = (output: string, gold: string, correct: boolean, e: Expect = {}): Case => ({ family: "math", output, gold, correct, ...e });
const CITIES = ["Paris", "London", "Berlin", "New York City"];
const mc = (output: string, gold: string, correct: boolean, e: Expect & { choices?: string[] } = {}): Case => ({ family: "mc", output, gold, choices: CITIES, correct, ...e });
const text = (output: string, gold: string | string[], correct: boolean, e: Expect = {}): Case =>
    Array.isArray(gold) ? { family: "text", output, gold: gold[0]!, answers: gold, correct, ...e } : { family: "text", output, gold, correct, ...e };

const amb = { extracted: null, rule: "ambiguous", reason: /ambiguous|several values/ } as const;
const cut = { truncated: true, extracted: null, rule: "cut off", reason: /cut off before a final answer/ } as const;
const none = (reason: RegExp): Expect => ({ extracted: null, rule: "none", reason });

const TABLE: Case[] = [
    // --- math: the three markers -------------------------------------------------------------
    math("Work.\nFinal answer: 42", "42", true, { extracted: "42", rule: "final-answer line" }),
    math("so we get \\boxed{42}", "42", true, { extracted: "42", rule: "boxed" }),
    math("Adding them, the answer is 42.", "42", true, { extracted: "42", rule: "answer-is" }),
    math("Final answer: \\boxed{7}", "7", true, { extracted: "7", rule: "boxed" }),
    math("**Final Answer:** $\\frac{3}{4}$", "0.75", true, { extracted: "$\\frac{3}{4}$", rule: "final-answer line" }),
    math("Final Answer: The final answer is $7$. I hope it is correct.", "7", true, { extracted: "$7$", rule: "final-answer line" }),
    math("Final answer:\n\n12", "12", true, { extracted: "12", rule: "final-answer line" }),
    math("Final answer: 1\nwait, no.\nFinal answer: 2", "2", true, { extracted: "2", rule: "final-answer line" }),
    math("I first got \\boxed{5}. Rechecking, it is \\boxed{7}.", "7", true, { extracted: "7", rule: "boxed" }),
    math("the answer is 5. Hmm no, the answer is 7.", "7", true, { extracted: "7", rule: "answer-is" }),
    math("The answer would be 9.", "9", true, { extracted: "9", rule: "answer-is" }),
    math("The answer is not obvious.\n42", "42", true, { extracted: "42", rule: "final expression" }),
    math("Final answer: 8", "7", false, { extracted: "8", rule: "final-answer line", reason: /not equivalent/ }),
    math("So \\boxed{\\frac{1}{3}}", "\\frac{1}{2}", false, { extracted: "\\frac{1}{3}", rule: "boxed" }),
    math("Final answer: 7, so the answer is 7", "7", true, { extracted: "7", rule: "final-answer line" }),
    math("7, so the answer is 7", "7", true, { extracted: "7", rule: "answer-is" }),

    // --- math: a final standalone expression, only when nothing is marked --------------------
    math("Adding up the parts.\n42", "42", true, { extracted: "42", rule: "final expression" }),
    math("Solve for x.\nx = 7", "7", true, { extracted: "x = 7", rule: "final expression" }),
    math("Compute.\n$\\frac{3}{4}$", "3/4", true, { extracted: "$\\frac{3}{4}$", rule: "final expression" }),
    math("Compute.\n**42**", "42", true, { extracted: "42", rule: "final expression" }),
    math("Compute.\n\\[\nx = 7\n\\]", "7", true, { rule: "final expression" }),
    math("Compute.\n-42", "-42", true, { extracted: "-42", rule: "final expression" }),
    math("Count them.\n7 apples", "7", true, { extracted: "7 apples", rule: "final expression" }),
    math("Percent.\n50%", "50", true, { extracted: "50%", rule: "final expression" }),
    math("Compute.\n$$\\frac{1}{2}$$", "0.5", true, { rule: "final expression" }),
    math("Compute.\n2\\sqrt{2}", "\\sqrt{8}", true, { rule: "final expression" }),
    math("Compute.\n43", "42", false, { extracted: "43", rule: "final expression" }),
    math("Compute.\n#### 42", "42", true, { extracted: "42", rule: "final expression" }),
    math("Final answer: **7**", "7", true, { extracted: "7", rule: "final-answer line" }),

    // --- math: list markers, step numbers and prose are never answers ------------------------
    math("Let me check.\n3. Plan the correction", "3", false, none(/list item/)),
    math("Step 2: add 5 and 2", "2", false, none(/step label/)),
    math("There are 3 possible mistakes", "3", false, none(/prose/)),
    math("Mistakes:\n1)", "1", false, none(/list item/)),
    math("Mistakes:\n1.", "1", false, none(/list item/)),
    math("Plan:\n(2)", "2", false, none(/list item/)),
    math("Plan:\n- 7", "7", false, none(/list item/)),
    math("Options:\na) 7", "7", false, none(/list item/)),
    math("Thus:\nSo x = 7", "7", false, none(/prose/)),
    math("The result is 7", "7", false, none(/prose/)),
    math("Therefore 7", "7", false, none(/prose/)),
    math("42 is what we get", "42", false, none(/prose/)),
    math("Step 3", "3", false, none(/step label/)),
    math("1. 42", "42", false, none(/list item/)),
    math("", "1", false, none(/empty/)),
    math("I am not sure.", "1", false, none(/prose/)),
    math("Final answer: 3. Plan the correction", "3", false, none(/list item/)),
    math("Final answer: Step 2: subtract", "2", false, none(/step label/)),
    math("7\nThe mistake was in step 2", "7", false, none(/prose/)),

    // --- math: hedges name several values (gold is one value) --------------------------------
    math("Final answer: 7 or 5", "7", false, amb),
    math("Final answer: 5 or 7", "7", false, amb),
    math("Final answer: 27 or 28", "27", false, amb),
    math("Final answer: 27 or 28", "28", false, amb),
    math("The answer is 7, not 5.", "7", false, amb),
    math("Final answer: x = 7 or x = 5", "7", false, amb),
    math("Final answer: either 3 or 4", "3", false, amb),
    math("Final answer: 7 (or maybe 5)", "7", false, amb),
    math("We get \\boxed{7} or \\boxed{5}", "7", false, amb),
    math("Final answer: \\boxed{7 \\text{ or } 5}", "7", false, amb),
    math("Final answer: 7, 5", "7", false, amb),
    math("Final answer: 7 and 5", "7", false, amb),
    math("Final answer: \\pm 3", "3", false, amb),
    math("Final answer: \\{3, 7\\}", "7", false, amb),
    math("Final answer: (1, 7)", "7", false, amb),
    math("Compute.\n7 or 5", "7", false, amb),
    math("Final answer: 7; 5", "7", false, amb),
    math("Final answer: 7 apples or 5 apples", "7", false, amb),
    math("Final answer: maybe 7, maybe 5", "7", false, amb),
    math("Final answer: x=7, y=5", "7", false, amb),
    math("The answer is 12 or 13.", "13", false, amb),
    math("Final answer: 3, not 4", "4", false, amb),
    math("Final answer: 7. Or maybe 5.", "7", false, amb),
    math("Final answer: $7$ or $5$", "7", false, amb),
    math("Final answer: x = \\pm 3", "3", false, amb),
    math("Final answer: **7** or **5**", "7", false, amb),
    math("Final answer: \\sin x or \\cos x", "\\sin x", false, amb),
    // Several identical values are one value.
    math("Final answer: 7 or 7", "7", true, { extracted: "7 or 7" }),
    math("Final answer: 0.5 or 1/2", "1/2", true, { extracted: "0.5 or 1/2" }),
    math("Final answer: 7 (seven)", "7", true, { extracted: "7 (seven)" }),
    math("Final answer: \\frac{1}{2}, i.e. 0.5", "0.5", true),
    math("Final answer: 3 / 4", "0.75", true, { extracted: "3 / 4" }),

    // --- math: sets, tuples and intervals as gold -------------------------------------------
    math("Final answer: 2, 3", "2, 3", true, { extracted: "2, 3" }),
    math("Final answer: 3, 2", "2, 3", true),
    math("Final answer: 2 or 3", "2, 3", true, { extracted: "2 or 3" }),
    math("Final answer: x = 2 or x = 3", "2, 3", true),
    math("Final answer: 2 and 3", "2, 3", true),
    math("Final answer: 2", "2, 3", false, { extracted: "2", rule: "final-answer line" }),
    math("Final answer: 3", "2, 3", false, { extracted: "3" }),
    math("Final answer: 2, 3, 4", "2, 3", false),
    math("We find \\boxed{2} and \\boxed{3}", "The roots are \\boxed{2} and \\boxed{3}.", true, { extracted: "2, 3", rule: "boxed" }),
    math("We find \\boxed{3}", "The roots are \\boxed{2} and \\boxed{3}.", false, { extracted: "3" }),
    math("Final answer: 2, 3", "The roots are \\boxed{2} and \\boxed{3}.", true),
    math("Final answer: (1,2)", "(1,2)", true),
    math("Final answer: (1, 2)", "(1,2)", true),
    math("Final answer: (2,1)", "(1,2)", false),
    math("Final answer: 2", "(1,2)", false),
    math("Final answer: \\{1,2\\}", "\\{2,1\\}", true),
    math("Final answer: 1 or 2", "\\{1,2\\}", true),
    math("Final answer: \\{1,3\\}", "\\{1,2\\}", false),
    math("Final answer: [0,1)", "[0,1)", true),
    math("Final answer: [0,1]", "[0,1)", false),
    math("Final answer: 1", "[0,1)", false),
    math("Final answer: (-\\infty, 2) \\cup (3, \\infty)", "(-\\infty,2)\\cup(3,\\infty)", true),
    math("Final answer: \\pm 3", "\\pm 3", true),
    math("Final answer: 3 or -3", "\\pm 3", true),
    math("Final answer: 3", "\\pm 3", false),
    math("Final answer: 1, 2, 3", "1,2,3", true),

    // --- math: units, percent, degrees, currency --------------------------------------------
    math("Final answer: 7 apples", "7", true, { extracted: "7 apples" }),
    math("Final answer: $5", "5", true, { extracted: "$5" }),
    math("Final answer: \\$5", "5", true),
    math("Final answer: $5.00", "5", true),
    math("Final answer: 50%", "50", true),
    math("Final answer: 50\\%", "0.5", true),
    math("Final answer: 30^\\circ", "30", true),
    math("Final answer: 90 degrees", "90^\\circ", true),
    math("Final answer: 5 cm", "5", true),
    math("Final answer: 1,000", "1000", true, { extracted: "1,000" }),
    math("Final answer: 12 \\text{ apples}", "12", true),
    math("Final answer: 5\\text{ dollars}", "5", true),
    math("Final answer: 8 apples", "7", false, { extracted: "8 apples", reason: /not equivalent/ }),
    math("Final answer: 31", "30^\\circ", false),

    // --- math: cut off at maxTokens ---------------------------------------------------------
    math("First 3 + 4 = 7, then\n7", "7", false, cut),
    math("42", "42", false, cut),
    math("", "42", false, cut),
    math("I think the result is \\boxed{4", "4", false, cut),
    math("Let me plan:\n1. Check the sum\n2. Check the", "2", false, cut),
    math("Work.\nFinal answer: 7", "7", true, { truncated: true, extracted: "7", rule: "final-answer line" }),
    math("so \\boxed{7} and then I will double check the", "7", true, { truncated: true, extracted: "7", rule: "boxed" }),
    math("The answer is 7. Let me verify by substituting", "7", true, { truncated: true, extracted: "7", rule: "answer-is" }),
    math("Final answer: 7 or 5", "7", false, { truncated: true, ...amb }),

    // --- math: prose the parser cannot read says so (no sympy product of letters) -------------
    math("Final answer: the cat sat", "7", false, { extracted: "the cat sat", reason: /^read "the cat sat" \(final-answer line\) · gold 7 · not readable as math$/ }),
    math("Final answer: seven", "7", false, { extracted: "seven", reason: /not readable as math/ }),
    math("Final answer: I don't know", "7", false, { reason: /not readable as math/ }),

    // --- multiple choice: every form (gold D = New York City) --------------------------------
    mc("Final answer: D", "D", true, { extracted: "D", rule: "letter" }),
    mc("Final answer: (d)", "D", true, { extracted: "D", rule: "letter" }),
    mc("Final answer: d", "D", true, { extracted: "D", rule: "letter" }),
    mc("Final answer: D.", "D", true, { extracted: "D", rule: "letter" }),
    mc("Final answer: [D]", "D", true, { extracted: "D", rule: "letter" }),
    mc("**Final answer:** **D**", "D", true, { extracted: "D", rule: "letter" }),
    mc("Final answer: D) New York City", "D", true, { extracted: "D", rule: "option label" }),
    mc("Final answer: D.New York City", "D", true, { extracted: "D", rule: "option label" }),
    mc("Final answer: D:New York City", "D", true, { extracted: "D", rule: "option label" }),
    mc("Final answer: D: New York City", "D", true, { extracted: "D", rule: "option label" }),
    mc("Final answer: D.Something else", "D", true, { extracted: "D", rule: "option label" }),
    mc("Final answer: (d) New York City", "D", true, { extracted: "D", rule: "option label" }),
    mc("Final answer: d) new york city", "D", true, { extracted: "D", rule: "option label" }),
    mc("Final answer: B.London", "B", true, { extracted: "B", rule: "option label" }),
    mc("Final answer: B:London", "B", true, { extracted: "B", rule: "option label" }),
    mc("Final answer: Option D", "D", true, { extracted: "D", rule: "named option" }),
    mc("Final answer: option (d)", "D", true, { extracted: "D" }),
    mc("Final answer: choice (d)", "D", true, { extracted: "D" }),
    mc("After comparing all four cities.\nThe correct option is D", "D", true, { extracted: "D", rule: "named option" }),
    mc("The correct option is (d).", "D", true, { extracted: "D" }),
    mc("Final answer: New York City", "D", true, { extracted: "D", rule: "option text" }),
    mc("Final answer: new york city.", "D", true, { extracted: "D", rule: "option text" }),
    mc("Final answer: The city is New York City, clearly", "D", true, { extracted: "D", rule: "option text" }),
    mc("Reasoning about cities...\nThe answer is D.", "D", true, { extracted: "D", rule: "letter" }),
    mc("The answer is (D).", "D", true, { extracted: "D" }),
    mc("Let me think.\nD", "D", true, { extracted: "D", rule: "letter" }),
    mc("Let me think.\n(d)", "D", true, { extracted: "D" }),
    mc("Let me think.\nD) New York City", "D", true, { extracted: "D", rule: "option label" }),
    mc("so \\boxed{D}", "D", true, { extracted: "D" }),
    mc("Final answer: \\boxed{\\text{D}}", "D", true, { extracted: "D" }),
    mc("Final answer: A", "A", true, { extracted: "A", rule: "letter" }),
    mc("Final answer: A is correct", "A", true, { extracted: "A" }),
    mc("Final answer: A. Paris", "A", true, { extracted: "A", rule: "option label" }),
    mc("I think it's B", "B", true, { extracted: "B" }),
    mc("Answer: b", "(b)", true, { extracted: "B" }),
    mc("Final answer: B", "Option B", true, { extracted: "B" }),
    mc("Final answer: B", "D", false, { extracted: "B", rule: "letter" }),
    mc("Final answer: London", "D", false, { extracted: "B", rule: "option text" }),
    mc("Final answer: (b) London", "D", false, { extracted: "B", rule: "option label" }),
    mc("Final answer: option A", "D", false, { extracted: "A" }),
    mc("Final answer: D\nFinal answer: A", "D", false, { extracted: "A" }),
    // ReflectEvo style: the options carry their labels inline.
    mc("Final answer: (b)", "(b)", true, { extracted: "B", choices: ["A. Paris", "B. London", "C. Berlin", "D. Rome"] }),
    mc("Final answer: London", "B", true, { extracted: "B", rule: "option text", choices: ["A. Paris", "B. London", "C. Berlin", "D. Rome"] }),
    mc("Final answer: B) London", "b", true, { extracted: "B", choices: ["A. Paris", "B. London", "C. Berlin", "D. Rome"] }),
    mc("Final answer: Rome", "D. Rome", true, { extracted: "D", choices: ["A. Paris", "B. London", "C. Berlin", "D. Rome"] }),
    mc("Final answer: U.S. Army", "A", true, { extracted: "A", choices: ["U.S. Army", "Navy", "Air Force", "Marines"] }),
    // Several different options, or a negated one: ambiguous.
    mc("Final answer: A or D", "D", false, amb),
    mc("Final answer: D, not C", "D", false, amb),
    mc("The answer is D, not C.", "D", false, amb),
    mc("Final answer: either (a) or (d)", "D", false, amb),
    mc("Final answer: b or d", "D", false, amb),
    mc("Final answer: B, D", "D", false, amb),
    mc("Final answer: not A", "D", false, amb),
    mc("Final answer: D) Paris", "D", false, amb),
    mc("Final answer: Option B or option D", "D", false, amb),
    mc("Final answer: D (or maybe A)", "D", false, amb),
    mc("Final answer: Paris or New York City", "D", false, amb),
    mc("Final answer: D (Paris)", "D", false, amb),
    mc("Final answer: D (New York City)", "D", true, { extracted: "D" }),
    mc("A. Paris\nB. London\nC. Berlin", "C", false, { ...amb, reason: /ambiguous: lists options A, B, C\)/ }),
    // No option named.
    mc("Final answer: the answer is a city in France", "A", false, { extracted: null, rule: "none" }),
    mc("Final answer: A city", "A", false, { extracted: null, rule: "none" }),
    mc("Final answer: E", "D", false, { extracted: null, rule: "none", reason: /A-D/ }),
    mc("I don't know.", "D", false, { extracted: null }),
    mc("", "D", false, { extracted: null, rule: "none" }),
    // Cut off.
    mc("Thinking about each city in turn, the biggest is D", "D", false, cut),
    mc("Final answer: D", "D", true, { truncated: true, extracted: "D" }),

    // --- free text ----------------------------------------------------------------------------
    text("Reasoning...\nFinal answer: The Eiffel Tower.", "Eiffel Tower", true, { extracted: "The Eiffel Tower", rule: "final-answer line", reason: /exact match/ }),
    text("Final answer: The", "a", false, { extracted: "The" }),
    text("Final answer: a", "a", true, { extracted: "a" }),
    text("Final answer: A.", "a", true),
    text("Final answer: the", "The", true),
    text("Final answer: a", "The", false),
    text("Final answer: a", "an", false),
    text("Final answer: The", "Paris", false, { extracted: "The" }),
    text("Final answer: the a an", "Paris", false),
    text("Final answer: ?", "?", true),
    text("Final answer: yes", "?", false),
    text("Final answer: The The", "The The", true),
    text("Final answer: the", "The The", false),
    text("Final answer: An", "an", true),
    text("Final answer: Yes, because the sky is blue", "yes", true),
    text("Final answer: yes or no", "yes", false, amb),
    text("Final answer: Yes/No", "no", false, amb),
    text("Final answer: No", "yes", false, { extracted: "No" }),
    text("Thinking about the capital of France", "Paris", false, cut),
    text("Final answer: Paris", "Paris", true, { truncated: true, extracted: "Paris", rule: "final-answer line" }),
    text("thinking\nParis", "Paris", true, { extracted: "Paris", rule: "last line" }),
    text("so it is \\boxed{Paris}", "Paris", true, { extracted: "Paris", rule: "boxed" }),
    text("The answer is Paris.", "Paris", true, { extracted: "Paris", rule: "answer-is" }),
    text("Final answer: NYC", ["New York City", "NYC"], true),
    text("Final answer: Boston", ["New York City", "NYC"], false),
    text("Final answer: Paris", "", false, { reason: /no gold/ }),
    text("Final answer: Paris or London", "Paris", false),
    text("Final answer: the president of united states america", "president of united states", true, { reason: /token F1/ }),
    text("   \n", "Paris", false, { extracted: null, rule: "none" }),
    text("Thinking about it.\nFinal answer:", "Paris", false, { extracted: null, rule: "none" })
];

describe("extraction table", () => {
    it("has at least 150 cases", () => {
        expect(TABLE.length).toBeGreaterThanOrEqual(150);
    });

    it.each(TABLE.map((c, i) => [i + 1, c.family, c.output, c.gold, c] as const))("#%i %s %j (gold %j)", async (_i, _f, _o, _g, c) => {
        const v = await verifyOracle({ family: c.family, output: c.output, gold: c.gold, choices: c.choices ?? null, answers: c.answers ?? null, truncated: c.truncated });
        const line = verdictLine(v);
        expect(v.correct, line).toBe(c.correct);
        if (c.extracted !== undefined) expect(v.extracted, line).toBe(c.extracted);
        if (c.rule !== undefined) expect(v.rule, line).toBe(c.rule);
        if (c.reason) expect(v.reason, line).toMatch(c.reason);
        // Every verdict names its rule, and its line says what was extracted (or why nothing was).
        expect(v.rule, line).toBeTruthy();
        expect(line).not.toMatch(/\n/);
        expect(line.startsWith(c.correct ? "✓ correct · " : "✗ incorrect · ")).toBe(true);
        // What was read and by which rule; or why nothing was, naming the rule unless it is "none".
        if (v.extracted !== null) expect(line).toContain(` (${v.rule}`);
        else expect(line).toContain(v.rule === "none" ? "nothing read (" : `nothing read (${v.rule}`);
        // Each part once: the answer as written is not repeated after the gold (head · read · gold · why).
        if (v.extracted !== null && v.extracted.length > 3) expect(line.split(" · ").slice(3).join(" · "), line).not.toContain(v.extracted);
        // sympy's reading of prose ("t*h*e") never reaches the reason.
        expect(v.reason).not.toMatch(/[A-Za-z]\*[A-Za-z]\*[A-Za-z]/);
    });
});
