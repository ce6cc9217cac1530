// Free-text verifier: SQuAD-style normalised exact match plus token F1, so "The Eiffel Tower."
// matches "Eiffel Tower" and a near-miss phrasing still counts when most tokens agree.
import { lastLine, markedAnswer } from "./extract.js";
import { reasonLine, shown } from "./line.js";
import type { Verdict } from "./types.js";

/** Token-F1 at or above which a non-exact answer still counts as correct. */
export const TEXT_F1_THRESHOLD = 0.8;

/** SQuAD normalisation: lowercase, drop punctuation and the articles a/an/the, squeeze whitespace. */
export function normaliseText(s: string): string {
    return s
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s]/gu, " ")
        .replace(/\b(a|an|the)\b/g, " ")
        .replace(/\s+/g, " ")
        .trim();
}

/** Token-level F1 between two already-normalised strings (bag of tokens, as in SQuAD). */
export function tokenF1(pred: string, gold: string): number {
    const p = pred.split(" ").filter(Boolean);
    const g = gold.split(" ").filter(Boolean);
    if (p.length === 0 || g.length === 0) return p.length === g.length ? 1 : 0;
    const counts = new Map<string, number>();
    for (const t of g) counts.set(t, (counts.get(t) ?? 0) + 1);
    let common = 0;
    for (const t of p) {
        const c = counts.get(t) ?? 0;
        if (c > 0) {
            common++;
            counts.set(t, c - 1);
        }
    }
    if (common === 0) return 0;
    const precision = common / p.length;
    const recall = common / g.length;
    return (2 * precision * recall) / (precision + recall);
}

/**
 * A lighter normalisation for golds that SQuAD's would erase ("a", "The", "An"): lowercase,
 * punctuation removed, articles kept; for a gold of punctuation only ("?"), just lowercase.
 */
export function lightNormalise(s: string): string {
    const t = s
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s]/gu, " ")
        .replace(/\s+/g, " ")
        .trim();
    return t || s.toLowerCase().replace(/\s+/g, " ").trim();
}

const YES_NO = new Set(["yes", "no"]);

/** Both polarities offered: "yes or no", "yes/no", "either yes or no". */
const YES_NO_HEDGE = /^(?:either\s+)?(yes|no)\s*(?:or|and|\/)\s*(yes|no)\b/;

/**
 * Scores one gold answer; yes/no golds compare only the answer's first word ("Yes, because ...").
 * Never matches an empty answer: when SQuAD normalisation empties the gold ("a"), both sides use
 * the lighter normalisation instead, so the answer "The" no longer equals the gold "a".
 */
function score(answer: string, gold: string): { em: boolean; f1: number; hedge?: boolean } {
    let g = normaliseText(gold);
    let a = normaliseText(answer);
    if (g === "") {
        g = lightNormalise(gold);
        a = lightNormalise(answer);
    }
    if (a === "" || g === "") return { em: false, f1: 0 };
    if (YES_NO.has(g)) {
        const h = YES_NO_HEDGE.exec(answer.toLowerCase().replace(/[^\p{L}\s/]/gu, " ").replace(/\s+/g, " ").trim());
        if (h && h[1] !== h[2]) return { em: false, f1: 0, hedge: true };
        a = a.split(" ")[0] ?? "";
    }
    return { em: a === g, f1: tokenF1(a, g) };
}

export interface TextOptions {
    /** The generation stopped at maxTokens: without a final-answer marker it has no answer. */
    truncated?: boolean;
}

export function verifyText(output: string, gold: string | string[], opts: TextOptions = {}): Verdict {
    const golds = (Array.isArray(gold) ? gold : [gold]).filter((g) => g.trim() !== "");
    const goldShown = golds.length === 0 ? null : golds.map((g) => shown(g, 60)).join(" | ");
    const marked = markedAnswer(output);
    if (!marked && opts.truncated) {
        const none = { extracted: null, rule: "cut off" };
        return { correct: false, ...none, reason: reasonLine(none, goldShown, "cut off before a final answer"), details: { em: false, f1: 0 } };
    }
    const extracted = marked?.value ?? lastLine(output);
    if (extracted === null || extracted === "") {
        const none = { extracted: null, rule: "none" };
        return { correct: false, ...none, reason: reasonLine(none, goldShown, "no answer in the output"), details: { em: false, f1: 0 } };
    }
    const got = { extracted, rule: marked?.rule ?? "last line" };
    if (golds.length === 0) {
        return { correct: false, ...got, reason: reasonLine(got, null, "no gold answer to compare with"), details: { em: false, f1: 0 } };
    }
    let best: { em: boolean; f1: number; hedge?: boolean; gold: string } = { em: false, f1: -1, gold: golds[0]! };
    for (const g of golds) {
        const s = score(extracted, g);
        if (Number(s.em) > Number(best.em) || (s.em === best.em && s.f1 > best.f1)) best = { ...s, gold: g };
    }
    if (best.hedge) {
        const none = { extracted: null, rule: "ambiguous" };
        return { correct: false, ...none, reason: reasonLine(none, shown(best.gold), `ambiguous: ${shown(extracted)} (${got.rule}) answers both yes and no`), details: { em: false, f1: 0 } };
    }
    const correct = best.em || best.f1 >= TEXT_F1_THRESHOLD;
    const f1 = Math.round(best.f1 * 1000) / 1000;
    const how = best.em ? "exact match" : `token F1 ${f1} ${correct ? ">=" : "<"} ${TEXT_F1_THRESHOLD}`;
    return {
        correct,
        ...got,
        reason: reasonLine(got, shown(best.gold), how),
        details: { em: best.em, f1 }
    };
}
