import { ENDPOINT_DEFAULTS, ROLES, type Endpoint, type EndpointRole } from "./types.js";

export const ENDPOINT_NAME = /^[a-z0-9._-]+$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Why `e` cannot be stored or used, or null. Used by the store, the CLI and the settings screen. */
export function validateEndpoint(e: Endpoint): string | null {
    if (typeof e.name !== "string" || !ENDPOINT_NAME.test(e.name) || e.name.length > 64) return `endpoint name "${e.name}" must be 1-64 characters of a-z, 0-9, ".", "_" or "-"`;
    if (e.name === "none") return `"none" is reserved (it means the local model in --endpoint and endpoints role)`;
    const urlErr = validateBaseURL(e.baseURL);
    if (urlErr) return urlErr;
    if (typeof e.model !== "string" || e.model.trim() === "") return "model must name the model the server expects (e.g. Qwen/Qwen2.5-1.5B-Instruct)";
    if (e.apiKeyEnv !== undefined && (typeof e.apiKeyEnv !== "string" || !ENV_NAME.test(e.apiKeyEnv))) return `key environment variable "${e.apiKeyEnv}" is not a valid variable name (e.g. VLLM_API_KEY)`;
    if (!isInt(e.concurrency, 1, 1024)) return "concurrency must be an integer in 1..1024";
    if (!isInt(e.timeoutMs, 100, 86_400_000)) return "timeout must be an integer number of milliseconds in 100..86400000";
    if (!isInt(e.maxRetries, 0, 100)) return "maxRetries must be an integer in 0..100";
    if (e.samplerExtras !== undefined && typeof e.samplerExtras !== "boolean") return "samplerExtras must be true or false";
    return null;
}

/**
 * Why a raw entry of endpoints.json (hand-edited, or from another version) is not a usable endpoint,
 * naming the field; null when it is. Typed before endpointFrom, which expects strings.
 */
export function storedEndpointProblem(raw: unknown): string | null {
    if (!raw || typeof raw !== "object" || Array.isArray(raw)) return `an entry is ${raw === null ? "null" : Array.isArray(raw) ? "a list" : `a ${typeof raw}`}, not an endpoint object`;
    const r = raw as Record<string, unknown>;
    for (const f of ["name", "baseURL", "model"] as const) if (typeof r[f] !== "string") return `"${f}" is ${r[f] === undefined ? "missing" : `a ${r[f] === null ? "null" : typeof r[f]}`}; it must be a string`;
    for (const f of ["concurrency", "timeoutMs", "maxRetries"] as const) if (r[f] !== undefined && typeof r[f] !== "number") return `"${f}" is a ${r[f] === null ? "null" : typeof r[f]}; it must be a number`;
    return validateEndpoint(endpointFrom(r as Pick<Endpoint, "name" | "baseURL" | "model">));
}

export function validateBaseURL(url: string): string | null {
    let u: URL;
    try {
        u = new URL(url);
    } catch {
        return `"${url}" is not a URL; use e.g. http://127.0.0.1:8080/v1`;
    }
    if (u.protocol !== "http:" && u.protocol !== "https:") return `the URL must start with http:// or https:// (got ${u.protocol}//)`;
    // The URL goes into manifests and records: a key in it would be written everywhere.
    if (u.username || u.password) return "the URL must not carry credentials; give the key with --key-env or --key-stdin";
    if (u.search || u.hash) return "the URL must not have a query or fragment; give the base URL, e.g. http://127.0.0.1:8080/v1";
    return null;
}

/** A trailing slash would double in `${baseURL}/models`. */
export const normalizeBaseURL = (url: string): string => url.trim().replace(/\/+$/, "");

export function isRole(r: string): r is EndpointRole {
    return (ROLES as readonly string[]).includes(r);
}

/** An Endpoint from the required fields, with defaults for the rest; not yet validated. */
export function endpointFrom(input: Pick<Endpoint, "name" | "baseURL" | "model"> & Partial<Endpoint>): Endpoint {
    const e: Endpoint = {
        name: input.name,
        baseURL: normalizeBaseURL(input.baseURL),
        model: input.model.trim(),
        concurrency: input.concurrency ?? ENDPOINT_DEFAULTS.concurrency,
        timeoutMs: input.timeoutMs ?? ENDPOINT_DEFAULTS.timeoutMs,
        maxRetries: input.maxRetries ?? ENDPOINT_DEFAULTS.maxRetries
    };
    if (input.apiKeyEnv) e.apiKeyEnv = input.apiKeyEnv;
    if (input.samplerExtras !== undefined) e.samplerExtras = input.samplerExtras;
    return e;
}

function isInt(v: unknown, min: number, max: number): boolean {
    return typeof v === "number" && Number.isInteger(v) && v >= min && v <= max;
}
