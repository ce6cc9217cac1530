// Error-type tagging of a whole run: the store, resume, the breakdown by hand, `report` and `tag-errors`.
import { runCommand } from "./helpers/runCommand.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { render } from "ink-testing-library";
import type { ChatMessage } from "../src/backend/types.js";
import { formatRunReport, reportRun } from "../src/batch/report.js";
import { startBatch } from "../src/batch/session.js";
import { errorTypeBreakdown, formatErrorTypes } from "../src/teacher/breakdown.js";
import type { OpenedTeacher } from "../src/teacher/open.js";
import { tagRun, type TagProgress } from "../src/batch/tagRun.js";
import { TagStore, TAG_STORE_FILE } from "../src/teacher/tagStore.js";
import { closeMathWorker } from "../src/verify/math.js";
import { ErrorTypesPanel } from "../views/batch/ErrorTypesPanel.js";
import { BatchDashboard } from "../views/batch/BatchDashboard.js";
import { createBatchStore } from "../views/batch/store.js";
import { addTeacherCommands } from "../bin/teacher.js";
import { tinyConfig, tinyTasks, wrongThenRight } from "./helpers/batchTasks.js";
import { ScriptedBackend, scriptedParallel } from "./helpers/scriptedBackend.js";

const dir = mkdtempSync(join(tmpdir(), "rl-teacher-tags-"));
afterAll(() => {
    closeMathWorker();
    rmSync(dir, { recursive: true, force: true });
});

/** The item a tagging prompt is about ("What is i + 1?"). */
const itemOf = (m: ChatMessage[]) => Number(/What is (\d+) \+ 1/.exec(m[0]!.content)![1]);

/** q0: calculation + logic; q1: none; q2: format; q3: unreadable. Tasks: even (q0, q2), odd (q1, q3). */
const tags = (m: ChatMessage[]) => ["Checking.\nTypes: calculation, logic", "**Types:** None", "Types: `format`", "The reflection is fine I guess."][itemOf(m)]!;

function teacher(script: (m: ChatMessage[], n: number) => string = tags): ScriptedBackend {
    const t = new ScriptedBackend(script);
    t.info.modelFile = "teacher-70b";
    return t;
}

let base: string;
beforeAll(async () => {
    // 4 items, all wrong at turn 1, k = 2 under one instruction: 8 reflections.
    base = join(dir, "base");
    await startBatch({ config: tinyConfig(tinyTasks(join(dir, "tasks.jsonl"), 4), { k: 2 }), out: base, hardware: { gpu: "cpu", gpuLayers: "auto", vramCapMiB: null, threads: null }, backend: scriptedParallel(2, wrongThenRight) });
});

let copies = 0;
const copy = () => {
    const d = join(dir, `run-${copies++}`);
    cpSync(base, d, { recursive: true });
    return d;
};

describe("tagRun", () => {
    it("tags every reflection once, stores it with the teacher, and the breakdown adds up by hand", async () => {
        const run = copy();
        const t = teacher();
        const progress: TagProgress[] = [];
        const s = await tagRun(run, t, { concurrency: 3, onProgress: (p) => progress.push(p) });
        expect(s).toMatchObject({ total: 8, already: 0, tagged: 8, unparsed: 2, errors: 0, teacher: "teacher-70b", interrupted: false });
        expect(t.calls).toHaveLength(8);
        expect(progress.at(-1)).toMatchObject({ tagged: 8, total: 8 });
        for (const c of t.calls) expect(c.sampler).toMatchObject({ temperature: 0 });

        const store = TagStore.open(run);
        try {
            expect(store.count()).toBe(8);
            const row = store.get({ itemId: "q0", instructionKey: "1-1-1", sampleIndex: 1, turn: 1 })!;
            expect(row).toMatchObject({ task: "even", types: ["calculation", "logic"], parsed: true, teacherModel: "teacher-70b", raw: "Checking.\nTypes: calculation, logic" });
            // The tagger saw the question, the failed attempt and the reflection, exactly as recorded.
            expect(row.messages[0]!.content).toContain("What is 0 + 1?");
            expect(row.messages[0]!.content).toContain("The student's failed attempt:\nI guess.\nFinal answer: 999");
            expect(row.messages[0]!.content).toContain("The reflection:\nI should add one to 0.");
            expect(store.get({ itemId: "q3", instructionKey: "1-1-1", sampleIndex: 0, turn: 1 })).toMatchObject({ types: [], parsed: false });
        } finally {
            store.close();
        }

        const b = errorTypeBreakdown(run)!;
        expect(b.teachers).toEqual(["teacher-70b"]);
        expect(b.tagged).toBe(8);
        // even: q0 x2 (calculation, logic), q2 x2 (format): 4 reflections.
        expect(b.perTask.even).toMatchObject({ reflections: 4, unparsed: 0, none: 0 });
        expect(b.perTask.even!.counts).toEqual({ calculation: 2, algorithm: 0, logic: 2, inconsistency: 0, context: 0, incomplete: 0, format: 2, factual: 0 });
        expect(b.perTask.even!.shares).toMatchObject({ calculation: 0.5, logic: 0.5, format: 0.5, factual: 0 });
        // odd: q1 x2 none, q3 x2 unreadable (left out of the shares).
        expect(b.perTask.odd).toMatchObject({ reflections: 2, unparsed: 2, none: 2 });
        expect(b.perTask.odd!.shares.calculation).toBe(0);
        // overall: 6 readable; 2 of 6 name calculation, logic, format.
        expect(b.overall).toMatchObject({ reflections: 6, unparsed: 2, none: 2 });
        expect(b.overall.shares.calculation).toBeCloseTo(2 / 6);
        expect(b.overall.shares.format).toBeCloseTo(2 / 6);
        expect(b.overall.groups).toEqual({ math: { count: 2, share: 2 / 6 }, reasoning: { count: 2, share: 2 / 6 }, instruction: { count: 2, share: 2 / 6 }, factual: { count: 0, share: 0 } });
        const text = formatErrorTypes(b);
        expect(text).toMatch(/teacher teacher-70b; 6 tagged, 2 unreadable/);
        expect(text).toMatch(/even\s+4\s+50\.0\s+0\.0\s+50\.0\s+0\.0\s+0\.0\s+0\.0\s+50\.0\s+0\.0\s+0\.0/);
        expect(text).toMatch(/odd\s+2\s+(0\.0\s+){8}100\.0/);
        expect(text).toMatch(/overall\s+6\s+33\.3/);
        expect(text).toContain("groups: math 33.3% · logic and reasoning 33.3% · instruction violation 33.3% · factual 0.0%");
    });

    it("resumes: failed and stopped calls are left untagged and done on the next call; tagged ones are never asked again", async () => {
        const run = copy();
        // The teacher fails on q2 the first time.
        const flaky = teacher((m) => {
            if (itemOf(m) === 2) throw new Error("HTTP 503");
            return tags(m);
        });
        const first = await tagRun(run, flaky, { concurrency: 2 });
        expect(first).toMatchObject({ total: 8, tagged: 6, errors: 2, lastError: "HTTP 503" });
        const good = teacher();
        const second = await tagRun(run, good, { concurrency: 2 });
        expect(second).toMatchObject({ total: 8, already: 6, tagged: 2, errors: 0 });
        expect(good.calls.map((c) => itemOf(c.messages))).toEqual([2, 2]);
        const third = teacher();
        expect(await tagRun(run, third)).toMatchObject({ already: 8, tagged: 0 });
        expect(third.calls).toHaveLength(0);
        expect(errorTypeBreakdown(run)!.overall.reflections).toBe(6);

        // Stopped midway: nothing half-written, the rest on the next call.
        const run2 = copy();
        const ac = new AbortController();
        const slow = new ScriptedBackend(tags, { chunkDelayMs: 5 });
        let n = 0;
        const stopped = await tagRun(run2, slow, { concurrency: 1, signal: ac.signal, onProgress: (p) => p.tagged === 3 && n++ === 0 && ac.abort() });
        expect(stopped.interrupted).toBe(true);
        expect(stopped.tagged).toBe(3);
        expect(await tagRun(run2, teacher())).toMatchObject({ already: 3, tagged: 5 });
    });

    it("stops on a teacher that keeps failing, and refuses what is not a run", async () => {
        const run = copy();
        const down = teacher(() => {
            throw new Error("connection refused");
        });
        await expect(tagRun(run, down, { concurrency: 1, maxConsecutiveErrors: 3 })).rejects.toThrow(/the teacher teacher-70b failed 3 times in a row \(last: connection refused\); 0\/8 reflections are tagged, run again/);
        expect(down.calls).toHaveLength(3);
        await expect(tagRun(join(dir, "nowhere"), teacher())).rejects.toThrow(/is not a batch run/);
    });
});

describe("report with error types", () => {
    it("prints the breakdown when tags exist, includes it in JSON, and leaves untagged runs alone", async () => {
        const plain = copy();
        const r0 = reportRun(plain);
        expect(r0.errorTypes).toBeUndefined();
        expect(formatRunReport(r0)).not.toContain("error types");
        expect(existsSync(join(plain, TAG_STORE_FILE))).toBe(false);

        const run = copy();
        await tagRun(run, teacher());
        const r = reportRun(run);
        expect(r.errorTypes!.overall.reflections).toBe(6);
        expect(JSON.parse(JSON.stringify(r)).errorTypes.perTask.even.counts.format).toBe(2);
        const text = formatRunReport(r);
        expect(text).toMatch(/4\/4 items done, 0 errors, 8 samples · model model\.gguf · reflector base model · verifier oracle · mode reflect/);
        expect(text).toMatch(/Acc@t1/);
        expect(text).toContain("error types named by the reflections");
        expect(text.indexOf("error types")).toBeGreaterThan(text.indexOf("Acc@t1"));
    });
});

describe("reflect-lab tag-errors", () => {
    const cli = (args: string[], open: (name: string) => Promise<OpenedTeacher>) => runCommand((p) => addTeacherCommands(p, { open, progressMs: 0 }), ["tag-errors", ...args]);

    it("tags with the named endpoint's teacher at its concurrency, shows progress, prints the breakdown (or JSON)", async () => {
        const run = copy();
        let disposed = 0;
        const t = teacher();
        const open = async (name: string): Promise<OpenedTeacher> => ({ backend: t, model: `${name}-model`, endpoint: name, concurrency: 2, dispose: async () => void disposed++ });
        const r = await cli([run, "--teacher", "big"], open);
        expect(r.code).toBeUndefined();
        expect(r.err).toMatch(/tagged 8\/8 \(100%\) · 0 before/);
        expect(r.err).toContain("teacher big-model");
        expect(r.out).toMatch(/^error types named by the reflections .*teacher big-model/);
        expect(disposed).toBe(1);
        const again = await cli([run, "--teacher", "big", "--json", "--concurrency", "1"], open);
        const j = JSON.parse(again.out) as { tagging: { already: number; tagged: number }; errorTypes: { overall: { reflections: number } } };
        expect(j.tagging).toMatchObject({ already: 8, tagged: 0 });
        expect(j.errorTypes.overall.reflections).toBe(6);
        const bad = await cli([join(dir, "no-such-run"), "--teacher", "big"], open);
        expect(bad.code).toBe(1);
        expect(bad.err).toMatch(/^reflect-lab: no batch run/);
    });
});

describe("error types panel", () => {
    it("shows per-task shares in the dashboard once a run is tagged", async () => {
        const run = copy();
        await tagRun(run, teacher());
        const b = errorTypeBreakdown(run)!;
        const panel = render(<ErrorTypesPanel breakdown={b} maxRows={5} />);
        const f = panel.lastFrame()!;
        expect(f).toMatch(/error types · % of 6 tagged reflections · teacher teacher-70b · 2 unreadable/);
        expect(f).toMatch(/calc\s+algo\s+logic\s+incons\s+context\s+incompl\s+format\s+fact/);
        expect(f).toMatch(/even\s+4\s+50\.0\s+0\.0\s+50\.0/);
        expect(f).toMatch(/overall\s+6\s+33\.3/);
        panel.unmount();

        const store = createBatchStore({ maxTurns: 2, verifier: "oracle" });
        store.setState({ status: "done", runDir: run });
        const ui = render(<BatchDashboard store={store} staticLog={false} />);
        expect(ui.lastFrame()).toContain("error types");
        ui.unmount();
        const live = createBatchStore({ maxTurns: 2, verifier: "oracle" });
        live.setState({ status: "running", runDir: run });
        const ui2 = render(<BatchDashboard store={live} staticLog={false} />);
        expect(ui2.lastFrame()).not.toContain("error types");
        ui2.unmount();
    });
});
