// One real batch run at parallelism P on an injected LlamaHost (as bench/batch.ts runs it), with a time
// cap so a slow GPU cannot blow bench:gpu's budget: generated tokens are counted from the runner's
// per-step "tokens" events, so work done before the cap still counts.
import { join } from "node:path";
import type { LlamaHost } from "../../src/backend/llama.js";
import { startBatch } from "../../src/batch/session.js";
import type { BatchConfig, ItemResult } from "../../src/batch/types.js";

export interface RunnerOptions {
    P: number;
    /** "demo" or a JSONL task file. */
    tasks: string;
    items: number;
    contextSize: number;
    threads: number;
    maxTokens: number;
    /** Abort the run after this many seconds (its figures cover the time until then). */
    budgetS: number;
    out: string;
}

export interface RunnerFigures {
    P: number;
    seconds: number;
    items: number;
    /** Generated tokens over the run (every finished generation step). */
    gen: number;
    /** Per generation call of the finished items: prompt tokens seen (evaluated + reused) and tokens generated. */
    meanContext: number;
    meanGen: number;
    /** Generation calls of the finished items (meanContext and meanGen are over these). */
    calls: number;
    occupancy: number;
    interrupted: boolean;
}

export const runnerConfig = (o: Pick<RunnerOptions, "P" | "tasks" | "items" | "contextSize" | "maxTokens">): BatchConfig => ({
    tasks: [o.tasks], format: "auto", limit: o.items, parallel: o.P, k: 2, instructions: { kind: "random", count: 2 }, maxTurns: 2, mode: "reflect", verifier: "oracle",
    sampler: { temperature: 0.8, topK: 40, topP: 0.95, minP: 0.05, repeatPenalty: 1.1, seed: 1, maxTokens: o.maxTokens }, model: "default", contextSize: o.contextSize
});

/** The host must have P sequences; it stays open (the caller disposes it). */
export async function runnerAt(host: LlamaHost, o: RunnerOptions): Promise<RunnerFigures> {
    if (host.slots.length !== o.P) throw new Error(`the host has ${host.slots.length} sequences, not P=${o.P}`);
    let gen = 0, calls = 0, ctx = 0, ctxGen = 0, items = 0;
    const count = (r: ItemResult) => {
        items++;
        // Samples repeat the base's turn-1 steps: count those once.
        for (const rec of [r.base, ...r.samples])
            for (const s of rec.steps.slice(rec === r.base ? 0 : 2)) {
                if (s.output_tokens === undefined) continue;
                ctx += (s.prompt_tokens ?? 0) + (s.cached_tokens ?? 0);
                ctxGen += s.output_tokens;
                calls++;
            }
    };
    const stop = new AbortController();
    const timer = setTimeout(() => stop.abort(), o.budgetS * 1000);
    const hardware = { gpu: host.info.compute, gpuLayers: "auto", vramCapMiB: null, threads: o.threads } as const;
    const t0 = performance.now();
    const errors: string[] = [];
    try {
        await startBatch({
            config: runnerConfig(o), out: join(o.out, `run-${o.P}`), hardware, backend: host, signal: stop.signal,
            onEvent: (e) => {
                if (e.type === "tokens") gen += e.count;
                else if (e.type === "item") count(e.result);
                else if (e.type === "item-error") errors.push(`${e.itemId}: ${e.error}`);
            }
        });
    } finally {
        clearTimeout(timer);
    }
    const seconds = (performance.now() - t0) / 1000;
    if (errors.length) throw new Error(`${errors.length} item(s) failed at P=${o.P}, first: ${errors[0]}`);
    if (items === 0) throw new Error(`no item finished at P=${o.P} within ${o.budgetS} s`);
    const st = host.scheduler.stats;
    return {
        P: o.P, seconds, items, gen, meanContext: ctx / Math.max(1, calls), meanGen: ctxGen / Math.max(1, calls), calls, occupancy: st.steps / Math.max(1, st.flushes), interrupted: stop.signal.aborted
    };
}
