import type { TaskFamily } from "../tasks/types.js";

/** The verifier's judgement of one answer. Only `correct` ever reaches the model. */
export interface Verdict {
    correct: boolean;
    /** Human-readable explanation of why, for the UI and `reflect-lab verify`. */
    reason: string;
    /** The answer the verifier extracted from the model output (letter, value, code), or null if none was found. */
    extracted: string | null;
    /**
     * The rule that produced `extracted` (e.g. "boxed", "final-answer line", "answer-is",
     * "final expression", "letter", "code block"), or why nothing was extracted ("cut off",
     * "ambiguous"). Shown with the verdict so a user can see how the answer was read.
     */
    rule?: string;
    /** Family-specific numbers: token F1, tests passed, etc. */
    details?: Record<string, unknown>;
}

/** Inputs to a ground-truth (oracle) check, independent of any model. */
export interface OracleInput {
    family: TaskFamily;
    /** Raw model output (or the user's answer on the CLI); the verifier extracts the final answer from it. */
    output: string;
    gold: string;
    choices?: string[] | null;
    answerIndex?: number | null;
    tests?: string[] | null;
    testSetup?: string | null;
    /** The generation stopped at maxTokens (not at end of turn): without a final-answer marker it has no answer. */
    truncated?: boolean;
}

/** What the loop knows about an output besides its text. */
export interface OutputMeta {
    /** The generation stopped at maxTokens. */
    truncated?: boolean;
}
