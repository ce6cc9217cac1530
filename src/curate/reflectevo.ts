// Curated rows as ReflectEvo-460k records: the release's field names first (data/examples and its
// README), then reflect-lab's own fields, so `curate --from-reflectevo` reads our export back into the
// identical TRL rows and the release's tools read it as theirs.
import type { ChatMessage } from "../backend/types.js";
import type { ExtractedSample } from "./extract.js";
import { lastUserContent } from "./extract.js";
import type { Split } from "./split.js";
import type { Provenance } from "./types.js";

/** The release's D+ fields, in its order. */
export const DPLUS_FIELDS = ["id", "question", "answer", "first_trial_reasoning", "first_trial_answer", "second_trial_reasoning", "second_trial_answer", "reflections", "reason_prompt", "reflect_prompt"] as const;

/** The release's D± / D_pref fields, in its order. */
export const PAIR_FIELDS = [
    "id",
    "question",
    "answer",
    "first_trial_reasoning",
    "first_trial_answer",
    "second_trial_reasoning_chosen",
    "second_trial_answer_chosen",
    "reflection_chosen",
    "second_trial_reasoning_rejected",
    "second_trial_answer_rejected",
    "reflection_rejected",
    "reason_prompt",
    "reflection_prompt"
] as const;

/** reflect-lab's additions to every record: what the release does not say but our rows need. */
export interface EvoExtras {
    task: string;
    /** The task family (mc, math, code, text): the verifier and answer format of the item. */
    family: string;
    /** Option texts for multiple choice, else null. */
    choices: string[] | null;
    instruction_key: string;
    split: Split;
}

/** A D+ record: the release's fields, then ours; `messages` are the exact prompts of the reflect and correct steps. */
export interface EvoDPlusRecord extends EvoExtras {
    id: string;
    question: string;
    answer: string;
    first_trial_reasoning: string;
    first_trial_answer: string;
    second_trial_reasoning: string;
    second_trial_answer: string;
    reflections: string;
    /** The turn-1 prompt's message texts (the release: a list of prompt parts). */
    reason_prompt: string[];
    reflect_prompt: string;
    provenance: Provenance;
    messages: { reflect: ChatMessage[]; correct: ChatMessage[] };
}

/** A D± or D_pref record: one failed attempt, the chosen and the rejected reflection with their second trials. */
export interface EvoPairRecord extends EvoExtras {
    id: string;
    question: string;
    answer: string;
    first_trial_reasoning: string;
    first_trial_answer: string;
    second_trial_reasoning_chosen: string;
    second_trial_answer_chosen: string;
    reflection_chosen: string;
    second_trial_reasoning_rejected: string;
    second_trial_answer_rejected: string;
    reflection_rejected: string;
    reason_prompt: string[];
    reflection_prompt: string;
    /** Which of our sets the pair is: a hint for reading it back (the CLI's --reflectevo-set wins). */
    set: "dpm" | "dpref";
    provenance: { chosen: Provenance; rejected: Provenance; judge?: { model: string; reason: string } };
    /** The reflect step's prompt, exactly as sent (both reflections answer it). */
    messages: { reflect: ChatMessage[] };
}

/** The first trial as the release names it; the answer the check extracted, "" when none was. */
function firstTrial(s: ExtractedSample) {
    return { id: "", question: s.question, answer: s.gold, first_trial_reasoning: s.attempt.output, first_trial_answer: s.attempt.answer ?? "" };
}

const extras = (s: ExtractedSample, split: Split): EvoExtras => ({ task: s.task, family: s.family, choices: s.choices, instruction_key: s.instructionKey, split });
const reasonPrompt = (s: ExtractedSample): string[] => s.attempt.messages.map((m) => m.content);

export function reflectEvoRecord(s: ExtractedSample, split: Split): EvoDPlusRecord {
    const p = s.provenance;
    return {
        ...firstTrial(s),
        id: `${p.run}/${p.item_id}/${p.instruction_key}/${p.sample_index}`,
        second_trial_reasoning: s.correction.output,
        second_trial_answer: s.correction.answer ?? "",
        reflections: s.reflection.output,
        reason_prompt: reasonPrompt(s),
        reflect_prompt: lastUserContent(s.reflection.messages),
        ...extras(s, split),
        provenance: p,
        messages: { reflect: s.reflection.messages, correct: s.correction.messages }
    };
}

export function reflectEvoPair(chosen: ExtractedSample, rejected: ExtractedSample, split: Split, judge?: { model: string; reason: string }, set: "dpm" | "dpref" = judge ? "dpref" : "dpm"): EvoPairRecord {
    const p = chosen.provenance;
    return {
        ...firstTrial(chosen),
        id: `${p.run}/${p.item_id}/${p.instruction_key}/${p.sample_index}>${rejected.provenance.sample_index}`,
        second_trial_reasoning_chosen: chosen.correction.output,
        second_trial_answer_chosen: chosen.correction.answer ?? "",
        reflection_chosen: chosen.reflection.output,
        second_trial_reasoning_rejected: rejected.correction.output,
        second_trial_answer_rejected: rejected.correction.answer ?? "",
        reflection_rejected: rejected.reflection.output,
        reason_prompt: reasonPrompt(chosen),
        reflection_prompt: lastUserContent(chosen.reflection.messages),
        ...extras(chosen, split),
        set,
        provenance: judge ? { chosen: p, rejected: rejected.provenance, judge } : { chosen: p, rejected: rejected.provenance },
        messages: { reflect: chosen.reflection.messages }
    };
}
