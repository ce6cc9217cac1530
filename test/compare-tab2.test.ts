// The paper's Tab. 2 over three stored runs (retry, reflect, one-stage): labels, N, Acc by hand, exact
// pairing on turn 1, the warning when turn 1 differs, the seeded bootstrap, the JSON shape.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ChatMessage, ParallelBackend } from "../src/backend/types.js";
import { pairedBootstrap } from "../src/batch/bootstrap.js";
import { methodOf } from "../src/batch/compareLabel.js";
import { compareMany } from "../src/batch/compareMany.js";
import { formatCompareMany, tab2Table } from "../src/batch/compareTable.js";
import { pairedAgainst } from "../src/batch/pairing.js";
import { reflectorFromTraining } from "../src/batch/reflector.js";
import { startBatch } from "../src/batch/session.js";
import type { RunManifest } from "../src/batch/runs.js";
import type { BatchConfig, ReflectorSpec } from "../src/batch/types.js";
import { closeMathWorker } from "../src/verify/math.js";
import { compareJson } from "../bin/compare.js";
import { tinyConfig } from "./helpers/batchTasks.js";
import { scriptedParallel } from "./helpers/scriptedBackend.js";

const sessions = mkdtempSync(join(tmpdir(), "rl-compare-tab2-"));
afterAll(() => {
    closeMathWorker();
    rmSync(sessions, { recursive: true, force: true });
});

const hardware = { gpu: "cpu", gpuLayers: "auto", vramCapMiB: null, threads: null } as const;

/** Items q<i> "What is i + 1?"; alpha for i < 4, beta after. */
function tasks(): string {
    const p = join(sessions, "tasks.jsonl");
    writeFileSync(p, [0, 1, 2, 3, 4, 5, 6, 7].map((i) => JSON.stringify({ id: `q${i}`, task: i < 4 ? "alpha" : "beta", question: `What is ${i} + 1?`, choices: null, answer: String(i + 1), answer_index: null, tests: null, test_setup: null, family: "text" })).join("\n") + "\n");
    return p;
}

const itemOf = (m: ChatMessage[]) => Number(/What is (\d+) \+ 1/.exec(m[0]!.content)![1]);
const traced = (m: ChatMessage[]) => m.at(-3)!.content.includes("tracing it step by step");

/**
 * A scripted model. Turn 1 right for the items in `t1` (`t1Text` may reword a wrong turn 1 without
 * changing its verdict); a retry is right when `retry(i)`; a correction after a reflection when `fix(i, traced)`.
 */
function model(o: { t1: number[]; t1Text?: (i: number) => string | undefined; retry?: (i: number) => boolean; fix?: (i: number, traced: boolean) => boolean }) {
    return (m: ChatMessage[]) => {
        const i = itemOf(m);
        if (m.length === 1) return o.t1Text?.(i) ?? `Final answer: ${o.t1.includes(i) ? i + 1 : 0}`;
        const last = m.at(-1)!.content;
        if (last.includes("Try again")) return `Final answer: ${o.retry?.(i) ? i + 1 : 0}`;
        if (last.includes("Reflect on your previous answer")) return "A reflection.";
        return `Final answer: ${o.fix?.(i, traced(m)) ? i + 1 : 0}`;
    };
}

// Per failed item: is the retry right / are the [traced, skimmed] corrections right at turn 2?
const RETRY_FIX = new Set([1, 5]);
const REFLECT_FIX: Record<number, [boolean, boolean]> = { 1: [true, false], 2: [true, true], 3: [false, false], 5: [true, true], 6: [true, false], 7: [false, false] };
const ONE_FIX: Record<number, [boolean, boolean]> = { 2: [true, true], 3: [true, false], 5: [true, true], 6: [true, true], 7: [true, false] };
const fixBy = (t: Record<number, [boolean, boolean]>) => (i: number, tr: boolean) => t[i]![tr ? 0 : 1];

const config = (file: string, over: Partial<BatchConfig> = {}): BatchConfig => tinyConfig(file, { parallel: 2, k: 1, instructions: { kind: "fixed", keys: ["1-1-1", "2-2-2"] }, ...over });

async function run(name: string, cfg: BatchConfig, base: (m: ChatMessage[]) => string, roles?: ParallelBackend) {
    const out = join(sessions, name);
    await startBatch({ config: cfg, out, hardware, backend: scriptedParallel(2, base), roles: roles ? { reflect: roles, correct: roles } : undefined });
    await new Promise((r) => setTimeout(r, 5)); // distinct created_at, for the run list's order
    return out;
}

let RETRY: string, REFLECT: string, ONE: string, OTHER: string;

beforeAll(async () => {
    const file = tasks();
    RETRY = await run("run-retry", config(file, { mode: "retry" }), model({ t1: [0, 4], retry: (i) => RETRY_FIX.has(i) }));
    REFLECT = await run("run-reflect", config(file), model({ t1: [0, 4], fix: fixBy(REFLECT_FIX) }));
    // A finished one-stage training run: result.json names the setting and the adapter.
    const train = join(sessions, "train-one");
    mkdirSync(train);
    writeFileSync(join(train, "adapter.gguf"), "a trained adapter");
    writeFileSync(join(train, "result.json"), JSON.stringify({ setting: "one-stage", base: { file: "model.gguf", sha256: "0".repeat(64) }, reflector: { adapter: "adapter.gguf" }, corrector: { adapter: "adapter.gguf" } }));
    // Its turn 1 was not reused: q1 comes out right (another verdict), q2 wrong in other words (same verdict, other text).
    const t1Text = (i: number) => (i === 2 ? "Let me think.\nFinal answer: 0" : undefined);
    ONE = await run("run-one", config(file, { reflector: reflectorFromTraining(train) }), model({ t1: [0, 1, 4], t1Text }), scriptedParallel(2, model({ t1: [], fix: fixBy(ONE_FIX) })));
    // Every turn-1 answer reworded: nothing to pair with.
    OTHER = await run("run-other", config(file), model({ t1: [0, 4], t1Text: (i) => `Hmm.\nFinal answer: ${i === 0 || i === 4 ? i + 1 : 0}`, fix: fixBy(REFLECT_FIX) }));
});

describe("Tab. 2 over three runs", () => {
    it("labels each run by its method and counts Acc@t1, Acc@t2 and Δ by hand, per task and overall", () => {
        const r = compareMany([RETRY, REFLECT, ONE]);
        expect(r.runs.map((c) => [c.label, c.method, c.setting])).toEqual([
            ["retry", "retry", null],
            ["reflect", "reflect", null],
            ["one-stage", "trained", "one-stage"]
        ]);
        expect(r.reference).toBe(0);
        expect(r.aligned).toBe(8);
        expect(r.rows.map((x) => [x.task, x.n])).toEqual([
            ["alpha", 4],
            ["beta", 4],
            ["overall", 8]
        ]);
        const acc = (task: string) => r.rows.find((x) => x.task === task)!.runs.map((m) => [m.n, m.accByTurn[0], m.accByTurn[1]]);
        // retry: q0 q4 right at t1; the retry fixes q1 and q5. reflect: t2 q0 1, q1 ½, q2 1, q3 0 | q4 1, q5 1, q6 ½, q7 0.
        // one-stage: q0 q1 q4 right at t1; t2 q2 1, q3 ½ | q5 1, q6 1, q7 ½.
        expect(acc("alpha")).toEqual([
            [4, 0.25, 0.5],
            [4, 0.25, 0.625],
            [4, 0.5, 0.875]
        ]);
        expect(acc("beta")).toEqual([
            [4, 0.25, 0.5],
            [4, 0.25, 0.625],
            [4, 0.25, 0.875]
        ]);
        expect(acc("overall")).toEqual([
            [8, 0.25, 0.5],
            [8, 0.25, 0.625],
            [8, 0.375, 0.875]
        ]);
        expect(r.rows[2]!.runs.map((m) => m.delta12)).toEqual([0.25, 0.375, 0.5]);
    });

    it("pairs on byte-identical turn 1, counts shared failures, and warns when a run does not share it", () => {
        const r = compareMany([RETRY, REFLECT, ONE]);
        expect(r.pairing[0]).toBeNull();
        // reflect reused nothing but came out byte-identical (same scripted base and seed): all 8 paired.
        expect(r.pairing[1]).toMatchObject({ n: 8, sharedTurn1: 8, differ: 0, sharedFailures: 6, note: null });
        // one-stage: q1 (verdict) and q2 (text) differ; q3, q5, q6, q7 are shared failures.
        expect(r.pairing[2]).toMatchObject({ n: 8, sharedTurn1: 6, differ: 2, sharedFailures: 4 });
        const note = "runs run-retry and run-one do not share turn 1: 2 of 8 items differ; the paired difference is over the 6 that do";
        expect(r.pairing[2]!.note).toBe(note);
        expect(r.warnings).toEqual([note]);

        // reflect − retry at t2: q1 −½, q2 +1, q6 +½, the rest 0 → ⅛ overall, ⅛ per task.
        expect(r.pairing[1]!.acc2!.mean).toBeCloseTo(1 / 8, 12);
        const overall = r.rows[2]!.paired;
        expect(overall[1]!.acc2).toEqual(pairedBootstrap([0, -0.5, 1, 0, 0, 0, 0.5, 0]));
        // one-stage − retry over q0, q3, q4..q7: 0, ½, 0, 0, 1, ½; per task alpha (q0, q3) and beta (q4..q7).
        expect(overall[2]!.acc2).toEqual(pairedBootstrap([0, 0.5, 0, 0, 1, 0.5]));
        expect(overall[2]!.acc2!.mean).toBeCloseTo(1 / 3, 12);
        const alpha = r.rows[0]!.paired[2]!;
        expect(alpha).toMatchObject({ n: 4, sharedTurn1: 2, sharedFailures: 1 });
        expect(alpha.acc2!.mean).toBeCloseTo(0.25, 12);
        expect(r.rows[1]!.paired[2]).toMatchObject({ n: 4, sharedTurn1: 4, sharedFailures: 3 });
        expect(r.rows[1]!.paired[2]!.acc2!.mean).toBeCloseTo(0.375, 12);
        // Shared turn 1 means equal Acc@t1 on those items, so the difference of Δ is that of Acc@t2.
        expect(overall[2]!.delta).toEqual(overall[2]!.acc2);
    });

    it("gives a deterministic bootstrap interval that contains the mean, and none without two questions", () => {
        const a = pairedAgainst(RETRY, ONE);
        const b = pairedAgainst(RETRY, ONE);
        expect(a).toEqual(b);
        const { mean, ci } = a.acc2!;
        expect(ci![0]).toBeLessThanOrEqual(mean);
        expect(ci![1]).toBeGreaterThanOrEqual(mean);
        expect(ci![0]).toBeGreaterThanOrEqual(0); // no shared question got worse
        expect(ci![1]).toBeLessThanOrEqual(1);
        expect(a.acc2!.n).toBe(6);
        expect(a.method).toBe("paired bootstrap over questions (95% percentile, 2000 resamples, seed 20250601)");
        // Another seed resamples differently; the same seed always the same.
        expect(pairedBootstrap([0, 0.5, 0, 0, 1, 0.5], { seed: 1 })).toEqual(pairedBootstrap([0, 0.5, 0, 0, 1, 0.5], { seed: 1 }));
        expect(pairedBootstrap([0.5, 0.5, 0.5]).ci).toEqual([0.5, 0.5]);
        expect(pairedBootstrap([0.5])).toEqual({ mean: 0.5, ci: null, n: 1 });
        expect(pairedBootstrap([])).toEqual({ mean: 0, ci: null, n: 0 });
        // A wider spread gives a wider interval.
        const wide = pairedBootstrap([-1, 1, -1, 1, -1, 1]).ci!;
        expect(wide[1] - wide[0]).toBeGreaterThan(ci![1] - ci![0]);
    });

    it("has no paired difference when no item shares turn 1, only the side by side", () => {
        const p = pairedAgainst(RETRY, OTHER);
        expect(p).toMatchObject({ n: 8, sharedTurn1: 0, differ: 8, sharedFailures: 0, acc2: null, delta: null });
        expect(p.note).toBe("runs run-retry and run-other do not share turn 1 on any of the 8 items both finished: no paired difference, only the unpaired side by side");
        const r = compareMany([RETRY, OTHER]);
        const line = tab2Table(r).blocks.at(-1)!.lines[1]!.cells;
        expect(line.slice(5)).toEqual(["0/8", "-", "-"]);
        expect(line[3]).toMatch(/^62\.5 /); // the run itself is still shown
        expect(formatCompareMany(r)).toContain(`warning: ${p.note}`);
    });

    it("prints the Tab. 2 layout with the legend, the pairing line and the warning, within 100 columns", () => {
        const text = formatCompareMany(compareMany([RETRY, REFLECT, ONE]));
        expect(text).toContain("3 runs, reference retry (run-retry)");
        expect(text).toContain("  retry      run-retry · w/o reflection · base model.gguf");
        expect(text).toContain("  one-stage  run-one · one-stage (self-training) · reflector trained train-one (adapter adapter.gguf) · base model.gguf");
        expect(text).toContain("turn 1 identical to retry's (answer text and verdict): reflect 8/8 (6 shared turn-1 failures) · one-stage 6/8 (4 shared turn-1 failures)");
        expect(text).toContain("warning: runs run-retry and run-one do not share turn 1: 2 of 8 items differ; the paired difference is over the 6 that do");
        const table = text.slice(text.indexOf("\n\n") + 2, text.lastIndexOf("\n\n"));
        const lines = table.split("\n");
        expect(lines[0]).toMatch(/^\s+N\s+Acc@t1\s+Acc@t2\s+Δ\(t1,t2\)\s+same t1\s+Acc@t2 vs ref\s+Δ vs ref$/);
        expect(lines.filter((l) => !l.startsWith(" "))).toEqual(["alpha", "beta", "overall"]);
        const overall = lines.slice(lines.indexOf("overall") + 1);
        expect(overall[0]).toMatch(/^ {2}retry\s+8\s+25\.0\s+50\.0 \[\d+,\d+\]\s+\+25\.0 \[\d+,\d+\]\s+ref$/);
        expect(overall[1]).toMatch(/^ {2}reflect\s+8\s+25\.0\s+62\.5 \[\d+,\d+\]\s+\+37\.5 \[\d+,\d+\]\s+8\/8\s+\+12\.5 \[-?\d+,\d+\]\s+\+12\.5 \[/);
        expect(overall[2]).toMatch(/^ {2}one-stage\s+8\s+37\.5\s+87\.5 \[\d+,\d+\]\s+\+50\.0 \[\d+,\d+\]\s+6\/8\s+\+33\.3 \[\d+,\d+\]\s+\+33\.3 \[/);
        for (const l of lines) expect(l.length).toBeLessThanOrEqual(100);
        expect(text).toContain("vs ref: run − reference, over the questions with the same turn-1 answer and verdict in both");
        expect(text).toContain("vs ref interval: paired bootstrap over questions (95% percentile, 2000 resamples, seed 20250601)");
        for (const l of text.split("\n").slice(-3)) expect(l.length).toBeLessThanOrEqual(100);
    });

    it("takes another reference, a single run, and refuses a run given twice", () => {
        const r = compareMany([RETRY, REFLECT, ONE], { baseline: REFLECT });
        expect(r.reference).toBe(1);
        expect(r.pairing.map((p) => p?.sharedTurn1 ?? null)).toEqual([8, null, 6]);
        // retry − reflect is the negative of reflect − retry.
        expect(r.pairing[0]!.acc2!.mean).toBeCloseTo(-1 / 8, 12);
        // A baseline not among the runs comes first.
        expect(compareMany([ONE], { baseline: RETRY }).runs.map((c) => c.label)).toEqual(["retry", "one-stage"]);
        const one = compareMany([ONE]);
        expect(one.pairing).toEqual([null]);
        expect(formatCompareMany(one)).toContain("1 run, reference one-stage (run-one)");
        expect(formatCompareMany(one)).not.toContain("turn 1 identical");
        expect(() => compareMany([RETRY, RETRY])).toThrow(/given twice/);
    });

    it("labels other reflectors by their setting, training folder, model or endpoint name", () => {
        const m = (mode: "retry" | "reflect", reflector: ReflectorSpec | null) => ({ config: { mode, reflector } }) as unknown as RunManifest;
        const adapter = { adapter: "/x/lora.gguf" };
        // The training folder is gone: its description still says what was used.
        expect(methodOf(m("reflect", { source: "/gone/train-7", reflect: adapter, correct: adapter }))).toMatchObject({ kind: "trained", label: "trained train-7 (adapter lora.gguf)", setting: null });
        expect(methodOf(m("reflect", { reflect: { model: "/m/full-ft.gguf" }, correct: { model: "/m/full-ft.gguf" } }))).toMatchObject({ kind: "model", label: "full-ft.gguf" });
        const ep = { endpoint: { name: "vllm", baseURL: "http://x/v1", model: "Qwen" } } as ReflectorSpec["reflect"];
        expect(methodOf(m("reflect", { reflect: ep, correct: ep }))).toMatchObject({ kind: "endpoint", label: "vllm", paper: "reflector endpoint vllm (Qwen)" });
        expect(methodOf(m("reflect", { reflect: adapter, correct: adapter }))).toMatchObject({ kind: "adapter", label: "lora.gguf" });
        expect(methodOf(m("retry", null))).toMatchObject({ kind: "retry", label: "retry", paper: "w/o reflection" });
        expect(methodOf(m("reflect", null))).toMatchObject({ kind: "reflect", label: "reflect" });
    });

    it("prints the same structure as JSON", () => {
        const json = JSON.parse(compareJson(["run-retry", "run-reflect", "run-one"], { sessionsDir: sessions }));
        expect(Object.keys(json).sort()).toEqual(["aligned", "bootstrap", "intervals", "method", "paired", "pairing", "reference", "rows", "runs", "tasks", "warnings"]);
        expect(json.runs.map((c: { label: string }) => c.label)).toEqual(["retry", "reflect", "one-stage"]);
        expect(json.runs[2]).toMatchObject({ id: "run-one", method: "trained", setting: "one-stage", done: 8, items: 8, maxTurns: 2, config: { mode: "reflect" } });
        expect(json.runs[2].reflector_files.files[0]).toMatchObject({ file: "adapter.gguf" });
        expect(json.bootstrap).toEqual({ resamples: 2000, seed: 20250601, level: 0.95 });
        expect(json.method).toContain("paired bootstrap");
        expect(json.tasks).toEqual(["alpha", "beta"]);
        const overall = json.rows[2];
        expect(overall.task).toBe("overall");
        expect(overall.runs[2]).toMatchObject({ n: 8, accByTurn: [0.375, 0.875], delta12: 0.5, deltaLast: 0.5, delta: 0.5, deltaCiMethod: "wilson" });
        expect(overall.runs[2].ciByTurn).toHaveLength(2);
        expect(overall.paired[0]).toBeNull();
        expect(Object.keys(overall.paired[2]).sort()).toEqual(["acc2", "delta", "n", "sharedFailures", "sharedTurn1", "task"]);
        expect(overall.paired[2]).toMatchObject({ task: "overall", n: 8, sharedTurn1: 6, sharedFailures: 4, acc2: { n: 6 } });
        expect(json.rows[0].paired[2]).toMatchObject({ task: "alpha", n: 4, sharedTurn1: 2 });
        expect(overall.paired[2].acc2.ci).toHaveLength(2);
        expect(json.pairing[2]).toMatchObject({ reference: { id: "run-retry" }, other: { id: "run-one" }, sharedTurn1: 6, differ: 2, method: json.method });
        expect(json.pairing[2].note).toContain("do not share turn 1");
        expect(json.pairing[2].perTask).toBeUndefined();
        expect(json.warnings).toHaveLength(1);
    });
});
