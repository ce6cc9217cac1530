import type { Backend, BackendInfo, ParallelBackend } from "../backend/types.js";
import { ReflectionLoop, type OracleFn } from "../engine/loop.js";
import type { EngineEvent, LoopConfig, StepKind } from "../engine/types.js";
import type { InstructionPool } from "../prompts/pool.js";
import type { TurnTemplates } from "../prompts/templates.js";
import type { TaskItem, TaskSet } from "../tasks/types.js";
import { instructionsFor } from "./plan.js";
import { RunStore } from "./store.js";
import type { BatchConfig, BatchEvent, ItemOutcome, ItemResult, SlotPhase } from "./types.js";

export interface BatchRunOptions {
    runDir: string;
    runId: string;
    config: BatchConfig;
    tasks: TaskSet;
    backend: ParallelBackend;
    templates: TurnTemplates;
    pool: InstructionPool;
    oracle: OracleFn;
    /** Rerun only the items whose stored status is "error". */
    retryErrors?: boolean;
    onEvent?: (e: BatchEvent) => void;
    /** Stops the run: generations in flight are aborted and their items left for --resume. */
    signal?: AbortSignal;
}

export interface BatchSummary {
    done: number;
    total: number;
    errors: number;
    interrupted: boolean;
    seconds: number;
}

const PHASE_OF: Record<StepKind, SlotPhase> = { answer: "answer", verify: "verify", reflect: "reflect", correct: "correct" };

export function loopConfigOf(c: BatchConfig): LoopConfig {
    // Instruction choice is the batch planner's (per item); the loop's own selection is unused.
    return { maxTurns: c.maxTurns, verifier: c.verifier, mode: c.mode, sampler: c.sampler, instructions: { kind: "round-robin" } };
}

export function outcomeOf(r: ItemResult): ItemOutcome {
    return { itemId: r.itemId, task: r.task, t1: r.base.correct_by_turn[0] === true, chains: r.samples.map((s) => s.correct_by_turn) };
}

/**
 * Runs every item not yet in the store through the loop, P items at a time (one per sequence
 * slot, so an item's turns and samples reuse its evaluated prefix), with K sampled chains per
 * instruction for each failed turn-1 answer.
 */
export async function runBatch(o: BatchRunOptions): Promise<BatchSummary> {
    const t0 = performance.now();
    const store = RunStore.open(o.runDir);
    const emit = (e: BatchEvent) => o.onEvent?.(e);
    try {
        const status = store.statuses();
        const indexed = o.tasks.items.map((item, index) => ({ item, index }));
        const todo = indexed.filter(({ item }) => (o.retryErrors ? status.get(item.id) === "error" : !status.has(item.id)));
        const total = o.tasks.items.length;
        let done = [...status.values()].filter((s) => s === "done").length;
        let errors = 0;
        emit({ type: "start", total, alreadyDone: done, todo: todo.length, parallel: o.backend.slots.length, runDir: o.runDir });

        const loops = new Set<ReflectionLoop>();
        const stop = () => loops.forEach((l) => l.abort());
        o.signal?.addEventListener("abort", stop);
        const queue = [...todo];
        const cfg = loopConfigOf(o.config);

        const worker = async (slot: number, backend: Backend) => {
            for (;;) {
                if (o.signal?.aborted) break;
                const next = queue.shift();
                if (!next) break;
                const { item, index } = next;
                emit({ type: "slot", slot, phase: "question", itemId: item.id, question: item.question });
                try {
                    const result = await processItem(item, index, slot, backend, cfg, o, loops, emit);
                    if (!result) break; // aborted: the item stays missing, for --resume
                    store.putItem(result);
                    done++;
                    emit({ type: "item", result, outcome: outcomeOf(result), done, total });
                } catch (e) {
                    if (o.signal?.aborted) break;
                    const msg = (e as Error).message;
                    store.putError(item.id, index, item.task, msg);
                    errors++;
                    emit({ type: "item-error", itemId: item.id, task: item.task, error: msg, done, total });
                }
            }
            emit({ type: "slot", slot, phase: "idle" });
        };
        await Promise.all(o.backend.slots.map((b, i) => worker(i, b)));
        o.signal?.removeEventListener("abort", stop);
        const summary = { done, total, errors, interrupted: o.signal?.aborted === true, seconds: (performance.now() - t0) / 1000 };
        emit({ type: "done", ...summary });
        return summary;
    } finally {
        store.close();
    }
}

async function processItem(
    item: TaskItem,
    index: number,
    slot: number,
    backend: Backend,
    cfg: LoopConfig,
    o: BatchRunOptions,
    loops: Set<ReflectionLoop>,
    emit: (e: BatchEvent) => void
): Promise<ItemResult | null> {
    const t0 = performance.now();
    let outputTokens = 0;
    const onEvent = (e: EngineEvent) => {
        if (e.type === "prompt") emit({ type: "slot", slot, phase: PHASE_OF[e.kind], itemId: item.id, detail: e.instruction_key });
        else if (e.type === "phase" && e.phase === "verifying") emit({ type: "slot", slot, phase: "verify", itemId: item.id });
        else if (e.type === "step" && e.step.output_tokens) {
            outputTokens += e.step.output_tokens;
            emit({ type: "tokens", slot, count: e.step.output_tokens });
        }
    };
    const run = async (loop: ReflectionLoop, steps: number | "end") => {
        loops.add(loop);
        try {
            if (steps === "end") await loop.runToEnd();
            else for (let i = 0; i < steps && !loop.isDone; i++) await loop.next();
        } finally {
            loops.delete(loop);
        }
        return loop.record.status !== "aborted";
    };
    const base = new ReflectionLoop(item, cfg, { backend, templates: o.templates, pool: o.pool, oracle: o.oracle, runId: o.runId, onEvent });
    if (!(await run(base, 2))) return null; // answer, verify
    const samples = [];
    if (!base.isDone) {
        const keys = o.config.mode === "retry" ? [o.pool.keys[0]!] : instructionsFor(o.config.instructions, o.pool, item.id, index, o.config.sampler.seed);
        for (const key of keys) {
            for (let s = 0; s < o.config.k; s++) {
                const chain = base.fork(key, s);
                if (!(await run(chain, "end"))) return null;
                samples.push(chain.record);
            }
        }
    }
    return { itemId: item.id, index, task: item.task, base: base.record, samples, outputTokens, ms: performance.now() - t0 };
}

export interface RunManifest {
    schema: "reflect-lab/run@1";
    id: string;
    created_at: string;
    config: BatchConfig;
    model: { file: string; path: string; sha256: string; adapters: string[] };
    backend: Pick<BackendInfo, "kind" | "compute" | "gpuLayers" | "totalLayers" | "contextSize" | "threads" | "sequences">;
    prompts_sha256: string;
    tasks: { name: string; items: number; ids_sha256: string };
    versions: Record<string, string>;
}
