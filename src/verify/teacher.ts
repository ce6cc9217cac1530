import type { Backend, ChatMessage, SamplerSettings } from "../backend/types.js";
import { formatChoices } from "../prompts/templates.js";
import { teacherSampler, TEACHER_MAX_TOKENS } from "../teacher/sampler.js";
import type { TeacherTemplates } from "../teacher/templates.js";
import { plainLine } from "../teacher/text.js";
import type { TaskItem } from "../tasks/types.js";
import { runVerifyCall, type VerifyCall } from "./self.js";
import type { Verdict } from "./types.js";

const WORD = /^(not\s+correct|incorrect|correct|wrong|right|true|false|yes|no)\b/i;
const isCorrect = (w: string) => /^(correct|right|true|yes)$/i.test(w.trim());

/**
 * Reads the teacher's judgement: the last "Verdict: ..." line (any case, markdown, "not correct"),
 * else its last verdict word. No verdict at all counts as incorrect, as in `self` mode: the loop
 * then reflects, which is the safe side (the answer is never accepted on a non-answer).
 */
export function parseTeacherVerdict(output: string): Verdict {
    let word: string | undefined;
    for (const line of output.split(/\r?\n/).map(plainLine)) {
        const m = /verdict\s*(?:is)?\s*[:=\-–—]?\s*["'(\[]?\s*(.*)$/i.exec(line);
        const w = m ? WORD.exec(m[1]!)?.[1] : undefined;
        if (w) word = w;
    }
    const marked = word !== undefined;
    if (!word) word = [...output.matchAll(/\b(not\s+correct|incorrect|correct)\b/gi)].pop()?.[1];
    if (!word) return { correct: false, reason: "the teacher gave no verdict line; treated as incorrect", extracted: null };
    const correct = isCorrect(word);
    return { correct, reason: `the teacher judged the answer ${correct ? "correct" : "incorrect"}${marked ? "" : " (no \"Verdict:\" line; took its last verdict word)"}`, extracted: word.toLowerCase().replace(/\s+/g, " ") };
}

export type TeacherVerifyCall = VerifyCall;

/** The teacher's prompt: the question and the proposed answer, never the gold answer. */
export function teacherVerifyCall(teacher: Backend, templates: TeacherTemplates, item: TaskItem, attempt: string): TeacherVerifyCall {
    const messages: ChatMessage[] = [{ role: "user", content: templates.render("verify", { question: item.question.trim(), choices: formatChoices(item.choices), attempt: attempt.trim() }) }];
    return { messages, prompt: teacher.renderPrompt(messages) };
}

/** Greedy with the step's seed: the run's temperature is for the student's samples, not for the checker. */
export function teacherVerifySampler(stepSeed: number): SamplerSettings {
    return teacherSampler(stepSeed, TEACHER_MAX_TOKENS);
}

export const runTeacherVerify = (teacher: Backend, call: VerifyCall, sampler: SamplerSettings, onText?: (t: string) => void, signal?: AbortSignal) =>
    runVerifyCall(teacher, call, sampler, parseTeacherVerdict, onText, signal);
