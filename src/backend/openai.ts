import { createHash } from "node:crypto";
import type OpenAI from "openai";
import { openaiClient } from "../endpoints/client.js";
import { AbortedError, EndpointError, classifyFailure, endpointLabel, notChatCompletion, unexpectedReply, type FailureContext } from "../endpoints/errors.js";
import { keyHint } from "../endpoints/secrets.js";
import { redact, registerSecret } from "../endpoints/redact.js";
import { Deadline, withRetries } from "../endpoints/retry.js";
import { endpointRef, type BackoffEvent, type Endpoint, type EndpointRef } from "../endpoints/types.js";
import { validateEndpoint } from "../endpoints/validate.js";
import type { BackoffSource } from "./backoff.js";
import { Semaphore } from "./semaphore.js";
import type { Backend, BackendInfo, ChatMessage, GenerateRequest, GenerateResult, ParallelBackend, StopReason } from "./types.js";

export interface OpenAIHostOptions {
    /** Backends sharing the one client: a batch's parallel items; default the endpoint's concurrency. */
    slots?: number;
    onBackoff?: (ev: BackoffEvent) => void;
    /** Backoff jitter, injected in tests. */
    random?: () => number;
    /**
     * A host that is not a user's endpoint (the managed llama-server, src/backend/managedServer.ts):
     * what its info says instead of the endpoint's; it is then not reported as an endpoint (endpointOf).
     */
    info?: Partial<BackendInfo>;
    /** Fields added to slot i's request bodies (llama-server's cache_prompt, id_slot, lora); none by default. */
    extraBody?: (slot: number) => Record<string, unknown>;
    /** The prompt text records keep, instead of the generic serialization (renderPrompt). */
    renderPrompt?: (messages: ChatMessage[]) => string;
    /**
     * Record prompt tokens as the local backend counts them, evaluated only (usage.prompt_tokens minus
     * the cached ones), instead of OpenAI's usage.prompt_tokens, which counts the cached ones too.
     */
    promptTokensEvaluated?: boolean;
}

const refs = new WeakMap<BackendInfo, EndpointRef>();

/** The endpoint (name, URL, model; never the key) behind a backend or any of its slots, or null for a local one. */
export const endpointOf = (b: { info: BackendInfo }): EndpointRef | null => refs.get(b.info) ?? null;

/** Identity of a remote model for manifests: resuming a run against another server or model is refused. */
export const endpointSha256 = (baseURL: string, model: string): string => createHash("sha256").update(`openai ${baseURL} ${model}`).digest("hex");

/**
 * A model behind an OpenAI-compatible chat-completions endpoint (vLLM, llama-server, Ollama, hosted
 * APIs), through the official `openai` SDK with our own retries. The chat template is the server's.
 */
export class OpenAIHost implements ParallelBackend, BackoffSource {
    readonly slots: Backend[];
    readonly info: BackendInfo;
    private readonly listeners = new Set<(ev: BackoffEvent) => void>();
    private readonly failure: FailureContext;
    /** The endpoint's `concurrency` caps requests in flight, however many slots a batch opens. */
    private readonly inFlight: Semaphore;

    private constructor(
        readonly endpoint: Endpoint,
        private readonly apiKey: string | undefined,
        private readonly client: OpenAI,
        slots: number,
        private readonly opts: OpenAIHostOptions = {}
    ) {
        this.failure = { keyHint: keyHint(endpoint, apiKey), secrets: [apiKey] };
        this.inFlight = new Semaphore(endpoint.concurrency);
        this.info = {
            kind: "openai",
            // Never the key: the base URL carries none (validateBaseURL refuses credentials in it).
            modelPath: endpoint.baseURL,
            modelFile: endpoint.model,
            modelSha256: endpointSha256(endpoint.baseURL, endpoint.model),
            // Unknown from here; the note says so.
            compute: "cpu",
            gpuLayers: 0,
            totalLayers: 0,
            contextSize: 0,
            threads: 0,
            sequences: slots,
            adapters: [],
            note: `remote: endpoint ${endpoint.name} (${endpoint.baseURL})`,
            ...opts.info
        };
        if (!opts.info) refs.set(this.info, endpointRef(endpoint));
        this.slots = Array.from({ length: slots }, (_, i) => this.slotBackend(i));
    }

    static async open(e: Endpoint, apiKey: string | undefined, opts: OpenAIHostOptions = {}): Promise<OpenAIHost> {
        const err = validateEndpoint(e);
        if (err) throw new Error(`endpoint ${e.name}: ${err}`);
        const slots = opts.slots ?? e.concurrency;
        if (!Number.isInteger(slots) || slots < 1) throw new Error(`endpoint ${e.name}: slots must be an integer >= 1`);
        registerSecret(apiKey);
        const host = new OpenAIHost(e, apiKey, openaiClient(e, apiKey), slots, opts);
        if (opts.onBackoff) host.onBackoff(opts.onBackoff);
        return host;
    }

    onBackoff(listener: (ev: BackoffEvent) => void): () => void {
        this.listeners.add(listener);
        return () => this.listeners.delete(listener);
    }

    /** The host as a single Backend (the interactive lab): disposing it disposes the host. */
    single(): Backend {
        const slot = this.slots[0]!;
        return { info: this.info, renderPrompt: (m) => slot.renderPrompt(m), generate: (r) => slot.generate(r), dispose: () => this.dispose() };
    }

    /**
     * The server applies its own chat template, which the client never sees: this is a readable,
     * faithful serialization of the messages instead. Records keep `messages` exactly as sent, so
     * nothing is lost; the header line says whose template applies.
     */
    renderPrompt(messages: ChatMessage[]): string {
        if (this.opts.renderPrompt) return this.opts.renderPrompt(messages);
        return `[server-side chat template: ${this.endpoint.model} at ${this.endpoint.baseURL}]\n` + messages.map((m) => `<|${m.role}|>\n${m.content}\n`).join("") + "<|assistant|>\n";
    }

    async generate(req: GenerateRequest, slot = 0): Promise<GenerateResult> {
        const e = this.endpoint;
        const s = req.sampler;
        const body: Record<string, unknown> = {
            model: e.model,
            messages: req.messages.map((m) => ({ role: m.role, content: m.content })),
            temperature: s.temperature,
            top_p: s.topP,
            seed: s.seed,
            max_tokens: s.maxTokens
        };
        // llama.cpp and vLLM read these; servers that do not know them ignore them (or, like
        // api.openai.com, refuse them: samplerExtras false).
        if (e.samplerExtras !== false) Object.assign(body, { top_k: s.topK, min_p: s.minP, repeat_penalty: s.repeatPenalty });
        if (this.opts.extraBody) Object.assign(body, this.opts.extraBody(slot));
        const state: Attempt = { text: "", t0: performance.now() };
        try {
            return await withRetries(
                async () => {
                    const release = await this.inFlight.acquire(req.signal);
                    try {
                        Object.assign(state, { text: "", t0: performance.now() });
                        return await (req.onText ? this.streamOnce(body, req, state) : this.once(body, req, state));
                    } finally {
                        release();
                    }
                },
                { ...this.failure, endpoint: e, signal: req.signal, random: this.opts.random, onBackoff: (ev) => this.listeners.forEach((l) => l({ ...ev, slot })) }
            );
        } catch (err) {
            // Aborted (also while backing off): what streamed so far, like a local generation.
            if (err instanceof AbortedError || req.signal?.aborted) return this.result(state.text, "abort", state, undefined, req.messages);
            if (err instanceof EndpointError) throw err;
            throw new Error(redact(`${endpointLabel(e)}: ${(err as Error).message ?? String(err)}`, [this.apiKey]));
        }
    }

    private async once(body: Record<string, unknown>, req: GenerateRequest, state: Attempt): Promise<GenerateResult> {
        const d = new Deadline(this.endpoint.timeoutMs, req.signal);
        try {
            const { data, response } = await this.client.chat.completions.create({ ...body, stream: false } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming, { signal: d.signal, timeout: this.endpoint.timeoutMs }).withResponse();
            const r = this.completion(data, response);
            const choice = r.choices[0]!;
            state.text = choice.message?.content ?? "";
            return this.result(state.text, stopReasonOf(choice.finish_reason), state, r.usage, req.messages);
        } catch (err) {
            throw d.signal.aborted ? d.error() : err;
        } finally {
            d.dispose();
        }
    }

    private async streamOnce(body: Record<string, unknown>, req: GenerateRequest, state: Attempt): Promise<GenerateResult> {
        const d = new Deadline(this.endpoint.timeoutMs, req.signal);
        let finish: string | null | undefined;
        let usage: OpenAI.CompletionUsage | undefined;
        let failure: unknown;
        try {
            const { data: stream, response } = await this.client.chat.completions
                .create({ ...body, stream: true, stream_options: { include_usage: true } } as unknown as OpenAI.ChatCompletionCreateParamsStreaming, { signal: d.signal, timeout: this.endpoint.timeoutMs })
                .withResponse();
            if (!(response.headers.get("content-type") ?? "").includes("event-stream")) {
                // A server that ignores `stream: true` sends one JSON completion: shown as one piece.
                const text = await response.text();
                let parsed: unknown = text;
                try {
                    parsed = JSON.parse(text);
                } catch {
                    /* not JSON: said below with what came instead */
                }
                const r = this.completion(parsed, response);
                const choice = r.choices[0]!;
                state.text = choice.message?.content ?? "";
                if (state.text) req.onText!(state.text);
                return this.result(state.text, stopReasonOf(choice.finish_reason), state, r.usage, req.messages);
            }
            let chunks = 0;
            for await (const chunk of stream) {
                chunks++;
                const c = chunk.choices?.[0];
                const piece = c?.delta?.content;
                if (piece) {
                    state.text += piece;
                    req.onText!(piece);
                }
                if (c?.finish_reason) finish = c.finish_reason;
                if (chunk.usage) usage = chunk.usage;
            }
            // The SDK ends a stream quietly when its signal fires: say which one did.
            if (d.signal.aborted) failure = d.error();
            else if (chunks === 0) failure = new EndpointError(`${endpointLabel(this.endpoint)}: the server's stream held no events`, false);
        } catch (err) {
            failure = d.signal.aborted ? d.error() : err;
        } finally {
            d.dispose();
        }
        if (failure === undefined) return this.result(state.text, stopReasonOf(finish), state, usage, req.messages);
        if (failure instanceof AbortedError || !state.text) throw failure;
        // Text already went to the screen; a retry would show it twice.
        const f = classifyFailure(failure, this.endpoint, this.failure);
        throw new EndpointError(`${endpointLabel(this.endpoint)}: ${f.detail} after part of the reply had streamed; not retried, since the text shown would repeat`, false, f.status);
    }

    /** A 2xx reply as a chat completion, or a non-retried EndpointError saying what came back instead. */
    private completion(data: unknown, response: Response): OpenAI.ChatCompletion {
        const why = notChatCompletion(data);
        if (why === null) return data as OpenAI.ChatCompletion;
        const url = response.url || `${this.endpoint.baseURL}/chat/completions`;
        const msg = unexpectedReply({ url, status: response.status, contentType: response.headers.get("content-type"), body: data, expected: "an OpenAI chat completion", why });
        throw new EndpointError(redact(`${endpointLabel(this.endpoint)}: ${msg}`, [this.apiKey]), false);
    }

    private result(text: string, stopReason: StopReason, state: Attempt, usage: OpenAI.CompletionUsage | undefined | null, messages: ChatMessage[]): GenerateResult {
        return result(text, stopReason, state, usage, messages, this.opts.promptTokensEvaluated === true);
    }

    private slotBackend(i: number): Backend {
        return { info: this.info, renderPrompt: (m) => this.renderPrompt(m), generate: (r) => this.generate(r, i), dispose: async () => {} };
    }

    async dispose(): Promise<void> {
        this.listeners.clear();
    }
}

interface Attempt {
    text: string;
    /** Start of the attempt that produced the result: waits before it are not generation time. */
    t0: number;
}

function stopReasonOf(finish: string | null | undefined): StopReason {
    if (finish === "length") return "maxTokens";
    if (finish === "stop" || finish == null) return "eos";
    return "stop";
}

/** Rough tokens for servers that omit `usage`: ~4 characters per token in English text. An estimate, used only then. */
const estimateTokens = (chars: number): number => (chars > 0 ? Math.max(1, Math.round(chars / 4)) : 0);

function result(text: string, stopReason: StopReason, state: Attempt, usage: OpenAI.CompletionUsage | undefined | null, messages: ChatMessage[], evaluatedOnly: boolean): GenerateResult {
    const ms = performance.now() - state.t0;
    const outputTokens = typeof usage?.completion_tokens === "number" ? usage.completion_tokens : estimateTokens(text.length);
    const cached = usage?.prompt_tokens_details?.cached_tokens;
    const promptTokens =
        typeof usage?.prompt_tokens === "number"
            ? usage.prompt_tokens - (evaluatedOnly && typeof cached === "number" ? Math.min(cached, usage.prompt_tokens) : 0)
            : estimateTokens(messages.reduce((n, m) => n + m.content.length, 0));
    return {
        text,
        stopReason,
        promptTokens,
        ...(typeof cached === "number" ? { cachedTokens: cached } : {}),
        outputTokens,
        ms,
        tokensPerSecond: ms > 0 ? (outputTokens * 1000) / ms : 0
    };
}
