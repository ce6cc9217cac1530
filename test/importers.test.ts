import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importBigBench } from "../src/tasks/importers/bigbench.js";
import { detectFormat, importTasks } from "../src/tasks/importers/detect.js";
import { importLogiQA } from "../src/tasks/importers/logiqa.js";
import { importMath } from "../src/tasks/importers/math.js";
import { importMbpp } from "../src/tasks/importers/mbpp.js";
import { importReflectEvo } from "../src/tasks/importers/reflectevo.js";
import { TaskFormatError } from "../src/tasks/jsonl.js";
import { loadTaskFiles, loadTasks } from "../src/tasks/load.js";
import { loadTurnTemplates } from "../src/prompts/templates.js";
import { boxedContents } from "../src/verify/extract.js";
import { closeMathWorker } from "../src/verify/math.js";
import { verifyOracle } from "../src/verify/oracle.js";

const PROMPTS = join(import.meta.dirname, "..", "prompts");

let dir: string;
const w = async (name: string, content: string) => {
    const p = join(dir, name);
    await mkdir(join(p, ".."), { recursive: true });
    await writeFile(p, content);
    return p;
};
const where = (e: TaskFormatError) => [e.line, e.field];
/** The TaskFormatError a promise rejects with. */
async function formatError(p: Promise<unknown>): Promise<TaskFormatError> {
    const e = await p.then(() => null, (err: unknown) => err);
    expect(e).toBeInstanceOf(TaskFormatError);
    return e as TaskFormatError;
}

beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "reflect-lab-import-"));
});
afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    closeMathWorker();
});

const BIGBENCH = `{
  "name": "strategyqa_mini",
  "description": "test",
  "task_prefix": "Answer the question.",
  "examples": [
    {
      "input": "Is the sky blue?",
      "target_scores": {"Yes": 1, "No": 0}
    },
    {"input": "Name a primary colour.", "target": ["red", "blue"]},
    {"input": "Capital of France?", "target": "Paris"}
  ]
}
`;

describe("BIG-bench", () => {
    it("imports mc and text examples with the task prefix", async () => {
        const p = await w("strategyqa/task.json", BIGBENCH);
        const { set, skipped } = await importBigBench(p);
        expect(skipped).toEqual([]);
        expect(set.name).toBe("strategyqa_mini");
        const [mc, list, one] = set.items;
        expect(mc).toEqual({ id: "strategyqa_mini-0", task: "strategyqa_mini", family: "mc", question: "Answer the question.\n\nIs the sky blue?", choices: ["Yes", "No"], answer: "A", answer_index: 0, tests: null, test_setup: null });
        expect(list).toMatchObject({ id: "strategyqa_mini-1", family: "text", answer: "red", answers: ["red", "blue"], choices: null, answer_index: null });
        expect(one).toMatchObject({ id: "strategyqa_mini-2", family: "text", answer: "Paris", question: "Answer the question.\n\nCapital of France?" });
        expect(one!.answers).toBeUndefined();
        expect(await detectFormat(p)).toBe("bigbench");
    });

    it("names the task after the folder without a name; answers reach the text verifier", async () => {
        const p = await w("causal_judgment/task.json", JSON.stringify({ examples: [{ input: "Q", target: ["alpha", "beta"] }] }));
        const { set } = await importBigBench(p);
        expect(set.items[0]!.id).toBe("causal_judgment-0");
        const it0 = set.items[0]!;
        const v = await verifyOracle({ family: "text", output: "Final answer: beta", gold: it0.answer, answers: it0.answers });
        expect(v.correct).toBe(true);
    });

    it("reports bad examples with line and field; skipInvalid keeps the rest", async () => {
        const p = await w("bad/task.json", `{
  "name": "bad",
  "examples": [
    {"input": "ok", "target_scores": {"a": 0, "b": 1}},
    {"input": "none positive", "target_scores": {"a": 0, "b": 0}},
    {"input": "tie", "target_scores": {"a": 1, "b": 1}},
    {"target": "x"},
    {"input": "no target"}
  ]
}`);
        expect(where(await formatError(importBigBench(p)))).toEqual([5, "target_scores"]);
        const { set, skipped } = await importBigBench(p, { skipInvalid: true });
        expect(set.items.map((i) => [i.id, i.answer])).toEqual([["bad-0", "B"]]);
        expect(skipped.map(where)).toEqual([[5, "target_scores"], [6, "target_scores"], [7, "input"], [8, "target"]]);
        expect(skipped.every((e) => e.file === p)).toBe(true);
        const broken = await w("broken/task.json", '{\n  "examples": [\n    {"input": "x",}\n  ]\n}');
        const e = await formatError(importTasks(broken));
        expect([e.file, e.line, e.field]).toEqual([broken, 3, null]);
        const noEx = await w("noex/task.json", '{\n  "name": "n",\n  "examples": {}\n}');
        expect(where(await formatError(importBigBench(noEx)))).toEqual([3, "examples"]);
    });
});

const LOGIQA = `
a
Context one.
Question one?
A.Option one
B.Option two
C.Option three
D.Option four

c
Context two.
Question two?
A. Red
B. Green
C. Blue
D. Black

D
Context three.
Question three?
(A) w
(B) x
(C) y
(D) z
`;

describe("LogiQA", () => {
    it("imports blocks as mc items with labels stripped", async () => {
        const p = await w("Test.txt", LOGIQA);
        const { set } = await importLogiQA(p);
        expect(set.name).toBe("Test");
        expect(set.items).toHaveLength(3);
        expect(set.items[0]).toEqual({ id: "logiqa-0", task: "logiqa", family: "mc", question: "Context one.\nQuestion one?", choices: ["Option one", "Option two", "Option three", "Option four"], answer: "A", answer_index: 0, tests: null, test_setup: null });
        expect(set.items[1]).toMatchObject({ id: "logiqa-1", choices: ["Red", "Green", "Blue", "Black"], answer: "C", answer_index: 2 });
        expect(set.items[2]).toMatchObject({ choices: ["w", "x", "y", "z"], answer: "D", answer_index: 3 });
        expect(await detectFormat(p)).toBe("logiqa");
    });

    it("reports a bad answer letter and a block with 3 options", async () => {
        const p = await w("bad.txt", "e\nC.\nQ?\nA.1\nB.2\nC.3\nD.4\n\nb\nC.\nQ?\nA.1\nB.2\nC.3\n\na\nC.\nQ?\nA.1\nB.2\nC.3\nD.4\n");
        expect(where(await formatError(importLogiQA(p)))).toEqual([1, "answer"]);
        const { set, skipped } = await importLogiQA(p, { skipInvalid: true });
        expect(set.items.map((i) => i.id)).toEqual(["logiqa-2"]);
        expect(skipped.map(where)).toEqual([[1, "answer"], [12, "options"]]);
        expect(skipped[0]!.file).toBe(p);
    });
});

const MBPP = [
    { task_id: 11, text: "Write a python function to remove first and last occurrence of a given character from the string.", code: 'def remove_Occ(s,ch): \r\n    for i in range(len(s)): \r\n        if (s[i] == ch): \r\n            s = s[0 : i] + s[i + 1:] \r\n            break\r\n    for i in range(len(s) - 1,-1,-1):  \r\n        if (s[i] == ch): \r\n            s = s[0 : i] + s[i + 1:] \r\n            break\r\n    return s ', test_list: ['assert remove_Occ("hello","l") == "heo"', 'assert remove_Occ("abcda","a") == "bcd"'], test_setup_code: "", challenge_test_list: [] },
    { task_id: 12, text: "Write a function to find the lcm.", code: "def helper(a, b):\n    return a if b == 0 else helper(b, a % b)\ndef lcm(x, y):\n    return x * y // helper(x, y)", test_list: ["assert lcm(4, 6) == LCM12"], test_setup_code: "LCM12 = 12", challenge_test_list: [] }
];

describe("MBPP", () => {
    it("imports problems as code items with a signature hint", async () => {
        const p = await w("mbpp.jsonl", MBPP.map((o) => JSON.stringify(o)).join("\n") + "\n");
        const { set } = await importMbpp(p);
        const [a, b] = set.items;
        expect(a).toMatchObject({ id: "mbpp-11", task: "mbpp", family: "code", choices: null, answer_index: null, test_setup: null, entry_point: "remove_Occ", tests: MBPP[0]!.test_list });
        // The paper's prompt: every test, after "Your code should pass these tests:".
        expect(a!.question).toBe(`${MBPP[0]!.text}\nThe function must be named \`remove_Occ\` and take (s,ch).\n\nYour code should pass these tests:\n\nassert remove_Occ("hello","l") == "heo"\nassert remove_Occ("abcda","a") == "bcd"`);
        expect(a!.answer).not.toContain("\r");
        expect(b).toMatchObject({ id: "mbpp-12", entry_point: "lcm", test_setup: "LCM12 = 12" });
        expect(b!.question).toContain("named `lcm` and take (x, y)");
        expect(await detectFormat(p)).toBe("mbpp");
    });

    it("the reference answers pass their own tests through the oracle", async () => {
        const { set } = await importMbpp(await w("mbpp2.jsonl", MBPP.map((o) => JSON.stringify(o)).join("\n")));
        for (const it of set.items) {
            const v = await verifyOracle({ family: it.family, output: it.answer, gold: it.answer, tests: it.tests, testSetup: it.test_setup });
            expect(v.correct, v.reason).toBe(true);
        }
    }, 30_000);

    it("reports bad JSON and missing fields", async () => {
        const p = await w("mbpp-bad.jsonl", [JSON.stringify(MBPP[0]), "{not json", JSON.stringify({ ...MBPP[1], test_list: undefined }), JSON.stringify({ ...MBPP[1], code: undefined })].join("\n"));
        const e = await formatError(importMbpp(p));
        expect([e.file, e.line, e.field]).toEqual([p, 2, null]);
        const { set, skipped } = await importMbpp(p, { skipInvalid: true });
        expect(set.items.map((i) => i.id)).toEqual(["mbpp-11"]);
        expect(skipped.map(where)).toEqual([[2, null], [3, "test_list"], [4, "code"]]);
    });
});

describe("MATH", () => {
    const prob = (type: string, solution: string) => ({ problem: `Problem in ${type}`, level: "Level 2", type, solution });

    it("imports a single file, a directory and JSONL; several different \\boxed{} answers are all kept", async () => {
        const single = await w("MATH/test/algebra/1.json", JSON.stringify(prob("Algebra", "So $x = \\boxed{2}$, not \\boxed{3}... final $\\boxed{\\frac{1}{2}}$."), null, 2));
        await w("MATH/test/counting_and_probability/10.json", JSON.stringify(prob("Counting & Probability", "Thus \\fbox{7}.")));
        await w("MATH/test/counting_and_probability/2.json", JSON.stringify(prob("Counting & Probability", "$\\boxed{\\dfrac{3}{4}}$")));
        const one = await importMath(single);
        const all = "\\boxed{2}, \\boxed{3}, \\boxed{\\frac{1}{2}}";
        expect(one.set.items).toEqual([{ id: "math-algebra-1", task: "math-algebra", family: "math", question: "Problem in Algebra", choices: null, answer: all, answer_index: null, tests: null, test_setup: null }]);
        const d = await importMath(join(dir, "MATH/test"));
        expect(d.set.items.map((i) => [i.id, i.task, i.answer])).toEqual([
            ["math-algebra-1", "math-algebra", all],
            ["math-counting-and-probability-2", "math-counting-probability", "\\dfrac{3}{4}"],
            ["math-counting-and-probability-10", "math-counting-probability", "7"]
        ]);
        const jl = await w("math.jsonl", [JSON.stringify({ ...prob("Algebra", "$\\boxed{\\frac{1}{2}}$"), unique_id: "test/algebra/5.json" }), JSON.stringify({ problem: "p", solution: "\\boxed{-3}" })].join("\n"));
        const j = await importMath(jl);
        expect(j.set.items.map((i) => [i.id, i.task, i.answer])).toEqual([["math-test-algebra-5", "math-algebra", "\\frac{1}{2}"], ["math-2", "math", "-3"]]);
        expect(await detectFormat(single)).toBe("math");
        expect(await detectFormat(join(dir, "MATH"))).toBe("math");
        expect(await detectFormat(jl)).toBe("math");
    });

    it("reports a solution without \\boxed, on the line of the key; skipInvalid keeps the rest", async () => {
        const p = await w("nobox/3.json", '{\n  "problem": "p",\n  "solution": "no box here",\n  "type": "Algebra"\n}');
        const e = await formatError(importMath(p));
        expect([e.file, e.line, e.field]).toEqual([p, 3, "solution"]);
        await w("nobox/4.json", JSON.stringify(prob("Algebra", "\\boxed{4}")));
        await w("nobox/5.json", '{"problem": "p", "solution": ');
        const d = await importMath(join(dir, "nobox"), { skipInvalid: true });
        expect(d.set.items.map((i) => i.id)).toEqual(["math-4"]);
        expect(d.skipped.map((x) => [x.file.endsWith("3.json"), ...where(x)])).toEqual([[true, 3, "solution"], [false, 1, null]]);
        const jl = await w("math-bad.jsonl", [JSON.stringify({ problem: "p" }), JSON.stringify(prob("Algebra", "none"))].join("\n"));
        const r = await importMath(jl, { skipInvalid: true });
        expect(r.skipped.map(where)).toEqual([[1, "solution"], [2, "solution"]]);
    });
});

describe("ReflectEvo-like JSONL", () => {
    it("reads tolerant field names and infers the family", async () => {
        const p = await w("reflectevo.jsonl", [
            { id: 7, task: "logiqa", question: "Which?", options: ["A. one", "B. two"], answer: "B", reflection: "..." },
            { idx: "q2", dataset: "math", problem: "1+1?", gold: 2 },
            { query: "Capital of Italy?", label: ["Rome", "Roma"], first_answer: "Milan" },
            { input: "Pick", choices: { A: "x", B: "y", C: "z" }, target: 2 }
        ].map((o) => JSON.stringify(o)).join("\n"));
        const { set } = await importReflectEvo(p);
        expect(set.items[0]).toEqual({ id: "7", task: "logiqa", family: "mc", question: "Which?", choices: ["one", "two"], answer: "B", answer_index: 1, tests: null, test_setup: null });
        expect(set.items[1]).toMatchObject({ id: "q2", task: "math", family: "math", answer: "2" });
        expect(set.items[2]).toMatchObject({ id: "reflectevo-3", task: "reflectevo", family: "text", answer: "Rome", answers: ["Rome", "Roma"] });
        expect(set.items[3]).toMatchObject({ family: "mc", choices: ["x", "y", "z"], answer: "C", answer_index: 2 });
        expect(await detectFormat(p)).toBe("reflectevo");
    });

    it("reports missing fields and a bad answer letter", async () => {
        const p = await w("re-bad.jsonl", [JSON.stringify({ question: "q" }), JSON.stringify({ question: "q", options: ["a", "b"], answer: "E" }), "[1,", JSON.stringify({ question: "ok?", answer: "yes" })].join("\n"));
        expect(where(await formatError(importTasks(p, { format: "reflectevo" })))).toEqual([1, "answer"]);
        const { set, skipped } = await importReflectEvo(p, { skipInvalid: true });
        expect(set.items.map((i) => i.id)).toEqual(["re-bad-4"]);
        expect(skipped.map(where)).toEqual([[1, "answer"], [2, "answer"], [3, null]]);
    });
});

describe("detectFormat / importTasks / loadTasks / loadTaskFiles", () => {
    it("detects reflect-lab JSONL, rejects unknown shapes and formats", async () => {
        const own = await w("own.jsonl", JSON.stringify({ id: "a", question: "Q?", choices: ["x", "y"], answer: "A" }));
        expect(await detectFormat(own)).toBe("reflect-lab");
        expect(await detectFormat(await w("plain.jsonl", JSON.stringify({ id: "a", task: "t", question: "Q?", answer: "yes" })))).toBe("reflect-lab");
        const odd = await w("odd.jsonl", JSON.stringify({ foo: 1, bar: 2 }));
        await expect(detectFormat(odd)).rejects.toThrow(/odd\.jsonl.*keys seen: foo, bar/);
        await expect(detectFormat(await w("x.csv", "a,b"))).rejects.toThrow(/x\.csv/);
        await expect(importTasks(own, { format: "nope" })).rejects.toThrow(/unknown task format "nope"/);
        expect((await importTasks(own)).format).toBe("reflect-lab");
    });

    it("loadTasks reads any format; loadTaskFiles prefixes ids only on collisions", async () => {
        const lq = join(dir, "Test.txt");
        const set = await loadTasks(lq);
        expect(set.items).toHaveLength(3);
        const seen: TaskFormatError[] = [];
        await loadTasks(join(dir, "bad.txt"), { skipInvalid: true, onSkipped: (e) => seen.push(...e) });
        expect(seen).toHaveLength(2);
        await expect(loadTasks(join(dir, "Test.txt"), { format: "mbpp" })).rejects.toBeInstanceOf(TaskFormatError);
        const merged = await loadTaskFiles([lq, join(dir, "mbpp.jsonl")]);
        expect(merged.items.map((i) => i.id)).toEqual(["logiqa-0", "logiqa-1", "logiqa-2", "mbpp-11", "mbpp-12"]);
        expect(merged.name).toBe("Test+mbpp");
        const other = await w("Eval.txt", LOGIQA);
        const clash = await loadTaskFiles([lq, other, "demo"]);
        expect(clash.items.slice(0, 4).map((i) => i.id)).toEqual(["Test/logiqa-0", "Test/logiqa-1", "Test/logiqa-2", "Eval/logiqa-0"]);
        expect(clash.items[6]!.id).toBe("demo/logic-01");
        expect(new Set(clash.items.map((i) => i.id)).size).toBe(clash.items.length);
    });
});

// The test files of the ReflectEvo code (data/data_source/*_test.jsonl), as small fixtures of the same shape.
const FIX = join(import.meta.dirname, "fixtures");
const fix = (p: string) => join(FIX, p);

describe("ReflectEvo test files", () => {
    it("logiqa_test: inline options become choices, the question keeps its stem, the letter its index", async () => {
        const p = fix("reflectevo/logiqa_test.jsonl");
        expect(await detectFormat(p)).toBe("reflectevo");
        const set = await loadTasks(p);
        expect(set.items.map((i) => [i.id, i.task, i.family, i.answer, i.answer_index])).toEqual([
            ["12", "logiqa", "mc", "B", 1],
            ["47", "logiqa", "mc", "A", 0],
            ["3", "logiqa", "mc", "B", 1],
            ["5", "logiqa", "mc", "B", 1],
            ["9", "logiqa", "mc", "E", 4]
        ]);
        const [a, b, c, d, e] = set.items;
        expect(a!.question).toBe("Every member of the chess club also plays go. Some go players are left-handed.\nWhich of the following must be true?");
        expect(a!.choices).toEqual(["Every go player is in the chess club.", "Some chess club members may be left-handed.", "No chess club member is left-handed.", "All left-handed people play go."]);
        // "A. " spaced labels and LogiQA's "C?" (a mangled full-width colon).
        expect(b!.choices).toEqual(["T is second", "R is first", "Q is fifth", "P is fifth"]);
        expect(b!.question).toContain("P, Q, R, S and T");
        expect(c!.choices![1]).toBe("Higher-scoring students had lighter course loads, which left more time to sleep.");
        expect(d!.choices).toEqual(["Lin is a poet", "Lin is not a poet", "Lin writes novels", "Nothing follows"]);
        expect(e!.choices).toHaveLength(5);
        for (const it of set.items) expect(it.question).not.toMatch(/^\(?[A-E][.)?]/m);
        // The prompt shows the options once.
        const prompt = loadTurnTemplates(PROMPTS).render("answer", a!);
        expect(prompt.match(/Every go player is in the chess club/g)).toHaveLength(1);
        expect(prompt).toContain("\n\nA. Every go player is in the chess club.\nB. Some chess club members");
        // The letter reaches the mc verifier as the option it names.
        const v = await verifyOracle({ family: "mc", output: "Final answer: B", gold: a!.answer, choices: a!.choices });
        expect(v.correct).toBe(true);
    });

    it("logiqa_test: a letter beyond the options, a record without options, an empty option: file, line and field", async () => {
        const stem = "P.\nWhich?\nA.one\nB.two\nC.three\nD.four";
        const p = await w("logiqa_test.jsonl", [{ id: 1, question: stem, answer: "c" }, { id: 2, question: stem, answer: "e" }, { id: 3, question: "No options here?", answer: "a" }, { id: 4, question: "P.\nA.one\nB.\nC.three", answer: "a" }].map((o) => JSON.stringify(o)).join("\n"));
        const e = await formatError(loadTasks(p));
        expect([e.file, e.line, e.field]).toEqual([p, 2, "answer"]);
        expect(e.message).toMatch(/A-D/);
        const { set, skipped } = await importTasks(p, { skipInvalid: true });
        expect(set.items.map((i) => [i.id, i.answer])).toEqual([["1", "C"]]);
        expect(skipped.map(where)).toEqual([[2, "answer"], [3, "question"], [4, "question"]]);
    });

    it("bigbench_test: ids repeated across subtasks are namespaced; MC and free-text entries both read", async () => {
        const p = fix("reflectevo/bigbench_test.jsonl");
        expect(await detectFormat(p)).toBe("reflectevo");
        const set = await loadTasks(p);
        expect(set.items.map((i) => [i.id, i.task, i.family, i.answer])).toEqual([
            ["strategyqa/1", "strategyqa", "mc", "B"],
            ["strategyqa/2", "strategyqa", "mc", "A"],
            ["timedial/1", "timedial", "mc", "A"],
            ["squad_shifts/1", "squad_shifts", "text", "1994"],
            ["squad_shifts/2", "squad_shifts", "text", "Oslo"]
        ]);
        expect(set.items[0]).toMatchObject({ question: "Q: Could a goldfish outlive a typical house cat?", choices: ["Yes", "No"], answer_index: 1 });
        expect(set.items[2]!.question).toBe("A: How long did the flight take?\nB: About <MASK>, we landed before lunch.\nWhich phrase best fills the mask?");
        expect(set.items[3]!.choices).toBeNull();
    });

    it("bigbench_test: an id repeated within one subtask is an error naming both lines; the same file under another name too", async () => {
        const rows = [
            { id: 1, subtask: "vitaminc", question: "Claim?\nA. supports\nB. refutes", answer: "a" },
            { id: 1, subtask: "riddlesense", question: "Riddle?\nA. egg\nB. stone", answer: "a" },
            { id: 1, subtask: "vitaminc", question: "Claim 2?\nA. supports\nB. refutes", answer: "b" }
        ];
        const p = await w("bb-dup.jsonl", rows.map((o) => JSON.stringify(o)).join("\n"));
        const e = await formatError(importTasks(p));
        expect([e.file, e.line, e.field]).toEqual([p, 3, "id"]);
        expect(e.message).toMatch(/duplicate id "1" within "vitaminc".*bb-dup\.jsonl:1/);
        const { set, skipped } = await importTasks(p, { skipInvalid: true });
        expect(set.items.map((i) => i.id)).toEqual(["vitaminc/1", "riddlesense/1"]);
        expect(skipped.map(where)).toEqual([[3, "id"]]);
        // Detected from the content alone (a letter answer and inline options), whatever the name.
        const q = await w("bench.jsonl", [{ id: 1, task: "a", question: "Q?\nA. x\nB. y", answer: "b" }, { id: 1, task: "b", question: "Q2?", answer: "yes" }].map((o) => JSON.stringify(o)).join("\n"));
        expect(await detectFormat(q)).toBe("reflectevo");
        expect((await loadTasks(q)).items.map((i) => [i.id, i.family])).toEqual([["a/1", "mc"], ["b/1", "text"]]);
    });

    it("math_test: values and solutions are math items; a solution with several boxed answers keeps them all", async () => {
        const p = fix("reflectevo/math_test.jsonl");
        const set = await loadTasks(p);
        expect(set.items.map((i) => [i.id, i.task, i.family])).toEqual([["1", "math", "math"], ["2", "math", "math"], ["3", "math", "math"], ["4", "math", "math"]]);
        expect(set.items[0]!.answer).toBe("-5");
        expect(boxedContents(set.items[1]!.answer)).toEqual(["2", "3"]);
        expect(set.items[3]!.answer).toBe("\\text{Monday}");
        // Records with the reference in `solution` and only the last box in `answer` get every box.
        const q = await w("math_ref.jsonl", JSON.stringify({ id: 1, question: "Roots?", answer: "3", solution: "So $x=\\boxed{2}$ or $x=\\boxed{3}$." }));
        expect(boxedContents((await importReflectEvo(q)).set.items[0]!.answer)).toEqual(["2", "3"]);
    });

    it("mbpp_test: code items whose prompt shows every test; question/id/test_setup_code variants", async () => {
        const p = fix("reflectevo/mbpp_test.jsonl");
        expect(await detectFormat(p)).toBe("mbpp");
        const set = await loadTasks(p);
        expect(set.items.map((i) => [i.id, i.entry_point, i.test_setup])).toEqual([["mbpp-11", "remove_Occ", null], ["mbpp-17", "square_perimeter", null], ["mbpp-901", "scale", "FACTOR = 3"]]);
        const t = loadTurnTemplates(PROMPTS);
        for (const it of set.items) {
            const prompt = t.render("answer", it);
            expect(prompt).toContain("Your code should pass these tests:\n\n");
            for (const test of it.tests!) expect(prompt.split(test)).toHaveLength(2); // each test exactly once
        }
        // A question that already shows the tests (ReflectEvo's own prompt form) does not get them twice.
        const shown = `Write f. Your code should pass these tests: ${JSON.stringify(["assert f(1) == 2", "assert f(2) == 3"])}`;
        const q = await w("mbpp_shown.jsonl", JSON.stringify({ task_id: 5, question: shown, code: "def f(x):\n    return x + 1", test_list: ["assert f(1) == 2", "assert f(2) == 3"] }));
        const it = (await importMbpp(q)).set.items[0]!;
        expect(it.question.split("assert f(1) == 2")).toHaveLength(2);
        const bad = await w("mbpp_bad.jsonl", JSON.stringify({ text: "no id", code: "def f(): pass", test_list: ["assert f() is None"] }));
        expect(where(await formatError(importMbpp(bad)))).toEqual([1, "task_id"]);
    });
});

describe("BIG-bench subtasks", () => {
    it("a parent task.json and a folder of subtasks read every subtask; the task prefix asks when the input is empty", async () => {
        const parent = fix("bigbench/cause_and_effect/task.json");
        expect(await detectFormat(parent)).toBe("bigbench");
        expect(await detectFormat(fix("bigbench"))).toBe("bigbench");
        const a = await loadTasks(parent);
        expect(a.name).toBe("cause_and_effect");
        expect(a.items.map((i) => [i.id, i.task, i.answer])).toEqual([
            ["one_sentence-0", "one_sentence", "A"],
            ["one_sentence-1", "one_sentence", "A"],
            ["two_sentences-0", "two_sentences", "B"],
            ["two_sentences-1", "two_sentences", "B"]
        ]);
        expect(a.items[0]!.question).toBe("For each example, two sentences are given. Which one is more likely?");
        const b = await loadTasks(fix("bigbench"));
        expect(b.items.map((i) => i.id)).toEqual(a.items.map((i) => i.id));
    });

    it("example ids repeated across subtasks become <subtask>/<id>; within one subtask they are errors with line and field", async () => {
        const ex = (id: number, input: string) => ({ id, input, target: input.toUpperCase() });
        await w("bbsub/alpha/task.json", JSON.stringify({ name: "alpha", examples: [ex(0, "a"), ex(1, "b")] }, null, 2));
        await w("bbsub/beta/task.json", JSON.stringify({ name: "beta", examples: [ex(0, "c")] }, null, 2));
        const set = await loadTasks(join(dir, "bbsub"));
        expect(set.items.map((i) => [i.id, i.answer])).toEqual([["alpha/0", "A"], ["alpha/1", "B"], ["beta/0", "C"]]);
        // Several task.json named the same stay apart.
        await w("bbsame/x/task.json", JSON.stringify({ name: "same", examples: [{ input: "q", target: "1" }] }));
        await w("bbsame/y/task.json", JSON.stringify({ name: "same", examples: [{ input: "r", target: "2" }] }));
        expect((await loadTasks(join(dir, "bbsame"))).items.map((i) => i.id)).toEqual(["same/same-0", "same-2/same-0"]);
        const dup = await w("bbdup/task.json", '{\n  "name": "d",\n  "examples": [\n    {"id": 7, "input": "a", "target": "x"},\n    {"id": 7, "input": "b", "target": "y"}\n  ]\n}');
        const e = await formatError(importBigBench(dup));
        expect([e.file, e.line, e.field]).toEqual([dup, 5, "id"]);
        // Inline subtasks, with errors on the line of the bad field.
        const inl = await w("bbinline/task.json", '{\n  "name": "p",\n  "subtasks": [\n    {"name": "s1", "examples": [{"input": "q", "target": "a"}]},\n    {"name": "s2", "examples": [\n      {"input": "q2",\n       "target_scores": {"x": 0, "y": 0}}\n    ]}\n  ]\n}');
        const f = await formatError(importBigBench(inl));
        expect([f.line, f.field]).toEqual([7, "target_scores"]);
        const r = await importBigBench(inl, { skipInvalid: true });
        expect(r.set.items.map((i) => i.id)).toEqual(["s1-0"]);
    });

    it("an input that lists the options keeps only its stem", async () => {
        const p = await w("bbopts/task.json", JSON.stringify({ name: "o", examples: [{ input: "Which is a fruit?\nA. apple\nB. brick", target_scores: { apple: 1, brick: 0 } }] }));
        const it = (await importBigBench(p)).set.items[0]!;
        expect(it.question).toBe("Which is a fruit?");
        expect(loadTurnTemplates(PROMPTS).render("answer", it).match(/apple/g)).toHaveLength(1);
    });
});

describe("LogiQA labels and long passages", () => {
    it("strips 'A ', 'A)', 'A?' and '(A)' labels; a passage over several lines is kept whole", async () => {
        const { set } = await importLogiQA(fix("logiqa/labels.txt"));
        expect(set.items.map((i) => i.choices)).toEqual([
            ["All lamps may be off", "All lamps are lit", "Exactly one lamp is lit", "The switch is broken"],
            ["Kim is not a member", "Voting is closed", "Kim is a member", "Nobody voted"],
            ['The box labelled "mixed"', 'The box labelled "apples"', 'The box labelled "oranges"', "Any box"],
            ["The survey was long.", "Shoppers like change.", "The new layout was cheaper.", "The surveyed store's shoppers differ from those of other branches."]
        ]);
        expect(set.items.map((i) => i.answer)).toEqual(["B", "C", "A", "D"]);
        expect(set.items[3]!.question).toBe("A survey of 200 shoppers found that most preferred the new layout.\nThe store then redesigned every branch.\nSales fell in half of the branches.\nWhich of the following best explains the result?");
    });
});
