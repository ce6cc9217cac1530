// The teaching sources: the shipped example set (real chains whose verdicts still hold), lab sessions,
// batch runs and saved sets read with errors that name file, line and field, and the CLI without a TTY.
import { afterAll, describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { addTeachCommand } from "../bin/teach.js";
import type { ItemRecord } from "../src/engine/types.js";
import { SettingsStore } from "../src/settings.js";
import { DEFAULT_TEACH_SET, loadTeachKit } from "../src/teach/kit.js";
import { DEFAULT_PICK, pickExamples, teachSetOf } from "../src/teach/pick.js";
import { readTeachSet, writeTeachSet } from "../src/teach/set.js";
import { openTeachSource } from "../src/teach/sources.js";
import { closeMathWorker } from "../src/verify/math.js";
import { verifyOracle } from "../src/verify/oracle.js";
import { runCommand } from "./helpers/runCommand.js";

const dir = mkdtempSync(join(tmpdir(), "rl-teach-set-"));
afterAll(() => {
    closeMathWorker();
    rmSync(dir, { recursive: true, force: true });
});
const kit = loadTeachKit();
const run = promisify(execFile);
const DEFAULT_SHA = "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53";

describe("the shipped example set", () => {
    const set = readTeachSet(DEFAULT_TEACH_SET);

    it("is real chains of the default model, saved by the project's own tool, and opens on a corrected one", () => {
        expect(set.header.model.sha256).toBe(DEFAULT_SHA);
        expect(set.header.made_by).toMatch(/^reflect-lab teach --run \S+ --save-set examples\/teaching\/set\.jsonl/);
        expect(set.examples.length).toBeGreaterThanOrEqual(4);
        for (const e of set.examples) expect(e.provenance).toMatch(/^sessions\/\S+ · item \S+ · sample \d-\d-\d#\d+$/);
        const source = openTeachSource(DEFAULT_TEACH_SET, kit);
        expect(source.entries).toHaveLength(set.examples.length);
        expect(source.entries[0]!.outcome).toBe("corrected");
        const corrected = source.entries.filter((e) => e.outcome === "corrected");
        expect(corrected.length).toBeGreaterThanOrEqual(3);
        expect(set.header.outcomes.corrected).toBe(corrected.length);
        for (const e of corrected) {
            const w = e.open();
            const kinds = w.stages.map((s) => s.kind);
            expect(kinds).toEqual(["answer", "verdict", "instruction", "reflection", "correction", "final", "summary"]);
            expect(w.stages.find((s) => s.kind === "reflection")!.text.trim().length).toBeGreaterThan(0);
            // Side by side works in the shipped set: other instructions on the same failed attempt.
            const sib = source.siblings(e);
            expect(sib.length).toBeGreaterThan(0);
            for (const s of sib) expect(s.open().stages[0]!.text).toBe(w.stages[0]!.text);
        }
    });

    it("every recorded verdict still holds under today's verifier", { timeout: 120_000 }, async () => {
        let checked = 0;
        for (const { record } of set.examples) {
            const judged = record.steps.filter((s) => s.kind === "answer" || s.kind === "correct");
            expect(judged.length).toBe(record.correct_by_turn.length);
            for (const [t, s] of judged.entries()) {
                const v = await verifyOracle({ family: record.item.family, output: s.output!, gold: record.item.answer, choices: record.item.choices, answerIndex: null, tests: null, testSetup: null, truncated: s.stop_reason === "maxTokens" });
                expect(v.correct, `${record.item.id} turn ${t + 1}: ${v.reason}`).toBe(record.correct_by_turn[t]);
                checked++;
            }
        }
        expect(checked).toBe(set.examples.length * 2);
    });
});

const records = (): ItemRecord[] => readTeachSet(DEFAULT_TEACH_SET).examples.map((e) => e.record);

describe("reading sessions and sets", () => {
    it("a lab session replays its finished items; a line cut by a crash at the end is forgiven", () => {
        const s = join(dir, "session");
        mkdirSync(s);
        const [a, b] = records();
        const lines = [{ type: "begin", item_id: a!.item.id }, { type: "item", record: a }, { type: "step", item_id: b!.item.id, step: b!.steps[0] }, { type: "item", record: b }].map((x) => JSON.stringify(x));
        writeFileSync(join(s, "steps.jsonl"), lines.join("\n") + '\n{"type":"step","item_id":"x","st');
        const source = openTeachSource(s, kit);
        expect(source.kind).toBe("session");
        expect(source.entries.map((e) => e.itemId)).toEqual([a!.item.id, b!.item.id]);
        expect(source.entries[0]!.open().stages[0]!.text).toBe(a!.steps[0]!.output);
    });

    it("a broken record names the file, the line and the field", () => {
        const s = join(dir, "broken");
        mkdirSync(s);
        const bad = structuredClone(records()[0]!) as unknown as Record<string, unknown>;
        (bad.steps as Record<string, unknown>[])[1]!.verdict = { correct: "yes" };
        writeFileSync(join(s, "steps.jsonl"), [JSON.stringify({ type: "begin" }), JSON.stringify({ type: "item", record: bad }), JSON.stringify({ type: "begin" })].join("\n") + "\n");
        expect(() => openTeachSource(s, kit)).toThrow(`${join(s, "steps.jsonl")}:2 (record): field "steps[1].verdict.correct" must be true or false`);
        writeFileSync(join(s, "steps.jsonl"), ['{"type":"begin"}', "{not json", '{"type":"begin"}'].join("\n") + "\n");
        expect(() => openTeachSource(s, kit)).toThrow(`${join(s, "steps.jsonl")}:2: not JSON`);
        const setFile = join(dir, "bad-set.jsonl");
        writeFileSync(setFile, `${JSON.stringify({ schema: "reflect-lab/teach-set@1" })}\n${JSON.stringify({ record: records()[0] })}\n`);
        expect(() => openTeachSource(setFile, kit)).toThrow(`${setFile}:2: field "provenance" must say where the chain was recorded`);
        writeFileSync(setFile, `${JSON.stringify({ schema: "other" })}\n`);
        expect(() => openTeachSource(setFile, kit)).toThrow(`${setFile}:1: field "schema" must be "reflect-lab/teach-set@1"`);
        expect(() => openTeachSource(join(dir, "nope"), kit)).toThrow("no such file or folder");
    });

    it("a saved set round-trips: picked chains, their provenance and header counts", () => {
        const source = openTeachSource(DEFAULT_TEACH_SET, kit);
        const picked = pickExamples(source, DEFAULT_PICK);
        expect(picked.length).toBeGreaterThan(0);
        // One chain per item and outcome, corrected first.
        expect(picked[0]!.entry.outcome).toBe("corrected");
        const keys = picked.map((p) => `${p.entry.outcome}/${p.entry.itemId}`);
        expect(new Set(keys).size).toBe(keys.length);
        const { header, examples } = teachSetOf(source, picked, "test");
        const file = join(dir, "saved.jsonl");
        writeTeachSet(file, header, examples);
        const back = readTeachSet(file);
        expect(back.examples.map((e) => e.record)).toEqual(picked.map((p) => p.walkthrough.record));
        expect(back.examples.map((e) => e.provenance)).toEqual(picked.map((p) => p.walkthrough.source.provenance));
        expect(Object.values(back.header.outcomes).reduce((a, b) => a + b, 0)).toBe(picked.length);
        expect(() => teachSetOf(source, [], "test")).toThrow("no examples to save");
    });
});

describe("teach without a TTY", () => {
    const register = (p: import("commander").Command) => addTeachCommand(p, new SettingsStore(), () => {
        throw new Error("no settings needed to replay");
    });

    it("prints the shipped corrected examples as Markdown, no model loaded", async () => {
        const { out, code } = await runCommand(register, ["teach"]);
        expect(code ?? 0).toBe(0);
        const first = readTeachSet(DEFAULT_TEACH_SET).examples[0]!.record;
        expect(out).toContain(first.item.question.split("\n")[0]!);
        expect(out).toContain("### Turn 1 · the self-reflection");
        expect(out).toContain("**CORRECT**");
    });

    it("exports one chain of a set by item and sample, and names what exists when the item is unknown", async () => {
        const first = readTeachSet(DEFAULT_TEACH_SET).examples[0]!;
        const file = join(dir, "one.md");
        const key = `${first.record.sample!.instruction_key}#${first.record.sample!.sample_index}`;
        const { err } = await runCommand(register, ["teach", "--item", first.record.item.id, "--sample", key, "--export", file]);
        expect(err).toMatch(/wrote .*one\.md \(md, 1 walkthrough/);
        expect(readFileSync(file, "utf8")).toContain(`instruction ${first.record.sample!.instruction_key}`);
        // Unknown ones exit 2 with what there is (a separate process: the command exits).
        const cli = join(import.meta.dirname, "..", "bin", "reflect-lab.js");
        const bad = await run(process.execPath, [cli, "teach", "--item", "nope-1"]).catch((e: { code: number; stderr: string }) => e);
        expect((bad as { code: number }).code).toBe(2);
        expect((bad as { stderr: string }).stderr).toContain(`has no recorded chain for item "nope-1"; items: ${first.record.item.id}`);
        const badSample = await run(process.execPath, [cli, "teach", "--item", first.record.item.id, "--sample", "9-9-9#0"]).catch((e: { code: number; stderr: string }) => e);
        expect((badSample as { stderr: string }).stderr).toContain(`has no sample "9-9-9#0"; its samples: ${key}`);
    });
});
