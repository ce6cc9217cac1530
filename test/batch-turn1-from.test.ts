// `batch --turn1-from`: turn 1 taken byte for byte from an earlier run (no turn-1 model call), and
// refused with the difference named when that run made turn 1 differently or lacks items.
import { afterAll, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ChatMessage, ParallelBackend } from "../src/backend/types.js";
import { startBatch } from "../src/batch/session.js";
import { RunStore } from "../src/batch/store.js";
import type { RunManifest } from "../src/batch/runs.js";
import type { ItemRecord } from "../src/engine/types.js";
import { closeMathWorker } from "../src/verify/math.js";
import { tinyConfig, tinyTasks } from "./helpers/batchTasks.js";
import { ScriptedBackend } from "./helpers/scriptedBackend.js";

const dir = mkdtempSync(join(tmpdir(), "rl-turn1-"));
afterAll(() => {
    closeMathWorker();
    rmSync(dir, { recursive: true, force: true });
});
const hardware = { gpu: "cpu", gpuLayers: "auto", vramCapMiB: null, threads: null } as const;
const itemOf = (m: ChatMessage[]) => Number(/What is (\d+) \+ 1/.exec(m[0]!.content)![1]);

/** Odd items wrong at turn 1 (the text names the model, so turn 1 from another model would show); corrections right. */
function slots(n: number, name: string): Omit<ParallelBackend, "slots"> & { slots: ScriptedBackend[] } {
    const script = (m: ChatMessage[]) => {
        const i = itemOf(m);
        if (m.length === 1) return `${name} thinks.\nFinal answer: ${i % 2 ? 0 : i + 1}`;
        const last = m.at(-1)!.content;
        if (last.startsWith("Your answer is incorrect") && !last.includes("Try again")) return `${name}: add one to ${i}.`;
        return `Final answer: ${i + 1}`;
    };
    const backends = Array.from({ length: n }, () => {
        const b = new ScriptedBackend(script, { chunkDelayMs: 1 });
        Object.assign(b.info, { modelFile: "base.gguf", modelSha256: createHash("sha256").update("base").digest("hex") });
        return b;
    });
    return { info: { ...backends[0]!.info, sequences: n }, slots: backends, dispose: async () => {} };
}

const bases = (out: string): ItemRecord[] => {
    const s = RunStore.open(out);
    try {
        return s.doneItems().map((i) => JSON.parse(s.baseRecord(i.itemId)!) as ItemRecord);
    } finally {
        s.close();
    }
};
const turn1 = (r: ItemRecord) => JSON.stringify(r.steps.filter((s) => s.turn === 1 && (s.kind === "answer" || s.kind === "verify")));

describe("batch --turn1-from", () => {
    const file = tinyTasks(join(dir, "t.jsonl"), 8);
    const source = join(dir, "source");

    it("reuses the stored turn 1 byte for byte and generates only reflections and corrections", async () => {
        await startBatch({ config: tinyConfig(file, { k: 2 }), out: source, hardware, backend: slots(2, "A") });
        const b = slots(2, "B");
        const out = join(dir, "reused");
        const summary = await startBatch({ config: tinyConfig(file, { k: 2, mode: "retry", turn1From: source }), out, hardware, backend: b });
        expect(summary).toMatchObject({ done: 8, errors: 0 });
        // No turn-1 call at all: every call B got continues a conversation.
        const calls = b.slots.flatMap((s) => s.calls.map((c) => c.messages));
        expect(calls.length).toBe(4 * 2);
        expect(calls.every((m) => m.length > 1)).toBe(true);
        const [a, r] = [bases(source), bases(out)];
        expect(r).toHaveLength(8);
        r.forEach((rec, i) => expect(turn1(rec)).toBe(turn1(a[i]!)));
        expect(r.every((rec) => rec.steps[0]!.output!.startsWith("A thinks."))).toBe(true);
        // The chains continue from A's failed answer (retry mode: no reflection).
        const s = RunStore.open(out);
        const samples = [...s.sampleRecords()].map((x) => JSON.parse(x.record) as ItemRecord);
        s.close();
        expect(samples).toHaveLength(8);
        expect(samples.map((x) => [x.steps[0]!.output!.split("\n")[0], x.steps.map((st) => st.kind).join(), x.correct_by_turn.join()])).toEqual(samples.map(() => ["A thinks.", "answer,verify,correct,verify", "false,true"]));
        const m = RunStore.readManifest<RunManifest>(out);
        expect(m.turn1_from).toEqual({ dir: source, id: "source" });
        expect(m.config.turn1From).toBe(source);
    });

    it("refuses a source made with another seed, sampler or verifier, naming each difference", async () => {
        const cfg = tinyConfig(file, { turn1From: source, sampler: { ...tinyConfig(file).sampler, seed: 6, temperature: 0.5 }, verifier: "self" });
        await expect(startBatch({ config: cfg, out: join(dir, "bad1"), hardware, backend: slots(1, "B") })).rejects.toThrow(/^--turn1-from .*cannot be reused: (?=.*seed: 5 there, 6 here)(?=.*sampler temperature: 0.8 there, 0.5 here)(?=.*verifier: oracle there, self here)/);
        expect(RunStore.exists(join(dir, "bad1"))).toBe(false);
    });

    it("refuses another model file (by sha256) and items the source never finished", async () => {
        const other = slots(1, "B");
        other.info.modelSha256 = createHash("sha256").update("other").digest("hex");
        await expect(startBatch({ config: tinyConfig(file, { turn1From: source }), out: join(dir, "bad2"), hardware, backend: other })).rejects.toThrow(/turn 1 was made by base\.gguf/);
        const more = tinyTasks(join(dir, "more.jsonl"), 10);
        await expect(startBatch({ config: tinyConfig(more, { turn1From: source }), out: join(dir, "bad3"), hardware, backend: slots(1, "B") })).rejects.toThrow(/2 of this run's 10 items are not done there \(q8, q9\)/);
    });

    it("refuses items whose question changed under the same id", async () => {
        const changed = join(dir, "changed.jsonl");
        writeFileSync(changed, JSON.stringify({ id: "q0", task: "even", question: "What is 0 + 1? (reworded)", choices: null, answer: "1", answer_index: null, tests: null, test_setup: null, family: "text" }) + "\n");
        await expect(startBatch({ config: tinyConfig(changed, { turn1From: source }), out: join(dir, "bad4"), hardware, backend: slots(1, "B") })).rejects.toThrow(/item q0 is not the same question there/);
    });
});
