// End to end on the real default model: the real backend, engine, verifiers and recorder.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { closeLab, openLab, startLoop, type Lab } from "../src/lab.js";
import { DEFAULT_SETTINGS } from "../src/settings.js";
import { DEMO_TASKS } from "../src/tasks/demo.js";
import { closeMathWorker } from "../src/verify/math.js";
import type { ItemRecord } from "../src/engine/types.js";

let lab: Lab;
const sessions = mkdtempSync(join(tmpdir(), "rl-e2e-"));

beforeAll(async () => {
    lab = await openLab({ settings: { ...DEFAULT_SETTINGS, maxTokens: 96, instructions: "fixed:1-1-2" }, kind: "ask", sessionsDir: sessions });
});

afterAll(async () => {
    await closeLab(lab);
    closeMathWorker();
    rmSync(sessions, { recursive: true, force: true });
});

describe("the reflection loop on the real default model", () => {
    it("loads SmolLM2 through node-llama-cpp and reports backend, layers and context", () => {
        const b = lab.backend.info;
        expect(b.kind).toBe("node-llama-cpp");
        expect(b.modelFile).toBe("SmolLM2-135M-Instruct.Q4_1.gguf");
        expect(b.modelSha256).toBe("b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53");
        expect(b.compute).toBe("cpu"); // no GPU on CI machines; the GPU path is the same API with gpu: "auto"
        expect(b.gpuLayers).toBe(0);
        expect(b.totalLayers).toBeGreaterThan(20);
        expect(b.contextSize).toBe(4096);
    });

    it("runs answer, verdict, reflection and turn 2 on a failed item, recording prompts before outputs", async () => {
        // The 135M model fails most demo items; take the first one it gets wrong.
        let record: ItemRecord | undefined;
        for (const item of DEMO_TASKS.items.filter((i) => i.family === "math" || i.family === "mc").slice(0, 8)) {
            const loop = startLoop(lab, item);
            const r = await loop.runToEnd();
            if (!r.correct_by_turn[0]) {
                record = r;
                break;
            }
        }
        expect(record, "the default model answered all tried items correctly").toBeDefined();
        const r = record!;
        expect(r.status).toBe("done");
        expect(r.steps.map((s) => `${s.kind}${s.turn}`)).toEqual(["answer1", "verify1", "reflect1", "correct2", "verify2"]);
        expect(r.steps[1]!.verdict).toMatchObject({ correct: false, mode: "oracle" });
        const [answer, , reflect, correct] = r.steps;
        expect(reflect!.instruction_key).toBe("1-1-2");
        for (const s of [answer!, reflect!, correct!]) {
            expect(s.output!.length).toBeGreaterThan(0);
            expect(s.output_tokens).toBeGreaterThan(0);
            expect(s.prompt).toBe(lab.backend.renderPrompt(s.messages!));
            // The chat template comes from the model: SmolLM2 uses ChatML markers.
            expect(s.prompt).toContain("<|im_start|>user");
        }
        // Turn 2 extends turn 1's conversation, so only the new part is evaluated on the same sequence.
        expect(correct!.prompt!.startsWith(reflect!.prompt!.slice(0, 40))).toBe(true);
        expect(correct!.prompt_tokens!).toBeLessThan(lab.backend.renderPrompt(correct!.messages!).length / 2);
        expect(r.correct_by_turn).toHaveLength(2);
        expect(r.model.sha256).toBe(lab.backend.info.modelSha256);

        // The session file: each prompt line precedes its step line and holds exactly the prompt sent.
        const lines = readFileSync(lab.recorder.stepsFile, "utf8").trim().split("\n").map((l) => JSON.parse(l));
        const mine = lines.filter((l) => l.item_id === r.item.id || l.record?.item.id === r.item.id);
        const kinds = mine.map((l) => (l.type === "prompt" ? `prompt:${l.kind}` : l.type === "step" ? `step:${l.step.kind}` : l.type));
        expect(kinds).toEqual(["begin", "prompt:answer", "step:answer", "step:verify", "prompt:reflect", "step:reflect", "prompt:correct", "step:correct", "step:verify", "item"]);
        const prompts = mine.filter((l) => l.type === "prompt");
        expect(prompts.map((p) => p.prompt)).toEqual([answer!.prompt, reflect!.prompt, correct!.prompt]);
        const finalRecord = mine.at(-1).record as ItemRecord;
        expect(finalRecord.steps.map((s) => s.output)).toEqual(r.steps.map((s) => s.output));
        expect(finalRecord.config.sampler.temperature).toBe(0.8);
        const manifest = JSON.parse(readFileSync(join(lab.recorder.dir, "manifest.json"), "utf8"));
        expect(manifest.model.sha256).toBe(lab.backend.info.modelSha256);
        expect(manifest.backend.compute).toBe("cpu");
    }, 180_000);

    it("gives the same turn-1 answer for the same seed", async () => {
        const item = DEMO_TASKS.items.find((i) => i.family === "math")!;
        const l1 = startLoop(lab, item);
        await l1.next();
        const l2 = startLoop(lab, item);
        await l2.next();
        expect(l2.record.steps[0]!.output).toBe(l1.record.steps[0]!.output);
        expect(l2.record.steps[0]!.seed).toBe(l1.record.steps[0]!.seed);
    }, 60_000);
});

describe("abort on the real model", () => {
    it("records an abort before the first token as aborted, not as an error", async () => {
        const item = DEMO_TASKS.items[0]!;
        const loop = startLoop(lab, item);
        const p = loop.next();
        loop.abort();
        await p;
        expect(loop.record.status).toBe("aborted");
        expect(loop.record.steps[0]!.stop_reason).toBe("abort");
        // The backend is still usable afterwards.
        const again = startLoop(lab, item);
        await again.next();
        expect(again.record.steps[0]!.output!.length).toBeGreaterThan(0);
    }, 60_000);
});
