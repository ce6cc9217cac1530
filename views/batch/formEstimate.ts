import { estimateBatch, formatEstimate, instructionCount, type EstimateInput } from "../../src/batch/estimate.js";
import { parseInstructionPlan } from "../../src/batch/plan.js";
import { readRunManifest } from "../../src/batch/runs.js";
import type { InstructionPool } from "../../src/prompts/pool.js";
import { DEMO_TASKS } from "../../src/tasks/demo.js";
import type { BatchFormValues, FormContext } from "./formModel.js";

/** A generation speed the estimate can use, and where it was measured. */
export interface MeasuredSpeed {
    tokensPerSecond: number;
    source: string;
}

/**
 * The speed to estimate with: the last batch run of this lab session (all its sequences together), else
 * the lab's last generation (one sequence: a parallel run is usually faster, so the time is an upper bound).
 */
export function measuredSpeed(batch: { averageTokensPerSecond: number | null; parallel: number }, labTokensPerSecond: number | null): MeasuredSpeed | null {
    if (batch.averageTokensPerSecond && batch.averageTokensPerSecond > 0) return { tokensPerSecond: batch.averageTokensPerSecond, source: `last batch run, P ${batch.parallel}` };
    if (labTokensPerSecond && labTokensPerSecond > 0) return { tokensPerSecond: labTokensPerSecond, source: "the lab, one sequence" };
    return null;
}

/** Items of the task spec when known without reading files: "demo", or a limit. */
function knownItems(tasks: string, limit: number | null): number | null {
    const specs = tasks.split(/\s+/).filter(Boolean);
    const demo = specs.length === 1 && specs[0] === "demo" ? DEMO_TASKS.items.length : null;
    if (demo !== null) return limit === null ? demo : Math.min(demo, limit);
    return limit;
}

const positiveInt = (v: string): number | null => {
    const n = Number(v.trim());
    return v.trim() && Number.isInteger(n) && n >= 1 ? n : null;
};

/**
 * The form's estimate lines (src/batch/estimate.ts), or one line saying which field keeps it from
 * being computed. A resumed run is estimated from its manifest and the items it still misses.
 */
export function formEstimateLines(v: BatchFormValues, pool: InstructionPool, ctx: Pick<FormContext, "runs">, speed: MeasuredSpeed | null): string[] {
    let input: EstimateInput;
    if (v.resume) {
        const run = ctx.runs.find((r) => r.dir === v.resume);
        let c;
        try {
            c = readRunManifest(v.resume).config;
        } catch {
            return ["estimate: the run's manifest cannot be read"];
        }
        input = { items: run ? Math.max(0, run.items - run.done) : null, k: c.k, instructions: instructionCount(c.instructions, pool.keys.length, c.mode), maxTurns: c.maxTurns, mode: c.mode, verifier: c.verifier, maxTokens: c.sampler.maxTokens };
    } else {
        const k = positiveInt(v.k);
        const maxTurns = positiveInt(v.maxTurns);
        const maxTokens = positiveInt(v.maxTokens);
        const limit = v.limit.trim() && v.limit.trim() !== "all" ? positiveInt(v.limit) : null;
        let plan;
        try {
            plan = parseInstructionPlan(v.instructions, pool);
        } catch {
            plan = null;
        }
        const bad = [k === null && "k", maxTurns === null && "maxTurns", maxTokens === null && "maxTokens", plan === null && "instructions"].filter(Boolean);
        if (bad.length) return [`estimate: needs a valid ${bad.join(", ")}`];
        const mode = v.mode === "retry" ? "retry" : "reflect";
        input = { items: knownItems(v.tasks, limit), k: k!, instructions: instructionCount(plan!, pool.keys.length, mode), maxTurns: maxTurns!, mode, verifier: v.verifier === "self" || v.verifier === "teacher" ? v.verifier : "oracle", maxTokens: maxTokens! };
    }
    input.tokensPerSecond = speed?.tokensPerSecond ?? null;
    return formatEstimate(estimateBatch(input), input, speed?.source);
}
