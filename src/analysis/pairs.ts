// The (reflection, turn-2 answer, turn-2 correctness) triple of every stored sample chain: what
// the paper correlates in Fig. 6-7. Read-only: the run is never written.
import type { ItemRecord, StepRecord } from "../engine/types.js";
import type { RunStore } from "../batch/store.js";

export interface ReflectionPair {
    itemId: string;
    task: string;
    instructionKey: string;
    sampleIndex: number;
    /** The reflection written after the failed turn-1 answer (step kind "reflect", turn 1). */
    reflection: string;
    /** The turn-2 reasoning: the whole output of the "correct" step of turn 2. */
    answer: string;
    /** Ground truth of the turn-2 answer: record.correct_by_turn[1]. */
    correct: boolean;
}

/** Why a stored chain gave no pair; counted, never silently dropped. */
export type SkipReason = "no turn-1 reflection" | "no turn-2 answer" | "empty reflection or answer" | "unreadable record";

/** The step the conversation went on with: a re-rolled (superseded) reflection is not it. */
function stepOf(steps: StepRecord[], kind: StepRecord["kind"], turn: number): StepRecord | undefined {
    return steps.find((s) => s.kind === kind && s.turn === turn && !s.superseded);
}

/** One stored record's pair, or the reason it has none. */
export function pairOf(json: string, key: { itemId: string; instructionKey: string; sampleIndex: number }): ReflectionPair | SkipReason {
    let rec: ItemRecord;
    try {
        rec = JSON.parse(json) as ItemRecord;
    } catch {
        return "unreadable record";
    }
    if (!Array.isArray(rec.steps) || !Array.isArray(rec.correct_by_turn)) return "unreadable record";
    const reflect = stepOf(rec.steps, "reflect", 1);
    if (!reflect) return "no turn-1 reflection";
    const correct = stepOf(rec.steps, "correct", 2);
    if (!correct || rec.correct_by_turn.length < 2) return "no turn-2 answer";
    const reflection = reflect.output ?? "";
    const answer = correct.output ?? "";
    if (!reflection.trim() || !answer.trim()) return "empty reflection or answer";
    return { itemId: key.itemId, instructionKey: key.instructionKey, sampleIndex: key.sampleIndex, task: rec.item?.task ?? "?", reflection, answer, correct: rec.correct_by_turn[1] === true };
}

/** Every pair of the run in item order; `skipped` counts the chains without one, by reason. */
export function* readPairs(store: RunStore, skipped: Map<SkipReason, number>): Generator<ReflectionPair> {
    for (const s of store.sampleRecords()) {
        const p = pairOf(s.record, s);
        if (typeof p === "string") skipped.set(p, (skipped.get(p) ?? 0) + 1);
        else yield p;
    }
}
