import type { Backend, ChatMessage } from "../backend/types.js";

/**
 * A line of model output with markdown decoration removed (bold, headings, quotes, bullets,
 * backticks), so "**Better:** 2" and "> Better: 2" read like "Better: 2".
 */
export function plainLine(line: string): string {
    return line
        .replace(/[*_`~]/g, "")
        .replace(/^\s*(?:#+|>+|[-+•]\s)\s*/, "")
        .trim();
}

/** The first 80 characters of an output on one line, for "unparseable" messages. */
export function snippet(output: string, n = 80): string {
    return output.replace(/\s+/g, " ").trim().slice(0, n);
}

/** The task as the student saw it: the first user message of a recorded conversation. */
export function firstUser(messages: ChatMessage[]): string {
    return messages.find((m) => m.role === "user")?.content ?? "";
}

/** The student's latest attempt in a recorded reflect prompt: the last assistant message. */
export function lastAssistant(messages: ChatMessage[]): string {
    for (let i = messages.length - 1; i >= 0; i--) if (messages[i]!.role === "assistant") return messages[i]!.content;
    return "";
}

export function lastUser(messages: ChatMessage[]): string {
    for (let i = messages.length - 1; i >= 0; i--) if (messages[i]!.role === "user") return messages[i]!.content;
    return "";
}

/** How records and summaries name a teacher: its model name (an endpoint's model), else the file. */
export function teacherModelName(backend: Backend): string {
    return backend.info.modelFile || backend.info.modelPath || backend.info.kind;
}
