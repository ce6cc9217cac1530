import type { ChatMessage } from "../backend/types.js";
import type { ExtractedSample } from "./extract.js";
import type { PreferenceRow, SftRow } from "./types.js";

const assistant = (content: string): ChatMessage => ({ role: "assistant", content });

/**
 * Setting 1: the recorded correct-step conversation (question, failed attempt, reflect prompt,
 * reflection, correct prompt) plus the correction; the reflection and the correction carry the loss.
 */
export function oneStageRow(s: ExtractedSample): SftRow {
    return { messages: [...s.correction.messages, assistant(s.correction.output)], train_on_last: 2, provenance: s.provenance };
}

/** Setting 2, stage 1: the reflect prompt exactly as sent, then the reflection. */
export function reflectorRow(s: ExtractedSample): SftRow {
    return { messages: [...s.reflection.messages, assistant(s.reflection.output)], train_on_last: 1, provenance: s.provenance };
}

/** Setting 2, stage 2: the correct prompt exactly as sent (reflection included as context), then the correction. */
export function correctorRow(s: ExtractedSample): SftRow {
    return { messages: [...s.correction.messages, assistant(s.correction.output)], train_on_last: 1, provenance: s.provenance };
}

/** Settings 3 and 4: only the reflection is optimised, so prompt = the reflect step's messages. */
export function preferenceRow(chosen: ExtractedSample, rejected: ExtractedSample, judge?: { model: string; reason: string }): PreferenceRow {
    return {
        prompt: chosen.reflection.messages,
        chosen: [assistant(chosen.reflection.output)],
        rejected: [assistant(rejected.reflection.output)],
        provenance: judge ? { chosen: chosen.provenance, rejected: rejected.provenance, judge } : { chosen: chosen.provenance, rejected: rejected.provenance }
    };
}
