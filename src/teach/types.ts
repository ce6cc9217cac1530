import type { ItemIdentity, ItemRecord, VerifierMode } from "../engine/types.js";

/**
 * The stages of one item's loop as a presenter shows them, in order. A turn that was right at once
 * ends after its verdict; each further turn repeats instruction → reflection → correction → final.
 */
export type StageKind = "answer" | "verdict" | "instruction" | "reflection" | "correction" | "final" | "summary";

export const STAGE_KINDS: readonly StageKind[] = ["answer", "verdict", "instruction", "reflection", "correction", "final", "summary"];

/** One word-level piece of the corrected answer against the first: kept, added or removed. */
export interface DiffPart {
    op: "same" | "add" | "del";
    text: string;
}

/** One part of the reflection and the instruction stage (0 verify, 1 diagnose, 2 plan) it answers; null = not aligned. */
export interface AlignedPart {
    stage: 0 | 1 | 2 | null;
    /** The label the model wrote ("1.", "Step 2:", "Plan:"), or "" when the part had none. */
    label: string;
    text: string;
}

export interface StageVerdict {
    correct: boolean;
    /** What the verifier read as the final answer (null: nothing could be read). */
    extracted: string | null;
    /** The verifier's own one-line reason. */
    reason: string;
    mode: VerifierMode;
    /** Ground truth when the verdict that steered the loop came from the model itself or a teacher. */
    oracleCorrect?: boolean;
}

/** The closing card: what changed between the first and the last answer, and whether the reflection found the error. */
export interface SummaryCard {
    outcome: Outcome;
    /** Ground-truth correctness per turn. */
    correctByTurn: boolean[];
    /** Final answers as the verifier read them, per turn. */
    extractedByTurn: (string | null)[];
    /** Words removed and added from the first to the last answer (counts, from the diff). */
    wordsRemoved: number;
    wordsAdded: number;
    named: NamedError;
    /** Plain-language lines for the card (what changed, what the reflection said). */
    lines: string[];
}

/**
 * Did the reflection name the real error? A heuristic over the text, labelled as such on screen:
 * `yes` when it points at the wrong part of the first answer (the extracted wrong answer, or words
 * the correction removed) or at the right answer; `no` when it mentions neither; `n/a` when there
 * was no error (right at turn 1) or no reflection (retry mode).
 */
export interface NamedError {
    verdict: "yes" | "no" | "n/a";
    /** Why, in one line (which words it matched, or what it missed). */
    why: string;
    /** The words of the reflection that matched (for highlighting), lower-cased. */
    matched: string[];
}

/** wrong then right; wrong and still wrong; right then wrong (only possible when a self/teacher verdict says "incorrect"); right at once. */
export type Outcome = "corrected" | "not-corrected" | "flipped" | "right-first";

export interface Stage {
    kind: StageKind;
    turn: number;
    /** A short heading, e.g. "Turn 1 · the first answer". */
    title: string;
    /** The body: model output, the instruction text, or the verdict line. */
    text: string;
    /** The plain-language caption (from prompts/teaching/<kind>.txt, placeholders filled). */
    caption: string;
    /** Model output that a presenter may type out at a readable pace (answers, reflections). */
    streamed: boolean;
    verdict?: StageVerdict;
    /** instruction and reflection stages: the instruction used. */
    instruction?: { key: string; stages: [string, string, string] };
    /** reflection stages: the reflection split into parts, each aligned with an instruction stage. */
    alignment?: AlignedPart[];
    /** correction stages: the corrected answer against the first answer, word by word. */
    diff?: DiffPart[];
    summary?: SummaryCard;
}

/** Where a walkthrough came from, for the header, the handout and the gallery. */
export interface WalkthroughSource {
    kind: "session" | "run" | "set" | "live";
    /** The session / run folder or the example-set file. */
    path: string;
    itemId: string;
    /** Batch samples: which instruction and which sample. */
    sample?: { instructionKey: string | null; sampleIndex: number };
    /** Example sets: where the set's record was taken from (run folder, item, sample), as stored in the set. */
    provenance?: string;
}

export interface Walkthrough {
    source: WalkthroughSource;
    item: ItemIdentity;
    /** The generator's model file name. */
    model: string;
    verifier: VerifierMode;
    outcome: Outcome;
    stages: Stage[];
    /** The record it was built from (live: as far as it has got). */
    record: ItemRecord;
}

/** One entry of a gallery: enough to list and filter without building every walkthrough. */
export interface GalleryEntry {
    itemId: string;
    task: string;
    outcome: Outcome;
    instructionKey: string | null;
    sampleIndex: number;
    /** The question's first line, for the list. */
    title: string;
    /** Builds the full walkthrough (instant: the record is already in memory). */
    open: () => Walkthrough;
}
