// A long run must not keep its finished items in memory: the runner once kept every finished job
// (its loops and records) in its open list, ~30 KB an item, so 10,000 items grew the heap by 300 MB.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { startBatch } from "../src/batch/session.js";
import { scriptedParallel } from "./helpers/scriptedBackend.js";
import { tinyConfig } from "./helpers/batchTasks.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

describe("the batch runner's memory over a long run", () => {
    it("lets go of finished items while the run goes on", async () => {
        const dir = mkdtempSync(join(tmpdir(), "rl-retain-"));
        const tasks = join(dir, "t.jsonl");
        const N = 300;
        writeFileSync(tasks, Array.from({ length: N }, (_, i) => JSON.stringify({ id: `m${i}`, task: "t", question: `What is ${i} + 1?`, answer: String(i + 1), family: "text" })).join("\n") + "\n");
        // Every turn-1 answer is wrong, so every item opens sample chains (the jobs that were kept).
        const model = scriptedParallel(4, (m) => (m.length === 1 ? "Final answer: 0" : m.at(-1)!.content.startsWith("Your answer") ? "I should add one." : "Final answer: 1"), { keepCalls: false, chunkDelayMs: 1 });
        const early: WeakRef<object>[] = [];
        let twoSamples = 0;
        let measured: Promise<number> | null = null;
        let done = 0;
        let doneWhenMeasured = -1;
        await startBatch({
            config: tinyConfig(tasks, { parallel: 4, k: 2, maxTurns: 2, instructions: { kind: "fixed", keys: ["1-1-1"] } }),
            out: join(dir, "run"),
            hardware: { gpu: "cpu", gpuLayers: "auto", vramCapMiB: null, threads: null },
            backend: model,
            onEvent: (e) => {
                if (e.type !== "item") return;
                done = e.done;
                if (e.done <= 50) {
                    if (e.result.samples.length === 2) twoSamples++;
                    early.push(new WeakRef(e.result.base), ...e.result.samples.map((s) => new WeakRef(s)));
                }
                // Collected on the next turn of the event loop (a WeakRef's target lives to the end of the job
                // that touched it), while the run's last 20 items are still to come.
                if (e.done === N - 20)
                    measured = new Promise((resolve) =>
                        setImmediate(() => {
                            gc();
                            doneWhenMeasured = done;
                            resolve(early.filter((r) => r.deref() !== undefined).length);
                        })
                    );
            }
        });
        expect(twoSamples).toBe(50);
        expect(measured).not.toBeNull();
        // None of the first 50 items' records may still be held by the runner, measured mid-run.
        expect(await measured!).toBe(0);
        expect(doneWhenMeasured).toBeGreaterThanOrEqual(N - 20);
        expect(doneWhenMeasured).toBeLessThan(N);
        expect(early.length).toBe(150);
    }, 60_000);
});
