// `batch --engine server`: the engine choice (bench file, resume, endpoints), OpenAIHost's extra body
// for the managed server (against a stub), and the real thing: a llama-server on the default GGUF,
// driven by the CLI, stopped at the end and on SIGINT, its key never written anywhere.
import { afterAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createElement } from "react";
import { startManagedServer } from "../src/backend/managedServer.js";
import { endpointOf, OpenAIHost } from "../src/backend/openai.js";
import type { ChatMessage, SamplerSettings } from "../src/backend/types.js";
import { resolveEngine, thisMachine, writeEngineChoice, type EngineChoice } from "../src/batch/engineChoice.js";
import { runEngine, type EngineContext } from "../src/batch/runEngine.js";
import type { RunManifest } from "../src/batch/runs.js";
import { RunStore } from "../src/batch/store.js";
import type { ItemRecord } from "../src/engine/types.js";
import { endpointFrom } from "../src/endpoints/validate.js";
import { PROJECT_ROOT } from "../src/paths.js";
import { BatchDashboard } from "../views/batch/BatchDashboard.js";
import { createBatchBridge } from "../views/batch/bridge.js";
import { createBatchStore } from "../views/batch/store.js";
import { expectFits, frameLines } from "./helpers/fit.js";
import { mountOn, Term } from "./helpers/ink.js";

const tmp = mkdtempSync(join(tmpdir(), "rl-engine-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const confDir = (name: string) => mkdtempSync(join(tmp, `${name}-`));

function choice(machine = thisMachine(), byParallel: Record<string, "node-llama-cpp" | "server"> = { "1": "server", "8": "node-llama-cpp" }): EngineChoice {
    return {
        schema: "reflect-lab/engine-choice@1",
        measured_at: "2025-03-04T10:00:00.000Z",
        machine,
        model: { file: "m.gguf", sha256: "ab" },
        figures: { "node-llama-cpp": { "1": 52, "8": 168 }, server: { "1": 92, "8": 145 } },
        by_parallel: byParallel
    };
}

describe("resolveEngine and the run's engine", () => {
    it("no bench file: node-llama-cpp, saying the bench has not run here", () => {
        const r = resolveEngine("auto", 4, "cpu", confDir("none"));
        expect(r.engine).toBe("node-llama-cpp");
        expect(r.why).toContain("no bench figures for this machine");
    });

    it("a bench file from another machine is ignored", () => {
        const dir = confDir("other");
        writeEngineChoice(choice({ ...thisMachine(), cpuModel: "Some Other CPU 9000" }, { "1": "server", "2": "server", "8": "server" }), dir);
        const r = resolveEngine("auto", 2, "cpu", dir);
        expect(r).toEqual({ engine: "node-llama-cpp", why: expect.stringContaining("no bench figures for this machine") });
        // The same file on this machine but measured on another compute backend: ignored too.
        writeEngineChoice(choice({ ...thisMachine(), compute: "cuda" }, { "2": "server" }), dir);
        expect(resolveEngine("auto", 2, "cpu", dir).engine).toBe("node-llama-cpp");
    });

    it("the nearest measured P decides, and why names the bench's figures there", () => {
        const dir = confDir("here");
        writeEngineChoice(choice(), dir);
        const p2 = resolveEngine("auto", 2, "cpu", dir);
        expect(p2.engine).toBe("server");
        expect(p2.why).toBe("auto: bench of 2025-03-04 at P=1: node-llama-cpp 52.0 tok/s, server 92.0 tok/s");
        const p4 = resolveEngine("auto", 4, "cpu", dir);
        expect(p4.engine).toBe("node-llama-cpp");
        expect(p4.why).toContain("at P=8");
        expect(resolveEngine("node-llama-cpp", 1, "cpu", dir)).toEqual({ engine: "node-llama-cpp", why: "--engine node-llama-cpp" });
    });

    const ctx = (over: Partial<EngineContext>): EngineContext => ({ requested: "auto", configured: undefined, parallel: 2, manifest: null, endpoint: null, injected: false, gpu: "cpu", configDir: confDir("ctx"), ...over });
    const stored = (engine: "server" | undefined, why?: string) => ({ config: { engine }, ...(why ? { engine: { kind: engine, why } } : {}) }) as unknown as RunManifest;

    it("a resumed run keeps its stored engine (older runs: node-llama-cpp) and refuses another", () => {
        expect(runEngine(ctx({ manifest: stored("server", "auto: bench of x") }))).toEqual({ engine: "server", why: "resumed: auto: bench of x" });
        expect(runEngine(ctx({ manifest: stored(undefined) })).engine).toBe("node-llama-cpp");
        expect(() => runEngine(ctx({ requested: "node-llama-cpp", manifest: stored("server", "--engine server") }))).toThrow("this run was made with engine server; --resume and --retry-errors keep it");
    });

    it("an endpoint generator: auto gives node-llama-cpp, an explicit engine is refused saying why", () => {
        expect(runEngine(ctx({ endpoint: "vllm" }))).toEqual({ engine: "node-llama-cpp", why: "the generator is endpoint vllm" });
        expect(() => runEngine(ctx({ requested: "server", endpoint: "vllm" }))).toThrow("--engine server chooses how the local model runs, but the generator is endpoint vllm");
    });

    it("the lab's batch form (no request) keeps its config's engine; auto reads the bench file", () => {
        expect(runEngine(ctx({ requested: undefined, configured: undefined }))).toEqual({ engine: "node-llama-cpp", why: "the default without --engine" });
        expect(runEngine(ctx({ requested: undefined, configured: "server" })).engine).toBe("server");
        const dir = confDir("auto");
        writeEngineChoice(choice(), dir);
        expect(runEngine(ctx({ parallel: 1, configDir: dir })).engine).toBe("server");
    });
});

const sampler: SamplerSettings = { temperature: 0.8, topK: 40, topP: 0.95, minP: 0.05, repeatPenalty: 1.1, seed: 3, maxTokens: 24 };

describe("OpenAIHost's extra body and token counts (stub server)", () => {
    it("the managed server's options add fields per slot and count evaluated prompt tokens; a plain endpoint is unchanged", async () => {
        const bodies: Record<string, unknown>[] = [];
        const server: Server = createServer((req, res) => {
            let data = "";
            req.on("data", (d) => (data += d));
            req.on("end", () => {
                bodies.push(JSON.parse(data));
                res.setHeader("content-type", "application/json");
                res.end(JSON.stringify({ id: "x", object: "chat.completion", created: 0, model: "m", choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content: "ok" } }], usage: { prompt_tokens: 50, completion_tokens: 2, total_tokens: 52, prompt_tokens_details: { cached_tokens: 30 } } }));
            });
        });
        await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
        try {
            const e = endpointFrom({ name: "stub", baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, model: "m", concurrency: 2 });
            const messages: ChatMessage[] = [{ role: "user", content: "hi" }];
            const plain = await OpenAIHost.open(e, undefined, { slots: 2 });
            const r0 = await plain.slots[1]!.generate({ messages, sampler });
            expect(r0).toMatchObject({ promptTokens: 50, cachedTokens: 30 });
            expect(bodies).toHaveLength(1);
            expect(Object.keys(bodies[0]!)).not.toContain("id_slot");
            expect(Object.keys(bodies[0]!)).not.toContain("cache_prompt");
            expect(endpointOf(plain)).toEqual({ name: "stub", baseURL: e.baseURL, model: "m" });

            const managed = await OpenAIHost.open(e, undefined, {
                slots: 2,
                info: { kind: "llama-server", modelFile: "f.gguf", modelSha256: "cafe" },
                extraBody: (slot) => ({ cache_prompt: true, id_slot: slot, lora: [{ id: 0, scale: 0 }] }),
                renderPrompt: () => "rendered",
                promptTokensEvaluated: true
            });
            const r1 = await managed.slots[1]!.generate({ messages, sampler });
            await managed.slots[0]!.generate({ messages, sampler });
            expect(bodies).toHaveLength(3);
            expect(bodies[1]).toMatchObject({ cache_prompt: true, id_slot: 1, lora: [{ id: 0, scale: 0 }], model: "m" });
            expect(bodies[2]).toMatchObject({ id_slot: 0 });
            expect(r1).toMatchObject({ promptTokens: 20, cachedTokens: 30 });
            expect(managed.slots[0]!.info).toMatchObject({ kind: "llama-server", modelFile: "f.gguf", modelSha256: "cafe" });
            expect(managed.slots[0]!.renderPrompt(messages)).toBe("rendered");
            // Not a user's endpoint: records of the lab would not name it as one.
            expect(endpointOf(managed)).toBeNull();
        } finally {
            server.close();
        }
    });
});

describe("the batch dashboard names the engine", () => {
    it("on its status line, within 80x24, the reason cut before the engine", async () => {
        const store = createBatchStore({ maxTurns: 2, verifier: "oracle", title: "batch demo · reflect · k 2 · random:6 · P 2 · T 0.8 · ≤384 tok" });
        const bridge = createBatchBridge(store, { throttleMs: 0 });
        bridge.onEvent({ type: "engine", engine: "server", why: "auto: bench of 2025-03-04 at P=1: node-llama-cpp 52.0 tok/s, server 92.0 tok/s" });
        bridge.onEvent({ type: "start", total: 4, alreadyDone: 0, todo: 4, parallel: 2, runDir: "/tmp/some/run" });
        const m = mountOn(createElement(BatchDashboard, { store }), { term: new Term(80, 24) });
        await new Promise((r) => setTimeout(r, 30));
        m.unmount();
        bridge.dispose();
        const lines = expectFits(frameLines(m.term.last));
        expect(lines.find((l) => l.includes("▶ running"))).toContain("engine server (auto: bench of");
    });
});

// ---- the real llama-server ----

const cli = join(PROJECT_ROOT, "bin", "reflect-lab.js");
const env = { ...process.env, REFLECT_LAB_CONFIG_DIR: confDir("cli") };
const batchArgs = (out: string, limit: number) => ["batch", "--tasks", "demo", "--limit", String(limit), "-P", "2", "--k", "1", "--instructions", "fixed:1-1-1", "--max-tokens", "32", "--seed", "9", "--json", "--out", out];

/** llama-server processes whose parent is `ppid`, from /proc. */
function serverChildren(ppid: number): number[] {
    const out: number[] = [];
    for (const name of readdirSync("/proc")) {
        if (!/^\d+$/.test(name)) continue;
        try {
            const stat = readFileSync(`/proc/${name}/stat`, "utf8").trim();
            const [, comm, rest] = stat.match(/^\d+ \((.*)\) (.*)$/) ?? [];
            if (comm === "llama-server" && Number(rest!.split(" ")[1]) === ppid) out.push(Number(name));
        } catch {
            /* gone meanwhile */
        }
    }
    return out;
}

/** A process that is gone, or a zombie waiting for init to reap it, runs nothing any more. */
function running(pid: number): boolean {
    try {
        return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
    } catch {
        return false;
    }
}

interface CliRun {
    code: number | null;
    out: string;
    err: string;
    /** The managed server's pid and API key, read from /proc while it ran. */
    server: { pid: number; key: string; cmdline: string } | null;
}

/** CLI runs still going (a timed-out test's): stopped the way a user would, so their servers stop too. */
const live = new Set<ReturnType<typeof spawn>>();
afterAll(() => live.forEach((c) => c.kill("SIGINT")));

/** Runs the CLI; `interruptAfterItems` sends SIGINT once that many items were reported. */
function runCli(args: string[], interruptAfterItems?: number): Promise<CliRun> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [cli, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
        live.add(child);
        let out = "";
        let err = "";
        let items = 0;
        let server: CliRun["server"] = null;
        const look = setInterval(() => {
            if (server || !child.pid) return;
            const [pid] = serverChildren(child.pid);
            if (pid === undefined) return;
            try {
                const environ = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
                const key = environ.find((v) => v.startsWith("LLAMA_API_KEY="))?.slice("LLAMA_API_KEY=".length);
                if (key) server = { pid, key, cmdline: readFileSync(`/proc/${pid}/cmdline`, "utf8") };
            } catch {
                /* starting */
            }
        }, 50);
        let partial = "";
        child.stdout.on("data", (d: Buffer) => {
            out += d.toString();
            const lines = (partial + d.toString()).split("\n");
            partial = lines.pop()!;
            for (const line of lines) if (line.startsWith('{"type":"item"') && ++items === interruptAfterItems) child.kill("SIGINT");
        });
        child.stderr.on("data", (d: Buffer) => (err += d.toString()));
        child.on("error", reject);
        // "close", not "exit": the last lines (the report, the exit message) may still be in the pipes at exit.
        child.on("close", (code) => {
            live.delete(child);
            clearInterval(look);
            resolve({ code, out, err, server });
        });
    });
}

const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");
const defaultGguf = join(PROJECT_ROOT, "models", "SmolLM2-135M-Instruct.Q4_1.gguf");

function records(dir: string): ItemRecord[] {
    const store = RunStore.open(dir);
    try {
        return [...store.sampleRecords()].map((r) => JSON.parse(r.record) as ItemRecord);
    } finally {
        store.close();
    }
}

/** Every file of the run folder, as bytes decoded latin1 (a key would show in any of them, SQLite included). */
function folderText(dir: string): string {
    const names = readdirSync(dir, { recursive: true }) as string[];
    expect(names.length).toBeGreaterThanOrEqual(2);
    return names.map((n) => join(dir, n)).filter((p) => statSync(p).isFile()).map((p) => readFileSync(p, "latin1")).join("\n");
}

describe("a managed llama-server on the default model", () => {
    it("pins run slot i to server slot i (id_slot): a prompt reuses only what its own slot holds; stop leaves no process", async () => {
        const h = await startManagedServer({ parallel: 2, contextSize: 2048, threads: 2 });
        try {
            expect(h.info).toMatchObject({ kind: "llama-server", modelFile: "SmolLM2-135M-Instruct.Q4_1.gguf", modelSha256: sha256(defaultGguf), compute: "cpu", gpuLayers: 0, totalLayers: 31, sequences: 2, contextSize: 2048 });
            expect(h.info.note).toMatch(/^managed llama-server .+ on port \d+$/);
            const A: ChatMessage[] = [{ role: "user", content: "Name three colours of the rainbow, in one short line." }];
            const B: ChatMessage[] = [{ role: "user", content: "What is two plus two? Explain your reasoning step by step, briefly." }];
            const [, b] = await Promise.all([h.slots[0]!.generate({ messages: A, sampler }), h.slots[1]!.generate({ messages: B, sampler })]);
            expect(b.outputTokens).toBeGreaterThan(0);
            const B2: ChatMessage[] = [...B, { role: "assistant", content: b.text }, { role: "user", content: "Are you sure?" }];
            // Slot 0 holds A: only the chat template's common start is reused, though slot 1 holds all of B.
            const on0 = await h.slots[0]!.generate({ messages: B2, sampler });
            const on1 = await h.slots[1]!.generate({ messages: B2, sampler });
            expect(on0.cachedTokens).toBeGreaterThan(0);
            expect(on1.cachedTokens).toBeGreaterThan(on0.cachedTokens! + b.promptTokens / 2);
            // Recorded as node-llama-cpp does: evaluated tokens, the reused ones apart.
            expect(on1.promptTokens + on1.cachedTokens!).toBe(on0.promptTokens + on0.cachedTokens!);
            // Records hold what the server evaluated: node-llama-cpp's rendering of the GGUF's template equals
            // the server's own --jinja rendering (which leaves BOS to the tokenizer), on a multi-turn chat too.
            for (const m of [A, B2, [{ role: "system", content: "Be brief." }, ...B2] as ChatMessage[]]) {
                const recorded = h.slots[0]!.renderPrompt(m);
                const served = await h.serverPrompt(m);
                expect(served.length).toBeGreaterThan(20);
                expect(recorded.endsWith(served)).toBe(true);
                expect(recorded.length - served.length).toBeLessThanOrEqual(16);
            }
        } finally {
            await h.dispose();
        }
        expect(running(h.pid)).toBe(false);
    }, 60_000);

    it("a CLI batch with --engine server -P 2 finishes every item on the GGUF's sha256, reuses prefixes, never writes the key, and stops the server", async () => {
        const out = join(tmp, "run-full");
        const r = await runCli([...batchArgs(out, 4), "--engine", "server"]);
        expect(r.code, r.err).toBe(0);
        expect(r.err).toContain("engine: server (--engine server)");
        const report = JSON.parse(r.out.trim().split("\n").at(-1)!);
        expect(report).toMatchObject({ type: "report", progress: { items: 4, done: 4, errors: 0 } });
        const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as RunManifest;
        expect(manifest.config.engine).toBe("server");
        expect(manifest.engine).toEqual({ kind: "server", why: "--engine server" });
        expect(manifest.model.sha256).toBe(sha256(defaultGguf));
        expect(manifest.backend).toMatchObject({ kind: "llama-server", sequences: 2, threads: 2 });
        const recs = records(out);
        expect(recs.length).toBeGreaterThan(0);
        for (const rec of recs) expect(rec.model.sha256).toBe(manifest.model.sha256);
        const steps = recs.flatMap((rec) => rec.steps);
        expect(steps.reduce((n, s) => n + (s.output_tokens ?? 0), 0)).toBeGreaterThan(0);
        // A reflection follows its answer on the same server slot: the answer's prompt and text are reused.
        const reflects = steps.filter((s) => s.kind === "reflect");
        expect(reflects.length).toBeGreaterThan(0);
        for (const s of reflects) expect(s.cached_tokens).toBeGreaterThan(20);
        // The key: in the server's environment, not its command line, and nowhere the run wrote.
        expect(r.server, "the server was not seen running").not.toBeNull();
        const { key, cmdline, pid } = r.server!;
        expect(key.length).toBeGreaterThanOrEqual(24);
        expect(cmdline).toContain("--jinja");
        expect(cmdline).not.toContain(key);
        expect(r.out + r.err).not.toContain(key);
        expect(folderText(out)).not.toContain(key);
        expect(running(pid)).toBe(false);
    }, 180_000);

    it("SIGINT during a run stops the server; --resume (engine kept) finishes the rest", async () => {
        const out = join(tmp, "run-int");
        const first = await runCli([...batchArgs(out, 4), "--engine", "server"], 1);
        expect(first.code, first.err).toBe(130);
        expect(first.err).toContain("interrupted:");
        expect(first.server).not.toBeNull();
        expect(running(first.server!.pid)).toBe(false);
        const stored = RunStore.open(out);
        const doneThen = [...stored.statuses().values()].filter((s) => s === "done").length;
        stored.close();
        expect(doneThen).toBeGreaterThanOrEqual(1);
        expect(doneThen).toBeLessThan(4);
        // No --engine: the run's own is kept, and said.
        const second = await runCli(["batch", "--out", out, "--resume", "--json"]);
        expect(second.code, second.err).toBe(0);
        expect(second.err).toContain("engine: server (resumed: --engine server)");
        expect(JSON.parse(second.out.trim().split("\n").at(-1)!)).toMatchObject({ type: "report", progress: { items: 4, done: 4 } });
        expect(second.server).not.toBeNull();
        expect(running(second.server!.pid)).toBe(false);
        expect(second.server!.key).not.toBe(first.server!.key);
        expect(folderText(out)).not.toContain(first.server!.key);
    }, 240_000);

    it("--engine server with --endpoint is refused before anything starts, saying why", async () => {
        const r = await runCli([...batchArgs(join(tmp, "run-refused"), 2), "--engine", "server", "--endpoint", "x"]);
        expect(r.code).toBe(2);
        expect(r.err).toContain("--engine server chooses how the local model runs, but --endpoint x generates on its own server");
        expect(r.server).toBeNull();
        expect(existsSync(join(tmp, "run-refused"))).toBe(false);
    }, 30_000);
});
