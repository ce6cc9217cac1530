import { spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_TASKS } from "../src/tasks/demo.js";
import { inferFamily, loadTaskJsonl, TaskFormatError } from "../src/tasks/jsonl.js";
import { findItem, loadTasks } from "../src/tasks/load.js";
import type { TaskFamily } from "../src/tasks/types.js";


describe("DEMO_TASKS", () => {
    const items = DEMO_TASKS.items;

    it("has 40 items, 10 per family, unique ids, interleaved", () => {
        expect(DEMO_TASKS.name).toBe("demo");
        expect(DEMO_TASKS.source).toBe("demo");
        expect(items).toHaveLength(40);
        const count = (f: TaskFamily) => items.filter((it) => it.family === f).length;
        expect([count("mc"), count("math"), count("code"), count("text")]).toEqual([10, 10, 10, 10]);
        expect(new Set(items.map((it) => it.id)).size).toBe(40);
        expect(items.slice(0, 5).map((it) => it.id)).toEqual(["logic-01", "math-01", "code-01", "yesno-01", "logic-02"]);
        expect(items[39]!.id).toBe("yesno-10");
        const tasks: Record<TaskFamily, string> = { mc: "demo-logic", math: "demo-math", code: "demo-code", text: "demo-commonsense" };
        for (const it of items) expect(it.task).toBe(tasks[it.family]);
    });

    it("mc items have 4 choices and a consistent answer/answer_index, with varied gold positions", () => {
        const mc = items.filter((it) => it.family === "mc");
        for (const it of mc) {
            expect(it.choices).toHaveLength(4);
            expect(it.answer).toMatch(/^[ABCD]$/);
            expect(it.answer_index).toBe(it.answer.charCodeAt(0) - 65);
            expect(it.tests).toBeNull();
        }
        expect(new Set(mc.map((it) => it.answer)).size).toBe(4);
    });

    it("non-mc items have no choices; yes/no items mix yes and no; math answers are values", () => {
        for (const it of items.filter((i) => i.family !== "mc")) {
            expect(it.choices).toBeNull();
            expect(it.answer_index).toBeNull();
        }
        const yn = items.filter((it) => it.family === "text").map((it) => it.answer);
        expect(yn.every((a) => a === "yes" || a === "no")).toBe(true);
        expect(yn.filter((a) => a === "yes").length).toBeGreaterThanOrEqual(3);
        expect(yn.filter((a) => a === "no").length).toBeGreaterThanOrEqual(3);
        for (const it of items.filter((i) => i.family === "math")) expect(inferFamily({ tests: null, choices: null, answer: it.answer, task: "x" })).toBe("math");
    });

    it("code items name their function and have 3 asserts", () => {
        for (const it of items.filter((i) => i.family === "code")) {
            expect(it.entry_point).toMatch(/^[a-z_]+$/);
            expect(it.question).toContain(`\`${it.entry_point}(`);
            expect(it.answer).toContain(`def ${it.entry_point}(`);
            expect(it.tests).toHaveLength(3);
            for (const t of it.tests!) expect(t.startsWith("assert ")).toBe(true);
        }
    });

    it("every code item's reference answer passes its own tests (python3)", () => {
        const code = items.filter((i) => i.family === "code").map((i) => ({ id: i.id, setup: i.test_setup, answer: i.answer, tests: i.tests }));
        const script = [
            "import json, sys",
            "items = json.load(sys.stdin)",
            "out = {}",
            "for it in items:",
            "    ns = {}",
            "    try:",
            "        if it['setup']: exec(it['setup'], ns)",
            "        exec(it['answer'], ns)",
            "        for t in it['tests']: exec(t, ns)",
            "        out[it['id']] = 'ok'",
            "    except BaseException as e:",
            "        out[it['id']] = type(e).__name__ + ': ' + str(e)",
            "print(json.dumps(out))"
        ].join("\n");
        const r = spawnSync("python3", ["-c", script], { input: JSON.stringify(code), encoding: "utf8", timeout: 20_000 });
        expect(r.error).toBeUndefined();
        expect(r.status, r.stderr).toBe(0);
        const results = JSON.parse(r.stdout) as Record<string, string>;
        expect(Object.keys(results)).toHaveLength(10);
        for (const [id, res] of Object.entries(results)) expect(`${id}: ${res}`).toBe(`${id}: ok`);
    });
});

describe("loadTaskJsonl", () => {
    let dir: string;
    beforeAll(async () => {
        dir = await mkdtemp(join(tmpdir(), "reflect-lab-tasks-"));
    });
    afterAll(async () => {
        await rm(dir, { recursive: true, force: true });
    });

    const write = async (name: string, lines: (object | string)[]): Promise<string> => {
        const p = join(dir, name);
        await writeFile(p, lines.map((l) => (typeof l === "string" ? l : JSON.stringify(l))).join("\n") + "\n");
        return p;
    };
    const base = { task: "t", choices: null, answer_index: null, tests: null, test_setup: null };

    async function expectError(lines: (object | string)[], line: number, field: string | null, msg?: RegExp): Promise<TaskFormatError> {
        const p = await write(`err-${Math.random().toString(36).slice(2)}.jsonl`, lines);
        const err = await loadTaskJsonl(p).then(
            () => null,
            (e: unknown) => e
        );
        expect(err).toBeInstanceOf(TaskFormatError);
        const e = err as TaskFormatError;
        expect(e.file).toBe(p);
        expect(e.line).toBe(line);
        expect(e.field).toBe(field);
        expect(e.message.startsWith(`${p}:${line}: `)).toBe(true);
        if (field) expect(e.message).toContain(`field "${field}"`);
        if (msg) expect(e.message).toMatch(msg);
        return e;
    }

    it("round-trips the demo set through a file", async () => {
        const p = await write("demo-copy.jsonl", DEMO_TASKS.items);
        const { set, skipped } = await loadTaskJsonl(p);
        expect(skipped).toEqual([]);
        expect(set.name).toBe("demo-copy");
        expect(set.source).toBe(p);
        expect(set.items).toEqual(DEMO_TASKS.items);
    });

    it("skips blank lines and infers families", async () => {
        const p = await write("infer.jsonl", [
            { ...base, id: "c", question: "Write f(x).", answer: "def f(x):\n    return x", tests: ["assert f(1) == 1"] },
            "",
            "   ",
            { ...base, id: "m", question: "Pick one.", choices: ["red", "blue", "green"], answer: "blue" },
            { ...base, id: "n1", question: "1/2 + 1/4?", answer: "3/4" },
            { ...base, id: "n2", question: "Half?", answer: "\\frac{1}{2}" },
            { ...base, id: "n3", question: "How many?", answer: "1,200" },
            { ...base, id: "n4", task: "gsm8k", question: "Who?", answer: "Alice" },
            { ...base, id: "y", question: "Can a dog fly?", answer: "no" },
            { ...base, id: "f", family: "text", question: "Year?", answer: "1984" },
            { id: "min", question: "Capital of France?", answer: "Paris" }
        ]);
        const { set } = await loadTaskJsonl(p);
        const fam = Object.fromEntries(set.items.map((it) => [it.id, it.family]));
        expect(fam).toEqual({ c: "code", m: "mc", n1: "math", n2: "math", n3: "math", n4: "math", y: "text", f: "text", min: "text" });
        const m = findItem(set, "m");
        expect(m.answer_index).toBe(1);
        expect(m.answer).toBe("B");
        expect(findItem(set, "c").entry_point).toBe("f");
        const min = findItem(set, "min");
        expect(min).toMatchObject({ task: "infer", choices: null, answer_index: null, tests: null, test_setup: null });
    });

    it("derives answer_index from a letter answer and rejects an impossible one", async () => {
        const p = await write("letters.jsonl", [{ ...base, id: "a", question: "Q?", choices: ["x", "y", "z", "w"], answer: "(c)" }]);
        expect((await loadTaskJsonl(p)).set.items[0]).toMatchObject({ answer: "C", answer_index: 2 });
        await expectError([{ ...base, id: "a", question: "Q?", choices: ["x", "y"], answer: "maybe" }], 1, "answer");
        await expectError([{ ...base, id: "a", question: "Q?", choices: ["x", "y"], answer: "A", answer_index: 1 }], 1, "answer");
    });

    it("reports bad JSON with file and line", async () => {
        const e = await expectError([{ ...base, id: "ok", question: "Q?", answer: "yes" }, "", '{"id": "x", "question": '], 3, null, /invalid JSON/);
        expect(e.field).toBeNull();
    });

    it("reports a missing question", async () => {
        await expectError([{ ...base, id: "a", question: "Q?", answer: "yes" }, { ...base, id: "b", answer: "no" }], 2, "question", /missing/);
    });

    it("reports a wrong choices type", async () => {
        await expectError([{ ...base, id: "a", question: "Q?", choices: "A or B", answer: "A" }], 1, "choices", /expected an array of strings or null/);
        await expectError([{ ...base, id: "a", question: "Q?", choices: [1, 2], answer: "A" }], 1, "choices");
    });

    it("reports answer_index out of range", async () => {
        await expectError(
            ["", { ...base, id: "a", question: "Q?", choices: ["x", "y", "z", "w"], answer: "", answer_index: 4 }],
            2,
            "answer_index",
            /out of range/
        );
        await expectError([{ ...base, id: "a", question: "Q?", choices: ["x", "y"], answer: "A", answer_index: -1 }], 1, "answer_index");
    });

    it("reports a duplicate id naming both lines", async () => {
        const e = await expectError(
            [{ ...base, id: "a", question: "Q?", answer: "yes" }, { ...base, id: "b", question: "Q?", answer: "yes" }, { ...base, id: "a", question: "Q2?", answer: "no" }],
            3,
            "id",
            /duplicate id "a"/
        );
        expect(e.message).toContain("line 1");
    });

    it("a question that lists its choices inline keeps only its stem; without choices, a letter answer makes them the choices", async () => {
        const q = "Passage.\nWhich one?\nA. red\nB. blue\nC. green";
        const p = await write("inline.jsonl", [
            { ...base, id: "a", question: q, choices: ["red", "blue", "green"], answer: "B" },
            { id: "b", question: q, answer: "c" },
            { ...base, id: "c", question: "Which?\nA. cat\nB. dog", choices: ["red", "blue"], answer: "A" },
            { id: "d", question: q, answer: "green" },
            { id: "e", question: "Q?\nA. one\nB. two", answer: "no" },
            { ...base, id: "f", question: "Which?\nA. red\nB. blue", choices: ["A. red", "B. blue"], answer: "A" },
            { ...base, id: "g", question: "Which?", choices: ["A trout swims.", "Some fish walk."], answer: "A" }
        ]);
        const { set } = await loadTaskJsonl(p);
        const [a, b, c, d, e] = set.items;
        expect(a).toMatchObject({ question: "Passage.\nWhich one?", choices: ["red", "blue", "green"], answer: "B", answer_index: 1 });
        expect(b).toMatchObject({ family: "mc", question: "Passage.\nWhich one?", choices: ["red", "blue", "green"], answer: "C", answer_index: 2 });
        expect(c!.question).toBe("Which?\nA. cat\nB. dog"); // other options than the choices: left alone
        expect(d).toMatchObject({ family: "mc", answer: "C" });
        expect(e).toMatchObject({ family: "text", choices: null, question: "Q?\nA. one\nB. two" });
        // Labelled choices lose their labels (all labelled) and the question its listing; "A trout" is no label.
        expect(set.items[5]).toMatchObject({ question: "Which?", choices: ["red", "blue"] });
        expect(set.items[6]!.choices).toEqual(["A trout swims.", "Some fish walk."]);
        await expectError([{ id: "x", question: q, answer: "d" }], 1, "answer", /A-C/);
    });

    it("ids are unique per task: one used by several tasks makes every id <task>/<id>", async () => {
        const p = await write("tasks-ids.jsonl", [
            { ...base, id: "1", task: "alpha", question: "Q?", answer: "yes" },
            { ...base, id: "1", task: "beta", question: "Q?", answer: "no" },
            { ...base, id: "2", task: "beta", question: "Q?", answer: "no" }
        ]);
        expect((await loadTaskJsonl(p)).set.items.map((it) => it.id)).toEqual(["alpha/1", "beta/1", "beta/2"]);
        await expectError([{ ...base, id: "1", task: "alpha", question: "Q?", answer: "yes" }, { ...base, id: "1", task: "alpha", question: "Q?", answer: "no" }], 2, "id", /duplicate id "1" in task "alpha" \(first used on line 1\)/);
    });

    it("reports other field errors (family, tests for code)", async () => {
        await expectError([{ ...base, id: "a", question: "Q?", answer: "x", family: "essay" }], 1, "family");
        await expectError([{ ...base, id: "a", question: "Q?", answer: "def f(): pass", family: "code" }], 1, "tests");
    });

    it("skipInvalid returns the valid items and the errors", async () => {
        const p = await write("mixed.jsonl", [
            { ...base, id: "a", question: "Q?", answer: "yes" },
            "not json",
            { ...base, id: "b", answer: "no" },
            { ...base, id: "c", question: "Q?", choices: ["x", "y"], answer: "", answer_index: 9 },
            { ...base, id: "a", question: "again", answer: "no" },
            { ...base, id: "d", question: "Q?", choices: ["x", "y"], answer: "B" }
        ]);
        await expect(loadTaskJsonl(p)).rejects.toThrow(`${p}:2: invalid JSON`);
        const { set, skipped } = await loadTaskJsonl(p, { skipInvalid: true });
        expect(set.items.map((it) => it.id)).toEqual(["a", "d"]);
        expect(set.items[0]!.question).toBe("Q?");
        expect(skipped.map((e) => [e.line, e.field])).toEqual([
            [2, null],
            [3, "question"],
            [4, "answer_index"],
            [5, "id"]
        ]);
        expect(skipped.every((e) => e instanceof TaskFormatError && e.file === p)).toBe(true);
    });
});

describe("loadTasks / findItem", () => {
    let dir: string;
    beforeAll(async () => {
        dir = await mkdtemp(join(tmpdir(), "reflect-lab-load-"));
    });
    afterAll(async () => {
        await rm(dir, { recursive: true, force: true });
    });

    it("resolves demo and .jsonl paths", async () => {
        expect(await loadTasks("demo")).toBe(DEMO_TASKS);
        const p = join(dir, "two.jsonl");
        await writeFile(p, ['{"id":"x","question":"Q?","answer":"yes"}', "oops", '{"id":"y","question":"Q?","answer":"7"}'].join("\n"));
        await expect(loadTasks(p)).rejects.toBeInstanceOf(TaskFormatError);
        const seen: TaskFormatError[] = [];
        const set = await loadTasks(p, { skipInvalid: true, onSkipped: (errs) => seen.push(...errs) });
        expect(set.items.map((it) => [it.id, it.family])).toEqual([
            ["x", "text"],
            ["y", "math"]
        ]);
        expect(seen.map((e) => e.line)).toEqual([2]);
    });

    it("gives clear errors for missing files, unknown specs and empty files", async () => {
        const missing = join(dir, "nope.jsonl");
        await expect(loadTasks(missing)).rejects.toThrow(`task file not found: ${missing}`);
        await expect(loadTasks("bigbench")).rejects.toThrow(/unknown task spec "bigbench"/);
        const empty = join(dir, "empty.jsonl");
        await writeFile(empty, "\n\n");
        await expect(loadTasks(empty)).rejects.toThrow(/contains no tasks/);
    });

    it("findItem finds by id or lists valid ids", () => {
        expect(findItem(DEMO_TASKS, "math-03").answer).toBe("\\frac{3}{4}");
        expect(() => findItem(DEMO_TASKS, "math-99")).toThrow(/no task with id "math-99" in task set "demo"; valid ids include: logic-01, math-01, code-01/);
    });
});

describe("code prompts show every test", () => {
    it("the answer prompt of a code item lists all its asserts exactly once", async () => {
        const { loadTurnTemplates } = await import("../src/prompts/templates.js");
        const { PROMPTS_DIR } = await import("../src/paths.js");
        const templates = loadTurnTemplates(PROMPTS_DIR);
        const code = DEMO_TASKS.items.filter((i) => i.family === "code");
        expect(code.length).toBe(10);
        for (const item of code) {
            const prompt = templates.render("answer", item);
            expect(item.tests!.length).toBe(3);
            for (const t of item.tests!) expect(prompt.split(t).length - 1, `${item.id}: ${t}`).toBe(1);
            expect(prompt).toContain("Your code should pass these tests:");
            // Rendering a question that already lists them does not add them again.
            const shown = templates.render("answer", { ...item, question: prompt.split("\n\nWrite a Python function that solves")[0]! });
            for (const t of item.tests!) expect(shown.split(t).length - 1).toBe(1);
        }
    });
});
