import type { ChatMessage } from "../backend/types.js";

/**
 * A teacher that says which of two reflections (assistant messages answering the same reflect
 * prompt) is better. D_pref needs one; an OpenAI-compatible teacher comes in a later issue.
 */
export interface PreferenceJudge {
    readonly model: string;
    judge(prompt: ChatMessage[], a: ChatMessage, b: ChatMessage): Promise<{ winner: "a" | "b" | "tie"; reason: string }>;
}

/** A pair's fate: a winner both orders agree on, or dropped (a tie in either order, or disagreement). */
export type JudgeOutcome = { kind: "winner"; winner: "a" | "b"; reason: string } | { kind: "tie" | "disagree"; reason: string };

export function noJudgeError(): Error {
    return new Error("D_pref needs a teacher model to judge pairs of reflections, and none is configured yet; curate dplus and/or dpm instead");
}

/** Asks the judge in both orders (position bias); only a verdict that survives the swap counts. */
export async function judgeBothOrders(judge: PreferenceJudge, prompt: ChatMessage[], a: ChatMessage, b: ChatMessage): Promise<JudgeOutcome> {
    const [first, second] = await Promise.all([judge.judge(prompt, a, b), judge.judge(prompt, b, a)]);
    const both = `a first: ${first.reason} | b first: ${second.reason}`;
    if (first.winner === "tie" || second.winner === "tie") return { kind: "tie", reason: both };
    // In the swapped order "a" names the original b.
    const swapped = second.winner === "a" ? "b" : "a";
    if (first.winner !== swapped) return { kind: "disagree", reason: both };
    // Stored with the chosen reflection's order named, since "a"/"b" mean nothing once the row is written.
    const reason = first.winner === "a" ? `chosen shown first: ${first.reason} | chosen shown second: ${second.reason}` : `chosen shown second: ${first.reason} | chosen shown first: ${second.reason}`;
    return { kind: "winner", winner: first.winner, reason };
}
