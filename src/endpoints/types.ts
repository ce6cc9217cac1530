/**
 * OpenAI-compatible endpoints (vLLM, llama-server, Ollama, hosted APIs) and the roles they play.
 * The API key is never part of an Endpoint value that gets written anywhere: it is read from an
 * environment variable (`apiKeyEnv`) or from the secret store at request time (see secrets.ts).
 */
export interface Endpoint {
    /** The user's name for it: "vllm", "local-server", "gpt-4o". */
    name: string;
    /** e.g. http://127.0.0.1:8080/v1 */
    baseURL: string;
    /** The model name the server expects. */
    model: string;
    /** Environment variable holding the API key; when absent a stored key (if any) is used; none at all is fine for local servers. */
    apiKeyEnv?: string;
    /** Concurrent requests a batch may keep in flight on this endpoint. */
    concurrency: number;
    /** Per-request timeout. */
    timeoutMs: number;
    /** Retries after timeouts, connection errors, 429 and 5xx (exponential backoff, Retry-After honoured). */
    maxRetries: number;
    /**
     * Send llama.cpp/vLLM sampler fields (top_k, min_p, repeat_penalty) beside the OpenAI ones; default
     * true. Off for servers that reject unknown fields with HTTP 400 (api.openai.com does).
     */
    samplerExtras?: boolean;
}

/** Who does what. Absent = the local model (node-llama-cpp) for generator/reflector; no teacher. */
export type EndpointRole = "generator" | "reflector" | "verifier" | "teacher";
export const ROLES: readonly EndpointRole[] = ["generator", "reflector", "verifier", "teacher"];
export type RoleAssignment = Partial<Record<EndpointRole, string>>;

export const ENDPOINT_DEFAULTS = { concurrency: 4, timeoutMs: 120_000, maxRetries: 8 } as const;

/** One retry decision, reported to the UI ("backing off 4.0 s: 429 Too Many Requests, attempt 2 of 8"). */
export interface BackoffEvent {
    endpoint: string;
    attempt: number;
    maxRetries: number;
    delayMs: number;
    /** Short and key-free: "HTTP 429", "timeout after 120 s", "connection refused". */
    reason: string;
    /** The backend slot whose request is waiting, when the host has several. */
    slot?: number;
}

/**
 * What results depend on and what may be written to manifests and records: which server and model.
 * Never the key, never the timeouts (they change how a run behaves, not what it produces).
 */
export interface EndpointRef {
    name: string;
    baseURL: string;
    model: string;
}

export const endpointRef = (e: Endpoint): EndpointRef => ({ name: e.name, baseURL: e.baseURL, model: e.model });
