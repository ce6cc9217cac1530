// The self-evolving loop on the real default model, end to end on CPU: split by question, round 0
// (base eval + retry baseline), two rounds of batch -> curate -> train (TRL, real adapters) -> eval,
// every eval reusing round 0's turn 1 byte for byte; then --resume finds every step done, and a
// removed step is redone alone.
import { afterAll, describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunManifest } from "../src/batch/runs.js";
import { RunStore } from "../src/batch/store.js";
import type { ItemRecord } from "../src/engine/types.js";
import { evolvePaths } from "../src/evolve/layout.js";
import { runEvolve, type EvolveEvent } from "../src/evolve/run.js";
import { formatRoundsTable } from "../src/evolve/table.js";
import type { EvolveConfig } from "../src/evolve/types.js";
import { PROJECT_ROOT } from "../src/paths.js";
import type { TrainingResult } from "../src/training/types.js";
import { closeMathWorker } from "../src/verify/math.js";

const dir = mkdtempSync(join(tmpdir(), "rl-evolve-e2e-"));
const out = join(dir, "evolve");
const P = evolvePaths(out);
afterAll(() => {
    closeMathWorker();
    rmSync(dir, { recursive: true, force: true });
});

const hardware = { gpu: "cpu", gpuLayers: "auto", vramCapMiB: null, threads: 2 } as const;
/** Yes/no items (two options) give the 135M model a fair chance of a right correction, so D+ fills with few items. */
const config: EvolveConfig = {
    tasks: [join(PROJECT_ROOT, "test", "fixtures", "evolve", "yesno.jsonl")],
    format: "auto",
    limit: null,
    rounds: 2,
    setting: "one-stage",
    evalShare: 0.25,
    seed: 7,
    k: 2,
    instructions: { kind: "random", count: 3 },
    maxTurns: 2,
    sampler: { temperature: 0.8, topK: 40, topP: 0.95, minP: 0.05, repeatPenalty: 1.1, seed: 7, maxTokens: 96 },
    model: "default",
    contextSize: 1024,
    parallel: 4,
    hyper: { maxSteps: 2, batchSize: 2, gradAccum: 1, lr: 2e-3, loggingSteps: 1, saveSteps: 2, evalSteps: 50, threads: 2, maxLength: 512 },
    teacher: null
};

const baseRecords = (run: string): Map<string, ItemRecord> => {
    const s = RunStore.open(run);
    try {
        return new Map(s.doneItems().map((i) => [i.itemId, JSON.parse(s.baseRecord(i.itemId)!) as ItemRecord]));
    } finally {
        s.close();
    }
};
const turn1Text = (r: ItemRecord) => JSON.stringify(r.steps.filter((s) => s.turn === 1 && (s.kind === "answer" || s.kind === "verify")).map((s) => [s.kind, s.output ?? null, s.verdict]));
const lines = (f: string) => readFileSync(f, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as { id: string; task: string; question: string });

describe("reflect-lab evolve on the default model", () => {
    const events: EvolveEvent[] = [];
    it("runs two rounds: real adapters, non-empty D+ each round, evals paired on round 0's turn 1", async () => {
        const t0 = performance.now();
        const result = await runEvolve({ out, config, hardware, onEvent: (e) => events.push(e) });
        console.log(`[e2e-evolve] ${((performance.now() - t0) / 1000).toFixed(0)} s\n${formatRoundsTable(result.table)}`);
        expect(result.stopped).toBeNull();

        // The split: by question, disjoint, stored once.
        const train = lines(P.trainTasks);
        const evalPart = lines(P.evalTasks);
        expect(train.length + evalPart.length).toBe(16);
        expect(evalPart.length).toBe(4);
        const trainQ = new Set(train.map((i) => i.question));
        expect(evalPart.filter((i) => trainQ.has(i.question))).toHaveLength(0);

        const base = baseRecords(P.baseEval);
        expect(base.size).toBe(evalPart.length);
        const failedBase = [...base.values()].filter((r) => r.correct_by_turn[0] === false).length;
        for (const r of [1, 2]) {
            const R = P.round(r);
            // Trained for real: result.json names an adapter GGUF that exists and is not empty.
            const res = JSON.parse(readFileSync(join(R.train, "result.json"), "utf8")) as TrainingResult;
            expect(res.setting).toBe("one-stage");
            expect(statSync(res.reflector.adapter!).size).toBeGreaterThan(1000);
            // D+ non-empty in every round, accumulated (round 2 holds at least round 1's rows).
            const curated = events.filter((e): e is Extract<EvolveEvent, { type: "curated" }> => e.type === "curated" && e.round === r);
            expect(curated).toHaveLength(1);
            expect(curated[0]!.rows).toBeGreaterThan(0);
            // The eval: turn 1 byte-identical to round 0's, reflections by the trained adapter.
            const evalRun = baseRecords(R.eval);
            expect(evalRun.size).toBe(base.size);
            for (const [id, rec] of base) expect(turn1Text(evalRun.get(id)!)).toBe(turn1Text(rec));
            const m = RunStore.readManifest<RunManifest>(R.eval);
            expect(m.turn1_from?.dir).toBe(P.baseEval);
            expect(m.config.reflector?.source).toBe(R.train);
            // The table's paired difference is over every eval item (all share turn 1).
            const row = result.table.rows.find((x) => x.round === r)!;
            expect(row.paired?.sharedTurn1).toBe(base.size);
            expect(row.paired?.sharedFailures).toBe(failedBase);
            expect(row.dplus).toBeGreaterThan(0);
            expect(row.loss).not.toBeNull();
        }
        const rows = (f: string) => readFileSync(f, "utf8").split("\n").filter(Boolean).length;
        expect(rows(join(P.round(2).curated, "sft.one-stage.train.jsonl"))).toBeGreaterThanOrEqual(rows(join(P.round(1).curated, "sft.one-stage.train.jsonl")));
        // Round 2 generated with round 1's reflector over round 1's turn 1.
        const b2 = RunStore.readManifest<RunManifest>(P.round(2).batch);
        expect(b2.config.reflector?.source).toBe(P.round(1).train);
        const t1a = baseRecords(P.round(1).batch);
        const t1b = baseRecords(P.round(2).batch);
        expect(t1b.size).toBe(t1a.size);
        for (const [id, rec] of t1a) expect(turn1Text(t1b.get(id)!)).toBe(turn1Text(rec));
        // The retry baseline stands beside, on the same turn 1.
        expect(result.table.rows[1]!.label).toMatch(/retry/);
        expect(result.table.rows[1]!.paired?.sharedTurn1).toBe(base.size);
        // Honest table: every trained round says whether its interval includes 0.
        const text = formatRoundsTable(result.table);
        for (const r of [1, 2]) expect(text).toMatch(new RegExp(`round ${r}: (the interval of the gain over round 0 includes 0|the gain over round 0 is (positive|negative) at 95%|too few paired questions)`));
    }, 1_800_000);

    it("--resume skips every finished step, and redoes only a removed one", async () => {
        const again: EvolveEvent[] = [];
        await runEvolve({ out, config, hardware, resume: true, onEvent: (e) => again.push(e) });
        const steps = again.filter((e): e is Extract<EvolveEvent, { type: "step" }> => e.type === "step");
        expect(steps.length).toBeGreaterThanOrEqual(10);
        expect(steps.every((s) => s.state === "skipped")).toBe(true);

        rmSync(P.round(2).eval, { recursive: true, force: true });
        const third: EvolveEvent[] = [];
        await runEvolve({ out, config, hardware, resume: true, onEvent: (e) => third.push(e) });
        const started = third.filter((e): e is Extract<EvolveEvent, { type: "step" }> => e.type === "step" && e.state === "start").map((e) => `${e.round}:${e.step}`);
        expect(started).toEqual(["2:eval"]);
        expect(existsSync(join(P.round(2).eval, "manifest.json"))).toBe(true);
    }, 600_000);

    it("refuses to resume with other settings, naming them", async () => {
        await expect(runEvolve({ out, config: { ...config, k: 3 }, hardware, resume: true })).rejects.toThrow(/started with other settings \(k\)/);
        await expect(runEvolve({ out, config, hardware })).rejects.toThrow(/already holds an evolve run; pass --resume/);
    });
});
