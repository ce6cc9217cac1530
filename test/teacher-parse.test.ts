// Parsing the teacher's outputs (judge, error types, verifier) in the messy forms real models write, and its templates.
import { describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseErrorTypes } from "../src/teacher/errorTypes.js";
import { parseJudgeOutput } from "../src/teacher/judge.js";
import { loadTeacherTemplates } from "../src/teacher/templates.js";
import { PROMPTS_DIR } from "../src/paths.js";
import { parseTeacherVerdict } from "../src/verify/teacher.js";

describe("judge output", () => {
    it.each([
        ["Better: 1\nReason: it finds the sign error.", "a", "it finds the sign error."],
        ["better: 2\nreason: plans the fix", "b", "plans the fix"],
        ["BETTER: TIE\nREASON: both vague", "tie", "both vague"],
        ["**Better:** 2\n**Reason:** names the wrong step.", "b", "names the wrong step."],
        ["Some thinking.\n\n- Better: Reflection 1.\n- Reason: locates the error", "a", "locates the error"],
        ["### Better: (2)\nReason:\nThe second one\nchecks each step.", "b", "The second one checks each step."],
        ["Better - #1\nReason - concise and correct", "a", "concise and correct"],
        ["> Better: `2`\n> Reason: specific", "b", "specific"],
        ["Better: Equal\nReason: same content", "tie", "same content"],
        ["Better: neither\nReason: both state the answer", "tie", "both state the answer"],
        ["Better: one\nReason: x", "a", "x"],
        ["Better: second\nReason: y", "b", "y"],
        // The template's example echoed first, the real verdict after it.
        ["Better: 1, 2 or tie\nReason: <one sentence>\n\nAfter checking both:\nBetter: 2\nReason: real reason", "b", "real reason"],
        ["Better is 2.\nReason: it checks the arithmetic", "b", "it checks the arithmetic"],
        ["I think Reflection 2 is clearly better because it traces each step.", "b", "(no reason given)"],
        ["Better: 1", "a", "(no reason given)"]
    ])("%j -> %s", (out, winner, reason) => {
        const p = parseJudgeOutput(out);
        expect(p.winner).toBe(winner);
        expect(p.parsed).toBe(true);
        expect(p.reason).toBe(reason);
    });

    it.each([["Better: 1|2|tie\nReason: ..."], ["I cannot decide."], [""], ["Better: maybe\nReason: unsure"], ["Better: 1 or 2"]])("%j is an unparseable tie", (out) => {
        const p = parseJudgeOutput(out);
        expect(p).toMatchObject({ winner: "tie", parsed: false });
        expect(p.reason).toBe(`unparseable judge output: ${out.replace(/\s+/g, " ").trim().slice(0, 80)}`);
    });

    it("cuts the unparseable snippet at 80 characters on one line", () => {
        const out = "x".repeat(50) + "\n" + "y".repeat(100);
        expect(parseJudgeOutput(out).reason).toBe(`unparseable judge output: ${"x".repeat(50)} ${"y".repeat(29)}`);
    });
});

describe("error-type output", () => {
    it.each([
        ["Types: calculation, logic", ["calculation", "logic"], true],
        ["types: Logic, calculation", ["calculation", "logic"], true],
        ["**Types:** format", ["format"], true],
        ["Types: [algorithm; factual]", ["algorithm", "factual"], true],
        ["Types: none", [], true],
        ["Types: None.", [], true],
        ["TYPES: no errors", [], true],
        ["Types: context misinterpretation, internal inconsistency", ["inconsistency", "context"], true],
        ["Types: logic and reasoning / incomplete", ["logic", "incomplete"], true],
        ["Error types: `calculation`", ["calculation"], true],
        ["Analysis...\nTypes: calculation\nmore text\nTypes: format, factual", ["format", "factual"], true],
        ["- Types: arithmetic error, wrong method", ["calculation", "algorithm"], true],
        ["Types: logic, logic, reasoning", ["logic"], true],
        ["Types: irrelevant answer, formatting", ["incomplete", "format"], true],
        ["Types: calculation, banana", ["calculation"], true],
        ["Types: banana", [], false],
        ["The reflection finds a calculation error.", [], false],
        ["", [], false]
    ])("%j -> %j", (out, types, parsed) => {
        expect(parseErrorTypes(out)).toEqual({ types, parsed });
    });
});

describe("teacher verdict", () => {
    it.each([
        ["Verdict: correct", true],
        ["verdict: INCORRECT", false],
        ["**Verdict:** Correct", true],
        ["Verdict: **incorrect**.", false],
        ["Final Verdict - correct", true],
        ["Verdict: not correct", false],
        ["Verdict: \"correct\"", true],
        ["Verdict: wrong", false],
        ["Verdict: correct\n...wait, recheck.\nVerdict: incorrect", false],
        ["The answer is not correct.", false],
        ["The answer is correct.", true]
    ])("%j -> %s", (out, correct) => {
        expect(parseTeacherVerdict(out).correct).toBe(correct);
    });

    it("treats no verdict as incorrect, and says why", () => {
        const v = parseTeacherVerdict("Hmm, hard to say.");
        expect(v).toMatchObject({ correct: false, extracted: null });
        expect(v.reason).toMatch(/no verdict line/);
        expect(parseTeacherVerdict("It is correct.").reason).toMatch(/no "Verdict:" line/);
        expect(parseTeacherVerdict("Verdict: correct").reason).toBe("the teacher judged the answer correct");
    });
});

describe("teacher templates", () => {
    it("loads prompts/teacher and renders every placeholder", () => {
        const t = loadTeacherTemplates(PROMPTS_DIR);
        const j = t.render("judge", { question: "Q?", attempt: "A1", instruction: "Reflect.", reflection_1: "R-one", reflection_2: "R-two" });
        expect(j).toContain("Reflection 1:\nR-one");
        expect(j).toContain("Reflection 2:\nR-two");
        expect(j.trimEnd().split("\n").slice(-2)).toEqual(["Better: 1", "Reason: <one sentence>"]);
        const e = t.render("error-types", { question: "Q?", attempt: "A1", reflection: "R" });
        expect(e.trimEnd().split("\n").at(-1)).toBe("Types: none");
        const v = t.render("verify", { question: "Q?", choices: "\n\nA. x", attempt: "A1" });
        expect(v).toContain("Q?\n\nA. x");
        expect(() => t.render("verify", { question: "Q?", attempt: "A1" })).toThrow(/no value for \{\{choices\}\}/);
    });

    it("refuses an unknown placeholder and a missing file, naming the file", () => {
        const dir = mkdtempSync(join(tmpdir(), "rl-tprompts-"));
        try {
            mkdirSync(join(dir, "teacher"));
            writeFileSync(join(dir, "teacher", "judge.txt"), "{{question}} {{gold}}");
            writeFileSync(join(dir, "teacher", "error-types.txt"), "{{reflection}}");
            expect(() => loadTeacherTemplates(dir)).toThrow(/missing teacher prompt template .*verify\.txt/);
            writeFileSync(join(dir, "teacher", "verify.txt"), "{{question}}");
            expect(() => loadTeacherTemplates(dir)).toThrow(/unknown placeholder \{\{gold\}\} in .*judge\.txt/);
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });
});
