import type { ExtractedSample } from "./extract.js";
import { lastUserContent } from "./extract.js";
import type { Split } from "./split.js";
import type { Provenance } from "./types.js";

/** Fields every ReflectEvo-compatible record has: the question, the gold and the failed first trial. */
export interface ReflectEvoShared {
    id: string;
    task: string;
    /** The task family (mc, math, code, text), so the record reads back with the right verifier. */
    family: string;
    question: string;
    /** Option texts for multiple choice (so the record reads back as a task item), else null. */
    choices: string[] | null;
    /** The gold answer. */
    answer: string;
    first_trial_reasoning: string;
    first_trial_answer: string | null;
    instruction_key: string;
    /** The user turns exactly as sent: the question, the reflect instruction and the correct instruction. */
    prompts: { first: string; reflect: string; correct: string };
    split: Split;
}

/** A D+ record. */
export interface ReflectEvoRecord extends ReflectEvoShared {
    reflection: string;
    second_trial_reasoning: string;
    second_trial_answer: string | null;
    provenance: Provenance;
}

export interface ReflectEvoTrial {
    reflection: string;
    second_trial_reasoning: string;
    second_trial_answer: string | null;
}

/** A D± or D_pref record: one failed attempt, two reflections with their second trials. */
export interface ReflectEvoPairRecord extends ReflectEvoShared {
    chosen: ReflectEvoTrial;
    rejected: ReflectEvoTrial;
    provenance: { chosen: Provenance; rejected: Provenance; judge?: { model: string; reason: string } };
}

function shared(s: ExtractedSample, id: string, split: Split): ReflectEvoShared {
    return {
        id,
        task: s.task,
        family: s.family,
        question: s.question,
        choices: s.choices,
        answer: s.gold,
        first_trial_reasoning: s.attempt.output,
        first_trial_answer: s.attempt.answer,
        instruction_key: s.instructionKey,
        prompts: { first: lastUserContent(s.attempt.messages), reflect: lastUserContent(s.reflection.messages), correct: lastUserContent(s.correction.messages) },
        split
    };
}

const trial = (s: ExtractedSample): ReflectEvoTrial => ({ reflection: s.reflection.output, second_trial_reasoning: s.correction.output, second_trial_answer: s.correction.answer });

export function reflectEvoRecord(s: ExtractedSample, split: Split): ReflectEvoRecord {
    const p = s.provenance;
    return { ...shared(s, `${p.run}/${p.item_id}/${p.instruction_key}/${p.sample_index}`, split), ...trial(s), provenance: p };
}

export function reflectEvoPair(chosen: ExtractedSample, rejected: ExtractedSample, split: Split, judge?: { model: string; reason: string }): ReflectEvoPairRecord {
    const p = chosen.provenance;
    return {
        ...shared(chosen, `${p.run}/${p.item_id}/${p.instruction_key}/${p.sample_index}>${rejected.sampleIndex}`, split),
        chosen: trial(chosen),
        rejected: trial(rejected),
        provenance: judge ? { chosen: p, rejected: rejected.provenance, judge } : { chosen: p, rejected: rejected.provenance }
    };
}
