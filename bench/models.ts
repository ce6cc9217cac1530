// npm run bench:models: what each embedded model does on the demo set and on one public-format set of
// each family (multiple choice, math, code, yes/no) — Acc@t1, the share of failed attempts corrected at
// turn 2, D+ rows per 100 items (really curated, deduplicated), generated tokens/s — the table in the
// README's "self-evolving loop" section, from which the loop's default model and settings are chosen.
// A script, not a test: figures depend on the machine and on nothing else running on it.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { reportRun } from "../src/batch/report.js";
import { startBatch } from "../src/batch/session.js";
import { RunStore } from "../src/batch/store.js";
import type { BatchConfig } from "../src/batch/types.js";
import { exportCuration } from "../src/curate/export.js";
import { defaultOptions } from "../src/curate/options.js";
import { MODELS_DIR, PROJECT_ROOT } from "../src/paths.js";
import { closeMathWorker } from "../src/verify/math.js";

const MODELS: Record<string, string> = { "SmolLM2-135M": "SmolLM2-135M-Instruct.Q4_1.gguf", "Gemma3-270M": "gemma-3-270m-q4_k_m.gguf" };
const SETS: Record<string, string> = {
    demo: "demo",
    "yes/no (StrategyQA format)": join(PROJECT_ROOT, "examples", "strategyqa", "task.json"),
    "mc (LogiQA format)": join(PROJECT_ROOT, "examples", "logiqa", "logiqa.txt"),
    "math (MATH format)": join(PROJECT_ROOT, "examples", "math"),
    "code (MBPP format)": join(PROJECT_ROOT, "examples", "mbpp", "mbpp.jsonl")
};
const env = (k: string) => process.env[k]?.split(",").map((s) => s.trim()).filter(Boolean);
const ITEMS = Number(process.env.BENCH_ITEMS ?? 24);
const K = Number(process.env.BENCH_K ?? 2);
const INSTR = Number(process.env.BENCH_INSTRUCTIONS ?? 2);
const TOKENS = Number(process.env.BENCH_MAX_TOKENS ?? 128);
const P = Number(process.env.BENCH_PARALLEL ?? 8);
const threads = availableParallelism();
const tmp = mkdtempSync(join(tmpdir(), "rl-bench-models-"));
const log = (s = "") => process.stdout.write(s + "\n");

interface Row { model: string; set: string; items: number; acc1: number; failed: number; chains: number; corrected: number; dplus: number; tokens: number; seconds: number }

async function measure(model: string, file: string, set: string, tasks: string): Promise<Row> {
    const out = join(tmp, `${model}-${set}`.replace(/\W+/g, "-"));
    const config: BatchConfig = {
        tasks: [tasks], format: "auto", limit: ITEMS, parallel: P, k: K, instructions: { kind: "random", count: INSTR }, maxTurns: 2, mode: "reflect", verifier: "oracle",
        sampler: { temperature: 0.8, topK: 40, topP: 0.95, minP: 0.05, repeatPenalty: 1.1, seed: 42, maxTokens: TOKENS }, model: join(MODELS_DIR, file), contextSize: 2048
    };
    const t0 = performance.now();
    await startBatch({ config, out, hardware: { gpu: "auto", gpuLayers: "auto", vramCapMiB: null, threads } });
    const seconds = (performance.now() - t0) / 1000;
    const store = RunStore.open(out);
    const outcomes = store.outcomes();
    let tokens = 0;
    for (const r of [...store.sampleRecords()]) tokens += (JSON.parse(r.record) as { steps: { output_tokens?: number; turn: number; kind: string }[] }).steps.filter((s) => s.kind !== "answer").reduce((n, s) => n + (s.output_tokens ?? 0), 0);
    for (const id of store.doneItems()) tokens += (JSON.parse(store.baseRecord(id.itemId)!) as { steps: { output_tokens?: number }[] }).steps[0]?.output_tokens ?? 0;
    store.close();
    const failedItems = outcomes.filter((o) => !o.t1);
    const chains = failedItems.flatMap((o) => o.chains);
    const curated = await exportCuration({ runs: [out], options: defaultOptions({ sets: ["dplus"], evalFraction: 0 }), out: join(out, "curated") });
    const m = reportRun(out).metrics.overall;
    return { model, set, items: outcomes.length, acc1: m.accByTurn[0] ?? 0, failed: failedItems.length, chains: chains.length, corrected: chains.filter((c) => c[1] === true).length, dplus: curated.counts.dplus?.total ?? 0, tokens, seconds };
}

const pct = (x: number) => `${(100 * x).toFixed(0)}%`;
const rows: Row[] = [];
try {
    log(`bench:models · ${ITEMS} items per set · k ${K} · random:${INSTR} · ${TOKENS} tokens · P ${P} · ${threads} threads`);
    for (const [model, file] of Object.entries(MODELS).filter(([m]) => !env("BENCH_MODELS") || env("BENCH_MODELS")!.includes(m))) {
        if (!existsSync(join(MODELS_DIR, file))) {
            log(`skip ${model}: models/${file} missing (npm run setup -- --model ${model.startsWith("Gemma") ? "gemma3-270m" : "smollm2-135m"})`);
            continue;
        }
        for (const [set, tasks] of Object.entries(SETS).filter(([s]) => !env("BENCH_SETS") || env("BENCH_SETS")!.some((x) => s.startsWith(x)))) {
            const r = await measure(model, file, set, tasks);
            rows.push(r);
            log(`${model} · ${set}: Acc@t1 ${pct(r.acc1)} · corrected ${r.corrected}/${r.chains} chains of ${r.failed} failed items · D+ ${r.dplus} · ${(r.tokens / r.seconds).toFixed(0)} tok/s · ${r.seconds.toFixed(0)} s`);
        }
    }
    log("");
    log("| model | set | items | Acc@t1 | chains from failed attempts right at t2 | D+ rows / 100 items | gen. tok/s | wall |");
    log("|---|---|---:|---:|---:|---:|---:|---:|");
    for (const r of rows) log(`| ${r.model} | ${r.set} | ${r.items} | ${pct(r.acc1)} | ${r.chains ? pct(r.corrected / r.chains) : "-"} (${r.corrected}/${r.chains}) | ${((100 * r.dplus) / r.items).toFixed(0)} | ${(r.tokens / r.seconds).toFixed(0)} | ${r.seconds.toFixed(0)} s |`);
} finally {
    closeMathWorker();
    rmSync(tmp, { recursive: true, force: true });
}
