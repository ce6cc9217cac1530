// JSONL records of the ReflectEvo release: its test files (data/data_source/{logiqa,bigbench,math,
// mbpp}_test.jsonl: `id`, `question`, `answer`) and the ReflectEvo-460k records. The reader is
// tolerant and reads only these fields (the first present of each group; everything else, such as
// the reflections and second answers, is ignored):
//   question: question | problem | input | query | inputs          (required, non-empty string)
//   context:  context | passage | text                             (optional; put before the question)
//   gold:     answer | gold | target | label | targets | code | answer_index (required: string, number,
//             or a list of accepted strings; with options, a letter, an option text or a 0-based index)
//   task:     subtask | subset | task | dataset | source           (optional; default: the file name
//             without a _test/_train suffix). Ids are unique per task: one that recurs in several
//             tasks (BIG-bench subtasks number from 0) makes every id "<task>/<id>".
//   options:  options | choices | multiple_choice_targets          (optional: a list of strings, or an
//             object {A: "...", B: "..."}; labels are stripped). Without them, options listed in the
//             question as "A." .. lines make a multiple-choice item when the gold is a letter (LogiQA:
//             answer "d"); the question keeps only its stem.
//   id:       id | idx | question_id | task_id                      (optional; default: <task>-<line>)
//   tests:    tests | test_list, test_setup | test_setup_code      (optional, for code items; the
//             question gets every test unless it already shows them)
//   solution: solution                                             (optional; a MATH reference whose
//             several \boxed{} answers are all kept in the gold)
//   family:   family                                               (optional; else inferred as jsonl.ts does)
import { basename, extname } from "node:path";
import { boxedContents } from "../../verify/extract.js";
import { answerIndexFromAnswer, inferFamily } from "../jsonl.js";
import { inlineChoices, letterOf, stripListedOptions, stripOptionLabels } from "../options.js";
import type { TaskFamily, TaskItem } from "../types.js";
import { Collector, eachJsonLine, failer, nonEmpty, pythonEntry, readItemText, withTests, type ImportOptions, type ImportResult } from "./common.js";
import { mathGold } from "./math.js";

export const QUESTION_KEYS = ["question", "problem", "input", "query", "inputs"] as const;
export const GOLD_KEYS = ["answer", "gold", "target", "label", "targets", "code", "answer_index"] as const;
const CONTEXT_KEYS = ["context", "passage", "text"] as const;
const TASK_KEYS = ["subtask", "subset", "task", "dataset", "source"] as const;
const OPTION_KEYS = ["options", "choices", "multiple_choice_targets"] as const;
const ID_KEYS = ["id", "idx", "question_id", "task_id"] as const;
const FAMILIES: readonly TaskFamily[] = ["mc", "math", "code", "text"];

const pick = (o: Record<string, unknown>, keys: readonly string[], skipEmpty = false): [string, unknown] | null => {
    const k = keys.find((key) => o[key] !== undefined && o[key] !== null && !(skipEmpty && Array.isArray(o[key]) && (o[key] as unknown[]).length === 0));
    return k === undefined ? null : [k, o[k]];
};

/** True if a parsed record has a recognisable question and gold (used by format detection). */
export function looksLikeReflectEvo(o: Record<string, unknown>): boolean {
    return pick(o, QUESTION_KEYS) !== null && pick(o, GOLD_KEYS) !== null;
}

/** The task a file's name stands for: "logiqa_test" -> "logiqa". */
export function taskOfFile(stem: string): string {
    return stem.replace(/[-_.](?:test|train|dev|val|valid|validation|eval)$/i, "") || stem;
}

const asText = (v: unknown): string | null => (typeof v === "string" ? v : typeof v === "number" && Number.isFinite(v) ? String(v) : null);
/** Tasks whose items are always multiple choice, so a record without options is an error, not free text. */
const MC_TASK = /logiqa/i;
/** MATH problems may quote AMC options ("(A) 1 (B) 2") yet are graded by value. */
const MATH_TASK = /math|gsm|arith|algebra/i;
/** BIG-bench entries without options are free text, even when the answer is a number ("1930"). */
const TEXT_FILE = /bigbench/i;

function toItem(o: Record<string, unknown>, file: string, line: number, fileTask: string): TaskItem {
    const fail = failer(file, line);
    const q = pick(o, QUESTION_KEYS);
    if (!q) fail("question", `missing (looked for ${QUESTION_KEYS.join(", ")})`);
    if (!nonEmpty(q![1])) fail(q![0], "expected a non-empty string");
    const g = pick(o, GOLD_KEYS);
    if (!g) fail("answer", `missing (looked for ${GOLD_KEYS.join(", ")})`);
    const [goldKey, goldRaw] = g!;
    const golds = (Array.isArray(goldRaw) ? goldRaw : [goldRaw]).map(asText);
    if (golds.length === 0 || golds.some((x) => x === null || !x.trim())) fail(goldKey, "expected a non-empty string, a number or a list of strings");
    const answers = [...new Set((golds as string[]).map((s) => s.trim()))];

    const t = pick(o, TASK_KEYS);
    if (t && !nonEmpty(t[1])) fail(t[0], "expected a non-empty string");
    const task = t ? (t[1] as string).trim() : fileTask;

    let question = (q![1] as string).trim();
    const ctx = q![0] !== "text" ? pick(o, CONTEXT_KEYS) : null;
    if (ctx && nonEmpty(ctx[1]) && !question.includes((ctx[1] as string).trim())) question = `${(ctx[1] as string).trim()}\n${question}`;

    let given: TaskFamily | null = null;
    if (o.family !== undefined && o.family !== null) {
        if (!FAMILIES.includes(o.family as TaskFamily)) fail("family", `expected one of ${FAMILIES.join(", ")}`);
        given = o.family as TaskFamily;
    }

    let choices: string[] | null = null;
    let optionsField = "options";
    const op = pick(o, OPTION_KEYS, true); // [] = free text (HF BIG-bench's multiple_choice_targets)
    if (op) {
        const vals = Array.isArray(op[1]) ? op[1] : typeof op[1] === "object" ? Object.values(op[1] as object) : null;
        if (!vals || !vals.every((v) => typeof v === "string")) fail(op[0], "expected a list of strings or an object of option texts");
        choices = stripOptionLabels(vals as string[]);
        if (choices.length < 2 || choices.length > 26) fail(op[0], `expected 2-26 options, got ${choices.length}`);
        question = stripListedOptions(question, choices);
        optionsField = op[0];
    }
    const tp = pick(o, ["tests", "test_list"]);
    if (tp && (!Array.isArray(tp[1]) || !tp[1].every(nonEmpty))) fail(tp[0], "expected a list of test statements");
    const tests = tp ? (tp[1] as string[]) : null;
    const sp = pick(o, ["test_setup", "test_setup_code"]);
    const test_setup = sp && typeof sp[1] === "string" && sp[1].trim() ? sp[1] : null;

    if (!choices && !tests && (given === "mc" || (given === null && !MATH_TASK.test(task)))) {
        const forced = given === "mc" || (given === null && MC_TASK.test(task));
        const inline = inlineChoices(question, answers[0]!, { mc: forced, index: goldKey === "answer_index" });
        if (inline) {
            const empty = inline.options.findIndex((c) => !c);
            if (empty >= 0) fail(q![0], `option ${letterOf(empty)} listed in the question is empty`);
            if (!inline.stem) fail(q![0], "lists options but no question text");
            choices = inline.options;
            question = inline.stem;
            optionsField = q![0];
        } else if (forced) fail(q![0], `multiple-choice ("${task}") items list their options in the question as "A." .. lines; none found`);
    }

    const family: TaskFamily = given ?? (!choices && !tests && TEXT_FILE.test(fileTask) ? "text" : inferFamily({ tests, choices, answer: answers[0]!, task }));

    const idp = pick(o, ID_KEYS);
    const idText = idp ? asText(idp[1]) : null;
    if (idp && (idText === null || !idText.trim())) fail(idp[0], "expected a non-empty string or a number");
    const id = idText ? idText.trim() : `${fileTask}-${line}`;
    const item: TaskItem = { id, task, family, question, choices, answer: answers[0]!, answer_index: null, tests, test_setup };

    if (family === "mc") {
        if (!choices) fail("options", "multiple-choice items need options");
        const opts = choices!;
        const asIndex = typeof goldRaw === "number" && Number.isInteger(goldRaw) && goldRaw >= 0 && goldRaw < opts.length ? goldRaw : null;
        // An `answer_index` is an index; another gold is a letter or option text first, then an index.
        let idx: number | null = goldKey === "answer_index" ? asIndex : (answerIndexFromAnswer(answers[0]!, opts) ?? asIndex);
        // HF BIG-bench: the option scored 1 is the gold.
        const sc = o.multiple_choice_scores;
        if (idx === null && optionsField === "multiple_choice_targets" && Array.isArray(sc) && sc.length === opts.length) {
            const best = sc.flatMap((v, i) => (v === 1 || v === true ? [i] : []));
            if (best.length === 1) idx = best[0]!;
        }
        if (idx === null) fail(goldKey, `"${answers[0]}" is neither an option letter (A-${letterOf(opts.length - 1)} for the ${opts.length} options in "${optionsField}"), nor an option text, nor an option index`);
        item.answer = letterOf(idx!);
        item.answer_index = idx;
    } else if (family === "code") {
        if (!tests || tests.length === 0) fail("tests", "code items need a non-empty list of tests");
        item.question = withTests(question, tests!);
        item.entry_point = pythonEntry(item.answer, tests![0])?.name ?? null;
    } else {
        if (family === "math" && typeof o.solution === "string") {
            // Keep every boxed answer of the reference, not just the one `answer` holds.
            const all = mathGold(o.solution);
            const have = new Set(boxedContents(item.answer).concat(item.answer));
            if (all !== null && boxedContents(o.solution).some((b) => !have.has(b))) item.answer = all;
        }
        if (answers.length > 1) item.answers = answers;
    }
    return item;
}

export async function importReflectEvo(path: string, opts: ImportOptions = {}): Promise<ImportResult> {
    const name = basename(path, extname(path));
    const fileTask = taskOfFile(name);
    const col = new Collector(opts);
    const { text } = await readItemText(path, col, opts);
    eachJsonLine(text, path, col, (raw, line) => toItem(raw as Record<string, unknown>, path, line, fileTask), (it) => it.task);
    col.namespace();
    return { set: { name, source: path, items: col.items }, skipped: col.skipped };
}
