import type { Backend, ChatMessage, GenerateResult, SamplerSettings } from "../backend/types.js";
import { teacherSampler, TEACHER_MAX_TOKENS, TEACHER_SEED } from "./sampler.js";
import { defaultTeacherTemplates, type TeacherTemplates } from "./templates.js";
import { plainLine } from "./text.js";

/**
 * The paper's error types (Sec. 2 and Fig. 2b): mathematical (calculation, algorithm), logic and
 * reasoning (flawed rationale, internal inconsistency), instruction violation (context
 * misinterpretation, incomplete or irrelevant answer, format discrepancy), factual.
 */
export const ERROR_TYPES = ["calculation", "algorithm", "logic", "inconsistency", "context", "incomplete", "format", "factual"] as const;
export type ErrorType = (typeof ERROR_TYPES)[number];

export const ERROR_TYPE_LABELS: Record<ErrorType, string> = {
    calculation: "calculation",
    algorithm: "algorithm",
    logic: "logic/reasoning",
    inconsistency: "internal inconsistency",
    context: "context misinterpretation",
    incomplete: "incomplete/irrelevant",
    format: "format",
    factual: "factual"
};

/** The paper's coarse groups, for its headline shares ("logic and reasoning errors: 88.4%"). */
export const ERROR_GROUPS = { math: ["calculation", "algorithm"], reasoning: ["logic", "inconsistency"], instruction: ["context", "incomplete", "format"], factual: ["factual"] } as const satisfies Record<string, readonly ErrorType[]>;
export type ErrorGroup = keyof typeof ERROR_GROUPS;

/**
 * Words that name each type, tried in this order on each listed item: "internal inconsistency" is
 * inconsistency (not logic), "context misinterpretation" is context, "logic and reasoning" is logic.
 */
const SYNONYMS: [ErrorType, RegExp][] = [
    ["inconsistency", /inconsisten|contradict/],
    ["context", /context|misinterpret|misread|misunderst/],
    ["incomplete", /incomplete|irrelevan|missing|coverage|partial/],
    ["calculation", /calcul|arithmet|computation/],
    ["algorithm", /algorithm|method|step order|order of steps|procedure/],
    ["format", /format|structure/],
    ["factual", /fact|knowledge/],
    ["logic", /logic|reason|rationale/]
];

const NONE = /^(none|no errors?|no error types?|nothing|n\/?a|-)$/;

export interface ParsedTypes {
    types: ErrorType[];
    /** False when no "Types:" line could be read; such a tag counts apart from "none". */
    parsed: boolean;
}

/** Reads the last "Types: a, b" (or "Types: none") line, in any case, with markdown, brackets or quotes. */
export function parseErrorTypes(output: string): ParsedTypes {
    const line = output
        .split(/\r?\n/)
        .map(plainLine)
        .map((l) => /^(?:error\s+)?types?\s*[:=\-–—]\s*(.*)$/i.exec(l)?.[1])
        .filter((v): v is string => v !== undefined)
        .pop();
    if (line === undefined) return { types: [], parsed: false };
    const value = line.toLowerCase().replace(/["'\[\](){}.]/g, " ").trim();
    if (NONE.test(value)) return { types: [], parsed: true };
    const found = new Set<ErrorType>();
    let unknown = 0;
    for (const item of value.split(/[,;|/+&]|\band\b/).map((x) => x.trim()).filter(Boolean)) {
        const hit = SYNONYMS.find(([, re]) => re.test(item));
        if (hit) found.add(hit[0]);
        else if (!NONE.test(item)) unknown++;
    }
    if (!found.size) return { types: [], parsed: unknown === 0 };
    // Paper order, whatever order the teacher listed them in.
    return { types: ERROR_TYPES.filter((t) => found.has(t)), parsed: true };
}

export interface TagInput {
    question: string;
    attempt: string;
    reflection: string;
}

export interface TagResult extends ParsedTypes {
    /** The teacher's whole output. */
    raw: string;
    messages: ChatMessage[];
    sampler: SamplerSettings;
    result: GenerateResult;
}

export interface TagOptions {
    templates?: TeacherTemplates;
    seed?: number;
    maxTokens?: number;
    signal?: AbortSignal;
}

/** Asks the teacher which error types one reflection names (greedy, fixed seed: the same input gives the same tags). */
export async function tagReflection(backend: Backend, input: TagInput, opts: TagOptions = {}): Promise<TagResult> {
    const templates = opts.templates ?? defaultTeacherTemplates();
    const messages: ChatMessage[] = [{ role: "user", content: templates.render("error-types", { question: input.question.trim(), attempt: input.attempt.trim(), reflection: input.reflection.trim() }) }];
    const sampler = teacherSampler(opts.seed ?? TEACHER_SEED, opts.maxTokens ?? TEACHER_MAX_TOKENS);
    const result = await backend.generate({ messages, sampler, signal: opts.signal });
    return { ...parseErrorTypes(result.text), raw: result.text, messages, sampler, result };
}
