// Comparing two stored batch runs: every number against hand counts, alignment, warnings, the printout (three-run Tab. 2: compare-tab2.test.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import type { ChatMessage, ParallelBackend } from "../src/backend/types.js";
import { compareRuns, pairedInterval } from "../src/batch/compare.js";
import { pairedBootstrap } from "../src/batch/bootstrap.js";
import { compareMany } from "../src/batch/compareMany.js";
import { formatCompareMany, tab2Table } from "../src/batch/compareTable.js";
import { wilson } from "../src/batch/metrics.js";
import { reflectorFromAdapters } from "../src/batch/reflector.js";
import { listBatchRuns, resolveRun } from "../src/batch/runs.js";
import { startBatch } from "../src/batch/session.js";
import type { BatchConfig } from "../src/batch/types.js";
import { closeMathWorker } from "../src/verify/math.js";
import { compareJson } from "../bin/compare.js";
import { tinyConfig } from "./helpers/batchTasks.js";
import { scriptedParallel } from "./helpers/scriptedBackend.js";

const sessions = mkdtempSync(join(tmpdir(), "rl-compare-"));
afterAll(() => {
    closeMathWorker();
    rmSync(sessions, { recursive: true, force: true });
});

const hardware = { gpu: "cpu", gpuLayers: "auto", vramCapMiB: null, threads: null } as const;

/** Items q<i> "What is i + 1?"; alpha for i < 4, beta after. */
function tasks(name: string, ids: number[]): string {
    const p = join(sessions, name);
    writeFileSync(p, ids.map((i) => JSON.stringify({ id: `q${i}`, task: i < 4 ? "alpha" : "beta", question: `What is ${i} + 1?`, choices: null, answer: String(i + 1), answer_index: null, tests: null, test_setup: null, family: "text" })).join("\n") + "\n");
    return p;
}

const itemOf = (m: ChatMessage[]) => Number(/What is (\d+) \+ 1/.exec(m[0]!.content)![1]);
/** Which of the two instructions (1-1-1 traces step by step, 2-2-2 skims) the chain's last reflection followed. */
const traced = (m: ChatMessage[]) => m.at(-3)!.content.includes("tracing it step by step");
const turnOf = (m: ChatMessage[]) => (m.length - 1) / 4 + 1;

/** A model: turn 1 right for the items in `t1`; a correction is right when `fix(item, traced, turn)`. */
function model(t1: number[], fix: (i: number, traced: boolean, turn: number) => boolean) {
    return (m: ChatMessage[]) => {
        const i = itemOf(m);
        if (m.length === 1) return `Final answer: ${t1.includes(i) ? i + 1 : 0}`;
        if (m.at(-1)!.content.startsWith("Your answer is incorrect")) return "A reflection.";
        return `Final answer: ${fix(i, traced(m), turnOf(m)) ? i + 1 : 0}`;
    };
}

// Run A (base reflector) and B (trained), per failed item: [traced chain, skimmed chain] right at turn 2?
const A_FIX: Record<number, [boolean, boolean]> = { 1: [true, false], 2: [false, false], 3: [true, true], 5: [false, false], 6: [true, false], 7: [false, false] };
const B_FIX: Record<number, [boolean, boolean]> = { 1: [true, true], 2: [true, false], 3: [true, true], 5: [false, false], 6: [true, true], 7: [true, false] };
const fixBy = (table: Record<number, [boolean, boolean]>) => (i: number, t: boolean) => table[i]![t ? 0 : 1];

const config = (file: string, over: Partial<BatchConfig> = {}): BatchConfig => tinyConfig(file, { parallel: 2, k: 1, instructions: { kind: "fixed", keys: ["1-1-1", "2-2-2"] }, ...over });

async function run(name: string, cfg: BatchConfig, base: (m: ChatMessage[]) => string, roles?: ParallelBackend) {
    const out = join(sessions, name);
    await startBatch({ config: cfg, out, hardware, backend: scriptedParallel(2, base), roles: roles ? { reflect: roles, correct: roles } : undefined });
    return out;
}

let A: string, B: string, C: string;
const adapterFile = join(sessions, "adapter.gguf");

beforeAll(async () => {
    const all = tasks("all.jsonl", [0, 1, 2, 3, 4, 5, 6, 7]);
    A = await run("run-a", config(all), model([0, 4], fixBy(A_FIX)));
    writeFileSync(adapterFile, "a trained adapter");
    // B: the same base model for turn 1, a "trained" reflector/corrector on other slots.
    const trained = scriptedParallel(2, model([], fixBy(B_FIX)));
    trained.info.adapters = ["adapter.gguf"];
    for (const s of trained.slots) s.info.adapters = ["adapter.gguf"];
    B = await run("run-b", config(all, { reflector: reflectorFromAdapters(adapterFile) }), model([0, 4], fixBy(B_FIX)), trained);
    // C: other items (no q0, an extra q8), another seed, three turns, q1 right at turn 1; traced chains fix at turn 2, all at turn 3.
    C = await run("run-c", config(tasks("other.jsonl", [1, 2, 3, 4, 5, 6, 7, 8]), { maxTurns: 3, sampler: { ...tinyConfig(all).sampler, seed: 9 } }), model([1, 4], (_i, t, turn) => t || turn >= 3));
});

describe("compareRuns", () => {
    it("computes Acc@t, Δ and Wilson intervals of each run and the paired B−A per task, as counted by hand", () => {
        const r = compareRuns(A, B);
        expect(r).toMatchObject({ aligned: 8, onlyA: 0, onlyB: 0, warnings: [] });
        expect(r.perTask.map((x) => x.task)).toEqual(["alpha", "beta"]);
        const [alpha, beta] = r.perTask;
        // A alpha: t1 q0 = 1/4; t2 = (1 + ½ + 0 + 1)/4. B alpha: (1 + 1 + ½ + 1)/4.
        expect(alpha!.n).toBe(4);
        expect(alpha!.a.accByTurn).toEqual([0.25, 0.625]);
        expect(alpha!.b.accByTurn).toEqual([0.25, 0.875]);
        expect(alpha!.a.delta12).toBeCloseTo(0.375, 12);
        expect(alpha!.b.delta12).toBeCloseTo(0.625, 12);
        // beta: A (1 + 0 + ½ + 0)/4, B (1 + 0 + 1 + ½)/4.
        expect(beta!.a.accByTurn).toEqual([0.25, 0.375]);
        expect(beta!.b.accByTurn).toEqual([0.25, 0.625]);
        // overall: A t2 = 4/8, B t2 = 6/8.
        expect(r.overall.a.accByTurn).toEqual([0.25, 0.5]);
        expect(r.overall.b.accByTurn).toEqual([0.25, 0.75]);
        expect(r.overall.a.delta12).toBeCloseTo(0.25, 12);
        expect(r.overall.b.delta12).toBeCloseTo(0.5, 12);
        // Two turns: the last turn is turn 2, and the old `delta` field (compare --json) is the same number.
        expect([r.overall.b.deltaLast, r.overall.b.delta]).toEqual([r.overall.b.delta12, r.overall.b.delta12]);
        // Wilson (metrics.ts): A overall t2 = 0.5 over 8 → [0.2152, 0.7848] by hand.
        expect(r.overall.a.ciByTurn[1]![0]).toBeCloseTo(0.215211, 5);
        expect(r.overall.a.ciByTurn[1]![1]).toBeCloseTo(0.784789, 5);
        expect(alpha!.b.ciByTurn[1]).toEqual(wilson(0.875, 4));
        // Oracle: no question loses accuracy, so Δ is a proportion and gets a Wilson interval.
        expect(alpha!.a.deltaCiMethod).toBe("wilson");
        expect(alpha!.a.deltaCi).toEqual(wilson(0.375, 4));

        // B−A of Acc@t2 per question, alpha: q0 0, q1 +½, q2 +½, q3 0 → mean ¼, sd √(¼/3), ±1.96·sd/2.
        expect(alpha!.acc2.mean).toBeCloseTo(0.25, 12);
        expect(alpha!.acc2.ci![0]).toBeCloseTo(0.25 - (1.96 * Math.sqrt(0.25 / 3)) / 2, 12);
        expect(alpha!.acc2.ci![1]).toBeCloseTo(0.25 + (1.96 * Math.sqrt(0.25 / 3)) / 2, 12);
        expect(alpha!.acc2.ci![0]).toBeCloseTo(-0.032902, 5);
        // overall: diffs 0,½,½,0,0,0,½,½ → mean ¼, sd √(0.5/7), ±1.96·sd/√8 = [0.0648, 0.4352].
        expect(r.overall.acc2.mean).toBeCloseTo(0.25, 12);
        expect(r.overall.acc2.ci![0]).toBeCloseTo(0.064797, 5);
        expect(r.overall.acc2.ci![1]).toBeCloseTo(0.435203, 5);
        // Same turn 1 in both runs: the difference of Δ is the difference of Acc@t2.
        expect(r.overall.delta.mean).toBeCloseTo(0.25, 12);
        expect(r.overall.delta.ci).toEqual(r.overall.acc2.ci);

        expect(r.a.reflector).toBe("base model");
        expect(r.b.reflector).toBe("trained (adapter adapter.gguf)");
    });

    it("aligns on the items done in both runs, counts the rest, and warns about every difference", () => {
        const r = compareRuns(A, C);
        expect(r).toMatchObject({ aligned: 7, onlyA: 1, onlyB: 1 });
        expect(r.warnings).toEqual([
            "seeds differ: A 5, B 9",
            "task sets differ: A all (8 items), B other (8 items)",
            "maxTurns differ: A 2, B 3",
            "only the 7 items done in both runs are compared: 1 done only in A, 1 done only in B"
        ]);
        const alpha = r.perTask.find((x) => x.task === "alpha")!;
        // alpha = q1..q3. A: t1 0, t2 (½ + 0 + 1)/3. C: q1 right at t1; q2, q3: ½ at t2, 1 at t3.
        expect(alpha.n).toBe(3);
        expect(alpha.a.accByTurn[0]).toBe(0);
        expect(alpha.a.accByTurn[1]).toBeCloseTo(0.5, 12);
        expect(alpha.b.accByTurn[0]).toBeCloseTo(1 / 3, 12);
        expect(alpha.b.accByTurn[1]).toBeCloseTo(2 / 3, 12);
        expect(alpha.b.accByTurn[2]).toBe(1);
        // Three turns in C: Δ(t1,t2) is what is compared, Δ(t1,t3) is named apart.
        expect(alpha.b.delta12).toBeCloseTo(1 / 3, 12);
        expect(alpha.b.deltaLast).toBeCloseTo(2 / 3, 12);
        expect(alpha.b.delta).toBe(alpha.b.delta12);
        // Acc@t2 diffs q1 +½, q2 +½, q3 −½; Δ diffs q1 0−½, q2 ½−0, q3 ½−1 = −½, +½, −½.
        expect(alpha.acc2.mean).toBeCloseTo(1 / 6, 12);
        expect(alpha.delta.mean).toBeCloseTo(-1 / 6, 12);
        expect(alpha.delta.ci![0]).toBeCloseTo(-1 / 6 - 1.96 * Math.sqrt(1 / 3) / Math.sqrt(3), 12);
        expect(alpha.delta.ci![1]).toBeCloseTo(0.486667, 5);
        expect(r.overall.n).toBe(7);
    });

    it("uses the paired interval for Δ when answers flip, and has none below two questions", () => {
        expect(pairedInterval([])).toEqual({ mean: 0, ci: null, n: 0 });
        expect(pairedInterval([0.5])).toEqual({ mean: 0.5, ci: null, n: 1 });
        expect(pairedInterval([1, 1, 1]).ci).toEqual([1, 1]);
        expect(pairedInterval([1, -1]).ci).toEqual([-1, 1]);
    });

    it("prints the two-run case in the Tab. 2 layout, paired on identical turn 1", () => {
        const r = compareMany([A, B]);
        expect(r.runs.map((x) => [x.label, x.method])).toEqual([
            ["reflect", "reflect"],
            ["adapter.gguf", "adapter"]
        ]);
        // The same scripted base model and seed: every turn-1 answer is byte-identical.
        expect(r.pairing[1]).toMatchObject({ n: 8, sharedTurn1: 8, differ: 0, sharedFailures: 6, note: null });
        const boot = pairedBootstrap([0, 0.5, 0.5, 0, 0, 0, 0.5, 0.5]);
        expect(r.pairing[1]!.acc2).toEqual(boot);
        expect(boot.mean).toBeCloseTo(0.25, 12);
        const t = tab2Table(r);
        expect(t.head).toEqual(["", "N", "Acc@t1", "Acc@t2", "Δ(t1,t2)", "same t1", "Acc@t2 vs ref", "Δ vs ref"]);
        const vs = `+25.0 [${Math.round(100 * boot.ci![0])},${Math.round(100 * boot.ci![1])}]`;
        expect(t.blocks.map((b) => b.task)).toEqual(["alpha", "beta", "overall"]);
        expect(t.blocks[2]!.lines.map((l) => l.cells)).toEqual([
            ["reflect", "8", "25.0", "50.0 [22,78]", "+25.0 [7,59]", "ref", "", ""],
            ["adapter.gguf", "8", "25.0", "75.0 [41,93]", "+50.0 [22,78]", "8/8", vs, vs]
        ]);
        // alpha: Wilson of 0.875 and of Δ 0.625 over 4 questions, in whole percent.
        const w = (p: number) => wilson(p, 4).map((x) => Math.round(100 * x)).join(",");
        expect(t.blocks[0]!.lines[1]!.cells.slice(0, 6)).toEqual(["adapter.gguf", "4", "25.0", `87.5 [${w(0.875)}]`, `+62.5 [${w(0.625)}]`, "4/4"]);
        const text = formatCompareMany(r);
        expect(text).toContain("2 runs, reference reflect (run-a)");
        expect(text).toContain("reflect       run-a · w/ reflection (prompt-based) · base model.gguf (000000000000) · verifier oracle · k 1 · seed 5 · 8/8 items done");
        expect(text).toContain("adapter.gguf  run-b · trained adapter adapter.gguf · reflector trained (adapter adapter.gguf) · base model.gguf");
        expect(text).toContain("compared on the 8 items done in every run");
        expect(text).toContain("turn 1 identical to reflect's (answer text and verdict): adapter.gguf 8/8 (6 shared turn-1 failures)");
        expect(text).toMatch(/\n {2}adapter\.gguf\s+8\s+25\.0\s+75\.0 \[41,93\]\s+\+50\.0 \[22,78\]\s+8\/8\s+\+25\.0 \[/);
        expect(text).toContain("vs ref interval: paired bootstrap over questions (95% percentile, 2000 resamples, seed");
        expect(text).not.toContain("warning");

        // C: another seed, and q1 right at turn 1 where A was wrong; the other answers are the same text.
        const c = formatCompareMany(compareMany([A, C]));
        expect(c).toContain("warning: runs run-a and run-c do not share turn 1: 1 of 7 items differ; the paired difference is over the 6 that do");
        expect(c).toContain("warning: seeds differ: reflect 5, reflect#2 9");
        expect(c).toContain("warning: the columns are over the 7 items done in every run: reflect has 1 more, reflect#2 has 1 more");
        expect(c).toContain("reflect#2 ran up to t3: Acc@t3.. and Δ(t1,t_last) are in --json (rows[].runs[].accByTurn, .deltaLast)");
    });

    it("finds runs by folder or by id, lists them with their reflector, and fails in one clear line", () => {
        expect(resolveRun(A, "/nowhere")).toBe(A);
        expect(resolveRun("run-b", sessions)).toBe(join(sessions, "run-b"));
        expect(() => resolveRun("run-zzz", sessions)).toThrow(/^no batch run "run-zzz": no run folder .*run-zzz, and no run with that id in /);
        const runs = listBatchRuns(sessions);
        expect(runs.map((x) => x.id).sort()).toEqual(["run-a", "run-b", "run-c"]);
        expect(runs.find((x) => x.id === "run-b")).toMatchObject({ items: 8, done: 8, trained: true, reflector: "trained (adapter adapter.gguf)" });
        expect(runs.find((x) => x.id === "run-a")).toMatchObject({ trained: false, reflector: "base model" });
        const json = JSON.parse(compareJson(["run-a", "run-b"], { sessionsDir: sessions }));
        expect(json.pairing[1].acc2.mean).toBeCloseTo(0.25, 12);
        expect(json.rows.at(-1).paired[1].acc2.mean).toBeCloseTo(0.25, 12);
        expect(json.runs[1].reflector_files.files[0]).toMatchObject({ file: basename(adapterFile), roles: ["reflect", "correct"] });
        expect(json.runs[0].manifest).toBeUndefined();
        expect(() => compareJson(["run-a", "run-zzz"], { sessionsDir: sessions })).toThrow(/^no batch run "run-zzz"/);
    });
});
