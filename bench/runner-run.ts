// One real batch run of reflect-lab on the demo items, on a given engine: generated tokens/s over the
// whole wall time (prefill and verification included), the runner's mean lengths (to match the
// ceilings to), and on node-llama-cpp what the time breakdown needs (flush timing, slot phases).
import { join } from "node:path";
import type { FlushSizeTimes } from "../src/backend/lockstep.js";
import { LlamaHost } from "../src/backend/llama.js";
import { startManagedServer } from "../src/backend/managedServer.js";
import type { BackendInfo, ParallelBackend } from "../src/backend/types.js";
import type { BatchEngine } from "../src/batch/engineChoice.js";
import { startBatch } from "../src/batch/session.js";
import type { BatchConfig, ItemResult } from "../src/batch/types.js";
import { phaseSlotMs, type PhaseMark, type PhaseSlotMs } from "./breakdown.js";

export interface RunOptions {
    engine: BatchEngine;
    /** demo items to run */
    items: number;
    threads: number;
    /** the parent folder of the run folders */
    tmp: string;
    /** reuse the evaluated prefix between a slot's prompts (node-llama-cpp only; default true) */
    reusePrefix?: boolean;
}

export interface RunnerFigures {
    engine: BatchEngine;
    P: number;
    seconds: number;
    items: number;
    /** generated tokens, prompt tokens evaluated, prompt tokens reused */
    gen: number;
    evaluated: number;
    cached: number;
    meanContext: number;
    meanGen: number;
    /**
     * The KV length a generated token attends over, averaged over the generated tokens: a decode step's
     * cost grows with it (here -26 % tok/s from 80 to 272 tokens at P=1), and long replies come at long
     * prompts (reflections, corrections), so the per-call mean prompt understates it.
     */
    meanKv: number;
    /** generate calls (turn 1, reflect, correct) */
    calls: number;
    /** prompt prefixes copied between slots instead of read again (node-llama-cpp only) */
    prefixCopies: { copies: number; tokens: number } | null;
    /** mean tokens per decode batch (node-llama-cpp only) */
    occupancy: number | null;
    info: BackendInfo;
    /** slot-ms per phase kind, from the slot events */
    phases: PhaseSlotMs;
    /** the lockstep scheduler's flush timing (node-llama-cpp only) */
    flushes: Map<number, FlushSizeTimes> | null;
}

export function benchConfig(P: number, items: number): BatchConfig {
    return {
        tasks: ["demo"], format: "auto", limit: items, parallel: P, k: 2, instructions: { kind: "random", count: 2 }, maxTurns: 2, mode: "reflect", verifier: "oracle",
        sampler: { temperature: 0.8, topK: 40, topP: 0.95, minP: 0.05, repeatPenalty: 1.1, seed: 1, maxTokens: 128 }, model: "default", contextSize: 2048
    };
}

interface Engine {
    backend: ParallelBackend;
    /** what the engine measured itself, read after the run */
    measured(): { occupancy: number | null; flushes: Map<number, FlushSizeTimes> | null; prefixCopies: { copies: number; tokens: number } | null };
}

/** The managed llama-server engine (src/backend/managedServer.ts, `batch --engine server`), P slots, prompt cache on. */
async function openServerEngine(P: number, threads: number): Promise<Engine | null> {
    const backend = await startManagedServer({ model: "default", parallel: P, contextSize: 2048, threads });
    return { backend, measured: () => ({ occupancy: null, flushes: null, prefixCopies: null }) };
}

async function openEngine(o: RunOptions, P: number): Promise<Engine | null> {
    if (o.engine === "server") return openServerEngine(P, o.threads);
    const host = await LlamaHost.load({ sequences: P, contextSize: 2048, threads: o.threads, reusePrefix: o.reusePrefix ?? true });
    return {
        backend: host,
        measured: () => {
            const st = host.scheduler.stats;
            return { occupancy: st.steps / Math.max(1, st.flushes), flushes: new Map(host.scheduler.timing.bySize), prefixCopies: { ...host.prefixCopies } };
        }
    };
}

/** A batch run at parallelism P on `o.engine`; null when that engine is not available. */
export async function runner(P: number, o: RunOptions): Promise<RunnerFigures | null> {
    const engine = await openEngine(o, P);
    if (!engine) return null;
    let gen = 0, evaluated = 0, cached = 0, calls = 0, ctx = 0, kv = 0, items = 0;
    const count = (r: ItemResult) => {
        items++;
        // A sample's first two steps are the item's own turn 1 (answer, verification), counted once in the base.
        for (const rec of [r.base, ...r.samples])
            for (const s of rec.steps.slice(rec === r.base ? 0 : 2)) {
                if (s.output_tokens === undefined) continue;
                gen += s.output_tokens;
                evaluated += s.prompt_tokens ?? 0;
                cached += s.cached_tokens ?? 0;
                const prompt = (s.prompt_tokens ?? 0) + (s.cached_tokens ?? 0);
                ctx += prompt;
                kv += s.output_tokens * (prompt + (s.output_tokens - 1) / 2);
                calls++;
            }
    };
    const marks: PhaseMark[] = [];
    const hardware = { gpu: "auto", gpuLayers: "auto", vramCapMiB: null, threads: o.threads } as const;
    const out = join(o.tmp, `run-${o.engine}-${P}-${o.reusePrefix ?? true}`);
    try {
        const t0 = performance.now();
        await startBatch({
            config: benchConfig(P, o.items), out, hardware, backend: engine.backend,
            onEvent: (e) => {
                if (e.type === "slot") marks.push({ atMs: performance.now(), slot: e.slot, phase: e.phase });
                else if (e.type === "item") count(e.result);
            }
        });
        const t1 = performance.now();
        const { occupancy, flushes, prefixCopies } = engine.measured();
        return {
            engine: o.engine, P, seconds: (t1 - t0) / 1000, items, gen, evaluated, cached, meanContext: ctx / Math.max(1, calls), meanGen: gen / Math.max(1, calls), meanKv: kv / Math.max(1, gen), calls, prefixCopies,
            occupancy, info: engine.backend.info, phases: phaseSlotMs(marks, P, t0, t1), flushes
        };
    } finally {
        await engine.backend.dispose();
    }
}
