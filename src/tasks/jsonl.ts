import { readTaskText } from "./readText.js";
import { basename, extname } from "node:path";
import { TaskFormatError } from "./formatError.js";
import { namespaceIds } from "./ids.js";
import { inlineChoices, letterOf, stripListedOptions, stripOptionLabels } from "./options.js";
import type { TaskFamily, TaskItem, TaskSet } from "./types.js";

// Defined on its own (readText.ts raises it too); exported here, where importers have always found it.
export { TaskFormatError };

export interface LoadJsonlOptions {
    /** Skip invalid lines (collecting their errors) instead of throwing on the first one. */
    skipInvalid?: boolean;
}

export interface JsonlLoadResult {
    set: TaskSet;
    /** Errors of the lines that were skipped (only ever non-empty with skipInvalid). */
    skipped: TaskFormatError[];
}

const FAMILIES: readonly TaskFamily[] = ["mc", "math", "code", "text"];
const MATH_TASK = /math|gsm|arith|algebra/i;
const NUMBER = /^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?(?:e[-+]?\d+)?%?$/i;
const FRACTION = /^[-+]?\d+\s*\/\s*\d+$/;
const LATEX = /\\(?:d?t?frac|sqrt|pi|boxed|cdot|times|div|pm|infty|le|ge|neq|circ)\b|^\$.*\$$|\^\{?\d/;

/** True if `s` looks like a final mathematical value: a number, a fraction or LaTeX math. */
export function looksLikeMathAnswer(s: string): boolean {
    const t = s.trim();
    if (!t) return false;
    if (/\d/.test(t) && NUMBER.test(t)) return true;
    return FRACTION.test(t) || LATEX.test(t);
}

/** The family an item belongs to, from its fields, when the file does not say. */
export function inferFamily(fields: { tests: unknown; choices: unknown; answer: string; task: string }): TaskFamily {
    if (Array.isArray(fields.tests)) return "code";
    if (Array.isArray(fields.choices)) return "mc";
    if (looksLikeMathAnswer(fields.answer) || MATH_TASK.test(fields.task)) return "math";
    return "text";
}

/** Index of the option an mc answer names: a letter ("B", "(b)", "B.") or the option text; null if none. */
export function answerIndexFromAnswer(answer: string, choices: string[]): number | null {
    const t = answer.trim();
    const letter = /^\(?([A-Za-z])[).:]?$/.exec(t);
    if (letter) {
        const i = letter[1]!.toUpperCase().charCodeAt(0) - 65;
        if (i >= 0 && i < choices.length) return i;
    }
    const norm = (x: string) => x.trim().replace(/\s+/g, " ").toLowerCase();
    const matches = choices.map((c, i) => (norm(c) === norm(t) ? i : -1)).filter((i) => i >= 0);
    return matches.length === 1 ? matches[0]! : null;
}

const describe = (v: unknown): string => (v === null ? "null" : Array.isArray(v) ? "an array" : typeof v === "string" ? `"${v.length > 40 ? v.slice(0, 40) + "..." : v}"` : typeof v === "object" ? "an object" : String(v));

/** Validates one parsed line into a TaskItem; throws TaskFormatError. */
function toItem(raw: unknown, file: string, line: number, defaultTask: string): TaskItem {
    const fail = (field: string | null, detail: string): never => {
        throw new TaskFormatError(file, line, field, detail);
    };
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) fail(null, `expected a JSON object, got ${describe(raw)}`);
    const o = raw as Record<string, unknown>;

    const id = typeof o.id === "number" && Number.isFinite(o.id) ? String(o.id) : o.id;
    if (id === undefined) fail("id", "missing");
    if (typeof id !== "string" || !id.trim()) fail("id", `expected a non-empty string, got ${describe(id)}`);

    let task = defaultTask;
    if (o.task !== undefined && o.task !== null) {
        if (typeof o.task !== "string" || !o.task.trim()) fail("task", `expected a non-empty string, got ${describe(o.task)}`);
        task = (o.task as string).trim();
    }

    if (o.question === undefined) fail("question", "missing");
    if (typeof o.question !== "string" || !o.question.trim()) fail("question", `expected a non-empty string, got ${describe(o.question)}`);
    let question = o.question as string;

    let choices: string[] | null = null;
    if (o.choices !== undefined && o.choices !== null) {
        if (!Array.isArray(o.choices) || !o.choices.every((c) => typeof c === "string")) fail("choices", "expected an array of strings or null");
        choices = o.choices as string[];
        if (choices.length < 2) fail("choices", `expected at least 2 options, got ${choices.length}`);
        if (choices.length > 26) fail("choices", `expected at most 26 options, got ${choices.length}`);
    }

    let tests: string[] | null = null;
    if (o.tests !== undefined && o.tests !== null) {
        if (!Array.isArray(o.tests) || !o.tests.every((t) => typeof t === "string")) fail("tests", "expected an array of strings or null");
        tests = o.tests as string[];
    }

    let test_setup: string | null = null;
    if (o.test_setup !== undefined && o.test_setup !== null) {
        if (typeof o.test_setup !== "string") fail("test_setup", `expected a string or null, got ${describe(o.test_setup)}`);
        test_setup = o.test_setup as string;
    }

    let answer_index: number | null = null;
    if (o.answer_index !== undefined && o.answer_index !== null) {
        if (typeof o.answer_index !== "number" || !Number.isInteger(o.answer_index)) fail("answer_index", `expected an integer or null, got ${describe(o.answer_index)}`);
        answer_index = o.answer_index as number;
    }

    let answer: string | null = null;
    if (typeof o.answer === "string") answer = o.answer;
    else if (typeof o.answer === "number" && Number.isFinite(o.answer)) answer = String(o.answer);
    else if (o.answer !== undefined && o.answer !== null) fail("answer", `expected a string, got ${describe(o.answer)}`);

    let given: TaskFamily | null = null;
    if (o.family !== undefined && o.family !== null) {
        if (typeof o.family !== "string" || !FAMILIES.includes(o.family as TaskFamily)) fail("family", `expected one of ${FAMILIES.map((f) => `"${f}"`).join(", ")}, got ${describe(o.family)}`);
        given = o.family as TaskFamily;
    }

    // `question` is the stem: options listed in it ("A. ..." lines) are shown once, from `choices`
    // (whose own "A." labels, when every option has one, would be shown twice too).
    if (choices) {
        choices = stripOptionLabels(choices, { onlyIfAll: true });
        question = stripListedOptions(question, choices);
    }
    else if ((given === null || given === "mc") && tests === null) {
        const inline = inlineChoices(question, answer, { index: answer_index !== null, mc: given === "mc", byText: !MATH_TASK.test(task) });
        if (inline) {
            const empty = inline.options.findIndex((c) => !c);
            if (empty >= 0) fail("question", `option ${letterOf(empty)} listed in the question is empty`);
            if (!inline.stem) fail("question", "lists options but no question text");
            choices = inline.options;
            question = inline.stem;
        }
    }

    const family: TaskFamily = given ?? inferFamily({ tests, choices, answer: answer ?? "", task });

    if (family === "mc") {
        if (!choices) fail("choices", 'multiple-choice ("mc") items need an array of options');
        const opts = choices!;
        if (answer_index !== null && (answer_index < 0 || answer_index >= opts.length)) fail("answer_index", `${answer_index} is out of range for ${opts.length} choices (0-${opts.length - 1})`);
        if (answer === null || !answer.trim()) {
            if (answer_index === null) fail("answer", "missing (and no answer_index)");
            answer = letterOf(answer_index!);
        } else {
            const derived = answerIndexFromAnswer(answer, opts);
            if (answer_index === null) {
                if (derived === null) fail("answer", `${describe(answer)} is neither an option letter (A-${letterOf(opts.length - 1)}) nor the text of one option, and answer_index is null`);
                answer_index = derived;
            } else if (derived !== null && derived !== answer_index) {
                fail("answer", `${describe(answer)} names option ${letterOf(derived!)} but answer_index is ${answer_index} (${letterOf(answer_index)})`);
            }
            answer = letterOf(answer_index!);
        }
    } else {
        if (answer_index !== null) fail("answer_index", `expected null for a "${family}" item (only mc items have an answer index)`);
        if (family === "code") {
            if (!tests || tests.length === 0) fail("tests", "code items need a non-empty array of test statements");
        }
        if (answer === null) fail("answer", "missing");
        if (family !== "code" && !answer!.trim()) fail("answer", "expected a non-empty string");
    }

    let entry_point: string | null = null;
    if (o.entry_point !== undefined && o.entry_point !== null) {
        if (typeof o.entry_point !== "string" || !/^[A-Za-z_]\w*$/.test(o.entry_point)) fail("entry_point", `expected a Python identifier or null, got ${describe(o.entry_point)}`);
        entry_point = o.entry_point as string;
    } else if (family === "code") {
        entry_point = /^\s*def\s+([A-Za-z_]\w*)\s*\(/m.exec(answer!)?.[1] ?? null;
    }

    // Several accepted golds (BIG-bench text targets); written back by exports such as evolve's split files.
    let answers: string[] | undefined;
    if (o.answers !== undefined && o.answers !== null) {
        if (!Array.isArray(o.answers) || o.answers.some((a) => typeof a !== "string")) fail("answers", `expected an array of strings or null, got ${describe(o.answers)}`);
        answers = o.answers as string[];
    }
    return { id: (id as string).trim(), task, family, question, choices, answer: answer!, answer_index, tests, test_setup, entry_point, ...(answers ? { answers } : {}) };
}

/**
 * Reads reflect-lab's own task JSONL (one task object per line; blank lines skipped).
 * Throws the first TaskFormatError, unless `skipInvalid`, in which case invalid lines are skipped
 * and their errors returned in `skipped`. Ids are unique per task: a repeat within a task is an error
 * naming both lines (the first wins); an id used by several tasks makes every id "<task>/<id>".
 */
export async function loadTaskJsonl(path: string, opts: LoadJsonlOptions = {}): Promise<JsonlLoadResult> {
    // Lines of invalid UTF-8 are errors of their line; skipped (emptied) with skipInvalid.
    const { text, invalid } = await readTaskText(path, { invalid: opts.skipInvalid ? "skip" : "throw" });

    const name = basename(path, extname(path));
    const items: TaskItem[] = [];
    const skipped: TaskFormatError[] = [...invalid];
    const seen = new Map<string, number>(); // task + id -> line
    const lines = text.split(/\r?\n/);

    for (let i = 0; i < lines.length; i++) {
        const src = lines[i]!;
        if (!src.trim()) continue;
        const lineNo = i + 1;
        try {
            let raw: unknown;
            try {
                raw = JSON.parse(src);
            } catch (e) {
                throw new TaskFormatError(path, lineNo, null, `invalid JSON: ${(e as Error).message}`);
            }
            const item = toItem(raw, path, lineNo, name);
            const key = `${item.task}\u0000${item.id}`;
            const first = seen.get(key);
            if (first !== undefined) throw new TaskFormatError(path, lineNo, "id", `duplicate id "${item.id}" in task "${item.task}" (first used on line ${first})`);
            seen.set(key, lineNo);
            items.push(item);
        } catch (e) {
            if (!(e instanceof TaskFormatError) || !opts.skipInvalid) throw e;
            skipped.push(e);
        }
    }
    namespaceIds(items, (it) => it.task);
    skipped.sort((a, b) => a.line - b.line);
    return { set: { name, source: path, items }, skipped };
}
