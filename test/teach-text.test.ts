import { describe, it, expect } from "vitest";
import { alignReflection } from "../src/teach/align.js";
import { namedError } from "../src/teach/namedError.js";
import type { AlignedPart, DiffPart } from "../src/teach/types.js";
import { diffWords, wordDiff } from "../src/teach/wordDiff.js";

const STAGES: [string, string, string] = [
    "Verify the failed solution by tracing it step by step: restate each step of your previous answer and check whether it follows from the question and the step before it.",
    "Locate and diagnose the error with a focus on logical coherence: check that each conclusion really follows from what came before.",
    "Plan the correction at a low level: list the specific fixes to make to your previous answer."
];
const INSTRUCTION = STAGES.map((s, i) => `${i + 1}. ${s}`).join("\n");

const squash = (s: string): string => s.replace(/\s+/g, "");
const joined = (parts: AlignedPart[]): string => parts.map((p) => p.label + p.text).join("");
const stagesOf = (parts: AlignedPart[]): (number | null)[] => parts.map((p) => p.stage);
const side = (parts: DiffPart[], skip: DiffPart["op"]): string => parts.filter((p) => p.op !== skip).map((p) => p.text).join("");

describe("wordDiff", () => {
    it("identical inputs give one same part, even when empty", () => {
        expect(wordDiff("The answer is 12.", "The answer is 12.")).toEqual([{ op: "same", text: "The answer is 12." }]);
        expect(wordDiff("", "")).toEqual([{ op: "same", text: "" }]);
    });

    it("empty before gives one add part; empty after one del part", () => {
        expect(wordDiff("", "The answer is 7.")).toEqual([{ op: "add", text: "The answer is 7." }]);
        expect(wordDiff("  \n", "x y")).toEqual([{ op: "add", text: "x y" }]);
        expect(wordDiff("old text", "")).toEqual([{ op: "del", text: "old text" }]);
    });

    it("marks a changed number and keeps the rest, line breaks included", () => {
        const parts = wordDiff("Step 1: 3+4=8\nStep 2: so 8.\nAnswer: 8", "Step 1: 3+4=7\nStep 2: so 7.\nAnswer: 7");
        expect(parts).toHaveLength(9);
        expect(parts.map((p) => p.op)).toEqual(["same", "del", "add", "same", "del", "add", "same", "del", "add"]);
        expect(parts[0]).toEqual({ op: "same", text: "Step 1: 3+4=" });
        expect(parts[3]!.text).toBe("\nStep 2: so ");
        expect(side(parts, "del")).toBe("Step 1: 3+4=7\nStep 2: so 7.\nAnswer: 7");
        expect(side(parts, "add")).toBe("Step 1: 3+4=8\nStep 2: so 8.\nAnswer: 8");
    });

    it("merges adjacent parts of one op and drops empty ones", () => {
        const inputs: [string, string][] = [
            ["a b c d e f", "a x y z f"],
            ["one two three", "three two one"],
            ["The answer is (B) London.", "Looking again, the answer is (C) Paris!"],
            ["naïve café 12", "naive café 13 — done"]
        ];
        for (const [a, b] of inputs) {
            const parts = wordDiff(a, b);
            expect(parts.length).toBeGreaterThan(0);
            for (let i = 0; i < parts.length; i++) {
                expect(parts[i]!.text).not.toBe("");
                if (i > 0) expect(parts[i]!.op).not.toBe(parts[i - 1]!.op);
            }
            expect(squash(side(parts, "del"))).toBe(squash(b));
            expect(squash(side(parts, "add"))).toBe(squash(a));
        }
    });

    it("ignores whitespace-only changes and CRLF, and never shows a \\r", () => {
        expect(wordDiff("a  b\r\nc", "a b\nc")).toEqual([{ op: "same", text: "a b\nc" }]);
        const parts = wordDiff("x = 1\r\ny = 2\r\n", "x = 1\r\ny = 3\r\n");
        expect(parts).toHaveLength(4);
        expect(parts.some((p) => p.text.includes("\r"))).toBe(false);
        expect(parts[1]).toEqual({ op: "del", text: "2" });
        expect(parts[2]).toEqual({ op: "add", text: "3" });
        // The line's newline, on both sides of the replacement, is kept text, not a removed and an added newline.
        expect(parts[3]).toEqual({ op: "same", text: "\n" });
    });

    it("falls back to remove-all/add-all for long, wholly different answers, quickly", () => {
        const words = (seed: string, n: number): string => Array.from({ length: n }, (_, i) => `${seed}${i}`).join(" ");
        const a = words("alpha", 3000);
        const b = words("beta", 3000);
        const t = Date.now();
        const parts = wordDiff(a, b);
        expect(Date.now() - t).toBeLessThan(3000);
        expect(parts).toEqual([{ op: "del", text: a }, { op: "add", text: b }]);
    });

    it("diffWords lists removed and added words, whitespace-split", () => {
        const parts: DiffPart[] = [
            { op: "same", text: "The sum is " },
            { op: "del", text: "3 + 4 = 8\n" },
            { op: "add", text: "  7 " },
            { op: "same", text: "." }
        ];
        expect(diffWords(parts)).toEqual({ removed: ["3", "+", "4", "=", "8"], added: ["7"] });
        expect(diffWords([])).toEqual({ removed: [], added: [] });
        expect(diffWords([{ op: "same", text: "only kept" }])).toEqual({ removed: [], added: [] });
        expect(diffWords(wordDiff("I think 12 apples", "I think 14 apples"))).toEqual({ removed: ["12"], added: ["14"] });
    });
});

describe("alignReflection", () => {
    it("maps a numbered reflection by its numbers", () => {
        const parts = alignReflection("1. I traced each step.\n2. The error is in step 2: 3+4 is 7.\n3. Recompute the sum.", STAGES);
        expect(parts).toHaveLength(3);
        expect(parts[0]).toEqual({ stage: 0, label: "1.", text: "I traced each step." });
        expect(parts[1]).toEqual({ stage: 1, label: "2.", text: "The error is in step 2: 3+4 is 7." });
        expect(parts[2]).toEqual({ stage: 2, label: "3.", text: "Recompute the sum." });
    });

    it("reads the numbering forms small models write, keeping labels as written", () => {
        const forms: [string, string[]][] = [
            ["1) a\n2) b\n3) c", ["1)", "2)", "3)"]],
            ["Step 1: a\nStep 2: b\nStep 3: c", ["Step 1:", "Step 2:", "Step 3:"]],
            ["**1.** a\n**2.** b\n**3.** c", ["**1.**", "**2.**", "**3.**"]],
            ["Stage 1 - a\nStage 2 – b\nStage 3 — c", ["Stage 1 -", "Stage 2 –", "Stage 3 —"]],
            ["(1) a\n(2) b\n(3) c", ["(1)", "(2)", "(3)"]],
            ["### Step 1\na\n### Step 2\nb\n### Step 3\nc", ["### Step 1", "### Step 2", "### Step 3"]],
            ["**1. Verification**: a\n**2. Diagnosis:** b\n**Step 3** c", ["**1. Verification**:", "**2. Diagnosis:**", "**Step"]],
            ["STEP ONE: a\nstep two: b\nStep Three: c", ["STEP ONE:", "step two:", "Step Three:"]]
        ];
        for (const [input, labels] of forms) {
            const parts = alignReflection(input, STAGES);
            if (input.includes("**Step 3**")) {
                // A different style ("Step" among bare numbers) is text of the part before, not a label.
                expect(parts).toHaveLength(2);
                expect(parts.map((p) => p.label)).toEqual(labels.slice(0, 2));
                expect(parts[1]!.text).toBe("b\n**Step 3** c");
                continue;
            }
            expect(parts).toHaveLength(3);
            expect(parts.map((p) => p.label)).toEqual(labels);
            expect(stagesOf(parts)).toEqual([0, 1, 2]);
            expect(parts.map((p) => p.text.split("\n").pop())).toEqual(["a", "b", "c"]);
        }
    });

    it("labels 1..5: numbers beyond 3 are kept but not aligned", () => {
        const parts = alignReflection("1. one\n2. two\n3. three\n4. four\n5. five", STAGES);
        expect(parts).toHaveLength(5);
        expect(stagesOf(parts)).toEqual([0, 1, 2, null, null]);
        expect(parts[3]).toEqual({ stage: null, label: "4.", text: "four" });
        expect(parts[4]).toEqual({ stage: null, label: "5.", text: "five" });
    });

    it("no labels: one unaligned part, nothing invented", () => {
        const text = "My answer said 12 but I mis-added.\nThe total should be checked again.";
        expect(alignReflection(text, STAGES)).toEqual([{ stage: null, label: "", text }]);
        expect(alignReflection("", STAGES)).toEqual([{ stage: null, label: "", text: "" }]);
        expect(alignReflection("  \r\n  ", STAGES)).toEqual([{ stage: null, label: "", text: "" }]);
        // Numbers inside text are not labels: decimals, times, counts, "I was wrong" alone on a line.
        const numbers = "The meeting was at 10:30.\n3.5 is the value\n2 apples cost 4.\nI was wrong";
        expect(alignReflection(numbers, STAGES)).toEqual([{ stage: null, label: "", text: numbers }]);
    });

    it("keeps text before the first label as an unlabelled part", () => {
        const parts = alignReflection("Let me reflect.\n\n1. Traced.\n2. Found it.\n3. Fix it.", STAGES);
        expect(parts).toHaveLength(4);
        expect(parts[0]).toEqual({ stage: null, label: "", text: "Let me reflect." });
        expect(stagesOf(parts)).toEqual([null, 0, 1, 2]);
    });

    it("reads headings when nothing is numbered", () => {
        const parts = alignReflection(
            "Verify: I traced it.\nVerification\nstill tracing\nDiagnosis: bad sum\nLocate\nin step 2\nError: 3+4 is not 8\nPlan: redo\nFix: add again\nCorrection plan\nwrite 7",
            STAGES
        );
        expect(parts).toHaveLength(8);
        expect(parts.map((p) => p.label)).toEqual(["Verify:", "Verification", "Diagnosis:", "Locate", "Error:", "Plan:", "Fix:", "Correction plan"]);
        expect(stagesOf(parts)).toEqual([0, 0, 1, 1, 1, 2, 2, 2]);
        expect(parts[7]!.text).toBe("write 7");
    });

    it("reads markdown headings, with the stage texts deciding when no heading word does", () => {
        const parts = alignReflection("## Tracing the steps\nok\n## Logical coherence\nstep 3 does not follow\n**Plan to fix the error:**\nredo step 3", STAGES);
        expect(parts).toHaveLength(3);
        expect(parts.map((p) => p.label)).toEqual(["## Tracing the steps", "## Logical coherence", "**Plan to fix the error:**"]);
        expect(stagesOf(parts)).toEqual([0, 1, 2]);
        // "Arithmetic" is in no stage text of this instruction: not a heading, just text.
        const other = alignReflection("## Arithmetic\n3+4=8", STAGES);
        expect(other).toHaveLength(1);
        expect(other[0]!.stage).toBeNull();
    });

    it("numbers win over headings inside a numbered reflection", () => {
        const parts = alignReflection("1. Verify\nError: none here\n2. Diagnosis\nPlan: later\n3. Plan", STAGES);
        expect(parts).toHaveLength(3);
        expect(stagesOf(parts)).toEqual([0, 1, 2]);
        expect(parts[0]!.text).toBe("Verify\nError: none here");
    });

    it("a reflection that restates the instruction maps by its numbers", () => {
        const text = STAGES.map((s, i) => `${i + 1}. ${s}\nMy reply ${i + 1}.`).join("\n\n");
        const parts = alignReflection(text, STAGES);
        expect(parts).toHaveLength(3);
        expect(stagesOf(parts)).toEqual([0, 1, 2]);
        expect(parts[1]!.text.startsWith("Locate and diagnose the error")).toBe(true);
        // Restated without numbers, the long stage sentences are not headings.
        const plain = STAGES.map((s) => `${s} I did.`).join("\n");
        expect(alignReflection(plain, STAGES)).toHaveLength(1);
    });

    it("survives repeated and restarting numbering", () => {
        const parts = alignReflection("1. 1. Verify it\n1. again\n2. diag\n3. plan\n1. restart\n2. more", STAGES);
        expect(parts).toHaveLength(6);
        expect(parts[0]).toEqual({ stage: 0, label: "1. 1.", text: "Verify it" });
        expect(stagesOf(parts)).toEqual([0, 0, 1, 2, 0, 1]);
        // The same line numbered twice: the number next to the content counts.
        const twice = alignReflection("1. 2. Locate: the sum.", STAGES);
        expect(twice).toHaveLength(1);
        expect(twice[0]).toEqual({ stage: 1, label: "1. 2.", text: "Locate: the sum." });
    });

    it("leaves indented sub-lists and other numbering styles inside their part", () => {
        const parts = alignReflection("1. Verify:\n   1. 3+4=8\n   2. 8*2=16\n2. Step 2 is wrong\nStep 1: was fine\n3. Redo", STAGES);
        expect(parts).toHaveLength(3);
        expect(parts[0]!.text).toBe("Verify:\n   1. 3+4=8\n   2. 8*2=16");
        expect(parts[1]!.text).toBe("Step 2 is wrong\nStep 1: was fine");
        expect(stagesOf(parts)).toEqual([0, 1, 2]);
    });

    it("splits a one-paragraph reflection at in-order numbers and inline headings", () => {
        const parts = alignReflection("1. Verify: I added 3 and 4. 2. The error is the carry. 3. Plan: recompute.", STAGES);
        expect(parts).toHaveLength(3);
        expect(parts.map((p) => p.text)).toEqual(["Verify: I added 3 and 4.", "The error is the carry.", "Plan: recompute."]);
        // Out of order ("... got 5. 1. ...") is not a label.
        expect(alignReflection("1. I got 5. 1. Then I stopped.", STAGES)).toHaveLength(1);
        const heads = alignReflection("My answer was wrong. Error: I added 3. Plan: recompute.", STAGES);
        expect(heads).toHaveLength(3);
        expect(heads.map((p) => [p.stage, p.label])).toEqual([[null, ""], [1, "Error:"], [2, "Plan:"]]);
    });

    it("handles CRLF and unicode", () => {
        const parts = alignReflection("1. Vérifié — ok\r\n2. Ошибка: 3+4≠8\r\n3. 修正する\r\n", STAGES);
        expect(parts).toHaveLength(3);
        expect(parts.map((p) => p.text)).toEqual(["Vérifié — ok", "Ошибка: 3+4≠8", "修正する"]);
        expect(parts.some((p) => p.text.includes("\r") || p.label.includes("\r"))).toBe(false);
    });

    it("is quick on very long text", () => {
        const long = Array.from({ length: 3000 }, (_, i) => `${(i % 5) + 1}. line ${i} with 3.5 and 10:30. Error: x. **bold** text`).join("\n");
        const t = Date.now();
        const parts = alignReflection(long, STAGES);
        expect(Date.now() - t).toBeLessThan(2000);
        expect(parts).toHaveLength(3000);
        expect(squash(joined(parts))).toBe(squash(long));
    });

    it("never loses text: label+text of all parts covers the input, in order", () => {
        const inputs = [
            "",
            "plain words only",
            INSTRUCTION,
            "Intro\n1. a\n  1. nested\n2) b\n**3.** c\n4. d\n5. e\ntrailing",
            "1. 1. 2. junk\n1.\n\n2.\n3.",
            "**1. Verification**: x **bold** y\n**2.** z\n### 3. Plan\nw",
            "Verification: a. Diagnosis: b. Plan: c.",
            "## Logical coherence\nq\n- **Fix:** r\n> Step 2: s",
            "Step 1:\r\nStep 2 -\r\nStep 3)",
            "1. a. 2. b. 3. c. 4. d. 1. e.",
            "  \t 1.   spaced   \n\n\n  2.\ttabbed  ",
            "Ünïcödé 1. ✓ 2) ✗\n3. 🙂 done",
            "(1) **(2)** 3.5 10:30 Step four: x",
            "1. ".repeat(20) + "x"
        ];
        for (const input of inputs) {
            const parts = alignReflection(input, STAGES);
            expect(parts.length).toBeGreaterThan(0);
            expect(squash(joined(parts))).toBe(squash(input));
            for (const p of parts) {
                expect(p.label).toBe(p.label.trim());
                expect(p.text).toBe(p.text.trim());
            }
        }
    });
});

describe("namedError", () => {
    const base = { firstAnswer: "The answer is 12.", extracted: "12", gold: "14", choices: null, removedWords: [] as string[], wasWrong: true };
    const mc = { firstAnswer: "The answer is (B).", extracted: "B", gold: "C", choices: ["A. Rome", "B. Berlin", "C. Paris"], removedWords: [] as string[], wasWrong: true };

    it("is n/a when the first answer was right or there is no reflection", () => {
        expect(namedError({ ...base, reflection: "The answer 12 was wrong", wasWrong: false })).toEqual({
            verdict: "n/a",
            why: "the first answer was right, so there was no error to name",
            matched: []
        });
        for (const reflection of [null, "", "  \n\t "]) {
            const r = namedError({ ...base, reflection });
            expect(r.verdict).toBe("n/a");
            expect(r.matched).toEqual([]);
        }
    });

    it("says yes when the reflection mentions the wrong answer as a number", () => {
        const r = namedError({ ...base, reflection: "I wrote 12, but I dropped a carry." });
        expect(r.verdict).toBe("yes");
        expect(r.why).toBe('it mentions the wrong answer "12"');
        expect(r.matched).toEqual(["12"]);
    });

    it("never matches a number inside another number or word", () => {
        for (const reflection of ["I got 14 there.", "The 4th step was off.", "It was 4.5 or 0.4.", "Use x4 and 4x.", "Then x = -4.", "In step-4 it broke."]) {
            const r = namedError({ ...base, extracted: "4", gold: "7", reflection });
            expect(r.verdict, reflection).toBe("no");
            expect(r.matched).toEqual([]);
        }
        expect(namedError({ ...base, extracted: "4", gold: "7", reflection: "12-4=8, not 4!" }).verdict).toBe("yes");
    });

    it("compares numbers by value", () => {
        const r = namedError({ ...base, extracted: "1200", gold: "1300", reflection: "I said 1,200 apples." });
        expect(r.verdict).toBe("yes");
        expect(r.matched).toEqual(["1,200"]);
        expect(namedError({ ...base, extracted: "12", reflection: "12.0 was my value" }).verdict).toBe("yes");
    });

    it("says yes for the right answer, and says which", () => {
        const r = namedError({ ...base, reflection: "The total should have been 14." });
        expect(r.verdict).toBe("yes");
        expect(r.why).toBe('it mentions the right answer "14"');
        expect(r.matched).toEqual(["14"]);
    });

    it("reads option letters only in forms that name an option", () => {
        const yes = ["I chose option B.", "My pick (B) was wrong.", "The answer B is wrong.", "B) was a bad choice.", "I picked option b", "It was (b)."];
        for (const reflection of yes) {
            const r = namedError({ ...mc, reflection });
            expect(r.verdict, reflection).toBe("yes");
            expect(r.matched).toHaveLength(1);
            expect(r.matched[0]).toBe(r.matched[0]!.toLowerCase());
        }
        const no = ["Being careful, I checked. But Bob said so.", "B is a letter.", "Letters in words: ABC, Bb, bob.", "b) a list marker", "f(b) is a call"];
        for (const reflection of no) expect(namedError({ ...mc, reflection }).verdict, reflection).toBe("no");
        // "A" as an article never counts; "answer A is" does.
        const a = { ...mc, extracted: "A" };
        expect(namedError({ ...a, reflection: "A careful answer A student would give." }).verdict).toBe("no");
        expect(namedError({ ...a, reflection: "My answer A is wrong." }).verdict).toBe("yes");
    });

    it("matches multiple-choice option texts of the wrong and the right option", () => {
        const wrong = namedError({ ...mc, reflection: "Berlin is not the capital of France." });
        expect(wrong.verdict).toBe("yes");
        expect(wrong.why).toBe('it mentions the wrong answer "B" ("Berlin")');
        expect(wrong.matched).toEqual(["berlin"]);
        const right = namedError({ ...mc, reflection: "The capital of France is PARIS." });
        expect(right.verdict).toBe("yes");
        expect(right.why).toContain('the right answer "C" ("Paris")');
        expect(right.matched).toEqual(["paris"]);
        // The gold given as option text works the same.
        expect(namedError({ ...mc, gold: "Paris", reflection: "It is option C, Paris." }).verdict).toBe("yes");
    });

    it("does not count removed words the question itself uses: restating the question names no error", () => {
        const q = "Every square has four sides. This shape does not have four sides. What follows?";
        const args = { ...base, extracted: "D", gold: "B", choices: null, reflection: "The shape does have four sides, it has six edges.", removedWords: ["square", "four", "sides", "geometric", "series"] };
        expect(namedError(args).matched).toEqual(["four", "sides"]);
        const r = namedError({ ...args, question: q });
        expect(r.verdict).toBe("no");
        expect(r.matched).toEqual([]);
        expect(r.why).toContain("other than the question's or the instruction's");
        // A removed word the question does not use still counts.
        expect(namedError({ ...args, question: q, reflection: "The geometric series was irrelevant." }).matched).toEqual(["geometric", "series"]);
    });

    it("counts significant removed words, ignoring stop words and short words", () => {
        const r = namedError({ ...base, extracted: "52", gold: "62", reflection: "I forgot to carry the one in the tens column.", removedWords: ["the", "to", "carry", "in", "tens."] });
        expect(r.verdict).toBe("yes");
        expect(r.matched).toEqual(["carry", "tens"]);
        expect(r.why).toBe('it mentions words the correction removed ("carry", "tens")');
        const onlyStop = namedError({ ...base, extracted: "52", gold: "62", reflection: "The answer was wrong in the final step.", removedWords: ["The", "answer", "in", "final", "step", "is", "wrong"] });
        expect(onlyStop.verdict).toBe("no");
        const both = namedError({ ...base, reflection: "12 came from a missed carry.", removedWords: ["carry"] });
        expect(both.why).toBe('it mentions the wrong answer "12" and words the correction removed ("carry")');
        expect(both.matched).toEqual(["12", "carry"]);
        // Numbers count, however short.
        expect(namedError({ ...base, extracted: "52", gold: "62", reflection: "The 8 was bad.", removedWords: ["3+4=8"] }).matched).toEqual(["8"]);
    });

    it("says no with a plain line naming what it missed", () => {
        const r = namedError({ ...mc, reflection: "I should be more careful next time." });
        expect(r.verdict).toBe("no");
        expect(r.why).toBe('it never mentions the wrong answer "B" ("Berlin"), the right answer "C" ("Paris") or any word the correction removed');
        expect(r.matched).toEqual([]);
        const noneRead = namedError({ ...base, extracted: null, reflection: "Be careful." });
        expect(noneRead.why).toBe('it never mentions the right answer "14" or any word the correction removed');
    });

    it("a reflection that restates the instruction names nothing", () => {
        const r = namedError({ ...base, reflection: INSTRUCTION, removedWords: ["answer", "is"] });
        expect(r.verdict).toBe("no");
    });

    it("handles unicode, case and decomposed accents, with one-line whys", () => {
        const r = namedError({ ...base, extracted: "Cafe\u0301", gold: "thé", reflection: "J'ai écrit CAFÉ, c'était faux." });
        expect(r.verdict).toBe("yes");
        expect(r.matched).toEqual(["café"]);
        const long = namedError({ ...base, extracted: "a very long\nmulti-line answer that goes on and on and on", gold: "x", reflection: "nothing" });
        expect(long.why.includes("\n")).toBe(false);
        expect(long.why).toContain("…");
        const empty = namedError({ ...base, extracted: "", gold: "", reflection: "words" });
        expect(empty.verdict).toBe("no");
        expect(empty.why).toBe("it never mentions any word the correction removed");
    });
});
