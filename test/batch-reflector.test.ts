// A trained reflector/corrector in batch runs, on scripted slots: which backend makes which step, per slot,
// what the records and the manifest say, and resume refusing a changed adapter.
import { afterAll, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ChatMessage, ParallelBackend } from "../src/backend/types.js";
import { describeReflector, reflectorFromAdapters, reflectorFromTraining, roleModels } from "../src/batch/reflector.js";
import type { RunManifest } from "../src/batch/runs.js";
import { startBatch } from "../src/batch/session.js";
import { RunStore } from "../src/batch/store.js";
import type { BatchConfig, BatchEvent } from "../src/batch/types.js";
import type { ItemRecord } from "../src/engine/types.js";
import { closeMathWorker } from "../src/verify/math.js";
import { DEFAULT_SETTINGS } from "../src/settings.js";
import { loadInstructionPool } from "../src/prompts/pool.js";
import { PROMPTS_DIR } from "../src/paths.js";
import { formDefaults, formRequest } from "../views/batch/formModel.js";
import { tinyConfig, tinyTasks } from "./helpers/batchTasks.js";
import { ScriptedBackend } from "./helpers/scriptedBackend.js";

const dir = mkdtempSync(join(tmpdir(), "rl-reflector-"));
afterAll(() => {
    closeMathWorker();
    rmSync(dir, { recursive: true, force: true });
});

const hardware = { gpu: "cpu", gpuLayers: "auto", vramCapMiB: null, threads: null } as const;
const itemOf = (m: ChatMessage[]) => Number(/What is (\d+) \+ 1/.exec(m[0]!.content)![1]);
const isSelfVerify = (m: ChatMessage[]) => m.length === 1 && m[0]!.content.includes("Proposed answer:");
const isReflect = (m: ChatMessage[]) => m.at(-1)!.content.startsWith("Your answer is incorrect");
const isCorrect = (m: ChatMessage[]) => m.at(-1)!.content.startsWith("Now answer the question again");

/** The base model: odd items wrong at turn 1; in self mode it judges "Final answer: 0" incorrect. Never reflects or corrects. */
const baseScript = (m: ChatMessage[]) => {
    if (isSelfVerify(m)) return m[0]!.content.includes("Final answer: 0") ? "Verdict: incorrect" : "Verdict: correct";
    if (m.length !== 1) throw new Error("the base model got a reflect/correct prompt");
    const i = itemOf(m);
    return `Final answer: ${i % 2 === 0 ? i + 1 : 0}`;
};
const reflectScript = (m: ChatMessage[]) => {
    if (!isReflect(m)) throw new Error("the reflector got another prompt");
    return `Trained reflection on ${itemOf(m)}: add one.`;
};
const correctScript = (m: ChatMessage[]) => {
    if (!isCorrect(m)) throw new Error("the corrector got another prompt");
    return `Final answer: ${itemOf(m) + 1}`;
};

/** P scripted slots with their own model identity, each remembering its calls. */
function slots(n: number, script: (m: ChatMessage[]) => string, info: { modelFile: string; adapters: string[] }, delay = 1): Omit<ParallelBackend, "slots"> & { slots: ScriptedBackend[] } {
    const backends = Array.from({ length: n }, () => {
        const b = new ScriptedBackend((m) => script(m), { chunkDelayMs: delay });
        Object.assign(b.info, info, { modelSha256: createHash("sha256").update(info.modelFile).digest("hex") });
        return b;
    });
    return { info: { ...backends[0]!.info, sequences: n }, slots: backends, dispose: async () => {} };
}

function adapter(name: string, content: string): string {
    const p = join(dir, name);
    writeFileSync(p, content);
    return p;
}

function records(out: string): ItemRecord[] {
    const s = RunStore.open(out);
    try {
        return [...s.sampleRecords()].map((r) => JSON.parse(r.record) as ItemRecord);
    } finally {
        s.close();
    }
}

const sha = (s: string) => createHash("sha256").update(s).digest("hex");

describe("a trained reflector/corrector in batch runs", () => {
    it("runs answer and verify on the base slots, reflect on the reflector's slot i and correct on the corrector's slot i", async () => {
        const file = tinyTasks(join(dir, "t.jsonl"), 9);
        const rA = adapter("reflector.gguf", "reflector adapter v1");
        const cA = adapter("corrector.gguf", "corrector adapter v1");
        const config: BatchConfig = tinyConfig(file, { k: 2, parallel: 3, verifier: "self", reflector: reflectorFromAdapters(rA, cA) });
        const base = slots(3, baseScript, { modelFile: "base.gguf", adapters: [] });
        const reflect = slots(3, reflectScript, { modelFile: "base.gguf", adapters: ["reflector.gguf"] });
        const correct = slots(3, correctScript, { modelFile: "base.gguf", adapters: ["corrector.gguf"] });
        const events: BatchEvent[] = [];
        const out = join(dir, "run-roles");
        const summary = await startBatch({ config, out, hardware, backend: base, roles: { reflect, correct }, onEvent: (e) => events.push(e) });
        expect(summary).toMatchObject({ done: 9, errors: 0 });

        // Base slots: turn-1 answers and self verification only (9 answers, 9 turn-1 verdicts, 4 odd items x 2 chains turn-2 verdicts).
        const baseCalls = base.slots.flatMap((s) => s.calls.map((c) => c.messages));
        expect(baseCalls.filter((m) => m.length === 1 && !isSelfVerify(m))).toHaveLength(9);
        expect(baseCalls.filter(isSelfVerify)).toHaveLength(9 + 4 * 2);
        expect(baseCalls.every((m) => m.length === 1)).toBe(true);
        // Role slots: only their own step kind, one per chain.
        expect(reflect.slots.flatMap((s) => s.calls.map((c) => c.messages)).every(isReflect)).toBe(true);
        expect(correct.slots.flatMap((s) => s.calls.map((c) => c.messages)).every(isCorrect)).toBe(true);
        expect(reflect.slots.reduce((a, s) => a + s.calls.length, 0)).toBe(4 * 2);
        expect(correct.slots.reduce((a, s) => a + s.calls.length, 0)).toBe(4 * 2);

        // Per slot: the reflections (corrections) slot i announced are exactly those the role backend's slot i made.
        for (const [phase, role] of [
            ["reflect", reflect],
            ["correct", correct]
        ] as const) {
            for (let i = 0; i < 3; i++) {
                const announced = events.filter((e) => e.type === "slot" && e.slot === i && e.phase === phase).map((e) => (e as { itemId: string }).itemId);
                const made = role.slots[i]!.calls.map((c) => `q${itemOf(c.messages)}`);
                expect(made).toEqual(announced);
            }
        }
        const announcedSlots = new Set(events.filter((e) => e.type === "slot" && e.phase === "reflect").map((e) => (e as { slot: number }).slot));
        expect(announcedSlots.size).toBeGreaterThan(1);

        // Records: the record's model is the generator; role steps name theirs.
        const recs = records(out);
        expect(recs).toHaveLength(8);
        for (const r of recs) {
            expect(r.model).toMatchObject({ file: "base.gguf", adapters: [] });
            expect(r.steps.map((s) => s.kind)).toEqual(["answer", "verify", "reflect", "correct", "verify"]);
            const [answer, v1, refl, corr, v2] = r.steps;
            expect(answer!.model).toBeUndefined();
            expect(v1!.model).toBeUndefined();
            expect(v2!.model).toBeUndefined();
            expect(refl!.model).toEqual({ file: "base.gguf", sha256: sha("base.gguf"), adapters: ["reflector.gguf"] });
            expect(corr!.model).toEqual({ file: "base.gguf", sha256: sha("base.gguf"), adapters: ["corrector.gguf"] });
            expect(refl!.output).toMatch(/^Trained reflection/);
            expect(r.correct_by_turn).toEqual([false, true]);
        }

        // The manifest: the spec in the config and every file's hash.
        const m = RunStore.readManifest<RunManifest>(out);
        expect(m.config.reflector).toEqual({ reflect: { adapter: rA }, correct: { adapter: cA } });
        expect(m.reflector).toEqual({
            files: [
                { kind: "adapter", roles: ["reflect"], path: rA, file: "reflector.gguf", sha256: sha("reflector adapter v1") },
                { kind: "adapter", roles: ["correct"], path: cA, file: "corrector.gguf", sha256: sha("corrector adapter v1") }
            ]
        });
        // The dashboard's state line says a trained reflector is in use.
        const state = events.find((e) => e.type === "state") as { message: string } | undefined;
        expect(state?.message).toContain("reflect: adapter reflector.gguf, correct: adapter corrector.gguf");
    });

    it("shares one file between both roles and refuses to resume when an adapter changed or vanished", async () => {
        const file = tinyTasks(join(dir, "r.jsonl"), 4);
        const a = adapter("both.gguf", "one adapter v1");
        const spec = reflectorFromAdapters(a);
        expect(roleModels(spec)).toEqual([{ key: `adapter:${a}`, kind: "adapter", path: a, roles: ["reflect", "correct"] }]);
        const config = tinyConfig(file, { parallel: 2, reflector: spec });
        const out = join(dir, "run-resume");
        const role = () => slots(2, (m) => (isReflect(m) ? reflectScript(m) : correctScript(m)), { modelFile: "base.gguf", adapters: ["both.gguf"] }, 0);
        const shared = role();
        const ac = new AbortController();
        let n = 0;
        const first = await startBatch({
            config,
            out,
            hardware,
            backend: slots(2, baseScript, { modelFile: "base.gguf", adapters: [] }, 2),
            roles: { reflect: shared, correct: shared },
            signal: ac.signal,
            onEvent: (e) => {
                if (e.type === "item" && ++n === 1) ac.abort();
            }
        });
        expect(first.interrupted).toBe(true);
        expect(RunStore.readManifest<RunManifest>(out).reflector!.files).toEqual([{ kind: "adapter", roles: ["reflect", "correct"], path: a, file: "both.gguf", sha256: sha("one adapter v1") }]);

        const resume = (cfg: BatchConfig) =>
            startBatch({ config: cfg, out, hardware, resume: true, backend: slots(2, baseScript, { modelFile: "base.gguf", adapters: [] }, 0), roles: { reflect: role(), correct: role() } });
        writeFileSync(a, "one adapter v2, retrained");
        await expect(resume(config)).rejects.toThrow(/both\.gguf changed since this run started.*mix two reflectors/);
        rmSync(a);
        await expect(resume(config)).rejects.toThrow(/corrector's adapter is missing|reflector's adapter is missing/);
        writeFileSync(a, "one adapter v1");
        // The stored config decides on resume, whatever the request says.
        const done = await resume({ ...config, reflector: null });
        expect(done).toMatchObject({ done: 4, errors: 0, interrupted: false });
        for (const r of records(out)) expect(r.steps.find((s) => s.kind === "reflect")!.model!.adapters).toEqual(["both.gguf"]);
    });

    it("loads manifests from before trained reflectors as the base model, and resumes them", async () => {
        const file = tinyTasks(join(dir, "old.jsonl"), 4);
        const out = join(dir, "run-old");
        const base = () => slots(2, (m) => (m.length === 1 ? baseScript(m) : isReflect(m) ? "a reflection" : "Final answer: 1"), { modelFile: "base.gguf", adapters: [] }, 0);
        const cfg = tinyConfig(file, { parallel: 2 });
        delete cfg.reflector;
        const s1 = await startBatch({ config: cfg, out, hardware, backend: base() });
        expect(s1.done).toBe(4);
        const m = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
        expect(m.config.reflector).toBeNull();
        expect(m.reflector).toBeNull();
        delete m.config.reflector;
        delete m.reflector;
        writeFileSync(join(out, "manifest.json"), JSON.stringify(m));
        const s2 = await startBatch({ config: cfg, out, hardware, backend: base(), resume: true });
        expect(s2).toMatchObject({ done: 4, errors: 0 });
        expect(describeReflector(RunStore.readManifest<RunManifest>(out).config.reflector)).toBe("base model");
    });

    it("refuses role backends with fewer slots than the generator", async () => {
        const file = tinyTasks(join(dir, "few.jsonl"), 2);
        const spec = reflectorFromAdapters(adapter("few.gguf", "x"));
        await expect(
            startBatch({ config: tinyConfig(file, { parallel: 3, reflector: spec }), out: join(dir, "run-few"), hardware, backend: slots(3, baseScript, { modelFile: "b", adapters: [] }), roles: { reflect: slots(2, reflectScript, { modelFile: "b", adapters: [] }) } })
        ).rejects.toThrow(/reflect backend has 2 slots, fewer than the generator's 3/);
    });

    it("reads a finished training run folder, and says clearly when it is not one", () => {
        const t = join(dir, "train-2stage");
        mkdirSync(join(t, "reflector"), { recursive: true });
        expect(() => reflectorFromTraining(join(dir, "nope"))).toThrow(/training run folder not found/);
        expect(() => reflectorFromTraining(t)).toThrow(/has no result\.json: the training run has not finished/);
        writeFileSync(join(t, "result.json"), JSON.stringify({ setting: "two-stage", base: { file: "/m/base.gguf", sha256: "a".repeat(64) }, reflector: { adapter: "reflector/adapter.gguf" }, corrector: { model: "/abs/corrector.gguf" } }));
        const spec = reflectorFromTraining(t);
        expect(spec).toEqual({ source: t, base: { file: "/m/base.gguf", sha256: "a".repeat(64) }, reflect: { adapter: join(t, "reflector/adapter.gguf") }, correct: { model: "/abs/corrector.gguf" } });
        expect(describeReflector(spec)).toBe("trained train-2stage (reflect: adapter adapter.gguf, correct: model corrector.gguf)");
        expect(() => roleModels(spec)).toThrow(/trained reflector's adapter is missing/);
        writeFileSync(join(t, "result.json"), JSON.stringify({ setting: "one-stage", base: { file: "b", sha256: "" }, reflector: {}, corrector: {} }));
        expect(() => reflectorFromTraining(t)).toThrow(/names no reflector adapter or model/);
    });

    it("takes the batch form's trained run folder (empty = the base model; ignored on resume)", () => {
        const pool = loadInstructionPool(PROMPTS_DIR);
        const t = join(dir, "train-form");
        mkdirSync(t, { recursive: true });
        const values = formDefaults(DEFAULT_SETTINGS, { instructionKey: "1-1-1", pool, runs: [] }, dir);
        expect(values.trained).toBe("");
        expect(formRequest(values, DEFAULT_SETTINGS, pool).config.reflector).toBeNull();
        expect(() => formRequest({ ...values, trained: t }, DEFAULT_SETTINGS, pool)).toThrow(/^trained: .*has no result\.json/);
        writeFileSync(join(t, "result.json"), JSON.stringify({ setting: "one-stage", base: { file: "b.gguf", sha256: "" }, reflector: { adapter: "a.gguf" }, corrector: { adapter: "a.gguf" } }));
        expect(formRequest({ ...values, trained: t }, DEFAULT_SETTINGS, pool).config.reflector).toEqual({ source: t, reflect: { adapter: join(t, "a.gguf") }, correct: { adapter: join(t, "a.gguf") } });
        expect(formRequest({ ...values, trained: t, resume: join(dir, "some-run") }, DEFAULT_SETTINGS, pool).config.reflector).toBeNull();
    });
});
