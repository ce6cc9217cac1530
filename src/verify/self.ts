import type { Backend, ChatMessage, GenerateResult, SamplerSettings } from "../backend/types.js";
import type { TurnTemplates } from "../prompts/templates.js";
import type { TaskItem } from "../tasks/types.js";
import type { Verdict } from "./types.js";

/** Reads the model's own judgement: the last "Verdict: correct|incorrect" line, else the last such word. */
export function parseSelfVerdict(output: string): Verdict {
    const marked = [...output.matchAll(/verdict\s*[:\-]?\s*\**\s*(incorrect|correct|wrong|right)/gi)].pop();
    const word = marked?.[1] ?? [...output.matchAll(/\b(incorrect|correct)\b/gi)].pop()?.[1];
    if (!word) return { correct: false, reason: "the model gave no verdict line; treated as incorrect", extracted: null };
    const correct = /^(correct|right)$/i.test(word);
    return { correct, reason: `the model judged its own answer ${correct ? "correct" : "incorrect"}${marked ? "" : " (no \"Verdict:\" line; took its last verdict word)"}`, extracted: word.toLowerCase() };
}

/** A verification prompt exactly as sent (the model's own, or the teacher's). */
export interface VerifyCall {
    messages: ChatMessage[];
    prompt: string;
}
export type SelfVerifyCall = VerifyCall;

/** Builds the self-verification prompt: the model sees the question and its attempt, never the gold answer. */
export function selfVerifyCall(backend: Backend, templates: TurnTemplates, item: TaskItem, attempt: string): SelfVerifyCall {
    const messages: ChatMessage[] = [{ role: "user", content: templates.render("self-verify", item, { attempt }) }];
    return { messages, prompt: backend.renderPrompt(messages) };
}

/** Runs a verification prompt on `backend` and reads the verdict with `parse` (self and teacher modes). */
export async function runVerifyCall(
    backend: Backend,
    call: VerifyCall,
    sampler: SamplerSettings,
    parse: (output: string) => Verdict,
    onText?: (t: string) => void,
    signal?: AbortSignal
): Promise<{ verdict: Verdict; result: GenerateResult }> {
    const result = await backend.generate({ messages: call.messages, sampler, onText, signal });
    return { verdict: parse(result.text), result };
}

export const runSelfVerify = (backend: Backend, call: VerifyCall, sampler: SamplerSettings, onText?: (t: string) => void, signal?: AbortSignal) =>
    runVerifyCall(backend, call, sampler, parseSelfVerdict, onText, signal);
