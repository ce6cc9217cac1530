// OpenAIHost against a tiny chat-completions stub (node:http): plain and SSE replies, usage,
// finish_reason, 429 with Retry-After, 5xx, hangs past the timeout, 401, aborts, and a batch run.
// This stub checks our protocol handling only; the tests against a real OpenAI-compatible server
// (llama-server) live in test/e2e-endpoint*.test.ts.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OpenAIHost, endpointSha256 } from "../src/backend/openai.js";
import type { ChatMessage, GenerateRequest, SamplerSettings } from "../src/backend/types.js";
import { startBatch } from "../src/batch/session.js";
import type { BatchEvent } from "../src/batch/types.js";
import { probeEndpoint } from "../src/endpoints/probe.js";
import { clearSecrets } from "../src/endpoints/redact.js";
import { endpointRef, type BackoffEvent, type Endpoint } from "../src/endpoints/types.js";
import { endpointFrom } from "../src/endpoints/validate.js";
import { closeMathWorker } from "../src/verify/math.js";
import { describeReflector, reflectorFromEndpoint } from "../src/batch/reflector.js";
import { EndpointStore } from "../src/endpoints/store.js";
import { tinyConfig, tinyTasks, wrongThenRight } from "./helpers/batchTasks.js";
import { scriptedParallel } from "./helpers/scriptedBackend.js";

const KEY = "sk-test-SECRET-0123456789abcdef";

/** What the stub does with one chat request: reply (plain or SSE, per the request's `stream`), fail, or hang. */
type Reply =
    | { text: string; finish?: string; usage?: boolean; chunkDelayMs?: number; ignoreStream?: boolean }
    | { status: number; headers?: Record<string, string>; body?: unknown }
    | { hang: true }
    | { hangAfterChunk: string };

interface Seen {
    path: string;
    auth: string | undefined;
    body: Record<string, unknown>;
}

class Stub {
    server!: Server;
    seen: Seen[] = [];
    inFlight = 0;
    maxInFlight = 0;
    /** Decides each chat reply; default: a short plain answer. */
    reply: (body: Record<string, unknown>, n: number) => Reply = () => ({ text: "Final answer: 42" });
    models: "list" | 404 = "list";
    private open = new Set<ServerResponse>();

    async start(): Promise<string> {
        this.server = createServer((req, res) => void this.handle(req, res));
        await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
        return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
    }

    reset(): void {
        this.seen = [];
        this.maxInFlight = 0;
        this.reply = () => ({ text: "Final answer: 42" });
        this.models = "list";
        for (const r of this.open) r.destroy();
    }

    async close(): Promise<void> {
        for (const r of this.open) r.destroy();
        this.server.closeAllConnections();
        await new Promise((r) => this.server.close(r));
    }

    private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
        let raw = "";
        for await (const c of req) raw += c;
        const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
        this.seen.push({ path: req.url ?? "", auth: req.headers.authorization, body });
        if (req.url === "/v1/models") {
            if (this.models === 404) return void res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "no such route" } }));
            return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ object: "list", data: [{ id: "stub-model", object: "model" }] }));
        }
        const r = this.reply(body, this.seen.filter((s) => s.path.endsWith("/chat/completions")).length - 1);
        this.open.add(res);
        res.on("close", () => this.open.delete(res));
        if ("hang" in r) return;
        if ("status" in r) return void res.writeHead(r.status, { "content-type": "application/json", ...r.headers }).end(JSON.stringify(r.body ?? { error: { message: `stub says ${r.status}` } }));
        this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
        try {
            const id = "chatcmpl-1";
            const usage = { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 };
            if ("hangAfterChunk" in r) {
                res.writeHead(200, { "content-type": "text/event-stream" });
                res.write(`data: ${JSON.stringify({ id, object: "chat.completion.chunk", choices: [{ index: 0, delta: { content: r.hangAfterChunk }, finish_reason: null }] })}\n\n`);
                return;
            }
            if (!body.stream || r.ignoreStream) {
                await delay(r.chunkDelayMs ?? 0);
                res.writeHead(200, { "content-type": "application/json" }).end(
                    JSON.stringify({ id, object: "chat.completion", model: body.model, choices: [{ index: 0, message: { role: "assistant", content: r.text }, finish_reason: r.finish ?? "stop" }], ...(r.usage === false ? {} : { usage }) })
                );
                return;
            }
            res.writeHead(200, { "content-type": "text/event-stream" });
            const pieces = r.text.match(/\S+\s*|\s+/g) ?? [];
            for (const p of pieces) {
                if (res.destroyed) return;
                res.write(`data: ${JSON.stringify({ id, object: "chat.completion.chunk", choices: [{ index: 0, delta: { content: p }, finish_reason: null }] })}\n\n`);
                await delay(r.chunkDelayMs ?? 0);
            }
            res.write(`data: ${JSON.stringify({ id, object: "chat.completion.chunk", choices: [{ index: 0, delta: {}, finish_reason: r.finish ?? "stop" }] })}\n\n`);
            const opts = body.stream_options as { include_usage?: boolean } | undefined;
            if (opts?.include_usage && r.usage !== false) res.write(`data: ${JSON.stringify({ id, object: "chat.completion.chunk", choices: [], usage })}\n\n`);
            res.end("data: [DONE]\n\n");
        } finally {
            this.inFlight--;
        }
    }
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));
const stub = new Stub();
let baseURL = "";
/** A port nothing listens on (a fetch-blocked one like 9 would fail differently). */
let closedURL = "";
const dir = mkdtempSync(join(tmpdir(), "rl-openai-"));

beforeAll(async () => {
    baseURL = await stub.start();
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
    closedURL = `http://127.0.0.1:${(s.address() as AddressInfo).port}/v1`;
    await new Promise((r) => s.close(r));
});
afterEach(async () => {
    stub.reset();
    clearSecrets();
    // Replies an aborted client walked away from may still be streaming: let them end before the next test counts.
    for (let i = 0; i < 100 && stub.inFlight > 0; i++) await delay(20);
});
afterAll(async () => {
    await stub.close();
    closeMathWorker();
    rmSync(dir, { recursive: true, force: true });
});

const endpoint = (over: Partial<Endpoint> = {}): Endpoint => endpointFrom({ name: "stub", baseURL, model: "stub-model", apiKeyEnv: "RL_STUB_KEY", timeoutMs: 5000, maxRetries: 3, ...over });
const sampler: SamplerSettings = { temperature: 0.7, topK: 33, topP: 0.9, minP: 0.05, repeatPenalty: 1.1, seed: 1234, maxTokens: 64 };
const ask = (over: Partial<GenerateRequest> = {}): GenerateRequest => ({ messages: [{ role: "user", content: "What is 1 + 1?" }], sampler, ...over });
/** Fast, deterministic backoff: the smallest jittered delay (250 ms, 500 ms, ...). */
const open = (e: Endpoint, opts: { slots?: number; onBackoff?: (ev: BackoffEvent) => void } = {}, key: string | null = KEY) => OpenAIHost.open(e, key ?? undefined, { random: () => 0, ...opts });

describe("OpenAIHost protocol", () => {
    it("sends the sampler (with llama.cpp extras) and reads a plain reply, usage and finish_reason", async () => {
        stub.reply = () => ({ text: "Final answer: 2", finish: "length" });
        const host = await open(endpoint());
        const r = await host.slots[0]!.generate(ask());
        expect(r).toMatchObject({ text: "Final answer: 2", stopReason: "maxTokens", promptTokens: 11, outputTokens: 7 });
        expect(r.ms).toBeGreaterThan(0);
        expect(r.tokensPerSecond).toBeGreaterThan(0);
        const seen = stub.seen[0]!;
        expect(seen.path).toBe("/v1/chat/completions");
        expect(seen.auth).toBe(`Bearer ${KEY}`);
        expect(seen.body).toMatchObject({ model: "stub-model", messages: [{ role: "user", content: "What is 1 + 1?" }], temperature: 0.7, top_p: 0.9, seed: 1234, max_tokens: 64, top_k: 33, min_p: 0.05, repeat_penalty: 1.1 });
        expect(seen.body.stream).toBeFalsy();
        expect(host.info).toMatchObject({ kind: "openai", modelPath: baseURL, modelFile: "stub-model", modelSha256: endpointSha256(baseURL, "stub-model"), sequences: 4, gpuLayers: 0 });
        expect(JSON.stringify(host.info)).not.toContain(KEY);
        await host.dispose();
    });

    it("leaves the extras out when the endpoint says so, and sends no Authorization without a key", async () => {
        const host = await open(endpoint({ samplerExtras: false }), {}, null);
        await host.slots[0]!.generate(ask());
        const seen = stub.seen[0]!;
        expect(seen.auth).toBeUndefined();
        expect(seen.body).not.toHaveProperty("top_k");
        expect(seen.body).not.toHaveProperty("min_p");
        expect(seen.body).not.toHaveProperty("repeat_penalty");
        expect(seen.body.top_p).toBe(0.9);
    });

    it("streams with include_usage when onText is given", async () => {
        stub.reply = () => ({ text: "one two three" });
        const host = await open(endpoint());
        const pieces: string[] = [];
        const r = await host.slots[0]!.generate(ask({ onText: (t) => pieces.push(t) }));
        expect(pieces).toEqual(["one ", "two ", "three"]);
        expect(r).toMatchObject({ text: "one two three", stopReason: "eos", promptTokens: 11, outputTokens: 7 });
        expect(stub.seen[0]!.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    });

    it("takes a plain JSON reply to a streaming request as one piece", async () => {
        stub.reply = () => ({ text: "all at once", ignoreStream: true, finish: "length" });
        const host = await open(endpoint());
        const pieces: string[] = [];
        const r = await host.slots[0]!.generate(ask({ onText: (t) => pieces.push(t) }));
        expect(pieces).toEqual(["all at once"]);
        expect(r).toMatchObject({ text: "all at once", stopReason: "maxTokens", outputTokens: 7 });
    });

    it("estimates tokens when the server omits usage", async () => {
        stub.reply = () => ({ text: "abcdefgh", usage: false });
        const host = await open(endpoint());
        const r = await host.slots[0]!.generate(ask());
        expect(r.outputTokens).toBe(2);
        expect(r.promptTokens).toBe(4);
    });

    it("renders a readable serialization naming the server-side template", async () => {
        const host = await open(endpoint());
        const messages: ChatMessage[] = [
            { role: "system", content: "Be brief." },
            { role: "user", content: "Hi" }
        ];
        expect(host.single().renderPrompt(messages)).toBe(`[server-side chat template: stub-model at ${baseURL}]\n<|system|>\nBe brief.\n<|user|>\nHi\n<|assistant|>\n`);
    });

    it("retries 429 honouring Retry-After (seconds and ms) and 500 with backoff, reporting each wait", async () => {
        stub.reply = (_b, n): Reply =>
            n === 0 ? { status: 429, headers: { "retry-after": "0.15" } } : n === 1 ? { status: 429, headers: { "retry-after-ms": "120" } } : n === 2 ? { status: 500 } : { text: "Final answer: 2" };
        const events: BackoffEvent[] = [];
        const host = await open(endpoint(), { onBackoff: (ev) => events.push(ev) });
        const t0 = performance.now();
        const r = await host.slots[0]!.generate(ask());
        expect(r.text).toBe("Final answer: 2");
        expect(events).toEqual([
            { endpoint: "stub", attempt: 1, maxRetries: 3, delayMs: 150, reason: "HTTP 429", slot: 0 },
            { endpoint: "stub", attempt: 2, maxRetries: 3, delayMs: 120, reason: "HTTP 429", slot: 0 },
            { endpoint: "stub", attempt: 3, maxRetries: 3, delayMs: 1000, reason: "HTTP 500", slot: 0 }
        ]);
        expect(performance.now() - t0).toBeGreaterThanOrEqual(1250);
        expect(stub.seen).toHaveLength(4);
    });

    it("times out a hanging request and retries it; a stream that hangs after text is not retried", async () => {
        stub.reply = (_b, n) => (n === 0 ? { hang: true } : { text: "Final answer: 2" });
        const events: BackoffEvent[] = [];
        const host = await open(endpoint({ timeoutMs: 300 }), { onBackoff: (ev) => events.push(ev) });
        expect((await host.slots[0]!.generate(ask())).text).toBe("Final answer: 2");
        expect(events.map((e) => e.reason)).toEqual(["timeout after 0.3 s"]);

        stub.reply = () => ({ hangAfterChunk: "partial " });
        const shown: string[] = [];
        const err = (await host.slots[0]!.generate(ask({ onText: (t) => shown.push(t) })).catch((e: Error) => e)) as Error;
        expect(err.message).toBe(`endpoint stub (${baseURL}): timeout after 0.3 s after part of the reply had streamed; not retried, since the text shown would repeat`);
        expect(shown).toEqual(["partial "]);
    });

    it("fails at once on 401 with a key-free message naming the key's source", async () => {
        process.env.RL_STUB_KEY = KEY;
        try {
            stub.reply = () => ({ status: 401, body: { error: { message: `Incorrect API key provided: ${KEY}` } } });
            const host = await open(endpoint());
            const err = (await host.slots[0]!.generate(ask()).catch((e: Error) => e)) as Error;
            expect(err.message).toBe(`endpoint stub (${baseURL}): HTTP 401 unauthorized: check the API key (from $RL_STUB_KEY)`);
            expect(err.message).not.toContain(KEY);
            expect(String(err.stack)).not.toContain(KEY);
            expect(stub.seen).toHaveLength(1);
        } finally {
            delete process.env.RL_STUB_KEY;
        }
        // A 400 quoting the key is passed on redacted.
        stub.reply = () => ({ status: 400, body: { message: `bad field top_k; key was ${KEY}` } });
        const host = await open(endpoint());
        const err = (await host.slots[0]!.generate(ask()).catch((e: Error) => e)) as Error;
        expect(err.message).toContain("HTTP 400 bad request: bad field top_k; key was ***; if the server rejects llama.cpp sampler fields, re-add the endpoint with --no-sampler-extras");
        expect(err.message).not.toContain(KEY);
    });

    it("gives up after maxRetries, and reports refused connections", async () => {
        stub.reply = () => ({ status: 503 });
        const host = await open(endpoint({ maxRetries: 1 }));
        expect(((await host.slots[0]!.generate(ask()).catch((e: Error) => e)) as Error).message).toBe(`endpoint stub (${baseURL}): HTTP 503 server error: stub says 503; gave up after 1 retry`);
        const events: BackoffEvent[] = [];
        const closed = await open(endpoint({ baseURL: closedURL, maxRetries: 1 }), { onBackoff: (ev) => events.push(ev) });
        expect(((await closed.slots[0]!.generate(ask()).catch((e: Error) => e)) as Error).message).toBe(`endpoint stub (${closedURL}): connection refused; gave up after 1 retry`);
        expect(events.map((e) => e.reason)).toEqual(["connection refused"]);
    });

    it("returns the partial text on abort, also while backing off", async () => {
        stub.reply = () => ({ text: "a b c d e f g h", chunkDelayMs: 60 });
        const host = await open(endpoint());
        const ac = new AbortController();
        const shown: string[] = [];
        const r = await host.slots[0]!.generate(
            ask({
                signal: ac.signal,
                onText: (t) => {
                    shown.push(t);
                    if (shown.length === 2) ac.abort();
                }
            })
        );
        expect(r.stopReason).toBe("abort");
        expect(r.text).toBe("a b ");

        stub.reply = () => ({ status: 429, headers: { "retry-after": "30" } });
        const ac2 = new AbortController();
        const t0 = performance.now();
        const waiting = await open(endpoint(), { onBackoff: () => setTimeout(() => ac2.abort(), 30) });
        const r2 = await waiting.slots[0]!.generate(ask({ signal: ac2.signal }));
        expect(r2).toMatchObject({ stopReason: "abort", text: "" });
        expect(performance.now() - t0).toBeLessThan(3000);
    });

    it("keeps at most `concurrency` requests in flight however many slots", async () => {
        stub.reply = () => ({ text: "ok", chunkDelayMs: 80 });
        const host = await open(endpoint({ concurrency: 2 }), { slots: 5 });
        expect(host.info.sequences).toBe(5);
        await Promise.all(host.slots.map((s) => s.generate(ask())));
        expect(stub.maxInFlight).toBe(2);
    });
});

describe("probeEndpoint", () => {
    it("lists models, falls back to a one-token chat request on 404, and reports key-free errors", async () => {
        const ok = await probeEndpoint(endpoint(), KEY);
        expect(ok).toMatchObject({ ok: true, via: "models", models: ["stub-model"] });
        stub.models = 404;
        const chat = await probeEndpoint(endpoint(), KEY);
        expect(chat).toMatchObject({ ok: true, via: "chat" });
        expect(stub.seen.at(-1)!.body).toMatchObject({ max_tokens: 1 });
        stub.reply = () => ({ status: 401, body: { error: { message: `bad key ${KEY}` } } });
        const denied = await probeEndpoint(endpoint(), KEY);
        expect(denied.ok).toBe(false);
        expect(denied.error).toBe(`endpoint stub (${baseURL}): HTTP 401 unauthorized: check the API key (the stored one; replace it with \`reflect-lab endpoints add ... --key-stdin\`)`);
        const down = await probeEndpoint(endpoint({ baseURL: closedURL }), KEY);
        expect(down).toMatchObject({ ok: false, via: "models", error: `endpoint stub (${closedURL}): connection refused` });
    });
});

describe("batch runs on an endpoint", () => {
    const hardware = { gpu: "cpu", gpuLayers: "auto", vramCapMiB: null, threads: null } as const;
    /** The stub as the tiny tasks' model: wrong at turn 1, right after reflecting. */
    const model = (body: Record<string, unknown>): Reply => ({ text: wrongThenRight(body.messages as ChatMessage[]) });
    const filesUnder = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((f) => (f.isDirectory() ? filesUnder(join(d, f.name)) : [join(d, f.name)]));

    it("completes with concurrency, survives a burst of 500s, and writes no key", async () => {
        const file = tinyTasks(join(dir, "tasks.jsonl"), 6);
        // The first five requests fail (the first attempt of most items), then the server recovers.
        stub.reply = (body, n) => (n < 5 ? { status: 500 } : { ...model(body), chunkDelayMs: 20 });
        const e = endpoint({ concurrency: 3 });
        const host = await open(e, { slots: 3 });
        const events: BatchEvent[] = [];
        const out = join(dir, "run-burst");
        const summary = await startBatch({ config: tinyConfig(file, { endpoint: endpointRef(e) }), out, hardware, backend: host, onEvent: (ev) => events.push(ev) });
        expect(summary).toMatchObject({ done: 6, total: 6, errors: 0, interrupted: false });
        const backoffs = events.filter((ev) => ev.type === "backoff");
        expect(backoffs.length).toBe(5);
        expect(backoffs.every((ev) => ev.type === "backoff" && ev.reason === "HTTP 500" && ev.endpoint === "stub")).toBe(true);
        expect(stub.maxInFlight).toBeGreaterThan(1);
        expect(stub.maxInFlight).toBeLessThanOrEqual(3);
        const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
        expect(manifest.config.endpoint).toEqual({ name: "stub", baseURL, model: "stub-model" });
        expect(manifest.model).toMatchObject({ file: "stub-model", path: baseURL, sha256: endpointSha256(baseURL, "stub-model") });
        expect(manifest.backend.kind).toBe("openai");
        for (const f of filesUnder(out)) expect(readFileSync(f).includes(KEY)).toBe(false);
        expect(stub.seen.every((s) => s.auth === `Bearer ${KEY}`)).toBe(true);
    });

    it("turns an item whose retries run out into an item error that --retry-errors completes", async () => {
        const file = tinyTasks(join(dir, "tasks-err.jsonl"), 4);
        let broken = true;
        stub.reply = (body) => (broken && JSON.stringify(body.messages).includes("What is 2 + 1?") ? { status: 502 } : model(body));
        const e = endpoint({ concurrency: 2, maxRetries: 1 });
        const out = join(dir, "run-err");
        const config = tinyConfig(file, { parallel: 2, endpoint: endpointRef(e) });
        const first = await startBatch({ config, out, hardware, backend: await open(e, { slots: 2 }) });
        expect(first).toMatchObject({ done: 3, errors: 1 });
        broken = false;
        const second = await startBatch({ config, out, hardware, backend: await open(e, { slots: 2 }), retryErrors: true });
        expect(second).toMatchObject({ done: 4, total: 4, errors: 0 });
        // Resuming against another model is refused: the endpoint's identity is the model's sha256.
        await expect(startBatch({ config, out, hardware, backend: await open({ ...e, model: "other" }, { slots: 2 }), resume: true })).rejects.toThrow(/this run was made with model stub-model/);
    });

    it("opens the generator or the reflector from the stored endpoint the config names (mixed with a local generator)", async () => {
        const file = tinyTasks(join(dir, "tasks-roles.jsonl"), 3);
        const store = new EndpointStore({ cwd: mkdtempSync(join(dir, "cfg-")) });
        const e = endpoint({ concurrency: 2 });
        store.upsert(e);
        store.setKey("stub", KEY);
        stub.reply = model;

        // Endpoint generator, no backend injected: startBatch opens it from the store with the stored key.
        const gen = await startBatch({ config: tinyConfig(file, { parallel: 2, endpoint: endpointRef(e) }), out: join(dir, "run-gen"), hardware, endpointStore: store });
        expect(gen).toMatchObject({ done: 3, errors: 0 });
        expect(stub.seen.length).toBeGreaterThan(0);
        expect(stub.seen.every((x) => x.auth === `Bearer ${KEY}`)).toBe(true);

        // Local (scripted) generator, endpoint reflector: only reflect and correct steps reach the server.
        stub.reset();
        stub.reply = model;
        const spec = reflectorFromEndpoint(endpointRef(e));
        const out = join(dir, "run-refl");
        const mixed = await startBatch({ config: tinyConfig(file, { parallel: 2, reflector: spec }), out, hardware, backend: scriptedParallel(2, () => "Final answer: 999"), endpointStore: store });
        expect(mixed).toMatchObject({ done: 3, errors: 0 });
        expect(stub.seen).toHaveLength(6);
        expect(stub.seen.every((x) => (x.body.messages as ChatMessage[]).length > 1)).toBe(true);
        const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
        expect(describeReflector(manifest.config.reflector)).toBe("endpoint stub (stub-model)");
        expect(manifest.config.endpoint).toBeNull();
        for (const f of filesUnder(out)) expect(readFileSync(f).includes(KEY)).toBe(false);

        // Resuming after the stored endpoint moved to another model is refused.
        store.upsert({ ...e, model: "other" });
        await expect(startBatch({ config: tinyConfig(file), out, hardware, backend: scriptedParallel(2, () => "x"), resume: true, endpointStore: store })).rejects.toThrow(/endpoint stub now points at other/);
    });
});
