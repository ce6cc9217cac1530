// ReflectEvo records as the samples curation works on: the conversation the lab would have had
// (turn-1 prompt, failed attempt, reflect prompt, reflection, correct prompt, second trial), built
// from the record's own prompts, or taken verbatim from our export's `messages`.
import { basename } from "node:path";
import type { ChatMessage } from "../backend/types.js";
import type { InstructionPool } from "../prompts/pool.js";
import type { TurnTemplates } from "../prompts/templates.js";
import { inferFamily } from "../tasks/jsonl.js";
import { letterIndex, splitInlineOptions } from "../tasks/options.js";
import type { TaskFamily, TaskItem } from "../tasks/types.js";
import type { ExtractedSample } from "./extract.js";
import type { EvoDPlus, EvoPair, EvoQuestion, EvoRaw, EvoTrial } from "./reflectevoRecords.js";
import type { EvoShape, Provenance, ProvenanceSource } from "./types.js";

/**
 * The reflect instruction for raw records that carry neither a reflection prompt nor a known
 * instruction key: the release does not say which of its instructions was used.
 */
export const UNKNOWN_INSTRUCTION = "Find where your previous answer went wrong and how to avoid that mistake.";
/** The instruction key of records that do not name one. */
export const UNKNOWN_KEY = "unknown";

export interface EvoContext {
    file: string;
    shape: EvoShape;
    templates: TurnTemplates;
    pool: InstructionPool;
    /** The next sample number per question and key: unique references for selection. */
    counter: Map<string, number>;
}

const user = (content: string): ChatMessage => ({ role: "user", content });
const assistant = (content: string): ChatMessage => ({ role: "assistant", content });

/** The family the record says, else from its fields: tests = code, options (listed or inline with a letter gold) = mc. */
function familyOf(q: EvoQuestion, task: string): TaskFamily {
    if (q.family) return q.family;
    if (q.tests) return "code";
    if (q.choices) return "mc";
    if (letterIndex(q.answer) !== null && splitInlineOptions(q.question)) return "mc";
    return inferFamily({ tests: null, choices: null, answer: q.answer, task });
}

/** The question as a task item, for the lab's turn templates. */
function itemOf(q: EvoQuestion, task: string): TaskItem {
    return { id: q.id, task, family: familyOf(q, task), question: q.question, choices: q.choices, answer: q.answer, answer_index: null, tests: q.tests, test_setup: null };
}

/** The turn-1 user message: the record's prompt parts (with the question when they lack it), else the lab's answer template. */
function turn1(parts: string[] | null, item: TaskItem, templates: TurnTemplates): string {
    const text = (parts ?? []).map((p) => p.trim()).filter(Boolean).join("\n\n");
    if (!text) return templates.render("answer", item);
    return text.includes(item.question.trim()) ? text : `${text}\n\n${item.question.trim()}`;
}

/** The sample's common parts; `ours` is our export's provenance (kept, with the source added). */
function sample(ctx: EvoContext, q: EvoQuestion, at: Omit<ProvenanceSource, "file" | "shape" | "id">, ours: Provenance | null, parts: { attempt: ChatMessage[]; first: { reasoning: string; answer: string | null }; reflect: ChatMessage[]; correct: ChatMessage[] | null; trial: EvoTrial; right: boolean }, item: TaskItem): ExtractedSample {
    const itemId = ours?.item_id ?? q.id;
    const key = q.instructionKey ?? ours?.instruction_key ?? UNKNOWN_KEY;
    const ref = `${itemId}\u0000${key}`;
    const n = ctx.counter.get(ref) ?? 0;
    ctx.counter.set(ref, n + 1);
    const source: ProvenanceSource = { file: ctx.file, shape: ctx.shape, ...at, id: q.id };
    const provenance: Provenance = ours
        ? { ...ours, source }
        : { run: `reflectevo:${basename(ctx.file)}`, item_id: itemId, task: item.task, model_file: "", model_sha256: "", instruction_key: key, sample_index: n, seed: 0, source };
    const correct = parts.correct ?? [...parts.reflect, assistant(parts.trial.reflection), user(ctx.templates.render("correct", item))];
    return {
        itemId,
        task: item.task,
        family: item.family,
        question: q.question,
        choices: q.choices,
        gold: q.answer,
        instructionKey: key,
        sampleIndex: n,
        attempt: { messages: parts.attempt, output: parts.first.reasoning, answer: parts.first.answer },
        reflection: { messages: parts.reflect, output: parts.trial.reflection },
        correction: { messages: correct, output: parts.trial.reasoning, answer: parts.trial.answer },
        correctness: { attempt: false, correction: parts.right },
        provenance
    };
}

/** Parts of a file name that say what the file is, not which task: split, set and shape names. */
const FILE_SUFFIX = /[-_. ](?:test|train|dev|val|valid|eval|d\+-?|d±|dpm|dplus|dpref|d_?pref|pref|pairs?|raw|reflections?|array)$/i;

/** The task a file stands for: "logiqa_D+.jsonl" -> "logiqa", "mbpp_train_raw.json" -> "mbpp" (so one question's files split alike). */
export function taskOfEvoFile(file: string): string {
    let stem = basename(file).replace(/\.(?:jsonl?|txt)$/i, "").replace(/^example[-_]/i, "");
    for (let prev = ""; prev !== stem; ) {
        prev = stem;
        stem = stem.replace(FILE_SUFFIX, "");
    }
    return !stem || /^(?:d\+-?|d±|dpm|dplus|dpref|d_?pref|raw|reflection_raw)$/i.test(stem) ? "reflectevo" : stem;
}

/**
 * The release's trials end with the environment's verdict ("Observation: Answer is CORRECT"),
 * which the model did not write: trained on, it would teach the model to announce its own
 * correctness. Dropped, as the release's own training scripts do (our export has no such line).
 */
export function withoutVerdict(reasoning: string): string {
    return reasoning.replace(/\s*Observation:\s*Answer is (?:IN)?CORRECT\b[^\n]*\s*$/i, "");
}

/** The task of a record: its own, our provenance's, else the file's name. */
const taskOf = (ctx: EvoContext, q: EvoQuestion, ours: Provenance | null) => q.task ?? ours?.task ?? taskOfEvoFile(ctx.file);

/** The prompts up to the reflect turn: ours verbatim, else turn 1, the first trial and the record's reflect prompt. */
function prefix(ctx: EvoContext, rec: EvoDPlus | EvoPair, item: TaskItem, reflect: ChatMessage[] | null): { attempt: ChatMessage[]; reflect: ChatMessage[] } {
    if (reflect) {
        // Our reflect prompt is [...turn-1 prompt, attempt, reflect instruction].
        const attempt = reflect.length >= 3 && reflect.at(-2)!.role === "assistant" ? reflect.slice(0, -2) : reflect.slice(0, 1);
        return { attempt, reflect };
    }
    const attempt = [user(turn1(rec.reasonPrompt, item, ctx.templates))];
    return { attempt, reflect: [...attempt, assistant(withoutVerdict(rec.first.reasoning)), user(rec.reflectPrompt)] };
}

/** A release trial with the verdict line dropped; ours (with `messages`) as written. */
const clean = <T extends { reasoning: string }>(t: T, ours: boolean): T => (ours ? t : { ...t, reasoning: withoutVerdict(t.reasoning) });

/** A D+ record: one sample whose correction is right. */
export function dplusSample(ctx: EvoContext, rec: EvoDPlus, at: { record: number; line: number }): ExtractedSample {
    const item = itemOf(rec, taskOf(ctx, rec, rec.provenance));
    const p = prefix(ctx, rec, item, rec.messages?.reflect ?? null);
    const ours = rec.messages !== null;
    return sample(ctx, rec, at, rec.provenance, { ...p, first: clean(rec.first, ours), correct: rec.messages?.correct ?? null, trial: clean(rec.second, ours), right: true }, item);
}

/** A D± / D_pref record: the chosen sample (counted right) and the rejected one, on one reflect prompt. */
export function pairSamples(ctx: EvoContext, rec: EvoPair, at: { record: number; line: number }): [ExtractedSample, ExtractedSample] {
    const item = itemOf(rec, taskOf(ctx, rec, rec.provenance?.chosen ?? null));
    const p = prefix(ctx, rec, item, rec.messages?.reflect ?? null);
    const mine = rec.messages !== null;
    const side = (trial: EvoTrial, right: boolean, ours: Provenance | null) => sample(ctx, rec, at, ours, { ...p, first: clean(rec.first, mine), correct: null, trial: clean(trial, mine), right }, item);
    return [side(rec.chosen, true, rec.provenance?.chosen ?? null), side(rec.rejected, false, rec.provenance?.rejected ?? null)];
}

/**
 * A raw record: one sample per trial-2 entry after a failed trial 1 (later trials would need the
 * second one as context and are left out). Null when trial 1 was right: nothing to reflect on.
 */
export function rawSamples(ctx: EvoContext, rec: EvoRaw, at: { record: number; line: number }): ExtractedSample[] | null {
    const first = rec.trials.find((t) => t.trial === 1)!;
    if (first.correct) return null;
    const item = itemOf(rec, taskOf(ctx, rec, null));
    const attempt = [user(turn1(first.reasoningPrompt, item, ctx.templates))];
    const firstTrial = { reasoning: withoutVerdict(first.reasoning), answer: first.answer };
    const key = rec.instructionKey && ctx.pool.keys.includes(rec.instructionKey) ? rec.instructionKey : null;
    const fallback = ctx.templates.render("reflect", item, { instruction: key ? ctx.pool.get(key).text : UNKNOWN_INSTRUCTION });
    return rec.trials
        .filter((t) => t.trial === 2)
        .map((t) => {
            const reflect = [...attempt, assistant(firstTrial.reasoning), user(t.reflectionPrompt ?? fallback)];
            return sample(ctx, rec, { ...at, output_index: t.index }, null, { attempt, reflect, first: firstTrial, correct: null, trial: { reflection: t.reflection, reasoning: withoutVerdict(t.reasoning), answer: t.answer }, right: t.correct }, item);
        });
}
