// The batch runner on scripted slots: scheduling, reject sampling, the store, resume and retry.
import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startBatch, type BatchRequest } from "../src/batch/session.js";
import { RunStore } from "../src/batch/store.js";
import { reportRun } from "../src/batch/report.js";
import type { BatchConfig, BatchEvent } from "../src/batch/types.js";
import type { ChatMessage } from "../src/backend/types.js";
import type { ItemRecord } from "../src/engine/types.js";
import { closeMathWorker } from "../src/verify/math.js";
import { scriptedParallel } from "./helpers/scriptedBackend.js";
import { tinyConfig } from "./helpers/batchTasks.js";

const dir = mkdtempSync(join(tmpdir(), "rl-batch-"));
afterAll(() => {
    closeMathWorker();
    rmSync(dir, { recursive: true, force: true });
});

// Items 0..N-1: "What is i + 1?" with gold i+1. Even items are answered right at turn 1.
function taskFile(n: number, name = "tasks.jsonl"): string {
    const p = join(dir, name);
    writeFileSync(p, Array.from({ length: n }, (_, i) => JSON.stringify({ id: `q${i}`, task: i % 3 === 0 ? "alpha" : "beta", question: `What is ${i} + 1?`, choices: null, answer: String(i + 1), answer_index: null, tests: null, test_setup: null, family: "text" })).join("\n") + "\n");
    return p;
}

/** Right at turn 1 for even i; odd items get corrected only by reflections following a "1-…" instruction. */
const script = (messages: ChatMessage[]) => {
    const q = /What is (\d+) \+ 1/.exec(messages[0]!.content)!;
    const i = Number(q[1]);
    const last = messages.at(-1)!.content;
    if (messages.length === 1) return `Final answer: ${i % 2 === 0 ? i + 1 : 0}`;
    if (last.startsWith("Your answer is incorrect")) return `I should add one to ${i}.`;
    const firstStage = messages.at(-3)!.content.includes("tracing it step by step");
    return `Final answer: ${firstStage ? i + 1 : -1}`;
};

function config(tasks: string[], over: Partial<BatchConfig> = {}): BatchConfig {
    return { ...tinyConfig(tasks[0]!), tasks, k: 2, instructions: { kind: "fixed", keys: ["1-1-1", "2-2-2"] }, ...over };
}

const hardware = { gpu: "cpu", gpuLayers: "auto", vramCapMiB: null, threads: null } as const;

async function run(req: Partial<BatchRequest> & { config: BatchConfig; out: string }, slots = 3, delay = 0) {
    const backend = scriptedParallel(slots, script, { chunkDelayMs: delay });
    const events: BatchEvent[] = [];
    const summary = await startBatch({ hardware, backend, onEvent: (e) => events.push(e), ...req });
    return { summary, events, backend };
}

function records(out: string): ItemRecord[] {
    const s = RunStore.open(out);
    try {
        return [...s.sampleRecords()].map((r) => JSON.parse(r.record) as ItemRecord);
    } finally {
        s.close();
    }
}

describe("batch runner", () => {
    it("runs every item on parallel slots, samples K chains per instruction for failed answers, and stores them", async () => {
        const out = join(dir, "run-a");
        const { summary, events } = await run({ config: config([taskFile(10)]), out });
        expect(summary).toMatchObject({ done: 10, total: 10, errors: 0, interrupted: false });
        const s = RunStore.open(out);
        expect(s.counts()).toEqual({ items: 10, done: 10, errors: 0, samples: 5 * 2 * 2 });
        const outcomes = s.outcomes();
        s.close();
        expect(outcomes.filter((o) => o.t1).map((o) => o.itemId)).toEqual(["q0", "q2", "q4", "q6", "q8"]);
        const q1 = outcomes.find((o) => o.itemId === "q1")!;
        expect(q1.chains).toEqual([[false, true], [false, true], [false, false], [false, false]]);
        // All samples of an item start from the same turn-1 attempt and carry instruction and sample index.
        const recs = records(out).filter((r) => r.item.id === "q3");
        expect(recs.map((r) => `${r.sample!.instruction_key}#${r.sample!.sample_index}`)).toEqual(["1-1-1#0", "1-1-1#1", "2-2-2#0", "2-2-2#1"]);
        expect(new Set(recs.map((r) => JSON.stringify(r.steps[0]))).size).toBe(1);
        expect(new Set(recs.map((r) => r.steps[2]!.seed)).size).toBe(4);
        // Slots really ran side by side.
        const slots = new Set(events.filter((e) => e.type === "slot" && e.phase === "question").map((e) => (e as { slot: number }).slot));
        expect(slots).toEqual(new Set([0, 1, 2]));
        // Report from the stored records alone: t1 = 5/10; t2 adds half of each odd item's chains.
        const r = reportRun(out).metrics;
        expect(r.overall.accByTurn).toEqual([0.5, 0.75]);
        expect(r.overall.deltaLast).toBeCloseTo(0.25);
        expect(r.perTask.alpha!.n + r.perTask.beta!.n).toBe(10);
    });

    it("retry mode draws K retries with no reflection", async () => {
        const out = join(dir, "run-retry");
        await run({ config: config([taskFile(4, "r.jsonl")], { mode: "retry", k: 3 }), out });
        const recs = records(out);
        expect(recs).toHaveLength(2 * 3);
        for (const r of recs) {
            expect(r.sample!.instruction_key).toBeNull();
            expect(r.steps.map((s) => s.kind)).toEqual(["answer", "verify", "correct", "verify"]);
        }
    });

    it("stops on abort, keeps what finished, and resumes exactly the missing items without duplicates", async () => {
        const file = taskFile(12, "resume.jsonl");
        const ref = join(dir, "run-ref");
        await run({ config: config([file]), out: ref }, 3);
        const out = join(dir, "run-resume");
        const ac = new AbortController();
        let stored = 0;
        const first = await run(
            {
                config: config([file]),
                out,
                signal: ac.signal,
                onEvent: (e) => {
                    if (e.type === "item" && ++stored === 4) ac.abort();
                }
            },
            3,
            1
        );
        expect(first.summary.interrupted).toBe(true);
        const mid = RunStore.open(out);
        const doneMid = mid.counts().done;
        mid.close();
        expect(doneMid).toBeGreaterThanOrEqual(4);
        expect(doneMid).toBeLessThan(12);
        await expect(run({ config: config([file]), out })).rejects.toThrow(/--resume/);
        const second = await run({ config: config([file], { parallel: 2 }), out, resume: true }, 2);
        expect(second.events.find((e) => e.type === "start")).toMatchObject({ alreadyDone: doneMid, todo: 12 - doneMid });
        const a = records(ref).map((r) => ({ id: r.item.id, key: r.sample, steps: r.steps.map((s) => [s.kind, s.output, s.seed]) }));
        const b = records(out).map((r) => ({ id: r.item.id, key: r.sample, steps: r.steps.map((s) => [s.kind, s.output, s.seed]) }));
        expect(b).toEqual(a);
    });

    it("refuses to resume with changed prompts and reruns only errored items with --retry-errors", async () => {
        const file = taskFile(6, "err.jsonl");
        const out = join(dir, "run-err");
        let failOnce = true;
        const flaky = (m: ChatMessage[]) => {
            if (m[0]!.content.includes("What is 3 + 1") && failOnce) throw new Error("backend fell over");
            return script(m);
        };
        const backend = scriptedParallel(2, flaky);
        const s1 = await startBatch({ config: config([file]), out, hardware, backend });
        expect(s1.errors).toBe(1);
        const st = RunStore.open(out);
        expect(st.errors()).toEqual([{ itemId: "q3", task: "alpha", error: "backend fell over" }]);
        st.close();
        failOnce = false;
        const events: BatchEvent[] = [];
        const s2 = await startBatch({ config: config([file]), out, hardware, backend: scriptedParallel(2, flaky), retryErrors: true, onEvent: (e) => events.push(e) });
        expect(s2.errors).toBe(0);
        expect(events.filter((e) => e.type === "item").map((e) => (e as { result: { itemId: string } }).result.itemId)).toEqual(["q3"]);
        expect(reportRun(out).progress).toMatchObject({ done: 6, errors: 0 });

        const prompts = mkdtempSync(join(tmpdir(), "rl-prompts-"));
        const { cpSync } = await import("node:fs");
        cpSync(join(import.meta.dirname, "..", "prompts"), prompts, { recursive: true });
        writeFileSync(join(prompts, "turns", "retry.txt"), "Wrong. Again.\n\n{{format}}\n");
        await expect(startBatch({ config: config([file]), out, hardware, backend: scriptedParallel(1, script), resume: true, promptsDir: prompts })).rejects.toThrow(/prompts changed/);
    });

    it("spreads one item's sample chains over idle slots when no new items are left, keeping their order", async () => {
        const out = join(dir, "run-steal");
        const { events } = await run({ config: config([taskFile(2, "steal.jsonl")], { k: 3 }), out }, 3, 1);
        const reflectSlots = new Set(events.filter((e) => e.type === "slot" && e.phase === "reflect" && e.itemId === "q1").map((e) => (e as { slot: number }).slot));
        expect(reflectSlots.size).toBeGreaterThan(1);
        const recs = records(out).filter((r) => r.item.id === "q1");
        expect(recs.map((r) => `${r.sample!.instruction_key}#${r.sample!.sample_index}`)).toEqual(["1-1-1#0", "1-1-1#1", "1-1-1#2", "2-2-2#0", "2-2-2#1", "2-2-2#2"]);
        expect(new Set(recs.map((r) => JSON.stringify(r.steps.slice(0, 2)))).size).toBe(1);
        expect(reportRun(out).progress).toMatchObject({ done: 2, samples: 6 });
    });

    it("is deterministic: the same seed and config give the same records whatever the parallelism", async () => {
        const file = taskFile(6, "det.jsonl");
        await run({ config: config([file], { parallel: 1 }), out: join(dir, "det-1") }, 1);
        await run({ config: config([file], { parallel: 3 }), out: join(dir, "det-3") }, 3, 1);
        const strip = (rs: ItemRecord[]) => rs.map((r) => r.steps.map((s) => [s.kind, s.turn, s.output, s.seed, s.instruction_key, s.verdict?.correct]));
        expect(strip(records(join(dir, "det-3")))).toEqual(strip(records(join(dir, "det-1"))));
    });
});
