/** The four task families; each has its own answer format and verifier. */
export type TaskFamily = "mc" | "math" | "code" | "text";

/**
 * One question, in reflect-lab's own task schema (see the brief). Importers of native
 * formats (BIG-bench, LogiQA, MBPP, MATH) produce this shape.
 */
export interface TaskItem {
    id: string;
    /** Source task name, e.g. "logiqa", "demo-math". */
    task: string;
    family: TaskFamily;
    question: string;
    /** Option texts for multiple choice, else null. */
    choices: string[] | null;
    /** Gold answer: option letter/text for mc, final value for math, reference code for code, text for text. */
    answer: string;
    /** 0-based index of the correct option for mc, else null. */
    answer_index: number | null;
    /** Python assert statements for code tasks, else null. */
    tests: string[] | null;
    /** Python code run before the tests (imports, helpers), else null. */
    test_setup: string | null;
    /** Name of the function the code answer must define (code tasks), if known. */
    entry_point?: string | null;
    /** All accepted gold answers when there are several (e.g. BIG-bench text targets); `answer` is the first. */
    answers?: string[];
}

export interface TaskSet {
    name: string;
    /** Where it came from: a file path or "demo". */
    source: string;
    items: TaskItem[];
}
