import type { ChatMessage } from "../backend/types.js";
import type { ItemRecord, StepRecord } from "../engine/types.js";
import type { TaskFamily } from "../tasks/types.js";
import type { Provenance } from "./types.js";

/** One recorded generation: the messages exactly as sent and what the model wrote. */
export interface RecordedTurn {
    messages: ChatMessage[];
    output: string;
}

/** What curation needs from one sample chain: turn 1, its first reflection and the turn-2 correction. */
export interface ExtractedSample {
    itemId: string;
    task: string;
    family: TaskFamily;
    question: string;
    choices: string[] | null;
    /** The gold answer: for ReflectEvo records only, never put into a training input. */
    gold: string;
    instructionKey: string;
    sampleIndex: number;
    attempt: RecordedTurn & { answer: string | null };
    reflection: RecordedTurn;
    correction: RecordedTurn & { answer: string | null };
    /** Ground truth (correct_by_turn), whatever verifier drove the loop. */
    correctness: { attempt: boolean; correction: boolean };
    provenance: Provenance;
}

/** The answer the ground-truth check extracted (self mode keeps it beside the model's own verdict). */
const answerOf = (verify: StepRecord | undefined): string | null => verify?.oracle_verdict?.extracted ?? verify?.verdict?.extracted ?? null;

/**
 * The parts of a sample record curation uses, or null when the chain has no reflection or no
 * turn-2 correction (a retry-mode chain, or one that stopped early). Superseded steps left the
 * conversation and are ignored; messages are the recorded ones, never rebuilt.
 */
export function extractSample(rec: ItemRecord, run: string): ExtractedSample | null {
    const live = rec.steps.filter((s) => !s.superseded);
    const find = (kind: StepRecord["kind"], turn: number) => live.find((s) => s.kind === kind && s.turn === turn);
    const attempt = find("answer", 1);
    const reflection = find("reflect", 1);
    const correction = find("correct", 2);
    if (!attempt?.messages || !reflection?.messages || !correction?.messages) return null;
    if (rec.correct_by_turn.length < 2) return null;
    const key = reflection.instruction_key ?? rec.sample?.instruction_key;
    if (!key) return null;
    const sampleIndex = rec.sample?.sample_index ?? reflection.sample_index;
    return {
        itemId: rec.item.id,
        task: rec.item.task,
        family: rec.item.family,
        question: rec.item.question,
        choices: rec.item.choices,
        gold: rec.item.answer,
        instructionKey: key,
        sampleIndex,
        attempt: { messages: attempt.messages, output: attempt.output ?? "", answer: answerOf(find("verify", 1)) },
        reflection: { messages: reflection.messages, output: reflection.output ?? "" },
        correction: { messages: correction.messages, output: correction.output ?? "", answer: answerOf(find("verify", 2)) },
        correctness: { attempt: rec.correct_by_turn[0] === true, correction: rec.correct_by_turn[1] === true },
        provenance: { run, item_id: rec.item.id, task: rec.item.task, model_file: rec.model.file, model_sha256: rec.model.sha256, instruction_key: key, sample_index: sampleIndex, seed: rec.config.seed, ...(reflection.model ? { reflector_model: reflection.model } : {}) }
    };
}

/** The last user message of a recorded prompt: the instruction the model was given at that step. */
export function lastUserContent(messages: ChatMessage[]): string {
    for (let i = messages.length - 1; i >= 0; i--) if (messages[i]!.role === "user") return messages[i]!.content;
    return "";
}
