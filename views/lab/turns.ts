// The lab's steps as turns: what the step area shows as cards, summaries and folds.
import type { StepRecord } from "../../src/engine/types.js";

/** A re-rolled chain: a superseded reflection and what followed it (its correction and verdict). */
export interface Fold {
    instructionKey: string;
    sampleIndex: number;
    steps: StepRecord[];
    /** The chain's last verdict (what the superseded sample led to); undefined when it had none. */
    correct?: boolean;
}

/**
 * One attempt as the lab shows it: turn 1 is the first answer and its verdict; turn t >= 2 starts
 * with the reflection after turn t-1, then the answer it led to and that answer's verdict. So the
 * reflection stays on screen beside the correction it drives.
 */
export interface Turn {
    turn: number;
    /** Steps in effect, in record order. */
    steps: StepRecord[];
    /** Re-rolled chains that started in this turn, oldest first. */
    folds: Fold[];
}

/** The lab turn a step belongs to: a reflection opens the next turn. */
export const turnOf = (s: Pick<StepRecord, "kind" | "turn">): number => (s.kind === "reflect" ? s.turn + 1 : s.turn);

/** Groups a record's steps into turns, superseded chains folded into the turn where they were re-rolled. */
export function groupTurns(steps: readonly StepRecord[]): Turn[] {
    const turns = new Map<number, Turn>();
    const at = (t: number): Turn => {
        let g = turns.get(t);
        if (!g) turns.set(t, (g = { turn: t, steps: [], folds: [] }));
        return g;
    };
    let chain: { fold: Fold; turn: number } | null = null;
    for (const s of steps) {
        if (!s.superseded) {
            chain = null;
            at(turnOf(s)).steps.push(s);
            continue;
        }
        // A superseded reflection at this chain's turn (or before it) is another re-rolled sample; later ones belong to the chain.
        if (s.kind === "reflect" && (!chain || turnOf(s) <= chain.turn)) {
            const fold: Fold = { instructionKey: s.instruction_key ?? "?", sampleIndex: s.sample_index, steps: [] };
            chain = { fold, turn: turnOf(s) };
            at(turnOf(s)).folds.push(fold);
        }
        if (!chain) continue;
        chain.fold.steps.push(s);
        if (s.kind === "verify" && s.verdict) chain.fold.correct = s.verdict.correct;
    }
    return [...turns.values()].sort((a, b) => a.turn - b.turn);
}

/** The verdict of a turn (undefined until it is judged). */
export function turnVerdict(t: Turn): StepRecord["verdict"] {
    return t.steps.find((s) => s.kind === "verify")?.verdict;
}

export function stepLabel(s: Pick<StepRecord, "kind" | "turn" | "sample_index" | "instruction_key">): string {
    switch (s.kind) {
        case "answer":
            return `turn ${s.turn} · answer`;
        case "correct":
            return `turn ${s.turn} · answer (after reflection)`;
        case "reflect":
            return `reflection [${s.instruction_key ?? "?"}] · after turn ${s.turn}${s.sample_index > 0 ? ` · sample ${s.sample_index + 1}` : ""}`;
        case "verify":
            return `turn ${s.turn} · verdict`;
    }
}
