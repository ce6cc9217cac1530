// npm run bench: reflect-lab's batch runner on real demo items at P = 1, 2, 4, 8 beside its peers and
// ceilings measured in the same run — a llama-server driven the plain way, the bare node-llama-cpp
// lockstep driver, llama.cpp's llama-batched-bench — at the runner's own lengths and at a fixed
// 64/128; the issue-14 target ratios, marked met or missed; where the time goes per generated token
// when a target is missed; prefix reuse on/off; memory over a long run; the time to reopen a
// 100,000-sample run; and, once both engines are measured, the per-machine engine choice.
// A script, not a test: figures depend on the machine. BENCH_QUICK=1 (about 6-7 minutes on 2 cores):
// max(4, P) items per P, one run per ceiling, only the matched lengths, no prefix-reuse-off run.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import type { ParallelBackend } from "../src/backend/types.js";
import { BATCH_ENGINES, ENGINE_CHOICE_SCHEMA, mergeEngineChoice, pickByParallel, readEngineChoice, thisMachine, writeEngineChoice, type BatchEngine, type EngineChoice } from "../src/batch/engineChoice.js";
import { startBatch } from "../src/batch/session.js";
import { RunStore } from "../src/batch/store.js";
import { reportRun } from "../src/batch/report.js";
import { DEFAULT_MODEL_PATH } from "../src/paths.js";
import { closeMathWorker } from "../src/verify/math.js";
import { scriptedParallel } from "../test/helpers/scriptedBackend.js";
import { serverReplay } from "./server-replay.js";
import { bareLockstep, disposeBare, RUNNER_SAMPLING } from "./bare-driver.js";
import { breakdown, formatBreakdown, ratioLine, samplingShare } from "./breakdown.js";
// @ts-expect-error: a plain ES module without types
import { runBatchedBench } from "./llama-tools.mjs";
import { benchConfig, runner, type RunnerFigures } from "./runner-run.js";
import { serverPlain } from "./server-driver.js";

const QUICK = process.env.BENCH_QUICK === "1";
const PS = (process.env.BENCH_P ?? "1,2,4,8").split(",").map(Number);
const ITEMS_SET = process.env.BENCH_ITEMS !== undefined;
const ITEMS = Number(process.env.BENCH_ITEMS ?? 24);
/** Quick mode keeps a few items per slot, so P=8 still fills its batch. */
const itemsAt = (P: number) => (QUICK && !ITEMS_SET ? Math.max(4, P) : ITEMS);
/** process runs per ceiling figure (median) */
const RUNS = QUICK ? 1 : 3;
const RUNNER_VS_BARE = 0.9;
const BATCH_VS_SERVER = 1.0;
const threads = availableParallelism();
const tmp = mkdtempSync(join(tmpdir(), "rl-bench-"));
const hardware = { gpu: "auto", gpuLayers: "auto", vramCapMiB: null, threads } as const;
const log = (s = "") => process.stdout.write(s + "\n");
const f1 = (x: number) => x.toFixed(1);
const tps = (r: RunnerFigures) => r.gen / r.seconds;
const config = (P: number) => benchConfig(P, itemsAt(P));
for (const P of PS) if (!Number.isInteger(P) || P < 1) throw new Error(`BENCH_P must list positive integers, got "${process.env.BENCH_P}"`);
if (!Number.isInteger(ITEMS) || ITEMS < 1) throw new Error(`BENCH_ITEMS must be a positive integer, got "${process.env.BENCH_ITEMS}"`);

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
            if (e.type === "item" && (e.done === 1000 || e.done === 5000 || e.done === 10_000)) {
                // Collect first when allowed (npm run bench passes --expose-gc), so garbage not yet collected does not count.
                (globalThis as { gc?: () => void }).gc?.();
                rss[e.done] = process.memoryUsage().rss / 2 ** 20;
                heap[e.done] = process.memoryUsage().heapUsed / 2 ** 20;
            }
        }
    });
    log(`memory (scripted backend, 8 slots, 4 samples per item): RSS ${f1(rss[1000]!)} / ${f1(rss[5000]!)} / ${f1(rss[10_000]!)} MiB after 1,000 / 5,000 / 10,000 items (ratio ${(rss[10_000]! / rss[1000]!).toFixed(2)}; RSS also holds the allocator's free lists, 1.0-1.4x from run to run here); JS heap ${f1(heap[1000]!)} -> ${f1(heap[5000]!)} -> ${f1(heap[10_000]!)} MiB (the leak signal); ${f1(10_000 / ((performance.now() - t0) / 1000))} items/s`);
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

/** Generated tokens/s of the ceilings and peers at one workload, per P (in PS order). */
interface Workload { name: string; llama: number[]; bare: number[]; server: number[]; sampled: number[] | null }

/** `withSampler`: also the bare driver with the runner's sampler, right after the greedy one at each P (the breakdown's sampling share). */
async function workload(name: string, promptTokens: number, genTokens: number, withSampler = false): Promise<Workload> {
    const llama = (await runBatchedBench({ model: DEFAULT_MODEL_PATH, P: PS, promptTokens, genTokens, threads, runs: RUNS })) as { P: number; genTokensPerSecond: number }[];
    const bare: number[] = [], server: number[] = [], sampled: number[] = [];
    const opts = { promptTokens, genTokens, threads, runs: RUNS, contextSize: promptTokens + genTokens + 64 };
    for (const P of PS) {
        bare.push((await bareLockstep({ ...opts, P })).genTokensPerSecond);
        if (withSampler) sampled.push((await bareLockstep({ ...opts, P, sampling: RUNNER_SAMPLING })).genTokensPerSecond);
    }
    for (const P of PS) server.push((await serverPlain({ P, promptTokens, genTokens, threads, runs: RUNS })).genTokensPerSecond);
    return { name, llama: PS.map((P) => llama.find((x) => x.P === P)!.genTokensPerSecond), bare, server, sampled: withSampler ? sampled : null };
}

const row = (name: string, xs: (number | null)[]) => log(`${name.padEnd(54)}${xs.map((x) => (x === null ? "-" : f1(x)).padStart(8)).join("")}`);

async function throughput(): Promise<void> {
    log(`reflect-lab bench${QUICK ? " (quick)" : ""} · ${DEFAULT_MODEL_PATH.split("/").pop()} · ${threads} threads · P ${PS.join(", ")} · ${QUICK && !ITEMS_SET ? "max(4, P)" : ITEMS} demo items, k 2, random:2, max 128 tokens · ${RUNS} run${RUNS > 1 ? "s" : ""} per ceiling`);
    log();
    const runs: Record<BatchEngine, (RunnerFigures | null)[]> = { "node-llama-cpp": [], server: [] };
    for (const engine of BATCH_ENGINES)
        for (const P of PS) {
            const r = await runner(P, { engine, items: itemsAt(P), threads, tmp });
            runs[engine].push(r);
            if (r)
                log(`runner (${engine}) P=${P}: ${r.items} items in ${f1(r.seconds)} s · ${(r.items / r.seconds).toFixed(2)} items/s · ${f1(tps(r))} generated tok/s${r.occupancy === null ? "" : ` · batch occupancy ${r.occupancy.toFixed(2)}`} · mean context ${Math.round(r.meanContext)} tok, mean generation ${Math.round(r.meanGen)} tok, mean KV per generated token ${Math.round(r.meanKv)}, ` +
                    `${Math.round(r.evaluated / Math.max(1, r.calls))} prompt tok read per call${r.prefixCopies ? ` · ${r.prefixCopies.copies} prefixes copied between slots (${r.prefixCopies.tokens} tok not read again)` : ""}`);
        }
    const local = runs["node-llama-cpp"] as RunnerFigures[];
    if (runs.server.every((r) => r === null)) log("runner (server): not measured, the server engine is not wired into the bench yet (bench/runner-run.ts openServerEngine)");
    if (!QUICK) {
        const reuseP = PS.includes(4) ? 4 : PS[0]!;
        const off = (await runner(reuseP, { engine: "node-llama-cpp", items: itemsAt(reuseP), threads, tmp, reusePrefix: false }))!;
        const on = local[PS.indexOf(reuseP)]!;
        log(`prefix reuse at P=${reuseP}: on ${f1(tps(on))} tok/s, ${on.evaluated} prompt tokens evaluated (${on.cached} reused) · off ${f1(tps(off))} tok/s, ${off.evaluated} evaluated · reuse pays ${(tps(on) / tps(off)).toFixed(2)}x`);
    }
    closeMathWorker();

    // The peer the batch target is against: a plain llama-server (defaults, as a user starts it) replaying the
    // node-llama-cpp runner's own requests: same items, messages, token counts and parallelism, prefill included.
    const replay: number[] = [];
    for (const P of PS) replay.push((await serverReplay({ runDir: join(tmp, `run-node-llama-cpp-${P}-true`), P, threads })).genTokensPerSecond);

    // The peers and ceilings at the runner's real context and generation lengths (the targets), and at the fixed 64/128 of the notes.
    // The generation is the runner's mean per call; the prompt is set so that the bare driver's tokens attend
    // over the same mean KV length as the runner's generated tokens did (decode cost grows with it).
    const matchedGen = Math.max(16, Math.round(local.reduce((a, r) => a + r.meanGen, 0) / local.length));
    const matchedPrompt = Math.max(16, Math.round(local.reduce((a, r) => a + r.meanKv, 0) / local.length - (matchedGen - 1) / 2));
    const matched = await workload(`matched ${matchedPrompt}/${matchedGen}`, matchedPrompt, matchedGen, true);
    const sampled = matched.sampled!;
    // The same work as the runner with no pipeline: its context and generation, and its own prompt tokens read per call, timed.
    const readPerCall = local.map((r) => Math.min(matchedPrompt, Math.max(1, Math.round(r.evaluated / Math.max(1, r.calls)))));
    const sameWork: number[] = [];
    for (const [i, P] of PS.entries())
        sameWork.push((await bareLockstep({ P, promptTokens: matchedPrompt, genTokens: matchedGen, prefillTokens: readPerCall[i]!, sampling: RUNNER_SAMPLING, threads, runs: RUNS, contextSize: matchedPrompt + matchedGen + 64 })).genTokensPerSecond);
    const fixed = QUICK ? null : await workload("64/128", 64, 128);
    await disposeBare();

    log();
    log(`${"generated tok/s".padEnd(54)}${PS.map((P) => `P=${P}`.padStart(8)).join("")}`);
    for (const engine of BATCH_ENGINES) row(`runner (${engine})`, runs[engine].map((r) => (r ? tps(r) : null)));
    const both = fixed ? [matched, fixed] : [matched];
    row("llama-server plain, replaying the runner's requests", replay);
    for (const w of both) row(`llama-server /completion ${w.name}, no cache`, w.server);
    for (const w of both) row(`bare node-llama-cpp ${w.name}`, w.bare);
    row(`bare + runner's sampler ${matched.name}`, sampled);
    row(`bare, same work: ${matched.name} + the runner's prompt reads`, sameWork);
    for (const w of both) row(`llama-batched-bench ${w.name} (ceiling)`, w.llama);
    log();

    // reflect-lab's batch at each P is its faster engine there.
    const batch = PS.map((_, i) => Math.max(...BATCH_ENGINES.map((e) => runs[e][i]).filter((r) => r !== null).map(tps)));
    const vsBare = local.map((r, i) => tps(r) / matched.bare[i]!);
    const vsServer = batch.map((b, i) => b / replay[i]!);
    const at = (xs: number[]) => xs.map((ratio, i) => ({ P: PS[i]!, ratio }));
    log(`runner / bare node-llama-cpp (${matched.name}): ${ratioLine(at(vsBare), RUNNER_VS_BARE)}  (target >= ${RUNNER_VS_BARE.toFixed(2)})`);
    log(`runner / bare doing the same work (${matched.name}, reading ${readPerCall.join("/")} prompt tok per call, timed; the pipeline's own cost): ${ratioLine(at(local.map((r, i) => tps(r) / sameWork[i]!)), RUNNER_VS_BARE)}`);
    log(`reflect-lab batch / llama-server plain (replay of the same requests): ${ratioLine(at(vsServer), BATCH_VS_SERVER)}  (target >= ${BATCH_VS_SERVER.toFixed(2)})`);
    const served = runs.server;
    if (served.some((r) => r !== null)) log(`  per engine: node-llama-cpp ${local.map((r, i) => `P=${PS[i]} ${(tps(r) / replay[i]!).toFixed(2)}`).join(" · ")} | server ${served.map((r, i) => `P=${PS[i]} ${r ? (tps(r) / replay[i]!).toFixed(2) : "n/a"}`).join(" · ")}`);
    log(`runner / llama-batched-bench (${matched.name}, the hardware ceiling): ${local.map((r, i) => `P=${PS[i]} ${(tps(r) / matched.llama[i]!).toFixed(2)}`).join(" · ")}`);
    const p1 = local[PS.indexOf(1)], p8 = local[PS.indexOf(8)];
    if (p1 && p8) log(`runner P=8 / P=1: ${(tps(p8) / tps(p1)).toFixed(2)}x (target >= 2)`);

    for (const [i, r] of local.entries()) {
        if (vsBare[i]! >= RUNNER_VS_BARE && vsServer[i]! >= BATCH_VS_SERVER) continue;
        const share = samplingShare(matched.bare[i]!, sampled[i]!);
        log();
        log(`where the time goes at P=${r.P} (runner, node-llama-cpp: ${r.gen} generated tokens in ${f1(r.seconds)} s, batch occupancy ${r.occupancy!.toFixed(2)} of ${r.P}, sampling ${(100 * share).toFixed(0)} % of a decode step):`);
        for (const l of formatBreakdown(breakdown({ wallMs: r.seconds * 1000, P: r.P, generatedTokens: r.gen, flushes: r.flushes!, phases: r.phases, samplingShare: share }), r.gen)) log(l);
    }
    log();
    chooseEngine(runs);
}

/** The per-machine engine choice, from the real batch runs of both engines; not written while one is missing. */
function chooseEngine(runs: Record<BatchEngine, (RunnerFigures | null)[]>): void {
    const figures: EngineChoice["figures"] = { "node-llama-cpp": {}, server: {} };
    for (const e of BATCH_ENGINES) runs[e].forEach((r, i) => r && (figures[e][String(PS[i])] = Math.round(tps(r) * 10) / 10));
    const missing = BATCH_ENGINES.filter((e) => PS.some((P) => figures[e][String(P)] === undefined));
    if (missing.length > 0) {
        log(`engine choice: not written (no ${missing.join(", ")} figures at every P)`);
        return;
    }
    const info = runs["node-llama-cpp"][0]!.info;
    const fresh: EngineChoice = { schema: ENGINE_CHOICE_SCHEMA, measured_at: new Date().toISOString(), machine: thisMachine(info.compute), model: { file: info.modelFile, sha256: info.modelSha256 }, figures, by_parallel: pickByParallel(figures) };
    const { choice, kept } = mergeEngineChoice(readEngineChoice(), fresh);
    const file = writeEngineChoice(choice);
    const by = choice.by_parallel;
    log(`engine choice: ${Object.keys(by).map((P) => `P=${P} ${by[P]}`).join(" · ")} · written to ${file}${kept.length ? ` (P=${kept.join(", ")} kept from the earlier bench)` : ""}`);
}

const only = new Set((process.env.BENCH_ONLY ?? "throughput,memory,reopen").split(","));
if (only.has("throughput")) await throughput();
// The memory check runs in a fresh process, so its RSS does not include whatever the throughput part
// loaded and freed. RSS still moves 1.0-1.4x from run to run here even so (no trend over 30,000 items);
// the JS heap is the leak signal.
if (only.has("memory") && only.has("throughput")) {
    const child = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], { env: { ...process.env, BENCH_ONLY: "memory" }, stdio: "inherit" });
    if (child.status !== 0) throw new Error(`the memory check exited ${child.status ?? child.signal}`);
} else if (only.has("memory")) await memory();
if (only.has("reopen")) await reopen();
rmSync(tmp, { recursive: true, force: true });
