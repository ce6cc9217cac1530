// Curation on real stores (runBatch through startBatch, scripted slots): D+, D±, D_pref, options, exports, CLI.
import { runCommand } from "./helpers/runCommand.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ChatMessage } from "../src/backend/types.js";
import { startBatch } from "../src/batch/session.js";
import { RunStore } from "../src/batch/store.js";
import type { BatchConfig } from "../src/batch/types.js";
import type { ItemRecord } from "../src/engine/types.js";
import { CURATION_FILE, exportCuration, type CurationSummary } from "../src/curate/export.js";
import type { PreferenceJudge } from "../src/curate/judge.js";
import { defaultOptions, parseInstructionFilter, parseSets, type CurateOptions } from "../src/curate/options.js";
import { planCuration } from "../src/curate/plan.js";
import { DPLUS_FIELDS, PAIR_FIELDS } from "../src/curate/reflectevo.js";
import { closeSources, listBatchRuns, openSources } from "../src/curate/source.js";
import { splitOf } from "../src/curate/split.js";
import type { PreferenceRow, SftRow } from "../src/curate/types.js";
import { PROMPTS_DIR } from "../src/paths.js";
import { loadInstructionPool } from "../src/prompts/pool.js";
import { importReflectEvo } from "../src/tasks/importers/reflectevo.js";
import { closeMathWorker } from "../src/verify/math.js";
import { addCurateCommand } from "../bin/curate.js";
import { scriptedParallel } from "./helpers/scriptedBackend.js";
import { tinyConfig } from "./helpers/batchTasks.js";

const dir = mkdtempSync(join(tmpdir(), "rl-curate-"));
afterAll(() => {
    closeMathWorker();
    rmSync(dir, { recursive: true, force: true });
});

const pool = loadInstructionPool(PROMPTS_DIR);
const KEYS = ["1-1-1", "2-2-2"];
const gold = (i: number) => `zebra${i}`;
const hardware = { gpu: "cpu", gpuLayers: "auto", vramCapMiB: null, threads: null } as const;

/** Items q0..q7 ("Item i: name the secret word", gold zebra<i>); tasks alpha (i%4 < 2) and beta. */
function tasksFile(): string {
    const p = join(dir, "tasks.jsonl");
    writeFileSync(p, Array.from({ length: 8 }, (_, i) => JSON.stringify({ id: `q${i}`, task: i % 4 < 2 ? "alpha" : "beta", question: `Item ${i}: name the secret word.`, choices: null, answer: gold(i), answer_index: null, tests: null, test_setup: null, family: "text" })).join("\n") + "\n");
    return p;
}

/**
 * Which corrections are right, by item, instruction and sample n: under 1-1-1 samples 0 and 2 are
 * right and 1 wrong; under 2-2-2 all are right for q3/q7 and all wrong for q1/q5.
 */
const right = (i: number, key: string, n: number) => (key === "1-1-1" ? n !== 1 : i % 4 === 3);

/**
 * Even items are right at turn 1. A reflection names its sample n (counted per item and
 * instruction: one slot runs an item's chains in order) unless `sameText`; the correction reads
 * it back. Nothing the model writes outside a correction holds the gold word.
 */
function script(sameText = false) {
    const seen = new Map<string, number>();
    const order = new Map<string, number>();
    return (messages: ChatMessage[]) => {
        const i = Number(/Item (\d+):/.exec(messages[0]!.content)![1]);
        const last = messages.at(-1)!.content;
        if (messages.length === 1) return i % 2 === 0 ? `Final answer: ${gold(i)}` : "I think it is this.\nFinal answer: wrong";
        if (last.startsWith("Your answer is incorrect")) {
            const key = pool.keys.find((k) => last.includes(pool.get(k).text))!;
            const n = seen.get(`${i}|${key}`) ?? 0;
            seen.set(`${i}|${key}`, n + 1);
            return sameText ? `Reflection on item ${i} under ${key}: re-read the question.` : `Reflection ${n} on item ${i} under ${key}: re-read the question.`;
        }
        const m = /Reflection (?:(\d+) )?on item \d+ under (\S+):/.exec(messages.at(-2)!.content)!;
        const key = m[2]!;
        const n = m[1] !== undefined ? Number(m[1]) : (() => {
            const c = order.get(`${i}|${key}`) ?? 0;
            order.set(`${i}|${key}`, c + 1);
            return c;
        })();
        return right(i, key, n) ? `Final answer: ${gold(i)}` : sameText ? "Final answer: wrong again" : `Final answer: wrong ${n}`;
    };
}

function config(file: string, over: Partial<BatchConfig> = {}): BatchConfig {
    return { ...tinyConfig(file), parallel: 1, k: 3, instructions: { kind: "fixed", keys: KEYS }, ...over };
}

async function makeRun(name: string, over: Partial<BatchConfig> = {}, sameText = false): Promise<string> {
    const out = join(dir, name);
    await startBatch({ config: config(tasksFile(), over), out, hardware, backend: scriptedParallel(1, script(sameText)) });
    return out;
}

const opts = (over: Partial<CurateOptions> = {}) => defaultOptions({ evalFraction: 0, ...over });

function plan(runs: string[], o: CurateOptions) {
    const sources = openSources(runs, dir);
    try {
        return planCuration(sources, o);
    } finally {
        closeSources(sources);
    }
}

const readJsonl = <T>(p: string): T[] =>
    readFileSync(p, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as T);

function recordsOf(run: string): Map<string, ItemRecord> {
    const s = RunStore.open(run);
    try {
        return new Map([...s.sampleRecords()].map((r) => [`${r.itemId}/${r.instructionKey}/${r.sampleIndex}`, JSON.parse(r.record) as ItemRecord]));
    } finally {
        s.close();
    }
}

/** The messages a row trains on (the last `train_on_last` assistant turns) and the rest, its input. */
function splitRow(row: SftRow): { input: ChatMessage[]; targets: ChatMessage[] } {
    const idx = row.messages.map((m, i) => (m.role === "assistant" ? i : -1)).filter((i) => i >= 0).slice(-row.train_on_last);
    return { input: row.messages.filter((_, i) => !idx.includes(i)), targets: idx.map((i) => row.messages[i]!) };
}

let runA: string;
let runB: string;
beforeAll(async () => {
    runA = await makeRun("run-a");
    runB = await makeRun("run-b");
});

describe("curation sets", () => {
    it("counts D+ (correct corrections) and D± (one-to-one pairs within one attempt and instruction)", () => {
        const p = plan([runA], opts({ sets: ["dplus", "dpm", "dpref"] }));
        // Even items are right at turn 1 (no samples); odd ones give 2 instructions x k 3 chains each.
        expect(p.scanned).toEqual({ samples: 24, incomplete: 0, questions: { train: 4, eval: 0 }, stats: { items: 8, solved_first: 4, failed_attempts: 4, corrections: 24, correct_corrections: 14, prompt_groups: 8, mixed_groups: 4 } });
        // D+: under 1-1-1 two of three per odd item (8); under 2-2-2 all three of q3 and q7 (6).
        expect(p.counts.dplus).toEqual({ train: 14, eval: 0, total: 14, per_task: { alpha: { train: 4, eval: 0 }, beta: { train: 10, eval: 0 } } });
        // D±: per odd item only 1-1-1 mixes right and wrong: sample 0 (first right) with sample 1 (first wrong).
        // q1's extra right 1-1-1 sample 2 is not paired with its wrong 2-2-2 samples: another prompt.
        expect(p.rows.dpm!.map((r) => `${r.itemId} ${r.key} ${r.samples.join(">")}`)).toEqual(["q1 1-1-1 0>1", "q3 1-1-1 0>1", "q5 1-1-1 0>1", "q7 1-1-1 0>1"]);
        // D_pref candidates: disjoint consecutive pairs per attempt and instruction.
        expect(p.rows.dpref!.map((r) => `${r.itemId} ${r.key} ${r.samples.join(",")}`)).toEqual(["q1 1-1-1 0,1", "q1 2-2-2 0,1", "q3 1-1-1 0,1", "q3 2-2-2 0,1", "q5 1-1-1 0,1", "q5 2-2-2 0,1", "q7 1-1-1 0,1", "q7 2-2-2 0,1"]);
        expect(p.options.seed).toBe(5);
        expect(p.sources[0]).toMatchObject({ run: "run-a", model_file: "model.gguf", mode: "reflect", samples: 24 });
    });

    it("pairs one-to-one in sample order when a prompt has several right and wrong corrections", async () => {
        // k = 5 under 1-1-1: n = 0, 2, 3, 4 right, 1 wrong → a single pair, 0>1; the other right ones stay unpaired.
        const run = await makeRun("run-k5", { k: 5, instructions: { kind: "fixed", keys: ["1-1-1"] } });
        const p = plan([run], opts({ sets: ["dplus", "dpm"] }));
        expect(p.counts.dplus!.total).toBe(4 * 4);
        expect(p.rows.dpm!.map((r) => r.samples.join(">"))).toEqual(["0>1", "0>1", "0>1", "0>1"]);
    });

    it("splits by question: no question on both sides, also across two runs of the same tasks", () => {
        const sides = (seed: number) => new Set([1, 3, 5, 7].map((i) => splitOf(i % 4 < 2 ? "alpha" : "beta", `q${i}`, seed, 0.5)));
        const seed = Array.from({ length: 100 }, (_, s) => s).find((s) => sides(s).size === 2)!;
        const p = plan([runA, runB], opts({ sets: ["dplus", "dpm"], evalFraction: 0.5, seed, dedup: false }));
        for (const set of ["dplus", "dpm"] as const) {
            const side = new Map<string, Set<string>>();
            for (const r of p.rows[set]!) (side.get(r.itemId) ?? side.set(r.itemId, new Set()).get(r.itemId)!).add(r.split);
            for (const s of side.values()) expect(s.size).toBe(1);
        }
        expect(p.counts.dplus!.train).toBeGreaterThan(0);
        expect(p.counts.dplus!.eval).toBeGreaterThan(0);
        expect(p.counts.dplus!.total).toBe(28);
        expect(p.scanned.questions.train + p.scanned.questions.eval).toBe(4);
        // The same seed gives the same split whatever runs are curated together.
        const alone = plan([runB], opts({ sets: ["dplus"], evalFraction: 0.5, seed }));
        const sideOf = (rows: typeof alone.rows.dplus) => Object.fromEntries(rows!.map((r) => [r.itemId, r.split]));
        expect(sideOf(alone.rows.dplus)).toEqual(sideOf(p.rows.dplus));
    });

    it("caps rows per task deterministically by seed", () => {
        const a = plan([runA], opts({ sets: ["dplus"], capPerTask: 3 }));
        expect(a.counts.dplus).toMatchObject({ total: 6, per_task: { alpha: { train: 3 }, beta: { train: 3 } } });
        expect(a.dropped.dplus).toEqual({ filter: 0, identical: 0, dedup: 0, cap: 8 });
        const b = plan([runA], opts({ sets: ["dplus"], capPerTask: 3 }));
        expect(b.rows.dplus).toEqual(a.rows.dplus);
        const picks = new Set(Array.from({ length: 6 }, (_, s) => JSON.stringify(plan([runA], opts({ sets: ["dplus"], capPerTask: 3, seed: s })).rows.dplus)));
        expect(picks.size).toBeGreaterThan(1);
    });

    it("filters by instruction key", () => {
        const p = plan([runA], opts({ sets: ["dplus", "dpm"], instructions: ["2-2-2"] }));
        expect(p.counts.dplus!.total).toBe(6);
        expect(new Set(p.rows.dplus!.map((r) => r.key))).toEqual(new Set(["2-2-2"]));
        expect(p.counts.dpm!.total).toBe(0);
        expect(p.dropped.dplus!.filter).toBe(8);
        expect(p.dropped.dpm!.filter).toBe(4);
        expect(parseInstructionFilter("1-1-1, 2-2-2")).toEqual(["1-1-1", "2-2-2"]);
        expect(() => parseInstructionFilter("1-1")).toThrow(/bad instruction key "1-1"/);
        expect(parseSets(["dplus,dpm", "dpref", "dpm"])).toEqual(["dplus", "dpm", "dpref"]);
        expect(() => parseSets("dminus")).toThrow(/unknown set "dminus"/);
    });

    it("keeps identical prompt + target once (within and across runs) unless dedup is off", async () => {
        // Two identical runs: every row of B repeats one of A.
        expect(plan([runA, runB], opts({ sets: ["dplus", "dpm"] })).counts.dplus!.total).toBe(14);
        const both = plan([runA, runB], opts({ sets: ["dplus", "dpm"], dedup: false }));
        expect(both.counts.dplus!.total).toBe(28);
        expect(both.counts.dpm!.total).toBe(8);
        // Reflections and corrections that repeat word for word inside one run.
        const same = await makeRun("run-same", {}, true);
        const p = plan([same], opts({ sets: ["dplus", "dpm"] }));
        // 1-1-1: samples 0 and 2 are the same row (4 dropped); 2-2-2 for q3/q7: three equal rows (4 dropped).
        expect(p.counts.dplus!.total).toBe(6);
        expect(p.dropped.dplus!.dedup).toBe(8);
        // A right and a wrong correction after the same reflection text: nothing to prefer.
        expect(p.counts.dpm!.total).toBe(0);
        expect(p.dropped.dpm!.identical).toBe(4);
        expect(plan([same], opts({ sets: ["dplus"], dedup: false })).counts.dplus!.total).toBe(14);
    });
});

describe("curation export", () => {
    let out: string;
    let summary: CurationSummary;
    beforeAll(async () => {
        out = join(dir, "curated");
        const sides = (seed: number) => new Set([1, 3, 5, 7].map((i) => splitOf(i % 4 < 2 ? "alpha" : "beta", `q${i}`, seed, 0.5)));
        const seed = Array.from({ length: 100 }, (_, s) => s).find((s) => sides(s).size === 2)!;
        summary = await exportCuration({ runs: [runA], sessionsDir: dir, options: defaultOptions({ evalFraction: 0.5, seed }), out });
    });

    it("writes the TRL files, ReflectEvo records and curation.json", () => {
        for (const f of ["sft.one-stage", "sft.reflector", "sft.corrector", "pref.dpm"]) for (const s of ["train", "eval"]) expect(existsSync(join(out, `${f}.${s}.jsonl`))).toBe(true);
        expect(existsSync(join(out, "reflectevo.dplus.jsonl"))).toBe(true);
        expect(existsSync(join(out, "reflectevo.dpm.jsonl"))).toBe(true);
        expect(existsSync(join(out, "pref.dpref.train.jsonl"))).toBe(false);
        const json = JSON.parse(readFileSync(join(out, CURATION_FILE), "utf8")) as CurationSummary;
        expect(json).toEqual(JSON.parse(JSON.stringify(summary)));
        expect(json.options).toMatchObject({ sets: ["dplus", "dpm"], dedup: true, eval_fraction: 0.5, cap_per_task: null, instructions: null });
        expect(json.sources).toEqual([expect.objectContaining({ run: "run-a", model_file: "model.gguf", model_sha256: "0".repeat(64), seed: 5 })]);
        expect(json.counts.dplus!.total).toBe(14);
        expect(json.counts.dpm!.total).toBe(4);
        expect(json.dropped.dplus).toEqual({ filter: 0, identical: 0, dedup: 0, cap: 0 });
        const rows = (name: string) => json.files.find((f) => f.name === name)!.rows;
        expect(rows("sft.one-stage.train.jsonl") + rows("sft.one-stage.eval.jsonl")).toBe(14);
        expect(rows("sft.one-stage.eval.jsonl")).toBe(json.counts.dplus!.eval);
        expect(rows("pref.dpm.train.jsonl") + rows("pref.dpm.eval.jsonl")).toBe(4);
        expect(readJsonl(join(out, "sft.reflector.train.jsonl")).length).toBe(rows("sft.reflector.train.jsonl"));
        expect(existsSync(join(out, "sft.one-stage.train.jsonl.part"))).toBe(false);
    });

    it("exports the recorded messages exactly, with provenance on every row", () => {
        const recs = recordsOf(runA);
        const step = (r: ItemRecord, kind: string) => r.steps.find((s) => s.kind === kind && (kind !== "correct" || s.turn === 2))!;
        let n = 0;
        for (const s of ["train", "eval"]) {
            const one = readJsonl<SftRow>(join(out, `sft.one-stage.${s}.jsonl`));
            const refl = readJsonl<SftRow>(join(out, `sft.reflector.${s}.jsonl`));
            const corr = readJsonl<SftRow>(join(out, `sft.corrector.${s}.jsonl`));
            expect(refl).toHaveLength(one.length);
            one.forEach((row, j) => {
                const p = row.provenance;
                expect(Object.keys(p).sort()).toEqual(["instruction_key", "item_id", "model_file", "model_sha256", "run", "sample_index", "seed", "task"]);
                const rec = recs.get(`${p.item_id}/${p.instruction_key}/${p.sample_index}`)!;
                expect(p).toEqual({ run: "run-a", item_id: rec.item.id, task: rec.item.task, model_file: "model.gguf", model_sha256: "0".repeat(64), instruction_key: rec.sample!.instruction_key, sample_index: rec.sample!.sample_index, seed: 5 });
                expect(rec.correct_by_turn[1]).toBe(true);
                const c = step(rec, "correct");
                const r = step(rec, "reflect");
                expect(row.train_on_last).toBe(2);
                expect(row.messages).toEqual([...c.messages!, { role: "assistant", content: c.output }]);
                expect(refl[j]!.train_on_last).toBe(1);
                expect(refl[j]!.messages).toEqual([...r.messages!, { role: "assistant", content: r.output }]);
                expect(corr[j]!.train_on_last).toBe(1);
                expect(corr[j]!.messages).toEqual([...c.messages!, { role: "assistant", content: c.output }]);
                // The reflection inside the correct prompt is the recorded reflection.
                expect(c.messages!.at(-2)).toEqual({ role: "assistant", content: r.output });
                n++;
            });
            for (const row of readJsonl<PreferenceRow>(join(out, `pref.dpm.${s}.jsonl`))) {
                const ch = recs.get(`${row.provenance.chosen.item_id}/${row.provenance.chosen.instruction_key}/${row.provenance.chosen.sample_index}`)!;
                const rj = recs.get(`${row.provenance.rejected.item_id}/${row.provenance.rejected.instruction_key}/${row.provenance.rejected.sample_index}`)!;
                expect(ch.correct_by_turn[1]).toBe(true);
                expect(rj.correct_by_turn[1]).toBe(false);
                expect(row.prompt).toEqual(step(ch, "reflect").messages);
                expect(row.prompt).toEqual(step(rj, "reflect").messages);
                expect(row.chosen).toEqual([{ role: "assistant", content: step(ch, "reflect").output }]);
                expect(row.rejected).toEqual([{ role: "assistant", content: step(rj, "reflect").output }]);
                expect(row.provenance.chosen.instruction_key).toBe(row.provenance.rejected.instruction_key);
            }
        }
        expect(n).toBe(14);
    });

    it("never leaks a row's target or the gold answer into its input", () => {
        for (const s of ["train", "eval"]) {
            for (const f of ["sft.one-stage", "sft.reflector", "sft.corrector"]) {
                for (const row of readJsonl<SftRow>(join(out, `${f}.${s}.jsonl`))) {
                    const { input, targets } = splitRow(row);
                    expect(targets.every((t) => t.role === "assistant")).toBe(true);
                    for (const t of targets) for (const m of input) expect(m.content).not.toContain(t.content);
                    // This run's prompts and reflections never held the gold: so no input may.
                    const g = gold(Number(row.provenance.item_id.slice(1)));
                    for (const m of input) expect(m.content).not.toContain(g);
                }
            }
            for (const row of readJsonl<PreferenceRow>(join(out, `pref.dpm.${s}.jsonl`))) {
                for (const m of row.prompt) {
                    expect(m.content).not.toContain(row.chosen[0]!.content);
                    expect(m.content).not.toContain(row.rejected[0]!.content);
                    expect(m.content).not.toContain(gold(Number(row.provenance.chosen.item_id.slice(1))));
                }
            }
        }
    });

    it("writes ReflectEvo-460k records (the release's fields, then ours) that read back as task items", async () => {
        const plus = readJsonl<Record<string, unknown>>(join(out, "reflectevo.dplus.jsonl"));
        expect(plus).toHaveLength(14);
        const r = plus.find((x) => x.id === "run-a/q1/1-1-1/0")!;
        // The release's D+ fields first, in its order, then ours.
        expect(Object.keys(r)).toEqual([...DPLUS_FIELDS, "task", "family", "choices", "instruction_key", "split", "provenance", "messages"]);
        expect(r).toMatchObject({ task: "alpha", question: "Item 1: name the secret word.", answer: "zebra1", first_trial_reasoning: "I think it is this.\nFinal answer: wrong", first_trial_answer: "wrong", reflections: "Reflection 0 on item 1 under 1-1-1: re-read the question.", second_trial_reasoning: "Final answer: zebra1", second_trial_answer: "zebra1", instruction_key: "1-1-1" });
        expect(r.reflect_prompt).toContain(pool.get("1-1-1").text);
        expect(r.reason_prompt).toEqual([expect.stringContaining("Item 1: name the secret word.")]);
        const m = r.messages as { reflect: ChatMessage[]; correct: ChatMessage[] };
        expect(m.correct.at(-1)!.content).toMatch(/^Now answer the question again/);
        expect(m.correct.slice(0, m.reflect.length)).toEqual(m.reflect);
        expect(r.provenance).toMatchObject({ run: "run-a", item_id: "q1", sample_index: 0 });
        const pm = readJsonl<Record<string, unknown>>(join(out, "reflectevo.dpm.jsonl"));
        expect(pm).toHaveLength(4);
        expect(Object.keys(pm[0]!)).toEqual([...PAIR_FIELDS, "task", "family", "choices", "instruction_key", "split", "set", "provenance", "messages"]);
        expect(pm[0]).toMatchObject({ answer: "zebra1", set: "dpm", reflection_chosen: expect.stringMatching(/^Reflection 0/), second_trial_answer_chosen: "zebra1", reflection_rejected: expect.stringMatching(/^Reflection 1/), second_trial_answer_rejected: "wrong 1" });
        const back = await importReflectEvo(join(out, "reflectevo.dplus.jsonl"));
        expect(back.set.items.find((i) => i.id === "run-a/q1/1-1-1/0")).toMatchObject({ task: "alpha", question: "Item 1: name the secret word.", answer: "zebra1" });
    });

    it("refuses a non-empty out folder unless forced, and keeps files it does not own", async () => {
        const o = join(dir, "busy");
        mkdirSync(o);
        writeFileSync(join(o, "notes.txt"), "mine");
        await expect(exportCuration({ runs: [runA], options: opts(), out: o })).rejects.toThrow(/busy is not empty/);
        expect(existsSync(join(o, CURATION_FILE))).toBe(false);
        await exportCuration({ runs: [runA], options: opts(), out: o, force: true });
        expect(readFileSync(join(o, "notes.txt"), "utf8")).toBe("mine");
        // Forcing again with only D± removes the earlier D+ files: the folder holds one export.
        const s = await exportCuration({ runs: [runA], options: opts({ sets: ["dpm"] }), out: o, force: true });
        expect(existsSync(join(o, "sft.one-stage.train.jsonl"))).toBe(false);
        expect(s.files.map((f) => f.name)).toEqual(["pref.dpm.train.jsonl", "pref.dpm.eval.jsonl", "reflectevo.dpm.jsonl"]);
    });

    it("names the run when it is missing, not a batch run, or a retry-mode run", async () => {
        await expect(exportCuration({ runs: ["no-such-run"], sessionsDir: dir, options: opts(), out: join(dir, "x1") })).rejects.toThrow(`and no run with that id in ${dir}`);
        mkdirSync(join(dir, "empty-run"));
        await expect(exportCuration({ runs: [join(dir, "empty-run")], options: opts(), out: join(dir, "x2") })).rejects.toThrow(/empty-run holds no manifest.json/);
        const retry = await makeRun("run-retry", { mode: "retry", k: 2 });
        await expect(exportCuration({ runs: [runA, retry], options: opts(), out: join(dir, "x3") })).rejects.toThrow(/run run-retry .* retry mode: it has no reflections/);
        expect(existsSync(join(dir, "x3"))).toBe(false);
        // A run id under the sessions folder works like its path.
        const byId = await exportCuration({ runs: ["run-a"], sessionsDir: dir, options: opts(), out: join(dir, "x4") });
        expect(byId.sources[0]!.dir).toBe(runA);
        expect(listBatchRuns(dir).map((r) => `${r.id}:${r.mode}:${r.samples}`)).toEqual(expect.arrayContaining(["run-a:reflect:24", "run-retry:retry:8"]));
    });
});

describe("the D_pref judge hook", () => {
    /** Prefers the lower sample number; position-biased ("a") on q3; calls q5's pairs a tie. */
    function scriptedJudge() {
        const calls: { item: string; a: string; b: string }[] = [];
        const judge: PreferenceJudge = {
            model: "scripted-teacher",
            async judge(prompt, a, b) {
                const item = /Item (\d+)/.exec(prompt[0]!.content)![1]!;
                calls.push({ item, a: a.content, b: b.content });
                if (item === "3") return { winner: "a", reason: "the first one reads better" };
                if (item === "5") return { winner: "tie", reason: "both are fine" };
                const n = (m: string) => Number(/Reflection (\d+)/.exec(m)![1]);
                return n(a.content) < n(b.content) ? { winner: "a", reason: `a is sample ${n(a.content)}` } : { winner: "b", reason: `b is sample ${n(b.content)}` };
            }
        };
        return { judge, calls };
    }

    it("asks in both orders, drops ties and disagreements, and stores the reason", async () => {
        const { judge, calls } = scriptedJudge();
        const out = join(dir, "dpref");
        const s = await exportCuration({ runs: [runA], options: opts({ sets: ["dpref"] }), out, judge });
        expect(calls).toHaveLength(16);
        for (let j = 0; j < calls.length; j += 2) expect([calls[j + 1]!.a, calls[j + 1]!.b]).toEqual([calls[j]!.b, calls[j]!.a]);
        expect(s.judge).toEqual({ model: "scripted-teacher", candidates: 8, kept: 4, ties: 2, disagreements: 2 });
        expect(s.counts.dpref!.total).toBe(4);
        expect(s.dropped.dpref).toMatchObject({ judge_tie: 2, judge_disagree: 2 });
        const rows = readJsonl<PreferenceRow>(join(out, "pref.dpref.train.jsonl"));
        expect(rows.map((r) => r.provenance.chosen.item_id)).toEqual(["q1", "q1", "q7", "q7"]);
        for (const r of rows) {
            expect(r.chosen[0]!.content).toMatch(/^Reflection 0/);
            expect(r.rejected[0]!.content).toMatch(/^Reflection 1/);
            expect(r.provenance.judge).toEqual({ model: "scripted-teacher", reason: "chosen shown first: a is sample 0 | chosen shown second: b is sample 0" });
        }
        const evo = readJsonl<{ provenance: { judge: { reason: string } } }>(join(out, "reflectevo.dpref.jsonl"));
        expect(evo).toHaveLength(4);
        expect(evo[0]!.provenance.judge.reason).toContain("a is sample 0");
    });

    it("asks for a teacher when D_pref is wanted without one", async () => {
        await expect(exportCuration({ runs: [runA], options: opts({ sets: ["dplus", "dpref"] }), out: join(dir, "nojudge") })).rejects.toThrow(/D_pref needs a teacher model/);
        expect(existsSync(join(dir, "nojudge"))).toBe(false);
    });
});

describe("reflect-lab curate", () => {
    const cli = (args: string[]) => runCommand((p) => addCurateCommand(p), ["curate", ...args]);

    it("prints counts per set and task, the folder and its files; --json prints the summary", async () => {
        const out = join(dir, "cli-out");
        const r = await cli([runA, "--out", out, "--set", "dplus", "--set", "dpm", "--eval-fraction", "0"]);
        expect(r.code).toBeUndefined();
        expect(r.out).toMatch(/D\+\s+alpha\s+4\s+0\s+4/);
        expect(r.out).toMatch(/D\+\s+beta\s+10\s+0\s+10/);
        expect(r.out).toMatch(/D±\s+all\s+4\s+0\s+4/);
        expect(r.out).toContain(`out: ${out}`);
        expect(r.out).toMatch(/sft\.one-stage\.train\.jsonl\s+14 rows/);
        const j = await cli([runA, "--out", join(dir, "cli-json"), "--set", "dplus", "--cap-per-task", "2", "--instructions", "1-1-1", "--no-dedup", "--seed", "9", "--json"]);
        const s = JSON.parse(j.out) as CurationSummary;
        expect(s.options).toEqual({ sets: ["dplus"], cap_per_task: 2, instructions: ["1-1-1"], dedup: false, eval_fraction: 0.1, seed: 9 });
        expect(s.counts.dplus!.total).toBe(4);
    });

    it("reports errors in one line with exit code 1", async () => {
        const r = await cli([runA, "--out", join(dir, "cli-out")]);
        expect(r.code).toBe(1);
        expect(r.err.trim().split("\n")).toHaveLength(1);
        expect(r.err).toMatch(/^reflect-lab: .*cli-out is not empty/);
        const d = await cli([runA, "--set", "dpref", "--out", join(dir, "cli-dpref")]);
        expect(d.code).toBe(1);
        expect(d.err).toMatch(/needs a teacher model/);
    });
});
