import { RunStore } from "../../src/batch/store.js";
import type { ItemRecord, StepRecord, VerifierMode } from "../../src/engine/types.js";
import type { FinishedLine } from "./store.js";

/** A verdict as the item view shows it: what steered the loop, and the ground truth when they differ in kind. */
export interface VerdictView {
    correct: boolean;
    mode: VerifierMode;
    /** The verifier's reason, as stored: the verdict line (src/verify/line.ts) is built from it. */
    reason: string;
    extracted: string | null;
    rule?: string;
    /** Ground truth, kept beside a self or teacher verdict. */
    oracle?: boolean;
}

/** One turn after the first: the reflection that led to it (none in retry mode), the answer, its verdict. */
export interface ChainTurn {
    turn: number;
    reflection: string | null;
    answer: string;
    verdict: VerdictView | null;
}

export interface ChainView {
    /** The instruction key ("retry" without reflections). */
    instruction: string;
    sampleIndex: number;
    correctByTurn: boolean[];
    turns: ChainTurn[];
}

/** One finished item of a run, as read back from its run store. */
export interface ItemDetail {
    itemId: string;
    task: string;
    question: string;
    gold: string;
    turn1: { answer: string; verdict: VerdictView | null } | null;
    chains: ChainView[];
    /** The item errored: no records, this message. */
    error?: string;
}

const verdictOf = (s: StepRecord | undefined): VerdictView | null =>
    s?.verdict ? { correct: s.verdict.correct, mode: s.verdict.mode, reason: s.verdict.reason, extracted: s.verdict.extracted, rule: s.verdict.rule, oracle: s.verdict.mode !== "oracle" ? s.oracle_verdict?.correct : undefined } : null;

/** Steps in effect (a superseded reflection left the conversation). */
const live = (r: ItemRecord) => r.steps.filter((s) => !s.superseded);

/** The turns after turn 1 of a chain record: reflection (turn t-1), answer (turn t), verdict (turn t). */
function chainTurns(r: ItemRecord): ChainTurn[] {
    const steps = live(r);
    const turns: ChainTurn[] = [];
    for (const answer of steps.filter((s) => s.kind === "correct")) {
        const t = answer.turn;
        turns.push({
            turn: t,
            reflection: steps.find((s) => s.kind === "reflect" && s.turn === t - 1)?.output ?? null,
            answer: answer.output ?? "",
            verdict: verdictOf(steps.find((s) => s.kind === "verify" && s.turn === t))
        });
    }
    return turns.sort((a, b) => a.turn - b.turn);
}

/** The item view's data from an item's stored records: the base (turn 1) and every sampled chain. */
export function itemDetailOf(base: ItemRecord, samples: ItemRecord[]): ItemDetail {
    const steps = live(base);
    const answer = steps.find((s) => s.kind === "answer" && s.turn === 1);
    return {
        itemId: base.item.id,
        task: base.item.task,
        question: base.item.question,
        gold: base.item.answer,
        turn1: answer ? { answer: answer.output ?? "", verdict: verdictOf(steps.find((s) => s.kind === "verify" && s.turn === 1)) } : null,
        chains: samples.map((r) => ({
            instruction: r.sample?.instruction_key ?? "retry",
            sampleIndex: r.sample?.sample_index ?? 0,
            correctByTurn: r.correct_by_turn,
            turns: chainTurns(r)
        }))
    };
}

/**
 * Reads a finished item from the run folder (a second connection: the run store is WAL, so this works
 * while the run writes). An errored item, or one the store does not hold, gives a detail with `error`.
 */
export function loadItemDetail(runDir: string, line: FinishedLine): ItemDetail {
    const bare = (error: string): ItemDetail => ({ itemId: line.itemId, task: line.task, question: "", gold: "", turn1: null, chains: [], error });
    if (line.t1 === null) return bare(line.error ?? "the item errored");
    let store: RunStore;
    try {
        store = RunStore.open(runDir);
    } catch (e) {
        return bare(`cannot open the run store: ${(e as Error).message}`);
    }
    try {
        const base = store.baseRecord(line.itemId);
        if (!base) return bare(`no stored record for ${line.itemId}`);
        return itemDetailOf(JSON.parse(base) as ItemRecord, store.itemSampleRecords(line.itemId).map((r) => JSON.parse(r) as ItemRecord));
    } catch (e) {
        return bare(`cannot read ${line.itemId}: ${(e as Error).message}`);
    } finally {
        store.close();
    }
}
