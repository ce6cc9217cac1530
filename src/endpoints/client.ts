import OpenAI from "openai";
import type { Endpoint } from "./types.js";

/**
 * The official SDK's client for one endpoint. Everything it would otherwise pick up from the
 * environment is pinned: OPENAI_API_KEY/OPENAI_ADMIN_KEY/OPENAI_ORG_ID must not travel to another
 * server, and its retries are off (maxRetries 0) because ours are visible as BackoffEvents.
 */
export function openaiClient(e: Endpoint, apiKey: string | undefined): OpenAI {
    return new OpenAI({
        baseURL: e.baseURL,
        // The SDK insists on a key; with none, the placeholder's Authorization header is removed below.
        apiKey: apiKey ?? "no-key",
        adminAPIKey: null,
        organization: null,
        project: null,
        webhookSecret: null,
        defaultHeaders: apiKey ? undefined : { Authorization: null },
        maxRetries: 0,
        timeout: e.timeoutMs,
        logLevel: "off",
        fetch: fetchWithErrorBodies
    });
}

/**
 * The SDK reads an error's explanation only from an OpenAI-shaped body ({"error": {"message"}});
 * vLLM and others answer {"message": ...}, {"detail": ...} or plain text. Those are reshaped so the
 * server's reason ("maximum context length is 4096 tokens") reaches the user. HTML pages are dropped.
 */
async function fetchWithErrorBodies(url: string | URL | Request, init?: RequestInit): Promise<Response> {
    const r = await fetch(url, init);
    if (r.ok) return r;
    const text = await r.text();
    let json: Record<string, unknown> | undefined;
    try {
        json = JSON.parse(text) as Record<string, unknown>;
    } catch {
        /* not JSON */
    }
    const reason = (v: unknown): string | undefined => (typeof v === "string" ? v : v === undefined ? undefined : JSON.stringify(v));
    let body = text;
    if (json && typeof json === "object" && json.error === undefined) body = JSON.stringify({ error: { message: reason(json.message) ?? reason(json.detail) ?? text } });
    else if (!json) body = JSON.stringify({ error: { message: /^\s*</.test(text) ? "" : text.trim() } });
    const headers = new Headers(r.headers);
    headers.delete("content-length");
    headers.delete("content-encoding");
    headers.set("content-type", "application/json");
    return new Response(body, { status: r.status, statusText: r.statusText, headers });
}
