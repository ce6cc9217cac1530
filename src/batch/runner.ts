import { isBackoffSource } from "../backend/backoff.js";
import type { Backend, ParallelBackend } from "../backend/types.js";
import { ReflectionLoop, type LoopDeps, type OracleFn } from "../engine/loop.js";
import type { EngineEvent, ItemRecord, LoopConfig, StepKind } from "../engine/types.js";
import type { InstructionPool } from "../prompts/pool.js";
import type { TurnTemplates } from "../prompts/templates.js";
import type { TaskItem, TaskSet } from "../tasks/types.js";
import { formatInstructionPlan, instructionsFor } from "./plan.js";
import type { TeacherTemplates } from "../teacher/templates.js";
import { baseMismatch, describeReflector } from "./reflector.js";
import { RunStore } from "./store.js";
import type { Turn1Source } from "./turn1From.js";
import type { BatchConfig, BatchEvent, ItemOutcome, ItemResult, SlotPhase } from "./types.js";

export interface BatchRunOptions {
    runDir: string;
    runId: string;
    config: BatchConfig;
    tasks: TaskSet;
    /** The generator's slots: turn-1 answers and `self` verification. */
    backend: ParallelBackend;
    /**
     * A trained reflector/corrector: slot i's reflect steps run on `reflect.slots[i]`, its correct steps on
     * `correct.slots[i]` (each needs at least as many slots as `backend`); absent = the generator.
     */
    roles?: { reflect?: ParallelBackend; correct?: ParallelBackend };
    /** The `teacher` verifier's model, shared by every slot (the endpoint caps requests in flight). */
    teacher?: Backend;
    teacherTemplates?: TeacherTemplates;
    templates: TurnTemplates;
    pool: InstructionPool;
    oracle: OracleFn;
    /** `--turn1-from`: each item's turn 1 is taken from this run's stored record instead of generated. */
    turn1?: Turn1Source;
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
    // Instruction choice is the batch planner's (per item); the loop's own selection is unused, and
    // the records name the plan instead (see planned()).
    return { maxTurns: c.maxTurns, verifier: c.verifier, mode: c.mode, sampler: c.sampler, instructions: { kind: "round-robin" } };
}

/** Makes a batch loop's record name the run's instruction plan ("random:1", "fixed:1-3-2", "all"), the selection actually used. */
function planned(loop: ReflectionLoop, c: BatchConfig): ReflectionLoop {
    loop.record.config.instructions = formatInstructionPlan(c.instructions);
    return loop;
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
    for (const [role, b] of Object.entries(o.roles ?? {}))
        if (b && b.slots.length < o.backend.slots.length) throw new Error(`the ${role} backend has ${b.slots.length} slots, fewer than the generator's ${o.backend.slots.length}`);
    const rolesOf = (slot: number): LoopDeps["roles"] => (o.roles ? { reflect: o.roles.reflect?.slots[slot], correct: o.roles.correct?.slots[slot] } : undefined);
    const store = RunStore.open(o.runDir);
    const emit = (e: BatchEvent) => o.onEvent?.(e);
    // Remote hosts report each retry wait; the dashboard and progress lines show it while the item waits.
    const unsubscribe = [...new Set([o.backend, o.roles?.reflect, o.roles?.correct])].flatMap((h) => (isBackoffSource(h) ? [h.onBackoff((ev) => emit({ type: "backoff", ...ev }))] : []));
    try {
        const status = store.statuses();
        const indexed = o.tasks.items.map((item, index) => ({ item, index }));
        const todo = indexed.filter(({ item }) => (o.retryErrors ? status.get(item.id) === "error" : !status.has(item.id)));
        const total = o.tasks.items.length;
        let done = [...status.values()].filter((s) => s === "done").length;
        let errors = 0;
        emit({ type: "start", total, alreadyDone: done, todo: todo.length, parallel: o.backend.slots.length, runDir: o.runDir });
        if (o.config.reflector) {
            // The dashboard's state line (and the headless progress) say which reflector this run measures.
            const b = o.backend.info;
            const mismatch = baseMismatch(o.config.reflector, { file: b.modelFile, sha256: b.modelSha256 });
            emit({ type: "state", message: `reflector/corrector: ${describeReflector(o.config.reflector)} · turn 1 by the base model ${b.modelFile}${mismatch ? ` · warning: ${mismatch}` : ""}` });
        }

        const loops = new Set<ReflectionLoop>();
        const stop = () => loops.forEach((l) => l.abort());
        o.signal?.addEventListener("abort", stop);
        const queue = [...todo];
        /** Items whose turn-1 answer failed and whose sample chains are still being drawn. */
        const open: ItemJob[] = [];
        const cfg = loopConfigOf(o.config);
        // Idle slots wait here for chains of items whose turn 1 is still running elsewhere.
        let answering = 0;
        let wake: (() => void)[] = [];
        const notify = () => {
            const w = wake;
            wake = [];
            w.forEach((f) => f());
        };
        o.signal?.addEventListener("abort", notify);

        const finish = (job: ItemJob) => {
            if (job.finished || job.pending.length > 0 || job.running > 0 || job.aborted) return;
            job.finished = true;
            // Out of the open list: a finished job holds its loops and records, ~30 KB an item over a long run.
            const at = open.indexOf(job);
            if (at >= 0) open.splice(at, 1);
            if (job.error !== null) {
                store.putError(job.item.id, job.index, job.item.task, job.error);
                errors++;
                emit({ type: "item-error", itemId: job.item.id, task: job.item.task, error: job.error, done, total });
                return;
            }
            // Samples in (instruction, sample) order, whichever slot drew them.
            const samples = job.order.map((k) => job.results.get(k)!);
            const result: ItemResult = { itemId: job.item.id, index: job.index, task: job.item.task, base: job.base.record, samples, outputTokens: job.outputTokens, ms: performance.now() - job.t0 };
            store.putItem(result);
            done++;
            emit({ type: "item", result, outcome: outcomeOf(result), done, total });
        };

        /** Draws one chain of `job` on this slot; a slot that did not answer the item re-reads the shared prefix once. */
        const drawChain = async (job: ItemJob, slot: number, backend: Backend) => {
            const { key, s } = job.pending.shift()!;
            job.running++;
            try {
                const chain = planned(job.base.fork(key, s, { backend, roles: rolesOf(slot), onEvent: slotEvents(job, slot, emit) }), o.config);
                if (await runLoop(chain, "end", loops)) job.results.set(`${key}#${s}`, chain.record);
                else job.aborted = true;
            } catch (e) {
                job.error ??= (e as Error).message;
                job.pending.length = 0;
            } finally {
                job.running--;
            }
            if (!o.signal?.aborted) finish(job);
        };

        const worker = async (slot: number, backend: Backend) => {
            for (;;) {
                if (o.signal?.aborted) break;
                const next = queue.shift();
                if (next) {
                    const job = newJob(next.item, next.index);
                    emit({ type: "slot", slot, phase: "question", itemId: next.item.id, question: next.item.question });
                    answering++;
                    try {
                        const deps: LoopDeps = { backend, roles: rolesOf(slot), teacher: o.teacher, teacherTemplates: o.teacherTemplates, templates: o.templates, pool: o.pool, oracle: o.oracle, runId: o.runId, onEvent: slotEvents(job, slot, emit), stream: false };
                        if (o.turn1) job.base = planned(ReflectionLoop.fromStoredTurn1(next.item, cfg, deps, o.turn1.record(next.item.id)), o.config);
                        else {
                            job.base = planned(new ReflectionLoop(next.item, cfg, deps), o.config);
                            if (!(await runLoop(job.base, 2, loops))) break; // aborted: the item stays missing, for --resume
                        }
                    } catch (e) {
                        if (o.signal?.aborted) break;
                        job.error = (e as Error).message;
                        finish(job);
                        continue;
                    } finally {
                        answering--;
                        notify();
                    }
                    if (!job.base.isDone) {
                        const keys = o.config.mode === "retry" ? [o.pool.keys[0]!] : instructionsFor(o.config.instructions, o.pool, job.item.id, job.index, o.config.sampler.seed);
                        for (const key of keys) for (let s = 0; s < o.config.k; s++) job.pending.push({ key, s });
                        job.order = job.pending.map(({ key, s }) => `${key}#${s}`);
                        open.push(job);
                        notify();
                    }
                    // The item's own chains first, on its own sequence: they reuse its evaluated prefix.
                    while (job.pending.length > 0 && !o.signal?.aborted) await drawChain(job, slot, backend);
                    finish(job);
                    continue;
                }
                // No new items: help with the chains of items still open, so no sequence idles in the tail.
                const other = open.find((j) => j.pending.length > 0);
                if (other) await drawChain(other, slot, backend);
                else if (answering > 0) {
                    // Waiting for another slot's item to open chains: idle, not still in its last phase.
                    emit({ type: "slot", slot, phase: "idle" });
                    await new Promise<void>((r) => wake.push(r));
                } else break;
            }
            emit({ type: "slot", slot, phase: "idle" });
        };
        await Promise.all(o.backend.slots.map((b, i) => worker(i, b)));
        o.signal?.removeEventListener("abort", stop);
        o.signal?.removeEventListener("abort", notify);
        const summary = { done, total, errors, interrupted: o.signal?.aborted === true, seconds: (performance.now() - t0) / 1000 };
        emit({ type: "done", ...summary });
        return summary;
    } finally {
        unsubscribe.forEach((u) => u());
        store.close();
    }
}

interface ItemJob {
    item: TaskItem;
    index: number;
    base: ReflectionLoop;
    /** Chains not yet started, and the (instruction#sample) order results are stored in. */
    pending: { key: string; s: number }[];
    order: string[];
    results: Map<string, ItemRecord>;
    running: number;
    aborted: boolean;
    /** Stored (or its error stored): whoever draws the last chain finishes the item, exactly once. */
    finished: boolean;
    error: string | null;
    outputTokens: number;
    t0: number;
}

function newJob(item: TaskItem, index: number): ItemJob {
    return { item, index, base: undefined as unknown as ReflectionLoop, pending: [], order: [], results: new Map(), running: 0, aborted: false, finished: false, error: null, outputTokens: 0, t0: performance.now() };
}

/** Engine events of one item on one slot, turned into the dashboard's slot and token events. */
function slotEvents(job: ItemJob, slot: number, emit: (e: BatchEvent) => void): (e: EngineEvent) => void {
    const itemId = job.item.id;
    return (e) => {
        if (e.type === "prompt") emit({ type: "slot", slot, phase: PHASE_OF[e.kind], itemId, detail: e.instruction_key });
        else if (e.type === "phase" && e.phase === "verifying") emit({ type: "slot", slot, phase: "verify", itemId });
        else if (e.type === "step" && e.step.output_tokens) {
            job.outputTokens += e.step.output_tokens;
            emit({ type: "tokens", slot, count: e.step.output_tokens });
        }
    };
}

/** Runs `steps` steps (or to the end); false when the loop was aborted. */
async function runLoop(loop: ReflectionLoop, steps: number | "end", loops: Set<ReflectionLoop>): Promise<boolean> {
    loops.add(loop);
    try {
        if (steps === "end") await loop.runToEnd();
        else for (let i = 0; i < steps && !loop.isDone; i++) await loop.next();
    } finally {
        loops.delete(loop);
    }
    return loop.record.status !== "aborted";
}
