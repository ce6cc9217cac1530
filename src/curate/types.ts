import type { ChatMessage } from "../backend/types.js";

/** The paper's training sets. D: all samples; D+: corrections judged correct; D±: correct/incorrect pairs; D_pref: teacher-judged pairs. */
export type CuratedSet = "dplus" | "dpm" | "dpref";

/** Where a row came from: enough to find the exact sample again and to reproduce it. */
export interface Provenance {
    run: string;
    item_id: string;
    task: string;
    model_file: string;
    model_sha256: string;
    instruction_key: string;
    sample_index: number;
    seed: number;
    /** When a trained reflector (not the base) wrote the reflection: its file, sha256 and adapters. */
    reflector_model?: { file: string; sha256: string; adapters: string[] };
    /** Rows imported with `curate --from-reflectevo`: the file, record and line they were read from. */
    source?: ProvenanceSource;
}

/** The shapes of ReflectEvo-460k files (see reflectevoRead.ts). */
export type EvoShape = "dplus" | "pair" | "raw";

/** Where an imported row came from: enough to find the record again with an editor. */
export interface ProvenanceSource {
    /** The file as given (resolved to an absolute path). */
    file: string;
    shape: EvoShape;
    /** 1-based record number in the file. */
    record: number;
    /** 1-based line the record starts on. */
    line: number;
    /** The record's `id`, as text. */
    id: string;
    /** Raw records: the index in `output` of the trial-2 entry this row's reflection and correction come from. */
    output_index?: number;
}

/**
 * One SFT row in TRL's conversational format. `messages` is the conversation exactly as the lab sent it
 * (same templates as at evaluation), ending with the trained assistant turn(s). `train_on_last` says how
 * many trailing assistant messages carry the loss: 2 for one-stage (reflection + correction), 1 for the
 * two-stage reflector (reflection) and corrector (correction). Earlier assistant turns (the failed
 * turn-1 attempt) are context only.
 */
export interface SftRow {
    messages: ChatMessage[];
    train_on_last: number;
    provenance: Provenance;
}

/** One preference row in TRL's conversational preference format: only the reflection is optimised. */
export interface PreferenceRow {
    prompt: ChatMessage[];
    chosen: ChatMessage[];
    rejected: ChatMessage[];
    provenance: { chosen: Provenance; rejected: Provenance; judge?: { model: string; reason: string } };
}

/**
 * File names inside a curated folder (`reflect-lab curate ... --out DIR`). Each exists as
 * `<name>.train.jsonl` and `<name>.eval.jsonl` (split by question, never by sample):
 *   sft.one-stage   SftRow, train_on_last 2   (setting 1, from D+)
 *   sft.reflector   SftRow, train_on_last 1   (setting 2, stage 1, from D+)
 *   sft.corrector   SftRow, train_on_last 1   (setting 2, stage 2, from D+)
 *   pref.dpm        PreferenceRow             (setting 4, from D±)
 *   pref.dpref      PreferenceRow             (setting 3, from D_pref; needs a teacher)
 *   reflectevo.<set> the rows as ReflectEvo-460k records (the release's D+ / D± fields, then ours; reflectevo.ts)
 * plus `curation.json` (options, sources, counts per set and task).
 */
export const CURATED_FILES = {
    oneStage: "sft.one-stage",
    reflector: "sft.reflector",
    corrector: "sft.corrector",
    dpm: "pref.dpm",
    dpref: "pref.dpref"
} as const;
