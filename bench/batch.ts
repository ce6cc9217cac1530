// npm run bench: the batch runner's throughput on the default model at P = 1, 2, 4, 8, beside two
// ceilings measured in the same run (llama.cpp's llama-batched-bench on node-llama-cpp's own libraries,
// and a bare node-llama-cpp lockstep driver), prefix reuse on/off, memory over a long run, and the
// time to reopen a 100,000-sample run. A script, not a test: figures depend on the machine.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { LlamaHost } from "../src/backend/llama.js";
import type { ParallelBackend } from "../src/backend/types.js";
import { startBatch } from "../src/batch/session.js";
import { RunStore } from "../src/batch/store.js";
import { reportRun } from "../src/batch/report.js";
import type { BatchConfig, ItemResult } from "../src/batch/types.js";
import { DEFAULT_MODEL_PATH } from "../src/paths.js";
import { closeMathWorker } from "../src/verify/math.js";
import { scriptedParallel } from "../test/helpers/scriptedBackend.js";
import { bareLockstep, disposeBare } from "./bare-driver.js";
// @ts-expect-error: a plain ES module without types
import { runBatchedBench } from "./llama-tools.mjs";

const PS = (process.env.BENCH_P ?? "1,2,4,8").split(",").map(Number);
const ITEMS = Number(process.env.BENCH_ITEMS ?? 24);
const threads = availableParallelism();
const tmp = mkdtempSync(join(tmpdir(), "rl-bench-"));
const hardware = { gpu: "auto", gpuLayers: "auto", vramCapMiB: null, threads } as const;
const log = (s = "") => process.stdout.write(s + "\n");
const f1 = (x: number) => x.toFixed(1);

function config(P: number): BatchConfig {
    return {
        tasks: ["demo"], format: "auto", limit: ITEMS, parallel: P, k: 2, instructions: { kind: "random", count: 2 }, maxTurns: 2, mode: "reflect", verifier: "oracle",
        sampler: { temperature: 0.8, topK: 40, topP: 0.95, minP: 0.05, repeatPenalty: 1.1, seed: 1, maxTokens: 128 }, model: "default", contextSize: 2048
    };
}

interface RunnerFigures { P: number; seconds: number; items: number; gen: number; evaluated: number; cached: number; meanContext: number; meanGen: number; occupancy: number }

/** One real batch run: generated tokens/s over the whole wall time, prefill and verification included. */
async function runner(P: number, reusePrefix = true): Promise<RunnerFigures> {
    const host = await LlamaHost.load({ sequences: P, contextSize: 2048, threads, reusePrefix });
    let gen = 0, evaluated = 0, cached = 0, calls = 0, ctx = 0, items = 0;
    const count = (r: ItemResult) => {
        items++;
        for (const rec of [r.base, ...r.samples])
            for (const s of rec.steps.slice(rec === r.base ? 0 : 2)) {
                if (s.output_tokens === undefined) continue;
                gen += s.output_tokens;
                evaluated += s.prompt_tokens ?? 0;
                cached += s.cached_tokens ?? 0;
                ctx += (s.prompt_tokens ?? 0) + (s.cached_tokens ?? 0);
                calls++;
            }
    };
    const t0 = performance.now();
    await startBatch({ config: config(P), out: join(tmp, `run-${P}-${reusePrefix}`), hardware, backend: host, onEvent: (e) => e.type === "item" && count(e.result) });
    const seconds = (performance.now() - t0) / 1000;
    const st = host.scheduler.stats;
    await host.dispose();
    return { P, seconds, items, gen, evaluated, cached, meanContext: ctx / calls, meanGen: gen / calls, occupancy: st.steps / Math.max(1, st.flushes) };
}

async function memory(): Promise<void> {
    const file = join(tmp, "mem.jsonl");
    writeFileSync(file, Array.from({ length: 10_000 }, (_, i) => JSON.stringify({ id: `m${i}`, task: `t${i % 7}`, question: `What is ${i} + 1?`, answer: String(i + 1), family: "text" })).join("\n") + "\n");
    const backend: ParallelBackend = scriptedParallel(8, (m) => (m.length === 1 ? "Final answer: 0" : m.at(-1)!.content.startsWith("Your answer") ? "I should add one." : "Final answer: 1"), { keepCalls: false });
    const rss: Record<number, number> = {};
    const heap: Record<number, number> = {};
    const t0 = performance.now();
    await startBatch({
        config: { ...config(8), tasks: [file], limit: null }, out: join(tmp, "mem"), hardware, backend,
        onEvent: (e) => {
            if (e.type === "item" && (e.done === 1000 || e.done === 10_000)) {
                // Collect first when allowed (npm run bench passes --expose-gc), so garbage not yet collected does not count.
                (globalThis as { gc?: () => void }).gc?.();
                rss[e.done] = process.memoryUsage().rss / 2 ** 20;
                heap[e.done] = process.memoryUsage().heapUsed / 2 ** 20;
            }
        }
    });
    log(`memory (scripted backend, 8 slots, 4 samples per item): RSS ${f1(rss[1000]!)} MiB after 1,000 items, ${f1(rss[10_000]!)} MiB after 10,000 (ratio ${(rss[10_000]! / rss[1000]!).toFixed(2)}); JS heap ${f1(heap[1000]!)} -> ${f1(heap[10_000]!)} MiB; ${f1(10_000 / ((performance.now() - t0) / 1000))} items/s`);
}

async function reopen(): Promise<void> {
    const dir = join(tmp, "big");
    const store = RunStore.open(dir);
    const step = { kind: "answer", turn: 1, sample_index: 0, output: "x".repeat(600), prompt: "p".repeat(900), ms: 1, started_at: "" };
    const base = { schema: "reflect-lab/record@1", run_id: "big", item: { id: "", task: "t", family: "text", question: "q", choices: null, answer: "a" }, steps: [step], correct_by_turn: [false], status: "done" };
    for (let i = 0; i < 25_000; i++) {
        const samples = [0, 1, 2, 3].map((s) => ({ ...base, sample: { instruction_key: "1-1-1", sample_index: s }, correct_by_turn: [false, s % 2 === 0], steps: [step, step, step, step] }));
        store.putItem({ itemId: `b${i}`, index: i, task: `t${i % 9}`, base: base as never, samples: samples as never, outputTokens: 0, ms: 0 });
    }
    store.close();
    RunStore.writeManifest(dir, { schema: "reflect-lab/run@1", id: "big", config: { ...config(8), maxTurns: 2 }, model: { file: "x", path: "x", sha256: "x", adapters: [] }, tasks: { name: "t", items: 25_000, ids_sha256: "" } });
    let t0 = performance.now();
    const s2 = RunStore.open(dir);
    const done = [...s2.statuses().values()].length;
    s2.close();
    const resumeMs = performance.now() - t0;
    t0 = performance.now();
    const r = reportRun(dir);
    const reportMs = performance.now() - t0;
    log(`reopen a 100,000-sample run (${done} items): for resume ${f1(resumeMs)} ms, full report ${f1(reportMs)} ms (${r.progress.samples} samples; target < 2000 ms)`);
}

const only = new Set((process.env.BENCH_ONLY ?? "throughput,memory,reopen").split(","));
if (only.has("throughput")) await throughput();
if (only.has("memory")) await memory();
if (only.has("reopen")) await reopen();
rmSync(tmp, { recursive: true, force: true });

async function throughput(): Promise<void> {
    log(`reflect-lab bench · ${DEFAULT_MODEL_PATH.split("/").pop()} · ${threads} threads · P ${PS.join(", ")} · ${ITEMS} demo items, k 2, random:2, max 128 tokens`);
    log();
    const runs: RunnerFigures[] = [];
    for (const P of PS) {
        const r = await runner(P);
        runs.push(r);
        log(`runner P=${P}: ${r.items} items in ${f1(r.seconds)} s · ${(r.items / r.seconds).toFixed(2)} items/s · ${f1(r.gen / r.seconds)} generated tok/s · batch occupancy ${r.occupancy.toFixed(2)} · mean context ${Math.round(r.meanContext)} tok, mean generation ${Math.round(r.meanGen)} tok`);
    }
    const reuseP = PS.includes(4) ? 4 : PS[0]!;
    const off = await runner(reuseP, false);
    const on = runs.find((r) => r.P === reuseP)!;
    log(`prefix reuse at P=${reuseP}: on ${f1(on.gen / on.seconds)} tok/s, ${on.evaluated} prompt tokens evaluated (${on.cached} reused) · off ${f1(off.gen / off.seconds)} tok/s, ${off.evaluated} evaluated · reuse pays ${((on.gen / on.seconds) / (off.gen / off.seconds)).toFixed(2)}x`);
    closeMathWorker();

    // Ceilings: the fixed 64/128 workload of the notes, and one matched to the runner's real context and generation lengths.
    const matchedPrompt = Math.round(runs.reduce((a, r) => a + r.meanContext, 0) / runs.length);
    const matchedGen = Math.round(runs.reduce((a, r) => a + r.meanGen, 0) / runs.length);
    const ceilings: Record<string, { llama: number[]; bare: number[] }> = {};
    for (const [name, promptTokens, genTokens] of [["64/128", 64, 128], [`matched ${matchedPrompt}/${matchedGen}`, matchedPrompt, Math.max(16, matchedGen)]] as const) {
        const llama = (await runBatchedBench({ model: DEFAULT_MODEL_PATH, P: PS, promptTokens, genTokens, threads, runs: 1 })) as { P: number; genTokensPerSecond: number }[];
        const bare = [];
        for (const P of PS) bare.push((await bareLockstep({ P, promptTokens, genTokens, threads, runs: 1, contextSize: promptTokens + genTokens + 64 })).genTokensPerSecond);
        ceilings[name] = { llama: PS.map((P) => llama.find((x) => x.P === P)!.genTokensPerSecond), bare };
    }
    await disposeBare();
    log();
    log(`generated tok/s        ${PS.map((P) => `P=${P}`.padStart(8)).join("")}`);
    log(`runner                 ${runs.map((r) => f1(r.gen / r.seconds).padStart(8)).join("")}`);
    for (const [name, c] of Object.entries(ceilings)) {
        log(`${`llama-batched ${name}`.padEnd(23)}${c.llama.map((x) => f1(x).padStart(8)).join("")}`);
        log(`${`bare lockstep ${name}`.padEnd(23)}${c.bare.map((x) => f1(x).padStart(8)).join("")}`);
    }
    log();
    for (const [name, c] of Object.entries(ceilings)) {
        const ratios = runs.map((r, i) => (r.gen / r.seconds) / Math.max(c.llama[i]!, c.bare[i]!));
        log(`runner / better ceiling (${name}): ${ratios.map((x, i) => `P=${PS[i]} ${x.toFixed(2)}`).join(" · ")}  (target >= 0.90)`);
        const bare = runs.map((r, i) => (r.gen / r.seconds) / c.bare[i]!);
        log(`runner / bare node-llama-cpp (${name}): ${bare.map((x, i) => `P=${PS[i]} ${x.toFixed(2)}`).join(" · ")}`);
    }
    const p1 = runs.find((r) => r.P === 1), p8 = runs.find((r) => r.P === 8);
    if (p1 && p8) log(`runner P=8 / P=1: ${((p8.gen / p8.seconds) / (p1.gen / p1.seconds)).toFixed(2)}x (target >= 2)`);
    log();
}
