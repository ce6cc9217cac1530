// Reflection–correction similarity (ReflectEvo Fig. 6-7): the command's JSON against figures this
// test recomputes by its own path (records read straight from SQLite, its own tf-idf, cosine and
// textbook Pearson), Pearson against hand values, the measure labels, and one real embedding run.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import Database from "better-sqlite3";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ChatMessage } from "../src/backend/types.js";
import { cosine, openEmbedder } from "../src/analysis/embed.js";
import { pairOf } from "../src/analysis/pairs.js";
import { formatSimilarity } from "../src/analysis/similarityFormat.js";
import { correlate, fisherInterval, pearson } from "../src/analysis/pearson.js";
import { startBatch } from "../src/batch/session.js";
import { RunStore } from "../src/batch/store.js";
import { DEFAULT_MODEL_PATH } from "../src/paths.js";
import { closeMathWorker } from "../src/verify/math.js";
import { addAnalyzeCommands } from "../bin/analyze.js";
import { tinyConfig } from "./helpers/batchTasks.js";
import { runCommand } from "./helpers/runCommand.js";
import { scriptedParallel } from "./helpers/scriptedBackend.js";

const dir = mkdtempSync(join(tmpdir(), "rl-similarity-"));
afterAll(() => {
    closeMathWorker();
    rmSync(dir, { recursive: true, force: true });
});
const hardware = { gpu: "cpu", gpuLayers: "auto", vramCapMiB: null, threads: null } as const;

/** [reflection, turn-2 answer] per failed item and instruction (1-1-1 traces, 2-2-2 skims); gold of q<i> is i+1. */
const TEXTS: Record<number, [traced: [string, string], skimmed: [string, string]]> = {
    1: [["Final answer: 2", "Final answer: 2"], ["I was hasty and skipped a step.", "Let me guess again.\nFinal answer: 0"]],
    2: [["Add one to two: two plus one makes three.", "Two plus one makes three.\nFinal answer: 3"], ["The question asks for a sum of numbers.", "Numbers are hard.\nFinal answer: 7"]],
    3: [["Add one to three and the sum is four.", "Three and one: the sum is four.\nFinal answer: 4"], ["Check the arithmetic carefully.", "Final answer: 4"]],
    5: [["Add one to five: the sum is six.", "The sum is six.\nFinal answer: 6"], ["I misread the question entirely.", "Final answer: 9"]],
    6: [["Add one to six: the sum is seven.", "Add one to six: the sum is eight.\nFinal answer: 8"], ["Reconsider the numbers.", "Final answer: 1"]],
    7: [["Add one to seven: the sum is eight.", "The sum is eight.\nFinal answer: 8"], ["Slow down.", "Slow down.\nFinal answer: 8"]]
};

const itemOf = (m: ChatMessage[]) => Number(/What is (\d+) \+ 1/.exec(m[0]!.content)![1]);
const TRACE = "tracing it step by step";

/** Turn 1 right for q0 and q4 only; reflections and turn-2 answers from TEXTS. */
function model(m: ChatMessage[]): string {
    const i = itemOf(m);
    if (m.length === 1) return `Final answer: ${i === 0 || i === 4 ? i + 1 : 0}`;
    if (m.at(-1)!.content.startsWith("Your answer is incorrect")) return TEXTS[i]![m.at(-1)!.content.includes(TRACE) ? 0 : 1][0];
    return TEXTS[i]![m.at(-3)!.content.includes(TRACE) ? 0 : 1][1];
}

function tasks(name: string): string {
    const p = join(dir, name);
    writeFileSync(p, [0, 1, 2, 3, 4, 5, 6, 7].map((i) => JSON.stringify({ id: `q${i}`, task: i < 4 ? "alpha" : "beta", question: `What is ${i} + 1?`, choices: null, answer: String(i + 1), answer_index: null, tests: null, test_setup: null, family: "text" })).join("\n") + "\n");
    return p;
}

let run: string;
beforeAll(async () => {
    run = join(dir, "run");
    const config = tinyConfig(tasks("t.jsonl"), { parallel: 2, k: 1, instructions: { kind: "fixed", keys: ["1-1-1", "2-2-2"] } });
    await startBatch({ config, out: run, hardware, backend: scriptedParallel(2, model) });
});

// ---- the test's own path: raw rows, its own tokenizer, tf-idf, cosine and Pearson ----

interface Raw {
    key: string;
    task: string;
    reflection: string;
    answer: string;
    correct: number;
}

function rawPairs(): Raw[] {
    const db = new Database(join(run, "samples.sqlite"), { readonly: true });
    try {
        const rows = db.prepare("SELECT item_id, instruction_key, record FROM samples").all() as { item_id: string; instruction_key: string; record: string }[];
        return rows.map((r) => {
            const rec = JSON.parse(r.record);
            const refl = rec.steps.filter((s: { kind: string; turn: number }) => s.kind === "reflect" && s.turn === 1);
            const corr = rec.steps.filter((s: { kind: string; turn: number }) => s.kind === "correct" && s.turn === 2);
            expect(refl).toHaveLength(1);
            expect(corr).toHaveLength(1);
            return { key: `${r.item_id}/${r.instruction_key}`, task: rec.item.task, reflection: refl[0].output, answer: corr[0].output, correct: rec.correct_by_turn[1] ? 1 : 0 };
        });
    } finally {
        db.close();
    }
}

const words = (t: string) => t.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 0);

/** Smoothed idf ln((1+D)/(1+df))+1 over all reflections and answers, weights tf·idf, cosine. */
function tfidfCosines(pairs: Raw[]): Map<string, number> {
    const docs = pairs.flatMap((p) => [p.reflection, p.answer]);
    const df: Record<string, number> = {};
    for (const d of docs) for (const w of new Set(words(d))) df[w] = (df[w] ?? 0) + 1;
    const vec = (t: string) => {
        const v: Record<string, number> = {};
        for (const w of words(t)) v[w] = (v[w] ?? 0) + 1;
        for (const w in v) v[w]! *= Math.log((1 + docs.length) / (1 + df[w]!)) + 1;
        return v;
    };
    const out = new Map<string, number>();
    for (const p of pairs) {
        const a = vec(p.reflection);
        const b = vec(p.answer);
        let dot = 0;
        for (const w in a) dot += a[w]! * (b[w] ?? 0);
        const len = (v: Record<string, number>) => Math.sqrt(Object.values(v).reduce((s, x) => s + x * x, 0));
        out.set(p.key, dot / (len(a) * len(b)));
    }
    return out;
}

/** The textbook one-pass form: (nΣxy − ΣxΣy) / √((nΣx² − (Σx)²)(nΣy² − (Σy)²)). */
function textbookR(x: number[], y: number[]): number {
    const n = x.length;
    const s = (f: (i: number) => number) => x.reduce((a, _, i) => a + f(i), 0);
    const sx = s((i) => x[i]!);
    const sy = s((i) => y[i]!);
    return (n * s((i) => x[i]! * y[i]!) - sx * sy) / Math.sqrt((n * s((i) => x[i]! ** 2) - sx ** 2) * (n * s((i) => y[i]! ** 2) - sy ** 2));
}

const avg = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;

describe("similarity (lexical)", () => {
    it("matches the test's own tf-idf cosine and Pearson per sample, per task and overall", async () => {
        // The run first: 6 failed items × 2 instructions × k 1 = 12 chains, each with one pair.
        const store = RunStore.open(run);
        expect(store.counts()).toMatchObject({ items: 8, done: 8, samples: 12 });
        store.close();
        const raw = rawPairs();
        expect(raw).toHaveLength(12);
        expect(raw.find((p) => p.key === "q1/1-1-1")).toMatchObject({ reflection: "Final answer: 2", answer: "Final answer: 2", correct: 1 });
        expect(raw.filter((p) => p.correct).length).toBe(7);

        const { out, err, code } = await runCommand(addAnalyzeCommands, ["similarity", run, "--json"]);
        expect(err).toBe("");
        expect(code).toBeUndefined();
        const j = JSON.parse(out);
        expect(j.measure).toBe("lexical (tf-idf cosine)");
        expect(j).toMatchObject({ chains: 12, pairs: 12, skipped: {} });
        expect(j.samples).toHaveLength(12);

        const mine = tfidfCosines(raw);
        for (const s of j.samples) expect(s.similarity).toBeCloseTo(mine.get(`${s.itemId}/${s.instructionKey}`)!, 12);
        expect(j.samples.find((s: { itemId: string; instructionKey: string }) => s.itemId === "q1" && s.instructionKey === "1-1-1").similarity).toBeCloseTo(1, 12);

        for (const [name, group] of [["overall", j.overall], ["alpha", j.perTask.alpha], ["beta", j.perTask.beta]] as const) {
            const sub = raw.filter((p) => name === "overall" || p.task === name);
            const x = sub.map((p) => mine.get(p.key)!);
            const y = sub.map((p) => p.correct);
            const r = textbookR(x, y);
            expect(group.n).toBe(sub.length);
            expect(group.r).toBeCloseTo(r, 10);
            const z = Math.atanh(r);
            const se = 1 / Math.sqrt(sub.length - 3);
            expect(group.ci95[0]).toBeCloseTo(Math.tanh(z - 1.96 * se), 10);
            expect(group.ci95[1]).toBeCloseTo(Math.tanh(z + 1.96 * se), 10);
            expect(group.nCorrect).toBe(y.filter(Boolean).length);
            expect(group.accT2).toBeCloseTo(avg(y), 12);
            expect(group.meanSimilarityCorrect).toBeCloseTo(avg(x.filter((_, i) => y[i])), 12);
            expect(group.meanSimilarityIncorrect).toBeCloseTo(avg(x.filter((_, i) => !y[i])), 12);
        }
        expect(j.perTask.alpha.n).toBe(6);
        expect(j.perTask.beta.n).toBe(6);
        // The quantile bins cover every pair once.
        expect(j.overall.bins.reduce((a: number, b: { n: number }) => a + b.n, 0)).toBe(12);
    });

    it("prints the measure's name, the table and the bins; the run is left untouched", async () => {
        const before = RunStore.open(run);
        const rows = before.counts();
        before.close();
        const { out, code } = await runCommand(addAnalyzeCommands, ["similarity", run]);
        expect(code).toBeUndefined();
        expect(out).toContain("12 sample chains, 12 reflection–turn-2 pairs");
        expect(out).toContain("measure: lexical (tf-idf cosine): shared words, not meaning");
        expect(out).toMatch(/^task\s+N\s+Acc@t2\s+mean sim\s+sim if ✓\s+sim if ✗\s+Pearson r\s+95% CI \(Fisher z\)$/m);
        expect(out).toMatch(/^alpha\s+6\s+66\.7\s/m);
        expect(out).toMatch(/^beta\s+6\s+50\.0\s/m);
        expect(out).toMatch(/^overall\s+12\s+58\.3\s+\d\.\d{3}\s+\d\.\d{3}\s+\d\.\d{3}\s+[+-]\d\.\d{3}\s+\[[+-]\d\.\d{3}, [+-]\d\.\d{3}\]$/m);
        expect(out).toContain("Acc@t2 by similarity quantile (overall):");
        const after = RunStore.open(run);
        expect(after.counts()).toEqual(rows);
        after.close();
    });

    it("refuses a retry-mode run and an unknown run with one line and exit code 2", async () => {
        const retry = join(dir, "retry");
        await startBatch({ config: tinyConfig(tasks("r.jsonl"), { parallel: 2, k: 1, mode: "retry" }), out: retry, hardware, backend: scriptedParallel(2, () => "Final answer: 0") });
        const a = await runCommand(addAnalyzeCommands, ["similarity", retry]);
        expect(a.code).toBe(2);
        expect(a.err).toMatch(/retry-mode run .* no reflections/);
        const b = await runCommand(addAnalyzeCommands, ["similarity", join(dir, "nope")]);
        expect(b.code).toBe(2);
        expect(b.err).toContain('no batch run "');
    });
});

describe("pairs and Pearson", () => {
    it("counts chains without a pair by reason instead of dropping them", () => {
        const key = { itemId: "x", instructionKey: "1-1-1", sampleIndex: 0 };
        const rec = (steps: object[], cbt: boolean[]) => JSON.stringify({ item: { task: "t" }, steps, correct_by_turn: cbt });
        expect(pairOf(rec([{ kind: "answer", turn: 1, output: "a" }], [false]), key)).toBe("no turn-1 reflection");
        expect(pairOf(rec([{ kind: "reflect", turn: 1, output: "r" }], [false]), key)).toBe("no turn-2 answer");
        expect(pairOf(rec([{ kind: "reflect", turn: 1, output: " " }, { kind: "correct", turn: 2, output: "c" }], [false, true]), key)).toBe("empty reflection or answer");
        expect(pairOf("{", key)).toBe("unreadable record");
        // A re-rolled (superseded) reflection is not the one the answer followed.
        const p = pairOf(rec([{ kind: "reflect", turn: 1, output: "old", superseded: true }, { kind: "reflect", turn: 1, sample_index: 1, output: "new" }, { kind: "correct", turn: 2, output: "c" }], [false, true]), key);
        expect(p).toMatchObject({ reflection: "new", answer: "c", correct: true, task: "t" });
    });

    it("gives Pearson's r and its Fisher-z interval as computed by hand", () => {
        // x̄ 3, ȳ 4; Σdxdy 6, Σdx² 10, Σdy² 6: r = 6/√60.
        expect(pearson([1, 2, 3, 4, 5], [2, 4, 5, 4, 5])).toBeCloseTo(0.774597, 6);
        expect(fisherInterval(6 / Math.sqrt(60), 5)![0]).toBeCloseTo(-0.340105, 6);
        expect(fisherInterval(6 / Math.sqrt(60), 5)![1]).toBeCloseTo(0.984237, 6);
        // A 0/1 outcome (point-biserial): Σdxdy 0.25, Σdx² 0.468333, Σdy² 1.5.
        expect(pearson([0.9, 0.7, 0.4, 0.2, 0.6, 0.1], [1, 1, 0, 0, 0, 1])).toBeCloseTo(0.25 / Math.sqrt(0.4683333333 * 1.5), 8);
        expect(pearson([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 12);
        expect(fisherInterval(0.5, 3)).toBeNull();
        expect(correlate([0.1, 0.2, 0.3], [1, 1, 1])).toEqual({ n: 3, r: null, ci95: null, reason: "every turn-2 answer has the same correctness" });
        expect(correlate([0.5, 0.5], [0, 1]).reason).toBe("every pair has the same similarity");
        expect(correlate([0.5], [1]).reason).toBe("fewer than 2 pairs");
    });
});

const haveModel = existsSync(DEFAULT_MODEL_PATH);
if (!haveModel) console.warn(`similarity.test: the embedding test is skipped: ${DEFAULT_MODEL_PATH} is absent (npm run setup fetches it)`);

describe.skipIf(!haveModel)(`similarity with a real embedding model (${DEFAULT_MODEL_PATH.split("/").pop()})`, () => {
    it("gives cosine ≈ 1 for identical texts and names the embedding measure", async () => {
        const e = await openEmbedder({ model: DEFAULT_MODEL_PATH, gpu: "cpu" });
        try {
            const t = "Add one to seven: the sum is eight.";
            expect(cosine(await e.embed(t), await e.embed(t))).toBeCloseTo(1, 6);
            expect(cosine(await e.embed(t), await e.embed("Paris is the capital of France."))).toBeLessThan(0.99);
            expect(e.threads).toBeGreaterThan(0);
        } finally {
            await e.dispose();
        }
        const { out, err, code } = await runCommand(addAnalyzeCommands, ["similarity", run, "--embedding-model", DEFAULT_MODEL_PATH, "--gpu", "cpu", "--json"]);
        expect(code, err).toBeUndefined();
        const j = JSON.parse(out);
        expect(j.measure).toBe("embedding cosine (SmolLM2-135M-Instruct.Q4_1.gguf)");
        expect(j.measureDetails).toMatchObject({ model: "SmolLM2-135M-Instruct.Q4_1.gguf", truncatedTexts: 0 });
        expect(j.pairs).toBe(12);
        const same = j.samples.find((s: { itemId: string; instructionKey: string }) => s.itemId === "q1" && s.instructionKey === "1-1-1");
        expect(same.similarity).toBeCloseTo(1, 6);
        // r recomputed from the reported similarities and the stored correctness.
        const raw = new Map(rawPairs().map((p) => [p.key, p.correct]));
        const x = j.samples.map((s: { similarity: number }) => s.similarity);
        const y = j.samples.map((s: { itemId: string; instructionKey: string }) => raw.get(`${s.itemId}/${s.instructionKey}`)!);
        expect(j.overall.r).toBeCloseTo(textbookR(x, y), 10);
        // The printout of the same report (formatted from the JSON: loading the model a third time buys nothing).
        const text = formatSimilarity(j);
        expect(text).toContain("measure: embedding cosine (SmolLM2-135M-Instruct.Q4_1.gguf) · sha256 ");
        expect(text).not.toContain("lexical");
    }, 60_000);
});
