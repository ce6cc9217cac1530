import type { Backend, ChatMessage, SamplerSettings } from "../backend/types.js";
import type { PreferenceJudge } from "../curate/judge.js";
import { teacherSampler, TEACHER_MAX_TOKENS, TEACHER_SEED } from "./sampler.js";
import { defaultTeacherTemplates, type TeacherTemplates } from "./templates.js";
import { firstUser, lastAssistant, lastUser, plainLine, snippet, teacherModelName } from "./text.js";

export type JudgeWinner = "a" | "b" | "tie";

export interface ParsedJudgement {
    /** "a" = Reflection 1 (shown first), "b" = Reflection 2. */
    winner: JudgeWinner;
    reason: string;
    parsed: boolean;
}

/** "1", "Reflection 2.", "(2)", "#1", "one", "tie", "equal" ...; null when it names both or neither. */
function winnerOf(value: string): JudgeWinner | null {
    const v = value.toLowerCase().replace(/reflection|response|option|number|no\./g, " ").replace(/[^a-z0-9]+/g, " ").trim();
    const one = /\b(1|one|first)\b/.test(v);
    const two = /\b(2|two|second)\b/.test(v);
    const tie = /^(tie|tied|equal|equally|both|neither|same|draw|none)\b/.test(v);
    // "1 or 2 or tie" is the template echoed back, not a choice.
    if (one && two) return null;
    if (tie && !one && !two) return "tie";
    const first = v.split(" ")[0] ?? "";
    if (one && /^(1|one|first)$/.test(first)) return "a";
    if (two && /^(2|two|second)$/.test(first)) return "b";
    return null;
}

/**
 * Reads "Better: 1|2|tie" and "Reason: ..." (the last of each), whatever the case, punctuation or
 * markdown; falls back to a sentence "Reflection N is better". Anything else is a tie marked
 * unparseable, so a confused teacher never invents a preference.
 */
export function parseJudgeOutput(output: string): ParsedJudgement {
    const lines = output.split(/\r?\n/).map(plainLine);
    let winner: JudgeWinner | null = null;
    let reasonAt = -1;
    for (let i = 0; i < lines.length; i++) {
        const better = /^(?:the\s+)?better(?:\s+(?:reflection|one))?\s*(?:is)?\s*[:=\-–—]\s*(.+)$/i.exec(lines[i]!) ?? /^(?:the\s+)?better(?:\s+(?:reflection|one))?\s+is\s+(.+)$/i.exec(lines[i]!);
        // The last readable Better line counts: an echo of the template ("1|2|tie") reads as nothing.
        const w = better ? winnerOf(better[1]!) : null;
        if (w) winner = w;
        if (/^reasons?\s*[:=\-–—]/i.test(lines[i]!)) reasonAt = i;
    }
    if (winner === null) {
        const said = [...output.matchAll(/reflection\s*#?\s*(1|2|one|two)\b[^.\n]{0,20}?\bis\s+(?:clearly\s+|slightly\s+|much\s+)?better/gi)].pop();
        if (said) winner = /^(1|one)$/i.test(said[1]!) ? "a" : "b";
    }
    if (winner === null) return { winner: "tie", reason: `unparseable judge output: ${snippet(output)}`, parsed: false };
    let reason = "";
    if (reasonAt >= 0) {
        // The reason runs to the end of the output (a model may wrap it), minus a later "Better:" line.
        const rest = [lines[reasonAt]!.replace(/^reasons?\s*[:=\-–—]\s*/i, ""), ...lines.slice(reasonAt + 1).filter((l) => !/^(?:the\s+)?better\b/i.test(l))];
        reason = rest.join(" ").replace(/\s+/g, " ").trim().slice(0, 500);
    }
    return { winner, reason: reason || "(no reason given)", parsed: true };
}

export interface TeacherJudgeOptions {
    /** Default: the project's prompts/teacher/judge.txt. */
    templates?: TeacherTemplates;
    /** The name curation.json and every D_pref row record (default: the backend's model name). */
    model?: string;
    seed?: number;
    maxTokens?: number;
    signal?: AbortSignal;
    /** Every call and its raw output (the CLI may log them; tests look at them). */
    onCall?: (call: { messages: ChatMessage[]; sampler: SamplerSettings; output: string; parsed: ParsedJudgement }) => void;
}

/**
 * A PreferenceJudge on a teacher model. It sees the task and failed attempt exactly as recorded in the
 * reflect prompt, and the two reflections as "Reflection 1" and "Reflection 2"; position bias is
 * handled by judgeBothOrders (src/curate/judge.ts), which asks in both orders.
 */
export function teacherJudge(backend: Backend, opts: TeacherJudgeOptions = {}): PreferenceJudge {
    const templates = opts.templates ?? defaultTeacherTemplates();
    const sampler = teacherSampler(opts.seed ?? TEACHER_SEED, opts.maxTokens ?? TEACHER_MAX_TOKENS);
    return {
        model: opts.model ?? teacherModelName(backend),
        async judge(prompt, a, b) {
            const content = templates.render("judge", {
                question: firstUser(prompt).trim(),
                attempt: lastAssistant(prompt).trim(),
                instruction: lastUser(prompt).trim(),
                reflection_1: a.content.trim(),
                reflection_2: b.content.trim()
            });
            const messages: ChatMessage[] = [{ role: "user", content }];
            const result = await backend.generate({ messages, sampler, signal: opts.signal });
            if (result.stopReason === "abort") throw new Error("judging was stopped");
            const parsed = parseJudgeOutput(result.text);
            opts.onCall?.({ messages, sampler, output: result.text, parsed });
            return { winner: parsed.winner, reason: parsed.reason };
        }
    };
}
