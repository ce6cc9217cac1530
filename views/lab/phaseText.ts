// What the lab's keys will do next, in words: the action row and the instruction's scope.
import type { ItemRecord, LoopPhase } from "../../src/engine/types.js";
import { ellipsize, type Line, type Seg } from "../lines.js";
import type { LiveStep } from "../store.js";
import { theme } from "../theme.js";

/** What the next space press will do. */
export function nextAction(phase: LoopPhase, verifier: string, instructionKey: string): string {
    switch (phase) {
        case "answering":
            return "answer the question";
        case "verifying":
            return `verify the answer (${verifier})`;
        case "reflecting":
            return `reflect on the failed attempt with instruction [${instructionKey}]`;
        case "correcting":
            return "answer again, using the reflection";
        default:
            return "nothing: this question is done";
    }
}

export interface ScopeInput {
    nextPhase: LoopPhase;
    busy: boolean;
    /** The phase running now (while busy). */
    phase: LoopPhase;
    hasReflection: boolean;
}

/**
 * What the selected instruction will be used for, so a change after a finished reflection is not
 * a surprise: the next reflection, or only the next re-roll.
 */
export function instructionScope(s: ScopeInput): string {
    if (s.busy && s.phase === "reflecting") return "applies to the next re-roll (r); the reflection being written keeps its own";
    if (s.nextPhase === "reflecting") return s.hasReflection ? "applies to the next reflection (space) or a re-roll (r)" : "applies to the next reflection (space)";
    if (s.hasReflection) return "applies to the next re-roll (r)";
    if (s.nextPhase === "done") return "not used: no reflection was needed";
    return "applies to the reflection, if the answer is wrong";
}

const ENDED: Record<ItemRecord["status"], string> = { done: "done", running: "left unfinished", aborted: "aborted", error: "stopped by an error" };

/** How a recorded attempt ended, for its banner: the ground truth of each turn, and whether it got to the end. */
export function recordOutcome(r: ItemRecord): string {
    const marks = r.correct_by_turn.map((c) => (c ? "✓" : "✗")).join(" → ");
    if (r.status === "done") return marks || "done";
    return marks ? `${marks}, ${ENDED[r.status]}` : ENDED[r.status];
}

export interface ActionInput extends ScopeInput {
    turn: number;
    live: LiveStep | null;
    canReroll: boolean;
    verifier: string;
    instructionKey: string;
    recorded: ItemRecord | null;
    spin: string;
    width: number;
}

/** The row under the steps: what runs now, or what space (and r, n) will do. */
export function actionLine(a: ActionInput): Line {
    let segs: Seg[];
    if (a.recorded) {
        segs = [
            { text: "◆ recorded attempt", color: theme.warn, bold: true },
            { text: ` · ${recordOutcome(a.recorded)} · read-only`, color: theme.muted },
            { text: " · space: try again (a fresh attempt)", color: theme.accent }
        ];
    } else if (a.busy) {
        segs = [
            { text: `${a.spin} ${a.phase} · turn ${a.turn}${a.live?.instructionKey ? ` · [${a.live.instructionKey}]` : ""}`, color: theme.accent },
            { text: " (q aborts and quits)", color: theme.muted }
        ];
    } else if (a.nextPhase === "done") {
        segs = [{ text: "● done", color: theme.ok }, { text: ` · n next question${a.canReroll ? " · r re-roll the reflection" : ""}`, color: theme.muted }];
    } else {
        segs = [
            { text: `○ ${a.phase === "idle" ? "ready" : `${a.phase} finished`}`, color: theme.accent },
            { text: ` · space: ${nextAction(a.nextPhase, a.verifier, a.instructionKey)}`, color: theme.muted }
        ];
    }
    return ellipsize(segs, a.width);
}
