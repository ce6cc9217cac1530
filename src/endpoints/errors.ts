import { snippet } from "../terminalText.js";
import { redact } from "./redact.js";
import type { Endpoint } from "./types.js";

/** A failure already turned into a key-free, one-line message (the lab prints `message` as is). */
export class EndpointError extends Error {
    constructor(
        message: string,
        readonly retryable: boolean,
        readonly status?: number
    ) {
        super(message);
        this.name = "EndpointError";
    }
}

/** Our own per-request deadline (the SDK's timeout stops at the response headers; ours covers the whole reply). */
export class RequestTimeoutError extends Error {
    constructor(readonly ms: number) {
        super(`timeout after ${formatSeconds(ms)}`);
        this.name = "RequestTimeoutError";
    }
}

/** The caller's signal fired: not a failure, the generation returns what it has with stopReason "abort". */
export class AbortedError extends Error {
    constructor() {
        super("aborted");
        this.name = "AbortError";
    }
}

export interface Failure {
    retryable: boolean;
    /** Short, for backoff events: "HTTP 429", "timeout after 120 s", "connection refused". */
    reason: string;
    /** The whole explanation, without the endpoint prefix. */
    detail: string;
    status?: number;
    /** From Retry-After / retry-after-ms, when the server sent one. */
    retryAfterMs?: number;
}

export interface FailureContext {
    /** What to say about the key on 401/403 (secrets.ts keyHint): its source, never its value. */
    keyHint: string;
    /** Secrets to blank out of server messages besides the registered ones. */
    secrets?: (string | undefined)[];
}

export const endpointLabel = (e: Endpoint): string => `endpoint ${e.name} (${e.baseURL})`;

/**
 * A 2xx reply that is not what an OpenAI-compatible server sends (a web page, a proxy's login form,
 * another API's JSON, binary bytes): what came back, with the first ~120 characters quoted escaped.
 */
export function unexpectedReply(r: { url: string; status: number; contentType: string | null; body: unknown; expected: string; why?: string }): string {
    const type = r.contentType?.split(";")[0]?.trim() || "no content type";
    const text = typeof r.body === "string" ? r.body : r.body === undefined || r.body === null ? "" : JSON.stringify(r.body);
    const shown = text.trim() ? `: "${snippet(text.trim(), 120)}"` : " and an empty body";
    return `the server at ${r.url} answered ${r.status} with ${type}, not ${r.expected}${r.why ? ` (${r.why})` : ""}${shown} (is the URL the /v1 endpoint of an OpenAI-compatible server?)`;
}

/** Why a parsed reply is not a chat completion, or null if it has a first choice. */
export function notChatCompletion(body: unknown): string | null {
    // Text (HTML, binary) or nothing: the content type and the quoted start say enough.
    if (typeof body === "string" || body == null) return "";
    if (typeof body !== "object" || Array.isArray(body)) return "not a JSON object";
    const choices = (body as { choices?: unknown }).choices;
    if (choices === undefined) return 'it has no "choices"';
    if (!Array.isArray(choices)) return '"choices" is not a list';
    return choices.length === 0 ? '"choices" is empty' : null;
}

// Statuses worth another try: the request may succeed later. Everything else 4xx is the request's (or the key's) fault.
const RETRY_STATUS = new Set([408, 409, 425, 429]);

const CONNECTION: [RegExp, string][] = [
    [/ECONNREFUSED/, "connection refused"],
    [/ECONNRESET|EPIPE|UND_ERR_SOCKET|ECONNABORTED|^terminated$|other side closed/i, "connection reset"],
    [/ENOTFOUND|EAI_AGAIN/, "host not found"],
    [/ETIMEDOUT|UND_ERR_CONNECT_TIMEOUT|ESOCKETTIMEDOUT|UND_ERR_HEADERS_TIMEOUT|UND_ERR_BODY_TIMEOUT/, "connection timed out"],
    [/EHOSTUNREACH|ENETUNREACH|ENETDOWN/, "host unreachable"]
];

/** Sorts any thrown value into retry-or-fail with a key-free explanation. */
export function classifyFailure(err: unknown, e: Endpoint, ctx: FailureContext): Failure {
    const clean = (s: string) => redact(s, ctx.secrets ?? []);
    // Raised by our own code with the endpoint's label already in front: keep the explanation only.
    if (err instanceof EndpointError) return { retryable: err.retryable, reason: err.status ? `HTTP ${err.status}` : "error", detail: clean(err.message.replace(`${endpointLabel(e)}: `, "")), status: err.status };
    if (err instanceof RequestTimeoutError) return { retryable: true, reason: err.message, detail: err.message };
    const anyErr = err as { name?: string; status?: unknown; headers?: unknown; error?: unknown; message?: string; cause?: unknown };
    const name = anyErr?.constructor?.name ?? anyErr?.name ?? "";
    if (name === "APIConnectionTimeoutError") return { retryable: true, reason: `timeout after ${formatSeconds(e.timeoutMs)}`, detail: `timeout after ${formatSeconds(e.timeoutMs)}` };
    const status = typeof anyErr?.status === "number" ? anyErr.status : undefined;
    if (status !== undefined) return httpFailure(status, serverMessage(anyErr), retryAfterMs(anyErr.headers), e, ctx, clean);
    const conn = connectionReason(err);
    if (conn) return { retryable: true, reason: conn, detail: conn };
    // An error event inside a stream (llama-server reports e.g. context overflow this way) or anything else: not retried.
    const msg = clean(oneLine(serverMessage(anyErr) || anyErr?.message || String(err)));
    return { retryable: false, reason: "error", detail: msg };
}

function httpFailure(status: number, server: string, retryAfter: number | undefined, e: Endpoint, ctx: FailureContext, clean: (s: string) => string): Failure {
    const said = server ? `: ${clean(oneLine(server))}` : "";
    const base = { status, reason: `HTTP ${status}`, retryAfterMs: retryAfter };
    if (RETRY_STATUS.has(status) || status >= 500) {
        const what = status === 429 ? "rate limited" : status === 408 ? "request timeout" : status === 409 ? "conflict" : status >= 500 ? "server error" : "too early";
        return { ...base, retryable: true, detail: `HTTP ${status} ${what}${said}` };
    }
    switch (status) {
        case 400: {
            const extras = e.samplerExtras !== false && /top_k|min_p|repeat_penalty|unrecognized|unknown (field|param)|extra (fields|inputs)/i.test(server);
            return { ...base, retryable: false, detail: `HTTP 400 bad request${said}${extras ? "; if the server rejects llama.cpp sampler fields, re-add the endpoint with --no-sampler-extras" : ""}` };
        }
        case 401:
            return { ...base, retryable: false, detail: `HTTP 401 unauthorized: ${ctx.keyHint}` };
        case 403:
            return { ...base, retryable: false, detail: `HTTP 403 forbidden: ${ctx.keyHint}; the key may not have access to model "${e.model}"` };
        case 404:
            return { ...base, retryable: false, detail: `HTTP 404 not found: check the URL (OpenAI-compatible servers usually serve under /v1) and the model name "${e.model}"${said}` };
        case 422:
            return { ...base, retryable: false, detail: `HTTP 422 unprocessable request${said}` };
        default:
            return { ...base, retryable: false, detail: `HTTP ${status}${said}` };
    }
}

/** The server's own explanation: the JSON error body's message, else the SDK's message without its status prefix. */
function serverMessage(err: { error?: unknown; message?: string } | undefined): string {
    const body = err?.error as { message?: unknown; error?: unknown } | string | undefined;
    if (typeof body === "string") return body;
    if (body && typeof body.message === "string") return body.message;
    if (body && typeof body.error === "string") return body.error;
    const m = err?.message ?? "";
    return /^\d{3} status code \(no body\)$/.test(m) ? "" : m.replace(/^\d{3}\s+/, "");
}

/** Retry-After in ms: `retry-after-ms`, then `retry-after` as seconds or an HTTP date. */
export function retryAfterMs(headers: unknown, now = Date.now()): number | undefined {
    const get = (k: string): string | null => {
        if (!headers) return null;
        if (typeof (headers as Headers).get === "function") return (headers as Headers).get(k);
        const v = (headers as Record<string, unknown>)[k];
        return typeof v === "string" ? v : null;
    };
    const ms = Number(get("retry-after-ms"));
    if (get("retry-after-ms") && Number.isFinite(ms) && ms >= 0) return ms;
    const ra = get("retry-after");
    if (!ra) return undefined;
    const secs = Number(ra);
    if (ra.trim() !== "" && Number.isFinite(secs) && secs >= 0) return secs * 1000;
    const date = Date.parse(ra);
    return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** A connection-level failure's short name, from the error or any of its causes (undici nests them). */
function connectionReason(err: unknown): string | null {
    const seen = new Set<unknown>();
    let cur: unknown = err;
    let sdkConnection = false;
    let innermost = "";
    while (cur && typeof cur === "object" && !seen.has(cur)) {
        seen.add(cur);
        const c = cur as { code?: unknown; message?: unknown; name?: unknown; cause?: unknown; constructor?: { name?: string } };
        if (c.constructor?.name === "APIConnectionError") sdkConnection = true;
        const text = `${typeof c.code === "string" ? c.code : ""} ${typeof c.message === "string" ? c.message : ""}`.trim();
        for (const [re, reason] of CONNECTION) if (re.test(text) || (typeof c.code === "string" && re.test(c.code))) return reason;
        if (typeof c.message === "string" && c.message && !/^(fetch failed|Connection error\.)$/.test(c.message)) innermost = c.message;
        cur = c.cause;
    }
    // Undici's innermost cause says why ("bad port", a TLS error); the outer ones only "fetch failed".
    return sdkConnection ? `connection failed${innermost ? ` (${oneLine(innermost).slice(0, 120)})` : ""}` : null;
}

const oneLine = (s: string): string => {
    const t = s.replace(/\s+/g, " ").trim();
    return t.length > 300 ? `${t.slice(0, 297)}...` : t;
};

export function formatSeconds(ms: number): string {
    const s = ms / 1000;
    return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}
