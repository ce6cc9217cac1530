import { createHash } from "node:crypto";
import type { ExtractedSample } from "./extract.js";
import type { CuratedSet } from "./types.js";

const digest = (v: unknown) => createHash("sha1").update(JSON.stringify(v)).digest("base64");

/**
 * A row of a set, as references to samples of one question of one run: [sample] for D+,
 * [chosen, rejected] for D±, [a, b] (not yet judged) for D_pref.
 */
export interface SetRow {
    set: CuratedSet;
    key: string;
    samples: ExtractedSample[];
}

/**
 * Samples that share one prompt: the same failed attempt and the same instruction, so their
 * reflections answer the identical reflect prompt. In sample_index order.
 */
export function promptGroups(samples: ExtractedSample[]): ExtractedSample[][] {
    const groups = new Map<string, ExtractedSample[]>();
    for (const s of samples) {
        const id = promptId(s);
        let g = groups.get(id);
        if (!g) groups.set(id, (g = []));
        g.push(s);
    }
    return [...groups.values()].map((g) => [...g].sort((a, b) => a.sampleIndex - b.sampleIndex));
}

/** Each sample's prompt digest, computed once although D± and D_pref both group by it. */
const promptIds = new WeakMap<ExtractedSample, string>();
function promptId(s: ExtractedSample): string {
    let id = promptIds.get(s);
    if (id === undefined) promptIds.set(s, (id = `${s.instructionKey}\u0000${digest(s.reflection.messages)}`));
    return id;
}

/** D+: samples whose turn-2 correction is correct by ground truth. */
export function dplusRows(samples: ExtractedSample[]): SetRow[] {
    return samples.filter((s) => s.correctness.correction).map((s) => ({ set: "dplus", key: s.instructionKey, samples: [s] }));
}

/** D±: within one prompt group, the i-th correct correction paired with the i-th incorrect one (one-to-one). */
export function dpmRows(samples: ExtractedSample[]): SetRow[] {
    const rows: SetRow[] = [];
    for (const g of promptGroups(samples)) {
        const right = g.filter((s) => s.correctness.correction);
        const wrong = g.filter((s) => !s.correctness.correction);
        for (let i = 0; i < Math.min(right.length, wrong.length); i++) rows.push({ set: "dpm", key: g[0]!.instructionKey, samples: [right[i]!, wrong[i]!] });
    }
    return rows;
}

/**
 * D_pref candidates: within one prompt group, disjoint consecutive pairs (samples 0-1, 2-3, ...),
 * so no reflection appears in two pairs and the teacher is asked at most k/2 times per prompt.
 */
export function dprefRows(samples: ExtractedSample[]): SetRow[] {
    const rows: SetRow[] = [];
    for (const g of promptGroups(samples)) for (let i = 0; i + 1 < g.length; i += 2) rows.push({ set: "dpref", key: g[0]!.instructionKey, samples: [g[i]!, g[i + 1]!] });
    return rows;
}

export function rowsOf(set: CuratedSet, samples: ExtractedSample[]): SetRow[] {
    return set === "dplus" ? dplusRows(samples) : set === "dpm" ? dpmRows(samples) : dprefRows(samples);
}

/**
 * What makes two rows "the same" for dedup: the prompt and the target, never where they came from.
 * D+: the whole one-stage conversation (reflect prompt, reflection, correct prompt, correction).
 * D±: prompt, chosen and rejected. D_pref: prompt and the unordered pair (the judge orders it later).
 */
export function rowIdentity(row: SetRow): string {
    const [a, b] = row.samples;
    if (row.set === "dplus") return digest([a!.correction.messages, a!.correction.output]);
    if (row.set === "dpm") return digest([a!.reflection.messages, a!.reflection.output, b!.reflection.output]);
    return digest([a!.reflection.messages, [a!.reflection.output, b!.reflection.output].sort()]);
}
