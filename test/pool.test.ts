import { describe, expect, it } from "vitest";
import { mkdtempSync, cpSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadInstructionPool, parseSelection, formatSelection } from "../src/prompts/pool.js";
import { loadTurnTemplates } from "../src/prompts/templates.js";
import { PROMPTS_DIR } from "../src/paths.js";
import type { TaskItem } from "../src/tasks/types.js";

describe("instruction pool", () => {
    const pool = loadInstructionPool(PROMPTS_DIR);

    it("has the 32 keys 1-1-1 .. 2-8-2, each combining its three stage files", () => {
        expect(pool.keys).toHaveLength(32);
        expect(pool.keys[0]).toBe("1-1-1");
        expect(pool.keys[31]).toBe("2-8-2");
        expect(new Set(pool.keys).size).toBe(32);
        const i = pool.get("2-5-1");
        expect(i.stages[0]).toMatch(/skim/i);
        expect(i.stages[1]).toMatch(/context and requirements/i);
        expect(i.stages[2]).toMatch(/high level/i);
        expect(i.text).toContain("1. " + i.stages[0]);
    });

    it("rejects unknown keys with a message that explains the key format", () => {
        expect(() => pool.get("3-1-1")).toThrow(/a-b-c/);
    });

    it("selects fixed, round-robin, subset and seeded random deterministically", () => {
        expect(pool.select({ kind: "fixed", key: "1-3-2" }, 7, 1).key).toBe("1-3-2");
        expect([0, 1, 32].map((i) => pool.select({ kind: "round-robin" }, i, 0).key)).toEqual(["1-1-1", "1-1-2", "1-1-1"]);
        expect([0, 1, 2].map((i) => pool.select({ kind: "subset", keys: ["2-2-2", "1-8-1"] }, i, 0).key)).toEqual(["2-2-2", "1-8-1", "2-2-2"]);
        const a = Array.from({ length: 64 }, (_, i) => pool.select({ kind: "random" }, i, 42).key);
        const b = Array.from({ length: 64 }, (_, i) => pool.select({ kind: "random" }, i, 42).key);
        const c = Array.from({ length: 64 }, (_, i) => pool.select({ kind: "random" }, i, 43).key);
        expect(a).toEqual(b);
        expect(a).not.toEqual(c);
        expect(new Set(a).size).toBeGreaterThan(16);
    });

    it("cycles keys both ways with wrap-around", () => {
        expect(pool.step("1-1-1", -1)).toBe("2-8-2");
        expect(pool.step("2-8-2", 1)).toBe("1-1-1");
        expect(pool.step("1-1-1", 1)).toBe("1-1-2");
    });

    it("parses and formats selections, rejecting bad ones", () => {
        for (const s of ["fixed:1-3-2", "random", "round-robin", "subset:1-1-1,2-5-2"]) expect(formatSelection(parseSelection(s))).toBe(s);
        expect(parseSelection("2-1-1")).toEqual({ kind: "fixed", key: "2-1-1" });
        expect(() => parseSelection("sometimes")).toThrow(/bad instruction selection/);
    });

    it("reads edited files and names a missing one", () => {
        const dir = mkdtempSync(join(tmpdir(), "rl-prompts-"));
        try {
            cpSync(PROMPTS_DIR, dir, { recursive: true });
            writeFileSync(join(dir, "instructions", "stage2-3.txt"), "Check the logic again, carefully.\n");
            expect(loadInstructionPool(dir).get("1-3-1").stages[1]).toBe("Check the logic again, carefully.");
            rmSync(join(dir, "instructions", "stage3-2.txt"));
            expect(() => loadInstructionPool(dir)).toThrow(/stage3-2\.txt/);
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("turn templates", () => {
    const t = loadTurnTemplates(PROMPTS_DIR);
    const mc: TaskItem = { id: "x", task: "t", family: "mc", question: "Which?", choices: ["red", "blue"], answer: "B", answer_index: 1, tests: null, test_setup: null };

    it("renders lettered choices and the family's answer format, never the gold", () => {
        const p = t.render("answer", mc);
        expect(p).toContain("Which?");
        expect(p).toContain("A. red\nB. blue");
        expect(p).toMatch(/Final answer: X/);
        expect(t.render("reflect", mc, { instruction: "1. trace it" })).toContain("1. trace it");
        for (const name of ["answer", "reflect", "correct", "retry", "self-verify"] as const) expect(t.render(name, { ...mc, answer: "GOLD-SECRET" })).not.toContain("GOLD-SECRET");
    });

    it("shows the options once when the question already lists them; code prompts show every test", () => {
        const listed = { ...mc, question: "Which?\nA. red\nB. blue" };
        for (const name of ["answer", "self-verify"] as const) {
            const p = t.render(name, listed);
            expect(p.match(/red/g)).toHaveLength(1);
            expect(p).toContain("Which?\nA. red\nB. blue");
        }
        // Other lettered lines (not these choices) are part of the question: the choices are still added.
        expect(t.render("answer", { ...mc, question: "Which?\nA. cat\nB. dog" })).toContain("A. red\nB. blue");
        const code: TaskItem = { id: "c", task: "mbpp", family: "code", question: "Write f.\n\nYour code should pass these tests:\n\nassert f(1) == 1\nassert f(2) == 2", choices: null, answer: "", answer_index: null, tests: ["assert f(1) == 1", "assert f(2) == 2"], test_setup: null };
        const p = t.render("answer", code);
        for (const test of code.tests!) expect(p.split(test)).toHaveLength(2);
    });

    it("uses per-family overrides when present", () => {
        const dir = mkdtempSync(join(tmpdir(), "rl-prompts-"));
        try {
            cpSync(PROMPTS_DIR, dir, { recursive: true });
            cpSync(join(dir, "turns", "answer.txt"), join(dir, "turns", "mc", "answer.txt"), { recursive: true });
            writeFileSync(join(dir, "turns", "mc", "answer.txt"), "MC ONLY: {{question}}");
            const t2 = loadTurnTemplates(dir);
            expect(t2.render("answer", mc)).toBe("MC ONLY: Which?");
            expect(t2.render("answer", { ...mc, family: "math", choices: null })).not.toContain("MC ONLY");
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });
});
