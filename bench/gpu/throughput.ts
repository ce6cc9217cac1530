// Section "throughput": at each P, the batch runner on real items and then the bare lockstep driver at
// the runner's own mean context and generation lengths, both on one LlamaHost loaded on the GPU.
import { LlamaHost } from "../../src/backend/llama.js";
import { closeMathWorker } from "../../src/verify/math.js";
import { bareOn } from "./bare.js";
import { demoTasks, writeArithmeticTasks } from "./items.js";
import { runnerAt, type RunnerFigures } from "./runner.js";
import { f1, mib, seconds, type Log } from "./section.js";

export interface ThroughputOptions {
    Ps: number[];
    model: string;
    gpu: "cuda" | "cpu";
    threads: number;
    /** Per P: the runner is stopped after this many seconds. */
    budgetS: number;
    maxTokens: number;
    tmp: string;
    /** Device VRAM (the offload check's probe), shown per P. */
    vram?: () => Promise<{ used: number; total: number }>;
}

export interface Row {
    P: number;
    runner: RunnerFigures;
    tasks: string;
    bare: { promptTokens: number; genTokens: number; genTokensPerSecond: number; runs: number[] };
}

/** P values from BENCH_GPU_P ("1,8,32,64" by default); a bad entry is an error naming it. */
export function parsePs(text: string | undefined): number[] {
    const raw = (text ?? "1,8,32,64").split(",").map((s) => s.trim());
    const Ps = raw.map(Number);
    const bad = raw.filter((s, i) => !/^\d+$/.test(s) || Ps[i]! < 1);
    if (bad.length || Ps.length === 0) throw new Error(`BENCH_GPU_P must list positive integers, e.g. 1,8,32,64; got ${JSON.stringify(text)}`);
    return Ps;
}

/** Items per P: the demo set (40) while it keeps P slots busy for a few rounds, else 3 arithmetic items per slot. */
export function workloadFor(P: number, demoItems: number): { kind: "demo" | "arith"; items: number; contextSize: number } {
    if (P <= 8) return { kind: "demo", items: Math.min(demoItems, Math.max(8, 3 * P)), contextSize: 2048 };
    // Short arithmetic chains fit 1024 tokens; 64 x 1024 keeps the KV cache near 1.5 GB on this model.
    return { kind: "arith", items: 3 * P, contextSize: 1024 };
}

export async function throughput(o: ThroughputOptions, log: Log): Promise<Row[]> {
    const demo = demoTasks(o.tmp);
    if (demo.note) log(`note: ${demo.note}`);
    const rows: Row[] = [];
    try {
        for (const P of o.Ps) {
            const w = workloadFor(P, demo.items);
            const tasks = w.kind === "demo" ? demo.tasks : writeArithmeticTasks(o.tmp, w.items);
            const t0 = Date.now();
            const host = await LlamaHost.load({ model: o.model, gpu: o.gpu, gpuLayers: "auto", sequences: P, contextSize: w.contextSize, threads: o.threads });
            try {
                const i = host.info;
                if (i.compute !== o.gpu) throw new Error(`P=${P}: the model loaded on ${i.compute}, not ${o.gpu}${i.note ? ` (${i.note})` : ""}`);
                if (o.gpu !== "cpu" && i.gpuLayers !== i.totalLayers) throw new Error(`P=${P}: only ${i.gpuLayers} of ${i.totalLayers} layers offloaded`);
                const v = o.vram ? await o.vram() : null;
                const r = await runnerAt(host, { P, tasks, items: w.items, contextSize: w.contextSize, threads: o.threads, maxTokens: o.maxTokens, budgetS: o.budgetS, out: o.tmp });
                log(
                    `runner P=${P}: ${r.items}/${w.items} ${w.kind} items in ${f1(r.seconds)} s${r.interrupted ? ` (stopped at the ${o.budgetS} s cap)` : ""} · ${f1(r.gen / r.seconds)} generated tok/s · ` +
                        `batch occupancy ${r.occupancy.toFixed(2)} · mean context ${Math.round(r.meanContext)} tok, mean generation ${Math.round(r.meanGen)} tok` +
                        (v ? ` · VRAM ${mib(v.used)} of ${mib(v.total)} with ${P} x ${w.contextSize}-token sequences` : "")
                );
                if (!(r.gen > 0)) throw new Error(`P=${P}: the runner generated no tokens`);
                // The bare driver at the runner's own lengths, on the same loaded model.
                const promptTokens = Math.max(16, Math.round(r.meanContext));
                const genTokens = Math.max(16, Math.round(r.meanGen));
                const b = await bareOn(host.model, { P, promptTokens, genTokens, threads: o.threads, runs: 2, contextSize: promptTokens + genTokens + 64 });
                log(`bare P=${P}: ${promptTokens}-token prompts, ${genTokens} generated · ${f1(b.genTokensPerSecond)} generated tok/s (runs ${b.runs.join(", ")}) · P=${P} took ${seconds(t0)}`);
                rows.push({ P, runner: r, tasks: w.kind, bare: { promptTokens, genTokens, ...b } });
            } finally {
                await host.dispose();
            }
        }
    } finally {
        closeMathWorker();
    }
    return rows;
}

/** The table: generated tok/s of the runner and the bare driver per P, and their ratio. */
export function table(rows: Row[]): string[] {
    const cell = (s: string) => s.padStart(9);
    return [
        `generated tok/s       ${rows.map((r) => cell(`P=${r.P}`)).join("")}`,
        `runner                ${rows.map((r) => cell(f1(r.runner.gen / r.runner.seconds))).join("")}`,
        `bare lockstep         ${rows.map((r) => cell(f1(r.bare.genTokensPerSecond))).join("")}`,
        `runner / bare         ${rows.map((r) => cell((r.runner.gen / r.runner.seconds / r.bare.genTokensPerSecond).toFixed(2))).join("")}`,
        `items (kind)          ${rows.map((r) => cell(`${r.runner.items} ${r.tasks}`)).join("")}`
    ];
}
