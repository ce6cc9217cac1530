// The teacher as D_pref judge: its prompt, both orders against position bias, the export and `curate --teacher`.
import { runCommand } from "./helpers/runCommand.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import type { ChatMessage } from "../src/backend/types.js";
import { startBatch } from "../src/batch/session.js";
import { exportCuration, type CurationSummary } from "../src/curate/export.js";
import { judgeBothOrders } from "../src/curate/judge.js";
import { defaultOptions } from "../src/curate/options.js";
import type { PreferenceRow } from "../src/curate/types.js";
import { teacherJudge } from "../src/teacher/judge.js";
import type { OpenedTeacher } from "../src/teacher/open.js";
import { closeMathWorker } from "../src/verify/math.js";
import { addCurateCommand } from "../bin/curate.js";
import { tinyConfig } from "./helpers/batchTasks.js";
import { ScriptedBackend, scriptedParallel } from "./helpers/scriptedBackend.js";

const dir = mkdtempSync(join(tmpdir(), "rl-teacher-judge-"));
afterAll(() => {
    closeMathWorker();
    rmSync(dir, { recursive: true, force: true });
});

/** Items 0..3, all wrong at turn 1; two reflections each under 1-1-1, "Reflection n on item i". */
function student() {
    const seen = new Map<number, number>();
    return (messages: ChatMessage[]) => {
        const i = Number(/Item (\d+):/.exec(messages[0]!.content)![1]);
        const last = messages.at(-1)!.content;
        if (messages.length === 1) return "I think so.\nFinal answer: wrong";
        if (last.startsWith("Your answer is incorrect")) {
            const n = seen.get(i) ?? 0;
            seen.set(i, n + 1);
            return `Reflection ${n} on item ${i}: re-read the question.`;
        }
        return "Final answer: still wrong";
    };
}

/** What a judge prompt shows: the item, and which sample is Reflection 1 and which Reflection 2. */
function shown(prompt: string) {
    const item = Number(/Item (\d+):/.exec(prompt)![1]);
    const first = Number(/Reflection 1:\nReflection (\d+) on item/.exec(prompt)![1]);
    const second = Number(/Reflection 2:\nReflection (\d+) on item/.exec(prompt)![1]);
    return { item, first, second };
}

/**
 * item 0: prefers the lower sample (consistent); item 1: position-biased, always "1";
 * item 2: a tie when sample 0 is shown first; item 3: unreadable when sample 0 is shown first.
 */
const teacherScript = (messages: ChatMessage[]) => {
    const { item, first, second } = shown(messages[0]!.content);
    const lower = first < second ? 1 : 2;
    if (item === 1) return "**Better:** 1\nReason: the first one reads better";
    if (item === 2 && first === 0) return "Both are fine.\nBetter: tie\nReason: equally vague";
    if (item === 3 && first === 0) return "I like both of them.";
    return `Comparing the two.\nBetter: ${lower}\nReason: sample ${Math.min(first, second)} locates the error`;
};

function teacher(): ScriptedBackend {
    const t = new ScriptedBackend(teacherScript);
    t.info.modelFile = "teacher-70b";
    t.info.kind = "openai";
    return t;
}

let run: string;
beforeAll(async () => {
    const tasks = join(dir, "tasks.jsonl");
    writeFileSync(tasks, Array.from({ length: 4 }, (_, i) => JSON.stringify({ id: `q${i}`, task: i < 2 ? "alpha" : "beta", question: `Item ${i}: name the secret word.`, choices: null, answer: `zebra${i}`, answer_index: null, tests: null, test_setup: null, family: "text" })).join("\n") + "\n");
    run = join(dir, "run");
    await startBatch({ config: { ...tinyConfig(tasks), parallel: 1, k: 2 }, out: run, hardware: { gpu: "cpu", gpuLayers: "auto", vramCapMiB: null, threads: null }, backend: scriptedParallel(1, student()) });
});

const readJsonl = <T>(p: string): T[] =>
    readFileSync(p, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as T);

describe("teacher judge", () => {
    const prompt: ChatMessage[] = [
        { role: "user", content: "Item 0: name the secret word.\n\nEnd with Final answer." },
        { role: "assistant", content: "Final answer: wrong" },
        { role: "user", content: "Your answer is incorrect.\n\nReflect on it." }
    ];
    const a: ChatMessage = { role: "assistant", content: "Reflection 0 on item 0: re-read the question." };
    const b: ChatMessage = { role: "assistant", content: "Reflection 1 on item 0: re-read the question." };

    it("shows the task, the failed attempt, the instruction and both reflections, greedily with a fixed seed", async () => {
        const t = teacher();
        const j = teacherJudge(t, { seed: 9 });
        expect(j.model).toBe("teacher-70b");
        expect(await j.judge(prompt, a, b)).toEqual({ winner: "a", reason: "sample 0 locates the error" });
        expect(await j.judge(prompt, b, a)).toEqual({ winner: "b", reason: "sample 0 locates the error" });
        const text = t.calls[0]!.messages[0]!.content;
        expect(t.calls[0]!.messages).toHaveLength(1);
        expect(text).toContain("Item 0: name the secret word.");
        expect(text).toContain("The student's failed attempt:\nFinal answer: wrong");
        expect(text).toContain("Reflect on it.");
        expect(text.indexOf("Reflection 1:\nReflection 0")).toBeGreaterThan(0);
        expect(text.indexOf("Reflection 2:\nReflection 1")).toBeGreaterThan(text.indexOf("Reflection 1:\n"));
        for (const c of t.calls) expect(c.sampler).toMatchObject({ temperature: 0, seed: 9 });
    });

    it("with judgeBothOrders: a position-biased teacher is a disagreement, a one-sided tie is a tie, both reasons kept", async () => {
        const biased = new ScriptedBackend(() => "Better: 1\nReason: first is best");
        const d = await judgeBothOrders(teacherJudge(biased), prompt, a, b);
        expect(d).toEqual({ kind: "disagree", reason: "a first: first is best | b first: first is best" });
        const tieOnce = new ScriptedBackend((m) => (shown(m[0]!.content).first === 0 ? "Better: tie\nReason: same" : "Better: 2\nReason: second"));
        expect(await judgeBothOrders(teacherJudge(tieOnce), prompt, a, b)).toEqual({ kind: "tie", reason: "a first: same | b first: second" });
        const garbled = new ScriptedBackend((m) => (shown(m[0]!.content).first === 0 ? "no idea" : "Better: 2\nReason: second"));
        expect(await judgeBothOrders(teacherJudge(garbled), prompt, a, b)).toEqual({ kind: "tie", reason: "a first: unparseable judge output: no idea | b first: second" });
        const w = await judgeBothOrders(teacherJudge(teacher()), prompt, a, b);
        expect(w).toEqual({ kind: "winner", winner: "a", reason: "chosen shown first: sample 0 locates the error | chosen shown second: sample 0 locates the error" });
    });

    it("judges D_pref in exportCuration: ties and disagreements dropped, the teacher and both reasons stored", async () => {
        const t = teacher();
        const out = join(dir, "dpref");
        const s = await exportCuration({ runs: [run], options: defaultOptions({ sets: ["dpref"], evalFraction: 0 }), out, judge: teacherJudge(t) });
        expect(t.calls).toHaveLength(8);
        expect(s.judge).toEqual({ model: "teacher-70b", candidates: 4, kept: 1, ties: 2, disagreements: 1 });
        expect(s.dropped.dpref).toMatchObject({ judge_tie: 2, judge_disagree: 1 });
        const rows = readJsonl<PreferenceRow>(join(out, "pref.dpref.train.jsonl"));
        expect(rows).toHaveLength(1);
        expect(rows[0]!.provenance.chosen).toMatchObject({ item_id: "q0", sample_index: 0 });
        expect(rows[0]!.provenance.rejected).toMatchObject({ item_id: "q0", sample_index: 1 });
        expect(rows[0]!.chosen[0]!.content).toMatch(/^Reflection 0 on item 0/);
        expect(rows[0]!.provenance.judge).toEqual({ model: "teacher-70b", reason: "chosen shown first: sample 0 locates the error | chosen shown second: sample 0 locates the error" });
        const evo = readJsonl<{ provenance: { judge: { model: string; reason: string } } }>(join(out, "reflectevo.dpref.jsonl"));
        expect(evo[0]!.provenance.judge.model).toBe("teacher-70b");
        // The teacher never saw a gold answer.
        for (const c of t.calls) expect(c.messages[0]!.content).not.toMatch(/zebra/);
    });
});

describe("reflect-lab curate --teacher", () => {
    const cli = (args: string[], open: (name: string) => Promise<OpenedTeacher>) => runCommand((p) => addCurateCommand(p, { openTeacher: open }), ["curate", ...args]);

    it("opens the named endpoint, adds dpref to the default sets, records the judge model and disposes the teacher", async () => {
        const opened: string[] = [];
        let disposed = 0;
        const open = async (name: string): Promise<OpenedTeacher> => {
            opened.push(name);
            return { backend: teacher(), model: "gpt-judge", endpoint: name, concurrency: 2, dispose: async () => void disposed++ };
        };
        const r = await cli([run, "--teacher", "big", "--out", join(dir, "cli-teacher"), "--eval-fraction", "0", "--json"], open);
        expect(r.err).toBe("");
        expect(r.code).toBeUndefined();
        const s = JSON.parse(r.out) as CurationSummary;
        expect(s.options.sets).toEqual(["dplus", "dpm", "dpref"]);
        expect(s.judge).toMatchObject({ model: "gpt-judge", kept: 1, ties: 2, disagreements: 1 });
        expect(opened).toEqual(["big"]);
        expect(disposed).toBe(1);

        const text = await cli([run, "--teacher", "big", "--set", "dpref", "--out", join(dir, "cli-teacher-text")], open);
        expect(text.out).toMatch(/judge gpt-judge: 1\/4 pairs kept, 2 ties, 1 disagreements/);
    });

    it("asks for --teacher when dpref is wanted without one, and reports a teacher that cannot be opened", async () => {
        const never = async (): Promise<OpenedTeacher> => {
            throw new Error('no endpoint named "nope" (none is configured); add one first, then pass its name to --teacher');
        };
        const r = await cli([run, "--set", "dpref", "--out", join(dir, "cli-none")], never);
        expect(r.code).toBe(1);
        expect(r.err).toMatch(/^reflect-lab: D_pref needs a teacher model .* --teacher <endpoint>/);
        const n = await cli([run, "--teacher", "nope", "--out", join(dir, "cli-nope")], never);
        expect(n.code).toBe(1);
        expect(n.err).toMatch(/no endpoint named "nope"/);
    });
});
