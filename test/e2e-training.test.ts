// The whole training path on the real default model, on CPU: a stored real run -> curation (D+, D±,
// D_pref) -> each of the paper's four settings for a few steps (TRL in training/.venv) -> LoRA adapter
// as GGUF -> node-llama-cpp loads base + adapter, generates, and the adapter moves the model's
// probabilities the way it was trained -> a batch with the trained reflector, compared with the base.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LlamaHost } from "../src/backend/llama.js";
import { startManagedServer } from "../src/backend/managedServer.js";
import type { ChatMessage } from "../src/backend/types.js";
import { compareRuns } from "../src/batch/compare.js";
import { reflectorFromTraining } from "../src/batch/reflector.js";
import { startBatch } from "../src/batch/session.js";
import { RunStore } from "../src/batch/store.js";
import type { BatchConfig } from "../src/batch/types.js";
import { exportCuration, type CurationSummary } from "../src/curate/export.js";
import type { PreferenceJudge } from "../src/curate/judge.js";
import { defaultOptions } from "../src/curate/options.js";
import type { PreferenceRow, SftRow } from "../src/curate/types.js";
import type { ItemRecord } from "../src/engine/types.js";
import { PROJECT_ROOT } from "../src/paths.js";
import { trainerPaths } from "../src/training/command.js";
import { launchTraining } from "../src/training/launcher.js";
import type { TrainerEvent, TrainingOutcome, TrainingSetting } from "../src/training/types.js";

const dir = mkdtempSync(join(tmpdir(), "rl-train-e2e-"));
const run = join(dir, "run");
const data = join(dir, "curated");
const python = trainerPaths().python;
let summary: CurationSummary;

/**
 * Stand-in for the teacher (an OpenAI-compatible judge arrives with issue 5): prefers the reflection
 * that says more, ties on equal length. The trainer's D_pref path is what is under test here.
 */
const lengthJudge: PreferenceJudge = {
    model: "test-length-judge",
    judge: async (_prompt, a, b) => (a.content.length === b.content.length ? { winner: "tie", reason: "same length" } : { winner: a.content.length > b.content.length ? "a" : "b", reason: "more specific (longer)" })
};

const readJsonl = <T>(file: string): T[] => readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as T);

beforeAll(async () => {
    cpSync(join(PROJECT_ROOT, "test", "fixtures", "runs", "smollm2-demo"), run, { recursive: true });
    // Every question on the training side: the fixture has only a handful of corrected questions.
    summary = await exportCuration({ runs: [run], options: defaultOptions({ sets: ["dplus", "dpm", "dpref"], evalFraction: 0 }), out: data, judge: lengthJudge });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("curation of a real run", () => {
    it("finds D+, D± and judged D_pref rows", () => {
        expect(summary.counts.dplus?.train).toBeGreaterThanOrEqual(2);
        expect(summary.counts.dpm?.train).toBeGreaterThanOrEqual(2);
        expect(summary.counts.dpref?.train).toBeGreaterThanOrEqual(2);
    });

    it("renders training prompts with the same tokens the lab feeds at evaluation (the model's own template)", async () => {
        const row = readJsonl<SftRow>(join(data, "sft.one-stage.train.jsonl"))[0]!;
        const context = row.messages.slice(0, -1);
        const py = `import json,sys\nfrom transformers import AutoTokenizer\nsys.path.insert(0, ${JSON.stringify(join(PROJECT_ROOT, "training"))})\nfrom reflect_train.base import resolve_base\nb = resolve_base(${JSON.stringify(join(PROJECT_ROOT, "models", "SmolLM2-135M-Instruct.Q4_1.gguf"))}, log=lambda m: None)\nt = AutoTokenizer.from_pretrained(b.hf_dir)\nm = json.loads(sys.stdin.read())\ntext = t.apply_chat_template(m, tokenize=False, add_generation_prompt=True)\nprint(json.dumps({"text": text, "ids": t(text, add_special_tokens=False)["input_ids"]}))`;
        const out = JSON.parse(execFileSync(python, ["-c", py], { input: JSON.stringify(context), encoding: "utf8", env: { ...process.env, HF_HUB_OFFLINE: "1" }, stdio: ["pipe", "pipe", "ignore"] })) as { text: string; ids: number[] };
        const host = await LlamaHost.load({ model: "default", contextSize: 2048, sequences: 1, threads: 2 });
        try {
            expect(host.slots[0]!.renderPrompt(context)).toBe(out.text);
            expect([...host.tokens(context)]).toEqual(out.ids);
        } finally {
            await host.dispose();
        }
    }, 120_000);
});

// A few optimizer steps each; learning rates above the paper's so that 2 steps move the model measurably.
const SETTINGS: { setting: TrainingSetting; lr: number }[] = [
    { setting: "one-stage", lr: 2e-3 },
    { setting: "two-stage", lr: 2e-3 },
    { setting: "dpo-pref", lr: 1e-3 },
    { setting: "dpo-pm", lr: 1e-3 }
];
const outcomes = new Map<TrainingSetting, TrainingOutcome>();

describe("the four training settings on CPU", () => {
    for (const { setting, lr } of SETTINGS) {
        it(`${setting}: trains, logs finite losses, writes a GGUF adapter`, async () => {
            const out = join(dir, `train-${setting}`);
            const events: TrainerEvent[] = [];
            const t0 = performance.now();
            const training = launchTraining(
                { setting, data, out, hyper: { maxSteps: 3, batchSize: 2, gradAccum: 1, lr, beta: 0.1, loggingSteps: 1, saveSteps: 3, evalSteps: 50, threads: 2 } },
                { onEvent: (e) => events.push(e) }
            );
            const outcome = await training.finished;
            console.log(`[e2e-training] ${setting}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
            if (outcome.status !== "done") throw new Error(`${setting} ${outcome.status}: ${outcome.reason}\n${outcome.lastLines.join("\n")}`);
            outcomes.set(setting, outcome);

            const logs = events.filter((e): e is Extract<TrainerEvent, { event: "log" }> => e.event === "log" && e.loss !== undefined);
            const stages = setting === "two-stage" ? ["reflector", "corrector"] : [setting.startsWith("dpo") ? "dpo" : "sft"];
            for (const stage of stages) {
                const own = logs.filter((l) => l.stage === stage);
                expect(own.map((l) => l.step)).toEqual([1, 2, 3]);
                for (const l of own) {
                    expect(Number.isFinite(l.loss)).toBe(true);
                    expect(l.total_steps).toBe(3);
                    expect(l.elapsed_s).toBeGreaterThan(0);
                }
                if (stage === "dpo") expect(own.some((l) => l.rewards_margin !== undefined)).toBe(true);
            }
            // log.jsonl on disk holds the same lines the launcher reported.
            expect(readJsonl<TrainerEvent>(join(out, "log.jsonl")).filter((e) => e.event === "log" && e.loss !== undefined)).toHaveLength(logs.length);
            const result = outcome.result!;
            for (const role of [result.reflector, result.corrector]) {
                expect(role.adapter).toMatch(/adapter\.gguf$/);
                expect(statSync(role.adapter!).size).toBeGreaterThan(100_000);
            }
            if (setting === "two-stage") expect(result.reflector.adapter).not.toBe(result.corrector.adapter);
        }, 600_000);
    }
});

describe("node-llama-cpp loads base + trained adapter", () => {
    it("generates with each adapter, and each adapter raises what it was trained to raise", async () => {
        const sft = readJsonl<SftRow>(join(data, "sft.reflector.train.jsonl"))[0]!;
        const pair = readJsonl<PreferenceRow>(join(data, "pref.dpm.train.jsonl"))[0]!;
        const prefPair = readJsonl<PreferenceRow>(join(data, "pref.dpref.train.jsonl"))[0]!;
        const target = (m: ChatMessage[]) => m[m.length - 1]!.content;
        const score = async (host: LlamaHost) => ({
            sft: (await host.scoreReply(sft.messages.slice(0, -1), target(sft.messages))).mean,
            dpm: (await host.scoreReply(pair.prompt, target(pair.chosen))).logprob - (await host.scoreReply(pair.prompt, target(pair.rejected))).logprob,
            dpref: (await host.scoreReply(prefPair.prompt, target(prefPair.chosen))).logprob - (await host.scoreReply(prefPair.prompt, target(prefPair.rejected))).logprob
        });
        const sampler = { temperature: 0, topK: 1, topP: 1, minP: 0, repeatPenalty: 1, seed: 1, maxTokens: 24 };
        const generate = async (host: LlamaHost) => (await host.slots[0]!.generate({ messages: sft.messages.slice(0, -1), sampler })).text;

        const base = await LlamaHost.load({ model: "default", contextSize: 2048, sequences: 1, threads: 2 });
        const before = await score(base);
        const baseText = await generate(base);
        await base.dispose();

        const checks: Record<TrainingSetting, (s: typeof before) => [number, number]> = {
            "one-stage": (s) => [s.sft, before.sft],
            "two-stage": (s) => [s.sft, before.sft],
            "dpo-pref": (s) => [s.dpref, before.dpref],
            "dpo-pm": (s) => [s.dpm, before.dpm]
        };
        for (const { setting } of SETTINGS) {
            const adapter = outcomes.get(setting)!.result!.reflector.adapter!;
            const host = await LlamaHost.load({ model: "default", contextSize: 2048, sequences: 1, threads: 2, lora: [{ path: adapter }] });
            try {
                expect(host.info.adapters).toEqual(["adapter.gguf"]);
                const text = await generate(host);
                expect(text.trim().length).toBeGreaterThan(0);
                const [after, was] = checks[setting](await score(host));
                console.log(`[e2e-training] ${setting}: trained quantity ${was.toFixed(3)} -> ${after.toFixed(3)}; greedy reply ${text === baseText ? "unchanged" : "changed"}`);
                expect(after).toBeGreaterThan(was);
            } finally {
                await host.dispose();
            }
        }
    }, 300_000);
});

describe("the managed llama-server serves the trained adapter", () => {
    it("greedy replies with the adapter switched on per request match node-llama-cpp with the adapter applied; off, they match the base", async () => {
        const sft = readJsonl<SftRow>(join(data, "sft.reflector.train.jsonl"))[0]!;
        const messages = sft.messages.slice(0, -1);
        const sampler = { temperature: 0, topK: 1, topP: 1, minP: 0, repeatPenalty: 1, seed: 1, maxTokens: 24 };
        const adapter = outcomes.get("one-stage")!.result!.reflector.adapter!;
        // A few training steps move probabilities, not the greedy reply (see above): so whether the adapter is on
        // is read from the first token's log-probability, and the replies are compared with node-llama-cpp.
        const scale = 4;
        // The first words: two builds of the same kernels may part ways late in a greedy reply, not early.
        const head = (t: string) => t.trim().split(/\s+/).slice(0, 8).join(" ");
        const nodeText = async (lora?: string) => {
            const host = await LlamaHost.load({ model: "default", contextSize: 2048, sequences: 1, threads: 2, lora: lora ? [{ path: lora, scale }] : undefined });
            try {
                return (await host.slots[0]!.generate({ messages, sampler })).text;
            } finally {
                await host.dispose();
            }
        };
        const nodeBase = await nodeText();
        const nodeTrained = await nodeText(adapter);
        const server = await startManagedServer({ parallel: 1, contextSize: 2048, threads: 2, adapters: [adapter] });
        try {
            const trainedHost = await server.withAdapter(adapter, scale);
            expect(trainedHost.info.adapters).toEqual(["adapter.gguf"]);
            const serverBase = (await server.slots[0]!.generate({ messages, sampler })).text;
            const serverTrained = (await trainedHost.slots[0]!.generate({ messages, sampler })).text;
            // Base again after the adapter ran on the same slot: its cache must not leak the adapter's state.
            const serverBaseAgain = (await server.slots[0]!.generate({ messages, sampler })).text;
            console.log(`[e2e-training] server LoRA: base ${JSON.stringify(head(serverBase))} · trained ${JSON.stringify(head(serverTrained))} · node trained ${JSON.stringify(head(nodeTrained))}`);
            expect(head(serverBase).length).toBeGreaterThan(0);
            expect(head(serverBase)).toBe(head(nodeBase));
            expect(head(serverTrained)).toBe(head(nodeTrained));
            expect(serverBaseAgain).toBe(serverBase);
            // The first token's log-probability with the adapter switched on in the request, off, and off again, each
            // evaluated from scratch (no prompt cache): a prompt evaluated in other batch sizes differs in the last digits.
            const firstLogprob = async (lora: number) => {
                const r = (await server.post("/v1/chat/completions", { messages, max_tokens: 1, temperature: 0, logprobs: true, top_logprobs: 1, id_slot: 0, cache_prompt: false, lora: [{ id: 0, scale: lora }] })) as { choices: { logprobs: { content: { logprob: number }[] } }[] };
                const lp = r.choices[0]!.logprobs.content[0]!.logprob;
                expect(Number.isFinite(lp)).toBe(true);
                return lp;
            };
            const off = await firstLogprob(0);
            const on = await firstLogprob(scale);
            const offAgain = await firstLogprob(0);
            console.log(`[e2e-training] server LoRA first-token logprob: off ${off.toFixed(4)} · on ${on.toFixed(4)} · off again ${offAgain.toFixed(4)}`);
            expect(Math.abs(on - off)).toBeGreaterThan(1e-3);
            expect(Math.abs(offAgain - off)).toBeLessThan(1e-4);
        } finally {
            await server.dispose();
        }
    }, 300_000);
});

describe("measuring the trained reflector", () => {
    it("a batch uses the base for turn 1 and the adapter to reflect and correct; compare lines the runs up", async () => {
        const config: BatchConfig = {
            tasks: ["demo"], format: "auto", limit: 4, parallel: 2, k: 1, instructions: { kind: "fixed", keys: ["1-1-1"] }, maxTurns: 2, mode: "reflect", verifier: "oracle",
            sampler: { temperature: 0.8, topK: 40, topP: 0.95, minP: 0.05, repeatPenalty: 1.1, seed: 5, maxTokens: 48 }, model: "default", contextSize: 2048, reflector: null
        };
        const hardware = { gpu: "cpu" as const, gpuLayers: "auto" as const, vramCapMiB: null, threads: 2 };
        const baseRun = await startBatch({ config, out: join(dir, "batch-base"), hardware });
        const trainedDir = outcomes.get("one-stage")!.out;
        const trainedRun = await startBatch({ config: { ...config, reflector: reflectorFromTraining(trainedDir) }, out: join(dir, "batch-trained"), hardware });
        expect(baseRun.done).toBe(4);
        expect(trainedRun.done).toBe(4);
        expect(existsSync(join(trainedRun.runDir, "manifest.json"))).toBe(true);

        const cmp = compareRuns(baseRun.runDir, trainedRun.runDir);
        expect(cmp.overall.n).toBe(4);
        expect(cmp.b.reflector).not.toBe("base model");
        const manifest = JSON.parse(readFileSync(join(trainedRun.runDir, "manifest.json"), "utf8"));
        expect(JSON.stringify(manifest.reflector)).toContain("adapter.gguf");
        // Every stored chain: turn 1 by the frozen base, reflection and correction by base + adapter.
        const store = RunStore.open(trainedRun.runDir);
        try {
            const records = [...store.sampleRecords()].map((r) => JSON.parse(r.record) as ItemRecord);
            expect(records.length).toBeGreaterThan(0);
            for (const rec of records) {
                for (const step of rec.steps.filter((s) => !s.superseded)) {
                    if (step.kind === "answer") expect(step.model).toBeUndefined();
                    if (step.kind === "reflect" || step.kind === "correct") expect(step.model?.adapters).toEqual(["adapter.gguf"]);
                }
            }
        } finally {
            store.close();
        }
    }, 600_000);

    it("the same batch on --engine server: the adapter is served by the one llama-server and switched on only for reflect and correct", async () => {
        const config: BatchConfig = {
            tasks: ["demo"], format: "auto", limit: 4, parallel: 2, k: 1, instructions: { kind: "fixed", keys: ["1-1-1"] }, maxTurns: 2, mode: "reflect", verifier: "oracle",
            sampler: { temperature: 0.8, topK: 40, topP: 0.95, minP: 0.05, repeatPenalty: 1.1, seed: 5, maxTokens: 48 }, model: "default", contextSize: 2048,
            reflector: reflectorFromTraining(outcomes.get("one-stage")!.out)
        };
        const progress: string[] = [];
        const hardware = { gpu: "cpu" as const, gpuLayers: "auto" as const, vramCapMiB: null, threads: 2 };
        const run = await startBatch({ config, engine: "server", out: join(dir, "batch-trained-server"), hardware, onProgress: (m) => progress.push(m) });
        expect(run.done).toBe(4);
        expect(run.manifest.engine).toEqual({ kind: "server", why: "--engine server" });
        expect(run.manifest.backend.kind).toBe("llama-server");
        expect(progress.some((m) => m.includes("adapter.gguf: on the managed llama-server"))).toBe(true);
        const store = RunStore.open(run.runDir);
        try {
            const records = [...store.sampleRecords()].map((r) => JSON.parse(r.record) as ItemRecord);
            expect(records.length).toBeGreaterThan(0);
            const steps = records.flatMap((rec) => rec.steps.filter((s) => !s.superseded));
            expect(steps.filter((s) => s.kind === "reflect").length).toBeGreaterThan(0);
            for (const step of steps) {
                if (step.kind === "answer") expect(step.model).toBeUndefined();
                if (step.kind === "reflect" || step.kind === "correct") expect(step.model?.adapters).toEqual(["adapter.gguf"]);
            }
        } finally {
            store.close();
        }
    }, 300_000);
});
