import type { BackoffEvent } from "../endpoints/types.js";

/** A backend that retries remote requests and reports each wait (OpenAIHost); local ones never wait. */
export interface BackoffSource {
    /** Adds a listener for backoff waits; returns its removal. */
    onBackoff(listener: (ev: BackoffEvent) => void): () => void;
}

export function isBackoffSource(x: unknown): x is BackoffSource {
    return typeof (x as BackoffSource | null)?.onBackoff === "function";
}
