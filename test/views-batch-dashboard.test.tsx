// The batch dashboard: its store and bridge driven by scripted BatchEvents, and runBatchDashboard on scripted slots.
import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { render } from "ink-testing-library";
import { computeMetrics } from "../src/batch/metrics.js";
import { RunStore } from "../src/batch/store.js";
import type { BatchEvent, ItemOutcome, ItemResult } from "../src/batch/types.js";
import { closeMathWorker } from "../src/verify/math.js";
import { BatchDashboard } from "../views/batch/BatchDashboard.js";
import { createBatchBridge, LOG_CHUNK } from "../views/batch/bridge.js";
import { runBatchDashboard } from "../views/batch/run.js";
import { createBatchStore } from "../views/batch/store.js";
import { tinyConfig, tinyTasks, wrongThenRight } from "./helpers/batchTasks.js";
import { scriptedParallel } from "./helpers/scriptedBackend.js";
import { until, FakeStdout, FakeStdin } from "./helpers/ink.js";

const dir = mkdtempSync(join(tmpdir(), "rl-views-batch-"));
afterAll(() => {
    closeMathWorker();
    rmSync(dir, { recursive: true, force: true });
});

const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));


const OUTCOMES: ItemOutcome[] = [
    { itemId: "a1", task: "alpha", t1: true, chains: [] },
    { itemId: "a2", task: "alpha", t1: false, chains: [[false, true], [false, false]] },
    // Self verifier: a right answer judged wrong, then "corrected" into a wrong one (two c→i flips).
    { itemId: "b1", task: "beta", t1: true, chains: [[true, false], [true, false]] }
];

const itemEvent = (o: ItemOutcome, done: number, total = 10): BatchEvent => ({ type: "item", result: { itemId: o.itemId } as unknown as ItemResult, outcome: o, done, total });

describe("batch dashboard (scripted events)", () => {
    it("shows progress, rates, slots, Acc@t1/Acc@t2/Δ/flips, per-task rows with CIs, the state line and finished items", async () => {
        const store = createBatchStore({ maxTurns: 2, verifier: "self", title: "batch demo" });
        const bridge = createBatchBridge(store, { throttleMs: 100 });
        const ui = render(<BatchDashboard store={store} />);
        try {
            bridge.onEvent({ type: "start", total: 10, alreadyDone: 0, todo: 10, parallel: 3, runDir: "/tmp/run-x" });
            bridge.onEvent({ type: "slot", slot: 0, phase: "question", itemId: "c7", question: "What is 6 times 7?\nThink about it." });
            bridge.onEvent({ type: "slot", slot: 0, phase: "answer", itemId: "c7" });
            bridge.onEvent({ type: "slot", slot: 1, phase: "question", itemId: "c8", question: "Which box is the heaviest?" });
            bridge.onEvent({ type: "slot", slot: 1, phase: "reflect", itemId: "c8", detail: "1-3-2" });
            bridge.onEvent({ type: "slot", slot: 2, phase: "question", itemId: "c9", question: "Is the sky green?" });
            bridge.onEvent({ type: "slot", slot: 2, phase: "verify", itemId: "c9" });
            for (let i = 0; i < 20; i++) bridge.onEvent({ type: "tokens", slot: i % 3, count: 25 });
            OUTCOMES.forEach((o, i) => bridge.onEvent(itemEvent(o, i + 1)));
            bridge.onEvent({ type: "state", message: "waiting: all sequences busy, backing off 2s" });
            // Throttled: nothing of this reached the store yet.
            expect(store.getState().done).toBe(0);
            await tick(200);
            const f = ui.lastFrame()!;
            expect(f).toContain("3/10");
            expect(f).toMatch(/\d+\.\d\d items\/s/);
            expect(f).toMatch(/[1-9]\d*\.\d tok\/s/);
            expect(f).toContain("ETA");
            expect(f).toMatch(/#0\s+answer\s+c7 What is 6 times 7\? Think about it\./);
            expect(f).toMatch(/#1\s+reflect\s+c8 \[1-3-2\] Which box is the heaviest\?/);
            expect(f).toMatch(/#2\s+verify\s+c9 Is the sky green\?/);
            // What MetricsAccumulator computes for these outcomes: t1 2/3, t2 (1 + .5 + 0)/3, Δ -1/6.
            const m = computeMetrics(OUTCOMES, 2);
            expect(m.overall.accByTurn.map((a) => (100 * a).toFixed(1))).toEqual(["66.7", "50.0"]);
            expect(f).toContain("Acc@t1 66.7 · Acc@t2 50.0 · Δ -16.7 · flips c→i 2 i→c 1 · N 3 · 4 samples");
            // The flips line, per task too (the README promises correct→incorrect flips on the dashboard).
            expect(f).toContain("flips c→i/i→c: overall 2/1 · alpha 0/1 · beta 2/0");
            // The ETA is smoothed and shown rounded.
            expect(f).toMatch(/ETA ~\d+(m\d\ds|s)/);
            expect(f).toMatch(/alpha\s+2\s+50\.0\s+75\.0\s+\+25\.0\s+\[19\.8, 97\.3\]/);
            expect(f).toMatch(/beta\s+1\s+100\.0\s+0\.0\s+-100\.0\s+\[0\.0, 79\.3\]/);
            // The bar, with the 95% interval marked (╟ ╢) and printed after the value.
            expect(f).toMatch(/t1 [█╟]+[█·╢]+\s+66\.7% \[20\.8, 93\.9\]/);
            expect(f).toMatch(/t2 [█╟]+[█·╢]+\s+50\.0% \[12\.5, 87\.5\]/);
            expect(f).toContain("waiting: all sequences busy, backing off 2s");
            // Finished items, printed statically above the live region.
            expect(f).toContain("✓ a1 · alpha · t1 ✓ · no samples");
            expect(f).toContain("✗ a2 · alpha · t1 ✗ · 2 samples · best t2 ✓ (1/2)");
            expect(f).toContain("✓ b1 · beta · t1 ✓ · 2 samples · best t2 ✗ (0/2)");
            expect(f.indexOf("a2 · alpha")).toBeLessThan(f.indexOf("3/10"));

            bridge.onEvent({ type: "item-error", itemId: "c9", task: "beta", error: "backend fell over", done: 3, total: 10 });
            bridge.onEvent({ type: "done", done: 3, total: 10, errors: 1, interrupted: true, seconds: 1 });
            await tick(50);
            const end = ui.lastFrame()!;
            expect(end).toContain("■ stopped");
            expect(end).toContain("last error: c9: backend fell over");
            expect(end).toContain("! c9 · beta · error: backend fell over");
            expect(end).not.toContain("waiting: all sequences busy");
            // The finished lines were printed once each.
            expect(end.split("a2 · alpha").length).toBe(2);
        } finally {
            bridge.dispose();
            ui.unmount();
        }
    });

    it("keeps memory flat: the store holds at most one chunk of finished lines, and caps slot rows to the terminal", () => {
        const store = createBatchStore({ maxTurns: 2, verifier: "oracle" });
        const bridge = createBatchBridge(store, { throttleMs: 0 });
        bridge.onEvent({ type: "start", total: 10_000, alreadyDone: 0, todo: 10_000, parallel: 32, runDir: "/tmp/r" });
        for (let i = 0; i < 10_000; i++) bridge.onEvent(itemEvent({ itemId: `q${i}`, task: `t${i % 3}`, t1: i % 2 === 0, chains: [] }, i + 1, 10_000));
        const s = store.getState();
        expect(s.done).toBe(10_000);
        expect(s.log.length).toBeLessThanOrEqual(LOG_CHUNK);
        expect(s.log.at(-1)!.itemId).toBe("q9999");
        expect(s.report.overall.n).toBe(10_000);
        expect(s.report.overall.accByTurn[0]).toBeCloseTo(0.5);
        for (let i = 0; i < 32; i++) bridge.onEvent({ type: "slot", slot: i, phase: "answer", itemId: `q${i}`, question: "x" });
        const ui = render(<BatchDashboard store={store} />);
        const f = ui.lastFrame()!;
        expect(f).toMatch(/\+\d+ more/);
        expect(f.split("\n").length).toBeLessThan(40 + LOG_CHUNK + 5);
        ui.unmount();
        bridge.dispose();
    });
});

// --- runBatchDashboard on a real startBatch with scripted slots ---


const hardware = { gpu: "cpu", gpuLayers: "auto", vramCapMiB: null, threads: null } as const;

describe("runBatchDashboard", () => {
    it("runs a batch under the dashboard, stops on q with interrupted=true, and resumes the rest", async () => {
        const file = tinyTasks(join(dir, "tiny.jsonl"), 12);
        const out = join(dir, "run-dash");
        const stdout = new FakeStdout();
        const stdin = new FakeStdin();
        const events: BatchEvent[] = [];
        let items = 0;
        const first = runBatchDashboard(
            { config: tinyConfig(file), out, hardware, backend: scriptedParallel(3, wrongThenRight, { chunkDelayMs: 15 }), onEvent: (e) => (events.push(e), e.type === "item" && items++) },
            { stdout: stdout as unknown as NodeJS.WriteStream, stdin: stdin as unknown as NodeJS.ReadStream }
        );
        await until(() => items, (n) => n >= 2, "two items");
        stdin.write("q");
        const s1 = await first;
        expect(s1.interrupted).toBe(true);
        expect(s1.done).toBeLessThan(12);
        expect(s1.runDir).toBe(out);
        expect(s1.manifest.schema).toBe("reflect-lab/run@1");
        expect(events.some((e) => e.type === "start")).toBe(true);
        expect(events.at(-1)).toMatchObject({ type: "done", interrupted: true });
        const mid = RunStore.open(out);
        const doneMid = mid.counts().done;
        mid.close();
        expect(doneMid).toBe(s1.done);
        // The final frame stays: the stop and the final metrics.
        expect(stdout.out).toContain("■ stopped");
        expect(stdout.out).toContain("Acc@t1 0.0 · Acc@t2 100.0 · Δ +100.0");

        const stdout2 = new FakeStdout();
        const s2 = await runBatchDashboard(
            { config: tinyConfig(file), out, resume: true, hardware, backend: scriptedParallel(3, wrongThenRight) },
            { stdout: stdout2 as unknown as NodeJS.WriteStream, stdin: new FakeStdin() as unknown as NodeJS.ReadStream }
        );
        expect(s2).toMatchObject({ done: 12, total: 12, errors: 0, interrupted: false });
        const end = RunStore.open(out);
        expect(end.counts()).toEqual({ items: 12, done: 12, errors: 0, samples: 12 });
        end.close();
        expect(stdout2.out).toContain("12/12");
        expect(stdout2.out).toContain(`resumed: ${doneMid} already done`);
        // Metrics cover the whole run, the stored items included.
        expect(stdout2.out).toMatch(/Acc@t1 0\.0 · Acc@t2 100\.0 · Δ \+100\.0 · N 12/);
    });
});
