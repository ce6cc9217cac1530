// A tiny task file and a scripted model for batch view tests.
import { writeFileSync } from "node:fs";
import type { ChatMessage } from "../../src/backend/types.js";
import type { BatchConfig } from "../../src/batch/types.js";

/** Items "What is i + 1?" (gold i+1), two tasks. */
export function tinyTasks(path: string, n: number): string {
    writeFileSync(path, Array.from({ length: n }, (_, i) => JSON.stringify({ id: `q${i}`, task: i % 2 ? "odd" : "even", question: `What is ${i} + 1?`, choices: null, answer: String(i + 1), answer_index: null, tests: null, test_setup: null, family: "text" })).join("\n") + "\n");
    return path;
}

/** Turn 1 wrong ("999"), a reflection, then the gold answer. */
export const wrongThenRight = (messages: ChatMessage[]) => {
    const i = Number(/What is (\d+) \+ 1/.exec(messages[0]!.content)![1]);
    const last = messages.at(-1)!.content;
    if (messages.length === 1) return "I guess.\nFinal answer: 999";
    if (last.startsWith("Your answer is incorrect")) return `I should add one to ${i}.`;
    return `Final answer: ${i + 1}`;
};

export function tinyConfig(tasks: string, over: Partial<BatchConfig> = {}): BatchConfig {
    return {
        tasks: [tasks],
        format: "auto",
        limit: null,
        parallel: 3,
        k: 1,
        instructions: { kind: "fixed", keys: ["1-1-1"] },
        maxTurns: 2,
        mode: "reflect",
        verifier: "oracle",
        sampler: { temperature: 0.8, topK: 40, topP: 0.95, minP: 0.05, repeatPenalty: 1.1, seed: 5, maxTokens: 64 },
        model: "default",
        contextSize: 2048,
        ...over
    };
}

