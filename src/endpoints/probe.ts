import { openaiClient } from "./client.js";
import { classifyFailure, endpointLabel, EndpointError, notChatCompletion, RequestTimeoutError, unexpectedReply } from "./errors.js";
import { keyHint } from "./secrets.js";
import { Deadline } from "./retry.js";
import type { Endpoint } from "./types.js";

export interface ProbeResult {
    ok: boolean;
    latencyMs: number;
    /** Which request answered: GET /models, or (servers without it) a one-token chat request. */
    via: "models" | "chat";
    models?: string[];
    /** Key-free, one line. */
    error?: string;
}

/** A probe should answer fast even when requests may take minutes. */
const PROBE_TIMEOUT_MS = 15_000;

/**
 * Is the endpoint reachable, is the key accepted: GET {baseURL}/models, and when the server has no
 * such route (404), a one-token chat request. One attempt each, no retries: a probe reports.
 */
export async function probeEndpoint(e: Endpoint, apiKey: string | undefined, opts: { signal?: AbortSignal } = {}): Promise<ProbeResult> {
    const client = openaiClient(e, apiKey);
    const ctx = { keyHint: keyHint(e, apiKey), secrets: [apiKey] };
    const timeoutMs = Math.min(e.timeoutMs, PROBE_TIMEOUT_MS);
    const t0 = performance.now();
    const fail = (via: ProbeResult["via"], err: unknown): ProbeResult => ({
        ok: false,
        latencyMs: performance.now() - t0,
        via,
        error: opts.signal?.aborted ? `${endpointLabel(e)}: probe cancelled` : `${endpointLabel(e)}: ${classifyFailure(err, e, ctx).detail}`
    });
    let d = new Deadline(timeoutMs, opts.signal);
    try {
        // The raw reply: a web server answering every path with a page must not count as an endpoint.
        const response = await client.models.list({ signal: d.signal, timeout: timeoutMs }).asResponse();
        const text = await response.text();
        let page: unknown;
        try {
            page = JSON.parse(text);
        } catch {
            /* not JSON */
        }
        if (typeof page !== "object" || page === null || Array.isArray(page)) {
            const contentType = response.headers.get("content-type");
            return fail("models", new EndpointError(unexpectedReply({ url: response.url || `${e.baseURL}/models`, status: response.status, contentType, body: text, expected: "an OpenAI model list", why: page === undefined ? "" : "not a JSON object" }), false));
        }
        // Servers fill the list loosely (llama-server adds fields, some omit `data`): take the ids there are.
        const data = (page as { data?: unknown }).data;
        const models = (Array.isArray(data) ? data : []).map((m) => (m as { id?: unknown } | null)?.id).filter((id): id is string => typeof id === "string");
        return { ok: true, latencyMs: performance.now() - t0, via: "models", models };
    } catch (err) {
        if (d.timedOut) return fail("models", new RequestTimeoutError(timeoutMs));
        if ((err as { status?: unknown }).status !== 404) return fail("models", err);
    } finally {
        d.dispose();
    }
    d = new Deadline(timeoutMs, opts.signal);
    try {
        const { data, response } = await client.chat.completions.create({ model: e.model, messages: [{ role: "user", content: "Say OK." }], max_tokens: 1, temperature: 0 }, { signal: d.signal, timeout: timeoutMs }).withResponse();
        const why = notChatCompletion(data);
        if (why !== null) return fail("chat", new EndpointError(unexpectedReply({ url: response.url || `${e.baseURL}/chat/completions`, status: response.status, contentType: response.headers.get("content-type"), body: data, expected: "an OpenAI chat completion", why }), false));
        return { ok: true, latencyMs: performance.now() - t0, via: "chat" };
    } catch (err) {
        return fail("chat", d.timedOut ? new RequestTimeoutError(timeoutMs) : err);
    } finally {
        d.dispose();
    }
}
