import { describe, expect, it } from "vitest";
import { ReflectionLoop, type OracleFn } from "../src/engine/loop.js";
import type { EngineEvent, LoopConfig } from "../src/engine/types.js";
import { loadInstructionPool } from "../src/prompts/pool.js";
import { loadTurnTemplates } from "../src/prompts/templates.js";
import { PROMPTS_DIR } from "../src/paths.js";
import type { TaskItem } from "../src/tasks/types.js";
import { ScriptedBackend } from "./helpers/scriptedBackend.js";

const pool = loadInstructionPool(PROMPTS_DIR);
const templates = loadTurnTemplates(PROMPTS_DIR);
const item: TaskItem = { id: "m1", task: "demo-math", family: "math", question: "What is 6 * 7?", choices: null, answer: "42", answer_index: null, tests: null, test_setup: null };
// The engine is under test here, not the verifiers: a transparent oracle keeps the script readable.
const oracle: OracleFn = async (_item, output) => ({ correct: /Final answer: 42\b/.test(output), reason: "scripted", extracted: output.match(/Final answer: (\S+)/)?.[1] ?? null });
const config = (over: Partial<LoopConfig> = {}): LoopConfig => ({
    maxTurns: 2,
    verifier: "oracle",
    mode: "reflect",
    sampler: { temperature: 0.8, topK: 40, topP: 0.95, minP: 0.05, repeatPenalty: 1.1, seed: 7, maxTokens: 64 },
    instructions: { kind: "fixed", key: "1-3-2" },
    ...over
});

function makeLoop(script: string[] | ((m: unknown, n: number) => string), over: Partial<LoopConfig> = {}) {
    const backend = new ScriptedBackend(script as string[]);
    const events: EngineEvent[] = [];
    const loop = new ReflectionLoop(item, config(over), { backend, templates, pool, oracle, runId: "run-1", onEvent: (e) => events.push(e) });
    return { backend, events, loop };
}

describe("turn engine", () => {
    it("answers, verifies, reflects with the chosen instruction, corrects and verifies again", async () => {
        const { loop, events, backend } = makeLoop(["6*7 is 36. Final answer: 36", "I multiplied wrongly; recheck the product.", "6*7 = 42. Final answer: 42"]);
        expect(loop.nextPhase).toBe("answering");
        await loop.next();
        expect(loop.current).toEqual({ kind: "answered", turn: 1 });
        await loop.next();
        expect(loop.current).toEqual({ kind: "judged", turn: 1, correct: false });
        expect(loop.nextPhase).toBe("reflecting");
        await loop.next();
        await loop.next();
        await loop.next();
        expect(loop.isDone).toBe(true);
        const r = loop.record;
        expect(r.steps.map((s) => `${s.kind}${s.turn}`)).toEqual(["answer1", "verify1", "reflect1", "correct2", "verify2"]);
        expect(r.correct_by_turn).toEqual([false, true]);
        expect(r.status).toBe("done");
        // The reflection prompt carries the instruction text and the failed attempt, never the gold answer.
        const refl = r.steps[2]!;
        expect(refl.instruction_key).toBe("1-3-2");
        expect(refl.messages!.at(-1)!.content).toContain(pool.get("1-3-2").stages[1]);
        expect(refl.messages!.map((m) => m.content).join("\n")).toContain("Final answer: 36");
        expect(refl.messages!.map((m) => m.content).join("\n")).not.toMatch(/\b42\b/);
        // Turn 2 extends the same conversation (prefix reuse on one sequence).
        const corr = r.steps[3]!;
        expect(corr.messages!.slice(0, refl.messages!.length)).toEqual(refl.messages);
        expect(corr.messages![refl.messages!.length]).toEqual({ role: "assistant", content: "I multiplied wrongly; recheck the product." });
        // Prompts are emitted (for the recorder) before the model is called, exactly as sent.
        const prompts = events.filter((e) => e.type === "prompt");
        expect(prompts).toHaveLength(3);
        prompts.forEach((p, i) => {
            expect(p.type === "prompt" && p.messages).toEqual(backend.calls[i]!.messages);
            expect(p.type === "prompt" && p.prompt).toBe(backend.renderPrompt(backend.calls[i]!.messages));
        });
        expect(events.filter((e) => e.type === "text").map((e) => (e.type === "text" ? e.text : "")).join("")).toContain("6*7 is 36.");
        expect(events.at(-1)!.type).toBe("done");
    });

    it("stops at a correct first answer with the oracle", async () => {
        const { loop } = makeLoop(["Final answer: 42"]);
        await loop.runToEnd();
        expect(loop.record.steps.map((s) => s.kind)).toEqual(["answer", "verify"]);
        expect(loop.record.correct_by_turn).toEqual([true]);
    });

    it("stops after maxTurns even when still wrong, and honours maxTurns > 2", async () => {
        const { loop } = makeLoop((_m, n) => (n % 2 === 0 ? "Final answer: 1" : "A reflection."), { maxTurns: 3 });
        await loop.runToEnd();
        expect(loop.record.steps.map((s) => `${s.kind}${s.turn}`)).toEqual(["answer1", "verify1", "reflect1", "correct2", "verify2", "reflect2", "correct3", "verify3"]);
        expect(loop.record.correct_by_turn).toEqual([false, false, false]);
    });

    it("retry mode (w/o reflection) gives only the incorrect signal", async () => {
        const { loop, backend } = makeLoop(["Final answer: 1", "Final answer: 42"], { mode: "retry" });
        await loop.runToEnd();
        expect(loop.record.steps.map((s) => s.kind)).toEqual(["answer", "verify", "correct", "verify"]);
        expect(backend.calls[1]!.messages.at(-1)!.content).toMatch(/incorrect\. Try again/);
    });

    it("re-rolls a reflection from the same failed attempt with a new seed and the newly picked instruction", async () => {
        const { loop, backend } = makeLoop(["Final answer: 36", "First reflection.", "Final answer: 40", "Second reflection.", "Final answer: 42"]);
        for (let i = 0; i < 5; i++) await loop.next(); // answer, verify, reflect, correct, verify(wrong, maxTurns -> done)
        expect(loop.isDone).toBe(true);
        expect(loop.canReroll).toBe(true);
        loop.setInstruction("2-1-1");
        await loop.reroll();
        expect(loop.isDone).toBe(false);
        await loop.runToEnd();
        const steps = loop.record.steps;
        expect(steps.filter((s) => s.superseded).map((s) => s.kind)).toEqual(["reflect", "correct", "verify"]);
        const [r0, r1] = steps.filter((s) => s.kind === "reflect");
        expect(r1!.sample_index).toBe(1);
        expect(r1!.instruction_key).toBe("2-1-1");
        expect(r1!.seed).not.toBe(r0!.seed);
        // Both samples saw the same failed attempt: everything before the reflect request is identical.
        expect(backend.calls[3]!.messages.slice(0, -1)).toEqual(backend.calls[1]!.messages.slice(0, -1));
        expect(backend.calls[4]!.messages.map((m) => m.content)).not.toContain("First reflection.");
        expect(loop.record.correct_by_turn).toEqual([false, true]);
        expect(loop.record.status).toBe("done");
    });

    it("self mode asks the model, keeps the oracle verdict aside, and can stop on a wrong answer it believes", async () => {
        const { loop, backend } = makeLoop(["Final answer: 36", "Checking... Verdict: correct"], { verifier: "self" });
        await loop.runToEnd();
        const v = loop.record.steps[1]!;
        expect(v.verdict).toMatchObject({ correct: true, mode: "self" });
        expect(v.oracle_verdict?.correct).toBe(false);
        expect(loop.record.correct_by_turn).toEqual([false]);
        expect(backend.calls[1]!.messages[0]!.content).toContain("Final answer: 36");
        expect(backend.calls[1]!.messages[0]!.content).not.toMatch(/\b42\b/);
    });

    it("is deterministic: the same seed gives the same per-step seeds", async () => {
        const a = makeLoop(["Final answer: 1", "R", "Final answer: 2", ""]);
        const b = makeLoop(["Final answer: 1", "R", "Final answer: 2", ""]);
        await a.loop.runToEnd();
        await b.loop.runToEnd();
        expect(a.backend.calls.map((c) => c.sampler.seed)).toEqual(b.backend.calls.map((c) => c.sampler.seed));
        expect(new Set(a.backend.calls.map((c) => c.sampler.seed)).size).toBe(3);
    });

    it("abort mid-generation keeps the partial step and ends the item as aborted", async () => {
        const backend = new ScriptedBackend(["one two three four five six seven eight nine ten"], { chunkDelayMs: 5 });
        const loop = new ReflectionLoop(item, config(), { backend, templates, pool, oracle, runId: "r" });
        const p = loop.next();
        setTimeout(() => loop.abort(), 12);
        await p;
        expect(loop.record.status).toBe("aborted");
        expect(loop.record.steps[0]!.stop_reason).toBe("abort");
        expect(loop.record.steps[0]!.output!.length).toBeLessThan(40);
        expect(loop.isDone).toBe(true);
    });

    it("refuses a second step while one is running", async () => {
        const backend = new ScriptedBackend(["a b c d"], { chunkDelayMs: 5 });
        const loop = new ReflectionLoop(item, config(), { backend, templates, pool, oracle, runId: "r" });
        const p = loop.next();
        await expect(loop.next()).rejects.toThrow(/already running/);
        await p;
    });
});

describe("reject sampling by fork", () => {
    it("gives each of K samples per instruction the same failed attempt and its own seed", async () => {
        let n = 0;
        const backend = new ScriptedBackend((messages) => {
            const last = messages.at(-1)!.content;
            if (messages.length === 1) return "Final answer: 36";
            if (last.startsWith("Your answer is incorrect")) return `Reflection ${++n}.`;
            return n % 2 ? "Final answer: 42" : "Final answer: 41";
        });
        const base = new ReflectionLoop(item, config(), { backend, templates, pool, oracle, runId: "r" });
        await base.next();
        await base.next();
        const chains = [];
        for (const key of ["1-1-1", "2-8-2"]) for (const s of [0, 1]) chains.push(await base.fork(key, s).runToEnd());
        expect(chains.map((c) => c.sample)).toEqual([
            { instruction_key: "1-1-1", sample_index: 0 },
            { instruction_key: "1-1-1", sample_index: 1 },
            { instruction_key: "2-8-2", sample_index: 0 },
            { instruction_key: "2-8-2", sample_index: 1 }
        ]);
        for (const c of chains) {
            expect(c.steps.slice(0, 2)).toEqual(base.record.steps);
            expect(c.steps[2]!.messages!.slice(0, -1)).toEqual(chains[0]!.steps[2]!.messages!.slice(0, -1));
            expect(c.steps[2]!.instruction_key).toBe(c.sample!.instruction_key);
        }
        expect(chains.map((c) => c.correct_by_turn)).toEqual([[false, true], [false, false], [false, true], [false, false]]);
        const reflectSeeds = chains.map((c) => c.steps[2]!.seed);
        expect(new Set(reflectSeeds).size).toBe(4);
        // The base loop is untouched: forking copies, it does not share.
        expect(base.record.steps).toHaveLength(2);
        expect(() => chains.length && new ReflectionLoop(item, config(), { backend, templates, pool, oracle, runId: "r" }).fork("1-1-1", 0)).toThrow(/fork needs/);
    });
});
