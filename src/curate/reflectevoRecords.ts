// Checks one ReflectEvo record of a known shape field by field, into a typed record. Required are
// the release's fields; reflect-lab's own (task, family, choices, instruction_key, provenance,
// messages, set) are read when present, so our export reads back exactly.
import type { ChatMessage } from "../backend/types.js";
import type { TaskFamily } from "../tasks/types.js";
import { promptParts } from "./pyList.js";
import { EvoRecordError, type EvoRawRecord } from "./reflectevoRead.js";
import type { Provenance } from "./types.js";

/** Fields every shape has: the question, its gold and (D+ and pairs) the failed first trial. */
export interface EvoQuestion {
    id: string;
    question: string;
    answer: string;
    task: string | null;
    family: TaskFamily | null;
    choices: string[] | null;
    tests: string[] | null;
    instructionKey: string | null;
}

/** A second trial: the reflection before it, its reasoning and answer. */
export interface EvoTrial {
    reflection: string;
    reasoning: string;
    answer: string | null;
}

export interface EvoDPlus extends EvoQuestion {
    first: { reasoning: string; answer: string | null };
    reasonPrompt: string[];
    reflectPrompt: string;
    second: EvoTrial;
    provenance: Provenance | null;
    messages: { reflect: ChatMessage[]; correct: ChatMessage[] } | null;
}

export interface EvoPair extends EvoQuestion {
    first: { reasoning: string; answer: string | null };
    reasonPrompt: string[];
    reflectPrompt: string;
    chosen: EvoTrial;
    rejected: EvoTrial;
    /** Our export's hint of the set (dpm or dpref). */
    set: "dpm" | "dpref" | null;
    provenance: { chosen: Provenance; rejected: Provenance; judge?: { model: string; reason: string } } | null;
    messages: { reflect: ChatMessage[] } | null;
}

/** One entry of a raw record's `output`: a trial, with the prompts when the record has them. */
export interface EvoRawTrial {
    index: number;
    trial: number;
    answer: string | null;
    reasoning: string;
    reflection: string;
    correct: boolean;
    tests: string[] | null;
    reasoningPrompt: string[] | null;
    reflectionPrompt: string | null;
}

export interface EvoRaw extends EvoQuestion {
    trials: EvoRawTrial[];
}

const FAMILIES: readonly TaskFamily[] = ["mc", "math", "code", "text"];
const describe = (v: unknown): string => (v === undefined ? "missing" : v === null ? "null" : Array.isArray(v) ? "an array" : typeof v === "string" ? `"${v.length > 40 ? v.slice(0, 40) + "..." : v}"` : typeof v === "object" ? "an object" : String(v));

/** Field readers bound to one record: each throws an EvoRecordError naming the field. */
function fields(file: string, r: EvoRawRecord) {
    const o = r.value!;
    const fail = (field: string, detail: string): never => {
        throw new EvoRecordError(file, r.record, r.line, field, detail);
    };
    const get = (obj: Record<string, unknown>, path: string) => obj[path.split(".").at(-1)!.replace(/\[\d+\]$/, "")];
    return {
        fail,
        /** A string (empty allowed unless `nonEmpty`). */
        text(path: string, obj: Record<string, unknown> = o, nonEmpty = false): string {
            const v = get(obj, path);
            if (typeof v !== "string") return fail(path, v === undefined ? "missing" : `expected a string, got ${describe(v)}`);
            if (nonEmpty && !v.trim()) return fail(path, "expected a non-empty string");
            return v;
        },
        /** An answer: a string, a number or null (present, though). */
        answer(path: string, obj: Record<string, unknown> = o): string | null {
            const v = get(obj, path);
            if (v === undefined) return fail(path, "missing");
            if (v === null) return null;
            if (typeof v === "string") return v;
            if (typeof v === "number" && Number.isFinite(v)) return String(v);
            return fail(path, `expected a string, a number or null, got ${describe(v)}`);
        },
        /** A reflection: a string, or a list of strings (joined by blank lines). */
        reflection(path: string, obj: Record<string, unknown> = o, allowEmpty = false): string {
            const v = get(obj, path);
            const t = typeof v === "string" ? v : Array.isArray(v) && v.every((x) => typeof x === "string") ? (v as string[]).join("\n\n") : null;
            if (t === null) return fail(path, v === undefined ? "missing" : `expected a string or a list of strings, got ${describe(v)}`);
            if (!allowEmpty && !t.trim()) return fail(path, "is empty: a second trial needs the reflection before it");
            return t;
        },
        prompt(path: string, obj: Record<string, unknown> = o): string[] {
            const v = get(obj, path);
            const parts = promptParts(v);
            if (!parts) return fail(path, v === undefined ? "missing" : `expected a string or a list of strings, got ${describe(v)}`);
            return parts;
        },
        /** The record's question fields, with our optional ones checked when present. */
        question(): EvoQuestion {
            const id = typeof o.id === "number" && Number.isFinite(o.id) ? String(o.id) : o.id;
            if (typeof id !== "string" || !id.trim()) fail("id", id === undefined ? "missing" : `expected a non-empty string or a number, got ${describe(o.id)}`);
            const gold = Array.isArray(o.answer) && o.answer.length && o.answer.every((x) => typeof x === "string") ? (o.answer[0] as string) : o.answer;
            const answer = typeof gold === "number" && Number.isFinite(gold) ? String(gold) : gold;
            if (typeof answer !== "string" || !answer.trim()) fail("answer", answer === undefined ? "missing" : `expected a non-empty string, a number or a list of strings, got ${describe(o.answer)}`);
            const opt = (key: string, ok: (v: unknown) => boolean, what: string) => {
                const v = o[key];
                if (v === undefined || v === null) return null;
                if (!ok(v)) fail(key, `expected ${what}, got ${describe(v)}`);
                return v;
            };
            const strings = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === "string");
            return {
                id: (id as string).trim(),
                question: this.text("question", o, true),
                answer: answer as string,
                task: opt("task", (v) => typeof v === "string" && v.trim() !== "", "a non-empty string") as string | null,
                family: opt("family", (v) => FAMILIES.includes(v as TaskFamily), FAMILIES.join(", ")) as TaskFamily | null,
                choices: opt("choices", strings, "a list of strings") as string[] | null,
                tests: Array.isArray(o.test_list) && o.test_list.length ? (opt("test_list", strings, "a list of test statements") as string[]) : null,
                instructionKey: opt("instruction_key", (v) => typeof v === "string" && v.trim() !== "", "a non-empty string") as string | null
            };
        },
        /** The reflect prompt under either name the release uses. */
        reflectPrompt(name: "reflect_prompt" | "reflection_prompt"): string {
            const other = name === "reflect_prompt" ? "reflection_prompt" : "reflect_prompt";
            return this.text(o[name] === undefined && o[other] !== undefined ? other : name, o, true);
        }
    };
}

function messagesOf(v: unknown): ChatMessage[] | null {
    if (!Array.isArray(v) || !v.length) return null;
    for (const m of v) if (typeof m !== "object" || m === null || !["system", "user", "assistant"].includes((m as ChatMessage).role) || typeof (m as ChatMessage).content !== "string") return null;
    return (v as ChatMessage[]).map((m) => ({ role: m.role, content: m.content }));
}

const PROVENANCE_KEYS = ["run", "item_id", "task", "model_file", "model_sha256", "instruction_key"] as const;
function provenanceOf(v: unknown): Provenance | null {
    if (typeof v !== "object" || v === null) return null;
    const p = v as Record<string, unknown>;
    if (!PROVENANCE_KEYS.every((k) => typeof p[k] === "string") || typeof p.sample_index !== "number" || typeof p.seed !== "number") return null;
    const { source: _dropped, ...rest } = p as unknown as Provenance;
    return rest;
}

/** Our `messages` and `provenance` when present; malformed ones are errors (they are ours to write right). */
function ours<T>(f: ReturnType<typeof fields>, o: Record<string, unknown>, key: string, read: (v: unknown) => T | null, what: string): T | null {
    if (o[key] === undefined || o[key] === null) return null;
    const v = read(o[key]);
    if (v === null) f.fail(key, `expected ${what}`);
    return v;
}

export function dplusRecord(file: string, r: EvoRawRecord): EvoDPlus {
    const f = fields(file, r);
    const o = r.value!;
    return {
        ...f.question(),
        first: { reasoning: f.text("first_trial_reasoning"), answer: f.answer("first_trial_answer") },
        reasonPrompt: f.prompt("reason_prompt"),
        reflectPrompt: f.reflectPrompt("reflect_prompt"),
        second: { reflection: f.reflection("reflections"), reasoning: f.text("second_trial_reasoning"), answer: f.answer("second_trial_answer") },
        provenance: ours(f, o, "provenance", provenanceOf, "reflect-lab's provenance object"),
        messages: ours(f, o, "messages", (v) => {
            const m = v as { reflect?: unknown; correct?: unknown };
            const reflect = messagesOf(m.reflect);
            const correct = messagesOf(m.correct);
            return reflect && correct ? { reflect, correct } : null;
        }, "{ reflect, correct }: lists of chat messages")
    };
}

export function pairRecord(file: string, r: EvoRawRecord): EvoPair {
    const f = fields(file, r);
    const o = r.value!;
    const trial = (side: "chosen" | "rejected"): EvoTrial => ({ reflection: f.reflection(`reflection_${side}`), reasoning: f.text(`second_trial_reasoning_${side}`), answer: f.answer(`second_trial_answer_${side}`) });
    const prov = ours(f, o, "provenance", (v) => {
        const p = v as { chosen?: unknown; rejected?: unknown; judge?: { model?: unknown; reason?: unknown } };
        const chosen = provenanceOf(p.chosen);
        const rejected = provenanceOf(p.rejected);
        if (!chosen || !rejected) return null;
        const j = p.judge;
        return j && typeof j.model === "string" && typeof j.reason === "string" ? { chosen, rejected, judge: { model: j.model, reason: j.reason } } : { chosen, rejected };
    }, "{ chosen, rejected }: reflect-lab's provenance objects");
    return {
        ...f.question(),
        first: { reasoning: f.text("first_trial_reasoning"), answer: f.answer("first_trial_answer") },
        reasonPrompt: f.prompt("reason_prompt"),
        reflectPrompt: f.reflectPrompt("reflection_prompt"),
        chosen: trial("chosen"),
        rejected: trial("rejected"),
        set: o.set === "dpm" || o.set === "dpref" ? o.set : null,
        provenance: prov,
        messages: ours(f, o, "messages", (v) => {
            const reflect = messagesOf((v as { reflect?: unknown }).reflect);
            return reflect ? { reflect } : null;
        }, "{ reflect }: a list of chat messages")
    };
}

export function rawRecord(file: string, r: EvoRawRecord): EvoRaw {
    const f = fields(file, r);
    const o = r.value!;
    const q = f.question();
    const out = o.output as unknown[];
    if (!out.length) f.fail("output", "is empty: expected the list of trials");
    const trials = out.map((t, index): EvoRawTrial => {
        const at = `output[${index}]`;
        if (typeof t !== "object" || t === null || Array.isArray(t)) return f.fail(at, `expected a trial object, got ${describe(t)}`);
        const e = t as Record<string, unknown>;
        const field = (name: string) => `${at}.${name}`;
        const trial = e.trial;
        if (typeof trial !== "number" || !Number.isInteger(trial) || trial < 1) f.fail(field("trial"), `expected a trial number >= 1, got ${describe(trial)}`);
        if (typeof e.is_correct !== "boolean") f.fail(field("is_correct"), `expected true or false, got ${describe(e.is_correct)}`);
        // Older raw files call the reasoning `scratchpad`.
        const reasoningKey = e.reasoning === undefined && typeof e.scratchpad === "string" ? "scratchpad" : "reasoning";
        const tests = Array.isArray(e.test_list) && e.test_list.length ? e.test_list : null;
        if (tests && !tests.every((x) => typeof x === "string")) f.fail(field("test_list"), "expected a list of test statements");
        return {
            index,
            trial: trial as number,
            answer: f.answer(field("generated_answer"), e),
            reasoning: f.text(field(reasoningKey), e),
            reflection: f.reflection(field("reflections"), e, true),
            correct: e.is_correct as boolean,
            tests: tests as string[] | null,
            reasoningPrompt: e.reasoning_prompt === undefined || e.reasoning_prompt === null ? null : f.prompt(field("reasoning_prompt"), e),
            reflectionPrompt: typeof e.reflection_prompt === "string" && e.reflection_prompt.trim() ? e.reflection_prompt : null
        };
    });
    if (!trials.some((t) => t.trial === 1)) f.fail("output", "has no trial 1 (the first attempt)");
    for (const t of trials) if (t.trial === 2 && !t.reflection.trim()) f.fail(`output[${t.index}].reflections`, "is empty: a second trial needs the reflection before it");
    return { ...q, tests: q.tests ?? trials.find((t) => t.tests)?.tests ?? null, trials };
}
