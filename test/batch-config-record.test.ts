// Every stored record (turn-1 base and each sampled chain) names the instruction plan the batch run
// actually used, not the loop's unused default. Scripted slots, no model.
import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startBatch } from "../src/batch/session.js";
import { RunStore } from "../src/batch/store.js";
import type { InstructionPlan } from "../src/batch/types.js";
import type { ItemRecord } from "../src/engine/types.js";
import { closeMathWorker } from "../src/verify/math.js";
import { scriptedParallel } from "./helpers/scriptedBackend.js";
import { tinyConfig, tinyTasks, wrongThenRight } from "./helpers/batchTasks.js";

const dir = mkdtempSync(join(tmpdir(), "rl-batch-config-"));
afterAll(() => {
    closeMathWorker();
    rmSync(dir, { recursive: true, force: true });
});

const hardware = { gpu: "cpu", gpuLayers: "auto", vramCapMiB: null, threads: null } as const;

function stored(out: string): { base: ItemRecord[]; samples: ItemRecord[] } {
    const s = RunStore.open(out);
    try {
        const samples = [...s.sampleRecords()].map((r) => JSON.parse(r.record) as ItemRecord);
        const base = s.outcomes().map((o) => JSON.parse(s.baseRecord(o.itemId)!) as ItemRecord);
        return { base, samples };
    } finally {
        s.close();
    }
}

describe("batch records name the run's instruction plan", () => {
    const tasks = tinyTasks(join(dir, "tasks.jsonl"), 3);
    const cases: [InstructionPlan, string, number][] = [
        [{ kind: "random", count: 1 }, "random:1", 1],
        [{ kind: "fixed", keys: ["1-3-2"] }, "fixed:1-3-2", 1],
        [{ kind: "fixed", keys: ["1-3-2", "2-1-1"] }, "fixed:1-3-2,2-1-1", 2],
        [{ kind: "round-robin" }, "round-robin", 1],
        [{ kind: "all" }, "all", 32]
    ];
    for (const [plan, spec, perItem] of cases) {
        it(`${spec}: base and sample records say "${spec}"`, async () => {
            const out = join(dir, `run-${spec.replace(/[^a-z0-9]+/gi, "_")}`);
            const summary = await startBatch({ hardware, backend: scriptedParallel(2, wrongThenRight), config: tinyConfig(tasks, { instructions: plan, parallel: 2 }), out });
            expect(summary.done).toBe(3);
            const { base, samples } = stored(out);
            expect(base).toHaveLength(3);
            expect(samples).toHaveLength(3 * perItem);
            for (const r of [...base, ...samples]) expect(r.config.instructions).toBe(spec);
            if (plan.kind === "fixed") expect(new Set(samples.map((r) => r.sample!.instruction_key))).toEqual(new Set(plan.keys));
        });
    }

    it("retry mode keeps the run's plan in the config; the samples carry no instruction", async () => {
        const out = join(dir, "run-retry");
        await startBatch({ hardware, backend: scriptedParallel(2, wrongThenRight), config: tinyConfig(tasks, { instructions: { kind: "random", count: 1 }, mode: "retry", parallel: 2 }), out });
        const { base, samples } = stored(out);
        for (const r of [...base, ...samples]) expect(r.config.instructions).toBe("random:1");
        expect(samples.every((r) => r.sample!.instruction_key === null)).toBe(true);
    });
});
