// Free-text verifier: SQuAD-style normalised exact match plus token F1, so "The Eiffel Tower."
// matches "Eiffel Tower" and a near-miss phrasing still counts when most tokens agree.
import { extractFinalAnswer, lastLine } from "./extract.js";
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

const YES_NO = new Set(["yes", "no"]);

/** Scores one gold answer; yes/no golds compare only the answer's first word ("Yes, because ..."). */
function score(answer: string, gold: string): { em: boolean; f1: number } {
    const g = normaliseText(gold);
    let a = normaliseText(answer);
    if (YES_NO.has(g)) a = a.split(" ")[0] ?? "";
    return { em: a === g, f1: tokenF1(a, g) };
}

export function verifyText(output: string, gold: string | string[]): Verdict {
    const golds = (Array.isArray(gold) ? gold : [gold]).filter((g) => g.trim() !== "");
    const marked = extractFinalAnswer(output);
    const extracted = marked ?? lastLine(output);
    if (extracted === null || extracted === "") {
        return { correct: false, reason: "no answer found in the output", extracted: null, details: { em: false, f1: 0 } };
    }
    if (golds.length === 0) {
        return { correct: false, reason: "the task has no gold answer", extracted, details: { em: false, f1: 0 } };
    }
    let best = { em: false, f1: -1, gold: golds[0]! };
    for (const g of golds) {
        const s = score(extracted, g);
        if (Number(s.em) > Number(best.em) || (s.em === best.em && s.f1 > best.f1)) best = { ...s, gold: g };
    }
    const correct = best.em || best.f1 >= TEXT_F1_THRESHOLD;
    const f1 = Math.round(best.f1 * 1000) / 1000;
    const how = best.em ? "exact match" : `token F1 ${f1} ${correct ? ">=" : "<"} ${TEXT_F1_THRESHOLD}`;
    const where = marked === null ? " (no \"Final answer:\" line; used the last line)" : "";
    return {
        correct,
        reason: `"${extracted}" vs gold "${best.gold}": ${how}${where}`,
        extracted,
        details: { em: best.em, f1 }
    };
}
