import type { LoopMode, VerifierMode } from "../engine/types.js";
import type { InstructionPlan } from "./types.js";

/**
 * What a batch run will cost before it starts: generations, tokens and time. Everything is an upper
 * bound where the run decides at run time: every generation is counted at maxTokens, every chain runs
 * to maxTurns (with the oracle a chain stops at its first right answer), and with Acc@t1 unknown every
 * item is assumed to fail turn 1.
 */
export interface EstimateInput {
    /** Items the run does; null when unknown before the task files are read (the estimate is then per item). */
    items: number | null;
    k: number;
    /** Instructions each failed item is reflected on (instructionCount). */
    instructions: number;
    maxTurns: number;
    mode: LoopMode;
    verifier: VerifierMode;
    maxTokens: number;
    /** Expected Acc@t1 in 0..1; null or absent = unknown: every item is assumed to fail turn 1. */
    expectedAcc1?: number | null;
    /** Measured generation speed of all sequences together; null or absent = unknown. */
    tokensPerSecond?: number | null;
}

export interface BatchEstimate {
    items: number | null;
    /** Items expected to fail turn 1 (all of them when Acc@t1 is unknown). */
    failedItems: number | null;
    /** True when failedItems assumes every item fails (no expected Acc@t1 was given). */
    failedIsUpperBound: boolean;
    /** Chains sampled per failed item: k × instructions (0 with one turn). */
    chainsPerFailed: number;
    /** Generations of turn 1 per item (the answer, plus the self verdict). */
    turn1Generations: number;
    /** Generations of one chain: per extra turn a reflection (not in retry mode), a correction, and a self verdict. */
    generationsPerChain: number;
    /** Generations of an item that fails turn 1: turn 1 plus all its chains. */
    generationsPerFailedItem: number;
    /** The whole run's generations, or null when items is unknown. */
    generations: number | null;
    /** Output tokens at most: generations × maxTokens (whole run, or per failed item when items is unknown). */
    tokens: number;
    /** Seconds at the measured speed, or null when no speed is known. */
    seconds: number | null;
}

/** How many instructions a plan reflects each failed item on; retry mode draws k chains without any. */
export function instructionCount(plan: InstructionPlan, poolSize: number, mode: LoopMode = "reflect"): number {
    if (mode === "retry") return 1;
    switch (plan.kind) {
        case "fixed":
            return plan.keys.length;
        case "random":
            return plan.count;
        case "round-robin":
            return 1;
        case "all":
            return poolSize;
    }
}

export function estimateBatch(x: EstimateInput): BatchEstimate {
    const selfVerdict = x.verifier === "self" ? 1 : 0;
    const turn1Generations = 1 + selfVerdict;
    const extraTurns = Math.max(0, x.maxTurns - 1);
    const chainsPerFailed = extraTurns > 0 ? x.k * x.instructions : 0;
    const generationsPerChain = extraTurns * ((x.mode === "retry" ? 0 : 1) + 1 + selfVerdict);
    const generationsPerFailedItem = turn1Generations + chainsPerFailed * generationsPerChain;
    const acc = x.expectedAcc1 ?? null;
    const failRate = acc === null ? 1 : 1 - Math.max(0, Math.min(1, acc));
    const failedItems = x.items === null ? null : x.items * failRate;
    const generations = x.items === null ? null : x.items * turn1Generations + failedItems! * chainsPerFailed * generationsPerChain;
    const tokens = (generations ?? generationsPerFailedItem) * x.maxTokens;
    const tps = x.tokensPerSecond ?? null;
    return {
        items: x.items,
        failedItems,
        failedIsUpperBound: acc === null,
        chainsPerFailed,
        turn1Generations,
        generationsPerChain,
        generationsPerFailedItem,
        generations,
        tokens,
        seconds: tps && tps > 0 ? tokens / tps : null
    };
}

/** 1234 → "1,234"; fractional counts (expected failures) are rounded up, never down. */
const count = (n: number): string => Math.ceil(n - 1e-9).toLocaleString("en-US");

/** 476160 → "476k", 1.2e6 → "1.2M". */
export function compactTokens(n: number): string {
    if (n < 1000) return String(Math.round(n));
    if (n < 1e6) return `${n < 1e4 ? (n / 1e3).toFixed(1) : Math.round(n / 1e3)}k`;
    if (n < 1e9) return `${n < 1e7 ? (n / 1e6).toFixed(1) : Math.round(n / 1e6)}M`;
    return `${n < 1e10 ? (n / 1e9).toFixed(1) : Math.round(n / 1e9)}G`;
}

/** 95 → "2m", 4000 → "1h07m", past two days "3d": an upper bound, rounded up. */
export function roughDuration(seconds: number): string {
    if (seconds < 60) return `${Math.max(1, Math.ceil(seconds))}s`;
    const m = Math.ceil(seconds / 60);
    if (m >= 2880) return `${Math.ceil(m / 1440).toLocaleString("en-US")}d`;
    return m < 60 ? `${m}m` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

/**
 * The estimate as three lines of at most ~76 columns (the batch form at 80x24): generations and
 * tokens, what is assumed about failed items, and the time. `speed` names where tokensPerSecond came from.
 */
export function formatEstimate(e: BatchEstimate, input: Pick<EstimateInput, "k" | "instructions" | "maxTokens" | "expectedAcc1" | "tokensPerSecond">, speed = "measured"): string[] {
    const chains = e.chainsPerFailed ? `${e.chainsPerFailed} chains each (k ${input.k}×${input.instructions})` : "no chains (one turn)";
    const lines: string[] = [];
    if (e.generations !== null) {
        lines.push(`estimate: ≤ ${count(e.generations)} generations · ≤ ${compactTokens(e.tokens)} tokens (${input.maxTokens} max each)`);
        lines.push(e.failedIsUpperBound ? `failing: all ${count(e.items!)} assumed (Acc@t1 unknown) · ${chains}` : `failing: ~${count(e.failedItems!)} of ${count(e.items!)} (Acc@t1 ${Math.round(100 * input.expectedAcc1!)}%) · ${chains}`);
    } else {
        lines.push(`estimate per item: ${e.turn1Generations} generation${e.turn1Generations > 1 ? "s" : ""} if turn 1 is right, ≤ ${count(e.generationsPerFailedItem)} if not`);
        lines.push(`a failing item: ${e.chainsPerFailed ? `${e.chainsPerFailed} chains (k ${input.k}×${input.instructions})` : "no chains (one turn)"} · ≤ ${compactTokens(e.tokens)} tokens`);
    }
    const what = e.generations !== null ? "time" : "time per failing item";
    lines.push(e.seconds === null ? `${what}: unknown until a generation has run` : `${what}: ≤ ${roughDuration(e.seconds)} at ${input.tokensPerSecond!.toFixed(1)} tok/s (${speed})`);
    return lines;
}
