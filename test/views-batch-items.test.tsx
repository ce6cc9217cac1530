// Finished items of a real (scripted) batch run opened from the dashboard: ↑/↓ select, enter reads the
// item back from the run store and shows its turn-1 answer and each chain, ↑/↓ change chains, esc back.
import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { render } from "ink-testing-library";
import { startBatch } from "../src/batch/session.js";
import { closeMathWorker } from "../src/verify/math.js";
import { BatchDashboard } from "../views/batch/BatchDashboard.js";
import { createBatchBridge } from "../views/batch/bridge.js";
import { loadItemDetail } from "../views/batch/itemDetail.js";
import { createBatchStore, type BatchStore } from "../views/batch/store.js";
import { tinyConfig, tinyTasks, wrongThenRight } from "./helpers/batchTasks.js";
import { until } from "./helpers/ink.js";
import { scriptedParallel } from "./helpers/scriptedBackend.js";

const dir = mkdtempSync(join(tmpdir(), "rl-views-batch-items-"));
afterAll(() => {
    closeMathWorker();
    rmSync(dir, { recursive: true, force: true });
});

const hardware = { gpu: "cpu", gpuLayers: "auto", vramCapMiB: null, threads: null } as const;

/** Four items, each wrong at turn 1 and right after its reflection, two chains each (k 2). */
let runs = 0;
async function finishedRun(): Promise<{ store: BatchStore; out: string }> {
    const file = tinyTasks(join(dir, "tiny.jsonl"), 4);
    const out = join(dir, `run-${runs++}`);
    const store = createBatchStore({ maxTurns: 2, verifier: "oracle" });
    const bridge = createBatchBridge(store, { throttleMs: 0, tickMs: 0 });
    await startBatch({ config: tinyConfig(file, { k: 2 }), out, hardware, backend: scriptedParallel(2, wrongThenRight), onEvent: bridge.onEvent });
    bridge.dispose();
    return { store, out };
}

describe("opening finished items", () => {
    it("reads an item's records back: turn-1 answer and verdict, each chain's instruction, reflection, correction and verdict", async () => {
        const { store, out } = await finishedRun();
        const recent = store.getState().recent;
        expect(recent).toHaveLength(4);
        const d = loadItemDetail(out, recent[0]!);
        expect(d.error).toBeUndefined();
        const i = Number(/What is (\d+) \+ 1/.exec(d.question)![1]);
        expect(d.gold).toBe(String(i + 1));
        expect(d.turn1).toMatchObject({ answer: "I guess.\nFinal answer: 999", verdict: { correct: false, mode: "oracle", extracted: "999", reason: expect.stringContaining('read "999"') } });
        expect(d.chains).toHaveLength(2);
        for (const [n, c] of d.chains.entries()) {
            expect(c).toMatchObject({ instruction: "1-1-1", sampleIndex: n, correctByTurn: [false, true] });
            expect(c.turns).toHaveLength(1);
            expect(c.turns[0]).toMatchObject({ turn: 2, reflection: `I should add one to ${i}.`, answer: `Final answer: ${i + 1}`, verdict: { correct: true, extracted: String(i + 1) } });
        }
        // An errored line has no records: its error is shown.
        expect(loadItemDetail(out, { key: 99, itemId: "qx", task: "t", t1: null, samples: 0, correctAtMax: 0, error: "boom" })).toMatchObject({ error: "boom", chains: [] });
    });

    it("inside the lab: ↑ selects, enter opens, ↓ shows the next chain, esc closes the item, then the selection, then leaves", async () => {
        const { store } = await finishedRun();
        let back = 0;
        const ui = render(<BatchDashboard store={store} staticLog={false} onBack={() => back++} />);
        const frame = () => ui.lastFrame() ?? "";
        const press = async (k: string) => {
            ui.stdin.write(k);
            await new Promise((r) => setTimeout(r, 30));
        };
        try {
            await until(frame, (f) => f.includes("● done"), "the ended dashboard");
            expect(frame()).toContain("flips c→i/i→c: overall 0/8");
            expect(frame()).not.toContain("› ");
            const newest = store.getState().recent.at(-1)!.itemId;
            const older = store.getState().recent.at(-2)!.itemId;
            await press("\x1B[A");
            expect(frame()).toMatch(new RegExp(`› ✗ ${newest} `));
            await press("\x1B[A");
            expect(frame()).toMatch(new RegExp(`› ✗ ${older} `));
            expect(frame()).toContain("enter open");
            await press("\r");
            let f = await until(frame, (x) => x.includes("chain 1/2"), "the item view");
            expect(f).toContain(older);
            expect(f).toContain("turn 1: I guess. Final answer: 999");
            expect(f).toMatch(/✗ incorrect \(oracle\) · read "999" \(\S.*\) · gold "?\d+"?/);
            expect(f).toContain("chain [1-1-1] #0 · by turn ✗ ✓");
            expect(f).toMatch(/reflection → t2: I should add one to \d+\./);
            expect(f).toMatch(/turn 2: Final answer: \d+/);
            expect(f).toMatch(/✓ correct \(oracle\) · read "\d+" \(\S.*\) · gold "?\d+"?/);
            expect(f).toContain("↑↓ chain");
            await press("\x1B[B");
            f = await until(frame, (x) => x.includes("chain 2/2"), "the second chain");
            expect(f).toContain("chain [1-1-1] #1");
            await press("\x1B");
            f = await until(frame, (x) => x.includes("● done"), "back to the dashboard");
            expect(f).toMatch(new RegExp(`› ✗ ${older} `));
            expect(back).toBe(0);
            await press("\x1B");
            expect(frame()).not.toContain("› ");
            expect(back).toBe(0);
            await press("\x1B");
            expect(back).toBe(1);
        } finally {
            ui.unmount();
        }
    });

    it("standalone (finished items printed above): ↑ brings a selectable list into the live region", async () => {
        const { store } = await finishedRun();
        const ui = render(<BatchDashboard store={store} />);
        try {
            const before = ui.lastFrame()!;
            expect(before).not.toContain("› ");
            ui.stdin.write("\x1B[A");
            const f = await until(() => ui.lastFrame() ?? "", (x) => x.includes("› "), "the selection");
            const newest = store.getState().recent.at(-1)!.itemId;
            expect(f).toMatch(new RegExp(`› ✗ ${newest} `));
        } finally {
            ui.unmount();
        }
    });
});
