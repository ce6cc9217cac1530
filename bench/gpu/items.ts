// Task files for the GPU runner: the demo set for small P (as `npm run bench` uses), and generated
// arithmetic items where P slots need more than the demo set's 40 items to stay busy.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { DEMO_TASKS } from "../../src/tasks/demo.js";
import { codeIsolation } from "../../src/verify/isolation.js";

/** `n` addition questions in reflect-lab's JSONL task schema, deterministic (a small LCG), e.g. "What is 37 + 58?". */
export function arithmeticItems(n: number, seed = 1): { id: string; task: string; family: "math"; question: string; answer: string }[] {
    let s = seed >>> 0;
    const next = (lo: number, hi: number) => {
        s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
        return lo + (s % (hi - lo + 1));
    };
    return Array.from({ length: n }, (_, i) => {
        const a = next(10, 99);
        const b = next(10, 99);
        return { id: `add-${String(i + 1).padStart(4, "0")}`, task: "gpu-arith", family: "math" as const, question: `What is ${a} + ${b}?`, answer: String(a + b) };
    });
}

export function writeArithmeticTasks(dir: string, n: number): string {
    const file = join(dir, `arith-${n}.jsonl`);
    writeFileSync(file, arithmeticItems(n).map((x) => JSON.stringify(x)).join("\n") + "\n");
    return file;
}

/**
 * The demo set as the runner's `tasks`: "demo" itself where code answers can be sandboxed; else its
 * other families written to a file (code answers never run unsandboxed), with a note saying so.
 */
export function demoTasks(dir: string): { tasks: string; items: number; note?: string } {
    const iso = codeIsolation();
    if (iso.kind !== "none") return { tasks: "demo", items: DEMO_TASKS.items.length };
    const items = DEMO_TASKS.items.filter((i) => i.family !== "code");
    const file = join(dir, "demo-no-code.jsonl");
    writeFileSync(file, items.map((x) => JSON.stringify(x)).join("\n") + "\n");
    return { tasks: file, items: items.length, note: `demo set without its code items (${iso.summary})` };
}
