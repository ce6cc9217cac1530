/**
 * Per-step seeds derived from the run seed, so every sample is reproducible on its own
 * and a re-roll or a resumed run gets the same seed for the same (item, turn, step, sample).
 */
export function stepSeed(runSeed: number, itemId: string, turn: number, kind: string, sampleIndex: number): number {
    let h = (runSeed ^ 0x811c9dc5) >>> 0;
    for (const ch of `${itemId}|${turn}|${kind}|${sampleIndex}`) {
        h ^= ch.charCodeAt(0);
        h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h;
}
