/**
 * Which sequence of a context to copy a prompt's evaluated prefix from. Prefill is the costly part
 * of a batch run on CPU (~270 tok/s on 2 cores against ~160 generated tok/s at P = 8), and a slot
 * that draws another item's chain, or the next sample of the same turn 1, would otherwise re-read
 * a prefix some other sequence already holds.
 */

/** Tokens a copy must save over the slot's own reusable prefix: below this, re-reading is as cheap as copying the KV stream. */
export const MIN_PREFIX_GAIN = 16;

/** Length of the common prefix of two token lists. */
export function commonPrefix(a: readonly number[], b: readonly number[]): number {
    const n = Math.min(a.length, b.length);
    let i = 0;
    while (i < n && a[i] === b[i]) i++;
    return i;
}

export interface DonorCandidate<S> {
    sequence: S;
    /** the sequence's evaluated tokens */
    tokens: readonly number[];
}

/**
 * The candidate sharing the longest prefix with `prompt`, when that beats `own` (the slot's own
 * reusable prefix) by at least `minGain` tokens; null otherwise. Ties go to the first candidate.
 */
export function pickDonor<S>(prompt: readonly number[], own: number, candidates: readonly DonorCandidate<S>[], minGain = MIN_PREFIX_GAIN): { sequence: S; common: number } | null {
    let best: { sequence: S; common: number } | null = null;
    for (const c of candidates) {
        // Cheap reject first: a candidate that cannot beat the best so far is not scanned.
        if (c.tokens.length < own + minGain || (best && c.tokens.length <= best.common)) continue;
        const common = commonPrefix(c.tokens, prompt);
        if (common >= own + minGain && (!best || common > best.common)) best = { sequence: c.sequence, common };
    }
    return best;
}
