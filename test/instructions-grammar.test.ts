// The one `--instructions` grammar: every form, every error, and what each command makes of it
// (the lab/ask: one instruction per question; batch: the keys each failed answer is reflected on;
// the `instructions` setting validated by the same parser).
import { describe, expect, it } from "vitest";
import { Command, CommanderError } from "commander";
import { addBatchCommands } from "../bin/batch.js";
import { instructionsFor, parseInstructionPlan } from "../src/batch/plan.js";
import { formatInstructionSpec, InstructionSpecError, KEY_COUNT, parseInstructionSpec } from "../src/prompts/instructionSpec.js";
import { formatSelection, loadInstructionPool, parseSelection } from "../src/prompts/pool.js";
import { PROMPTS_DIR } from "../src/paths.js";
import { SettingsStore, validateSetting } from "../src/settings.js";

const pool = loadInstructionPool(PROMPTS_DIR);

describe("the grammar", () => {
    it.each([
        ["1-3-2", { kind: "keys", keys: ["1-3-2"] }, "fixed:1-3-2"],
        ["fixed:1-3-2", { kind: "keys", keys: ["1-3-2"] }, "fixed:1-3-2"],
        ["fixed:1-3-2,2-1-1", { kind: "keys", keys: ["1-3-2", "2-1-1"] }, "fixed:1-3-2,2-1-1"],
        ["subset:1-1-1,2-5-2", { kind: "keys", keys: ["1-1-1", "2-5-2"] }, "fixed:1-1-1,2-5-2"],
        ["1-1-1,2-8-2", { kind: "keys", keys: ["1-1-1", "2-8-2"] }, "fixed:1-1-1,2-8-2"],
        ["  Fixed: 1-3-2 , 2-1-1 ", { kind: "keys", keys: ["1-3-2", "2-1-1"] }, "fixed:1-3-2,2-1-1"],
        ["random", { kind: "random", count: null }, "random"],
        ["random:6", { kind: "random", count: 6 }, "random:6"],
        ["random:1", { kind: "random", count: 1 }, "random:1"],
        [`random:${KEY_COUNT}`, { kind: "random", count: 32 }, "random:32"],
        ["round-robin", { kind: "round-robin" }, "round-robin"],
        ["all", { kind: "all" }, "all"]
    ] as const)("%j parses and formats as %j", (spec, parsed, formatted) => {
        const s = parseInstructionSpec(spec);
        expect(s).toEqual(parsed);
        expect(formatInstructionSpec(s)).toBe(formatted);
        expect(parseInstructionSpec(formatted)).toEqual(parsed);
    });

    const ERRORS: [string, RegExp][] = [
        ["", /it is empty; use 1-3-2 \| fixed:1-3-2,2-1-1 \| subset:1-1-1,2-5-2 \| random \| random:N \| round-robin \| all$/],
        ["   ", /it is empty/],
        ["sometimes", /: use 1-3-2 \| fixed:1-3-2,2-1-1 .* \| all$/],
        ["fixed", /fixed: needs at least one key, e.g\. fixed:1-3-2$/],
        ["fixed:", /fixed: needs at least one key/],
        ["subset:", /subset: needs at least one key, e\.g\. subset:1-3-2$/],
        ["fixed:3-1-1", /"3-1-1" is not an instruction key: keys are a-b-c with a in 1-2, b in 1-8, c in 1-2 \(e\.g\. 1-3-2\)$/],
        ["1-9-1", /"1-9-1" is not an instruction key/],
        ["1-3", /"1-3" is not an instruction key/],
        ["fixed:1-3-2;2-1-1", /"1-3-2;2-1-1" is not an instruction key/],
        ["fixed:1-1-1,,2-2-2", /an empty key in the list \(a stray comma\?\)$/],
        ["1-1-1,", /an empty key in the list/],
        ["fixed:1-1-1,1-1-1", /key 1-1-1 is listed twice$/],
        ["random:0", /random:N needs N from 1 to 32 \(the pool has 32 instructions\), got 0$/],
        ["random:33", /got 33$/],
        ["random:x", /random:N needs a whole number N from 1 to 32, got "x"$/],
        ["random:-1", /needs a whole number N/],
        ["random:1.5", /needs a whole number N/],
        ["random:", /needs a whole number N from 1 to 32, got ""$/],
        ["round-robin:2", /round-robin takes no value \(drop ":2"\)$/],
        ["all:32", /all takes no value \(drop ":32"\)$/]
    ];

    it.each(ERRORS)("%j is refused, saying why", (spec, why) => {
        let err: unknown = null;
        try {
            parseInstructionSpec(spec);
        } catch (e) {
            err = e;
        }
        expect(err).toBeInstanceOf(InstructionSpecError);
        const msg = (err as Error).message;
        expect(msg.startsWith(`bad instruction selection "${spec.trim()}": `), msg).toBe(true);
        expect(msg).toMatch(why);
    });

    it("gives the same message from every command and from the setting", () => {
        expect(ERRORS.length).toBeGreaterThan(10);
        for (const [spec] of ERRORS) {
            const msg = (() => {
                try {
                    parseInstructionSpec(spec);
                } catch (e) {
                    return (e as Error).message;
                }
                return null;
            })();
            expect(msg, spec).not.toBeNull();
            expect(() => parseSelection(spec), spec).toThrow(msg!);
            expect(() => parseInstructionPlan(spec, pool), spec).toThrow(msg!);
            expect(validateSetting("instructions", spec), spec).toBe(msg);
        }
        expect(validateSetting("instructions", 5 as never)).toMatch(/^instructions must be a string: 1-3-2 \| fixed:/);
    });
});

describe("the lab and ask: one instruction per question", () => {
    it.each([
        ["1-3-2", { kind: "fixed", key: "1-3-2" }, "fixed:1-3-2"],
        ["fixed:1-3-2", { kind: "fixed", key: "1-3-2" }, "fixed:1-3-2"],
        ["subset:1-3-2", { kind: "fixed", key: "1-3-2" }, "fixed:1-3-2"],
        ["fixed:1-3-2,2-1-1", { kind: "subset", keys: ["1-3-2", "2-1-1"] }, "subset:1-3-2,2-1-1"],
        ["subset:1-1-1,2-5-2", { kind: "subset", keys: ["1-1-1", "2-5-2"] }, "subset:1-1-1,2-5-2"],
        ["random", { kind: "random" }, "random"],
        ["random:6", { kind: "random", count: 6 }, "random:6"],
        ["round-robin", { kind: "round-robin" }, "round-robin"],
        // The lab's "all": every key, one question after another.
        ["all", { kind: "round-robin" }, "round-robin"]
    ] as const)("%j selects %j (recorded as %j)", (spec, sel, recorded) => {
        expect(parseSelection(spec)).toEqual(sel);
        expect(formatSelection(parseSelection(spec))).toBe(recorded);
        expect(validateSetting("instructions", spec)).toBeNull();
    });

    it("takes a key list in turn", () => {
        const sel = parseSelection("fixed:2-2-2,1-8-1,1-1-2");
        expect([0, 1, 2, 3, 4].map((i) => pool.select(sel, i, 7).key)).toEqual(["2-2-2", "1-8-1", "1-1-2", "2-2-2", "1-8-1"]);
    });

    it("random:N draws N seeded keys once and takes each in turn", () => {
        const sel = parseSelection("random:6");
        const first = Array.from({ length: 6 }, (_, i) => pool.select(sel, i, 42).key);
        expect(new Set(first).size).toBe(6);
        for (const k of first) expect(pool.keys).toContain(k);
        // The next six questions reuse the same six, in the same order.
        expect(Array.from({ length: 6 }, (_, i) => pool.select(sel, i + 6, 42).key)).toEqual(first);
        // Deterministic in the seed; another seed draws another six.
        expect(Array.from({ length: 6 }, (_, i) => pool.select(sel, i, 42).key)).toEqual(first);
        expect(Array.from({ length: 6 }, (_, i) => pool.select(sel, i, 43).key)).not.toEqual(first);
        // random:32 is every key once per 32 questions.
        const all = parseSelection("random:32");
        expect(new Set(Array.from({ length: 32 }, (_, i) => pool.select(all, i, 5).key)).size).toBe(32);
    });

    it("all (round-robin) uses every key once per 32 questions", () => {
        const sel = parseSelection("all");
        const keys = Array.from({ length: 32 }, (_, i) => pool.select(sel, i, 0).key);
        expect(keys).toEqual(pool.keys);
    });
});

describe("batch: the keys each failed answer is reflected on", () => {
    it.each([
        ["1-3-2", { kind: "fixed", keys: ["1-3-2"] }, 1],
        ["fixed:1-3-2,2-1-1", { kind: "fixed", keys: ["1-3-2", "2-1-1"] }, 2],
        ["subset:1-3-2,2-1-1", { kind: "fixed", keys: ["1-3-2", "2-1-1"] }, 2],
        ["random", { kind: "random", count: 1 }, 1],
        ["random:6", { kind: "random", count: 6 }, 6],
        ["round-robin", { kind: "round-robin" }, 1],
        ["all", { kind: "all" }, 32]
    ] as const)("%j plans %j (%i keys per item)", (spec, plan, perItem) => {
        const p = parseInstructionPlan(spec, pool);
        expect(p).toEqual(plan);
        const keys = instructionsFor(p, pool, "item-1", 3, 42);
        expect(keys).toHaveLength(perItem);
        expect(new Set(keys).size).toBe(perItem);
    });

    it("refuses a bad --instructions as the option is read, with the grammar's message", async () => {
        const program = new Command().exitOverride();
        let err = "";
        program.configureOutput({ writeErr: (s) => void (err += s), writeOut: () => {} });
        addBatchCommands(program, new SettingsStore("/nonexistent/reflect-lab-conf"));
        const e = await program.parseAsync(["batch", "--tasks", "demo", "--instructions", "random:0"], { from: "user" }).catch((x) => x);
        expect(e).toBeInstanceOf(CommanderError);
        expect((e as CommanderError).code).toBe("commander.invalidArgument");
        expect(err).toContain('bad instruction selection "random:0": random:N needs N from 1 to 32');
    });
});
