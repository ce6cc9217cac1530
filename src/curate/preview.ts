import type { ChatMessage } from "../backend/types.js";
import { RunStore } from "../batch/store.js";
import { extractSample, type ExtractedSample } from "./extract.js";
import type { CurationPlan } from "./plan.js";
import { itemRecords } from "./source.js";
import type { Split } from "./split.js";
import type { CuratedSet, Provenance } from "./types.js";

/** One row of a set as the curate screen pages through it. */
export interface Example {
    set: CuratedSet;
    index: number;
    total: number;
    split: Split;
    task: string;
    itemId: string;
    instructionKey: string;
    /** The reflect prompt exactly as sent (question, failed attempt, reflect instruction). */
    prompt: ChatMessage[];
    /** What the row trains on, labelled: reflection and correction (D+), chosen and rejected (D±, D_pref). */
    targets: { label: string; text: string; correct?: boolean }[];
    provenance: Provenance[];
}

/**
 * The `index`-th row of `set` in the plan, read back from its run. Scans the run for the
 * question (the store has no lookup by item), which is fast enough for paging.
 */
export function exampleAt(plan: CurationPlan, set: CuratedSet, index: number): Example | null {
    const rows = plan.rows[set];
    const r = rows?.[index];
    if (!r) return null;
    const src = plan.sources[r.run]!;
    const store = RunStore.open(src.dir);
    let samples: ExtractedSample[];
    try {
        samples = itemRecords(store, r.itemId)
            .map((rec) => extractSample(rec, src.run))
            .filter((s): s is ExtractedSample => s !== null && s.instructionKey === r.key);
    } finally {
        store.close();
    }
    const picked = r.samples.map((i) => samples.find((s) => s.sampleIndex === i)).filter((s): s is ExtractedSample => !!s);
    if (picked.length !== r.samples.length) return null;
    const [a, b] = picked as [ExtractedSample, ExtractedSample | undefined];
    const targets =
        set === "dplus"
            ? [
                  { label: "reflection", text: a.reflection.output },
                  { label: "correction", text: a.correction.output, correct: a.correctness.correction }
              ]
            : set === "dpm"
              ? [
                    { label: "chosen", text: a.reflection.output, correct: a.correctness.correction },
                    { label: "rejected", text: b!.reflection.output, correct: b!.correctness.correction }
                ]
              : [
                    { label: "reflection a (to be judged)", text: a.reflection.output },
                    { label: "reflection b (to be judged)", text: b!.reflection.output }
                ];
    return { set, index, total: rows!.length, split: r.split, task: r.task, itemId: r.itemId, instructionKey: r.key, prompt: a.reflection.messages, targets, provenance: picked.map((s) => s.provenance) };
}
