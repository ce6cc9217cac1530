// The `teacher` verifier mode in the loop: only the binary verdict reaches the generator, the ground truth is kept beside it.
import { describe, expect, it } from "vitest";
import { computeMetrics } from "../src/batch/metrics.js";
import { ReflectionLoop, type OracleFn } from "../src/engine/loop.js";
import type { LoopConfig } from "../src/engine/types.js";
import { PROMPTS_DIR } from "../src/paths.js";
import { loadInstructionPool } from "../src/prompts/pool.js";
import { loadTurnTemplates } from "../src/prompts/templates.js";
import { validateSetting } from "../src/settings.js";
import { loadTeacherTemplates } from "../src/teacher/templates.js";
import type { TaskItem } from "../src/tasks/types.js";
import { ScriptedBackend } from "./helpers/scriptedBackend.js";

const pool = loadInstructionPool(PROMPTS_DIR);
const templates = loadTurnTemplates(PROMPTS_DIR);
const teacherTemplates = loadTeacherTemplates(PROMPTS_DIR);
const item: TaskItem = { id: "m1", task: "demo-math", family: "math", question: "What is 6 * 7?", choices: null, answer: "42", answer_index: null, tests: null, test_setup: null };
const oracle: OracleFn = async (_item, output) => ({ correct: /Final answer: 42\b/.test(output), reason: "gold is 42", extracted: output.match(/Final answer: (\S+)/)?.[1] ?? null });
const config = (over: Partial<LoopConfig> = {}): LoopConfig => ({
    maxTurns: 2,
    verifier: "teacher",
    mode: "reflect",
    sampler: { temperature: 0.8, topK: 40, topP: 0.95, minP: 0.05, repeatPenalty: 1.1, seed: 7, maxTokens: 64 },
    instructions: { kind: "fixed", key: "1-3-2" },
    ...over
});

function makeTeacher(script: string[]) {
    const teacher = new ScriptedBackend(script);
    (teacher.info as { modelFile: string }).modelFile = "teacher-70b";
    return teacher;
}

describe("teacher verifier", () => {
    it("asks the teacher, lets only the verdict reach the generator, and keeps the ground truth and the teacher's call", async () => {
        const gen = new ScriptedBackend(["6*7 is 36. Final answer: 36", "I multiplied wrongly.", "6*7 = 42. Final answer: 42"]);
        const teacher = makeTeacher(["36 is wrong.\nVerdict: incorrect", "**Verdict:** Correct"]);
        const loop = new ReflectionLoop(item, config(), { backend: gen, teacher, teacherTemplates, templates, pool, oracle, runId: "r" });
        const r = await loop.runToEnd();
        expect(r.steps.map((s) => `${s.kind}${s.turn}`)).toEqual(["answer1", "verify1", "reflect1", "correct2", "verify2"]);
        expect(r.correct_by_turn).toEqual([false, true]);
        expect(r.config.verifier).toBe("teacher");
        const v1 = r.steps[1]!;
        expect(v1.verdict).toMatchObject({ correct: false, mode: "teacher" });
        expect(v1.oracle_verdict).toEqual({ correct: false, reason: "gold is 42", extracted: "36" });
        expect(v1.model).toEqual({ file: "teacher-70b", sha256: "0".repeat(64), adapters: [] });
        expect(v1.output).toBe("36 is wrong.\nVerdict: incorrect");
        expect(v1.messages).toEqual(teacher.calls[0]!.messages);
        expect(v1.prompt).toBe(teacher.renderPrompt(teacher.calls[0]!.messages));
        // The teacher sees the question and the attempt, never the gold answer; it samples greedily.
        expect(v1.messages![0]!.content).toContain("What is 6 * 7?");
        expect(v1.messages![0]!.content).toContain("Final answer: 36");
        expect(v1.messages![0]!.content).not.toMatch(/\b42\b/);
        expect(v1.sampler).toMatchObject({ temperature: 0, repeatPenalty: 1 });
        expect(teacher.calls[0]!.sampler).toEqual(v1.sampler);
        expect(r.steps[4]!.verdict).toMatchObject({ correct: true, mode: "teacher" });
        expect(r.steps[4]!.oracle_verdict!.correct).toBe(true);
        // The generator saw its own turns and the fixed "incorrect" signal only: no gold, no teacher text.
        for (const call of gen.calls.slice(0, 3)) {
            const text = call.messages.map((m) => m.content).join("\n");
            expect(text).not.toMatch(/\b42\b/);
            expect(text).not.toContain("36 is wrong");
            expect(text).not.toContain("gold");
        }
        // Answer, reflect and correct steps stay the generator's: only the verify steps name the teacher.
        expect(r.steps.filter((s) => s.model).map((s) => s.kind)).toEqual(["verify", "verify"]);
    });

    it("stops when the teacher accepts a wrong answer, and counts a correct answer it rejects as a flip", async () => {
        const wrongAccepted = new ReflectionLoop(item, config(), { backend: new ScriptedBackend(["Final answer: 41"]), teacher: makeTeacher(["Verdict: correct"]), teacherTemplates, templates, pool, oracle, runId: "r" });
        const a = await wrongAccepted.runToEnd();
        expect(a.steps.map((s) => s.kind)).toEqual(["answer", "verify"]);
        expect(a.correct_by_turn).toEqual([false]);
        expect(a.steps[1]!.verdict!.correct).toBe(true);

        const rightRejected = new ReflectionLoop(item, config(), { backend: new ScriptedBackend(["Final answer: 42", "Maybe I misread.", "Final answer: 48"]), teacher: makeTeacher(["Verdict: incorrect", "Verdict: incorrect"]), teacherTemplates, templates, pool, oracle, runId: "r" });
        const b = await rightRejected.runToEnd();
        expect(b.correct_by_turn).toEqual([true, false]);
        const m = computeMetrics([{ itemId: "m1", task: "demo-math", t1: b.correct_by_turn[0]!, chains: [b.correct_by_turn] }], 2);
        expect(m.overall.flips).toEqual({ correctToIncorrect: 1, incorrectToCorrect: 0 });
        expect(m.overall.accByTurn).toEqual([1, 0]);
    });

    it("forked sample chains keep the teacher, with per-step seeds", async () => {
        const gen = new ScriptedBackend((_m, n) => (n === 0 ? "Final answer: 36" : n % 2 === 1 ? "A reflection." : "Final answer: 42"));
        const teacher = makeTeacher(["Verdict: incorrect", "Verdict: correct", "Verdict: correct"]);
        const base = new ReflectionLoop(item, config(), { backend: gen, teacher, teacherTemplates, templates, pool, oracle, runId: "r" });
        await base.next();
        await base.next();
        const c0 = await base.fork("1-1-1", 0).runToEnd();
        const c1 = await base.fork("1-1-1", 1).runToEnd();
        expect(teacher.calls).toHaveLength(3);
        for (const c of [c0, c1]) {
            expect(c.steps.at(-1)!.verdict).toMatchObject({ correct: true, mode: "teacher" });
            expect(c.steps.at(-1)!.model!.file).toBe("teacher-70b");
        }
        expect(c0.steps.at(-1)!.seed).not.toBe(c1.steps.at(-1)!.seed);
        expect(c0.steps[1]!.seed).toBe(c1.steps[1]!.seed);
    });

    it("refuses clearly without a teacher, before generating anything", async () => {
        const gen = new ScriptedBackend(["Final answer: 36"]);
        const loop = new ReflectionLoop(item, config(), { backend: gen, templates, pool, oracle, runId: "r" });
        await expect(loop.next()).rejects.toThrow(/verifier "teacher" needs a teacher model.*--teacher <endpoint>/);
        expect(gen.calls).toHaveLength(0);
        expect(loop.record.status).toBe("error");
    });

    it("is a valid setting", () => {
        expect(validateSetting("verifier", "teacher")).toBeNull();
        expect(validateSetting("verifier", "judge" as never)).toMatch(/oracle, self or teacher/);
    });
});
