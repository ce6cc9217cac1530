import { AbortedError, EndpointError, RequestTimeoutError, classifyFailure, endpointLabel, type FailureContext } from "./errors.js";
import type { BackoffEvent, Endpoint } from "./types.js";

export const BASE_DELAY_MS = 500;
export const MAX_DELAY_MS = 30_000;
/** A longer Retry-After is waited out only this long: the next answer says again how long to wait. */
export const MAX_RETRY_AFTER_MS = 600_000;

/** Exponential backoff (0.5 s doubling, 30 s cap) with equal jitter, so parallel slots do not retry in step. */
export function backoffDelay(retry: number, random: () => number = Math.random): number {
    const exp = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.max(0, retry - 1));
    return Math.round(exp / 2 + (random() * exp) / 2);
}

/** Waits `ms`, or rejects with AbortedError as soon as `signal` fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
        if (signal?.aborted) return reject(new AbortedError());
        const done = () => {
            signal?.removeEventListener("abort", onAbort);
            resolve();
        };
        const timer = setTimeout(done, ms);
        const onAbort = () => {
            clearTimeout(timer);
            reject(new AbortedError());
        };
        signal?.addEventListener("abort", onAbort, { once: true });
    });
}

export interface RetryOptions extends FailureContext {
    endpoint: Endpoint;
    signal?: AbortSignal;
    onBackoff?: (ev: BackoffEvent) => void;
    /** Injected in tests. */
    random?: () => number;
}

/**
 * Runs `attempt` until it succeeds, retrying timeouts, connection failures, 408/409/429 and 5xx up to
 * `endpoint.maxRetries` times (the server's Retry-After wins over our backoff) and failing at once
 * on anything else. Throws EndpointError with a key-free one-line message, or AbortedError when the
 * signal fires (also while waiting).
 */
export async function withRetries<T>(attempt: (n: number) => Promise<T>, o: RetryOptions): Promise<T> {
    const e = o.endpoint;
    for (let n = 0; ; n++) {
        if (o.signal?.aborted) throw new AbortedError();
        try {
            return await attempt(n);
        } catch (err) {
            if (o.signal?.aborted || err instanceof AbortedError) throw new AbortedError();
            // Already explained (and labelled) where it was raised.
            if (err instanceof EndpointError && !err.retryable) throw err;
            const f = classifyFailure(err, e, o);
            if (!f.retryable) throw new EndpointError(`${endpointLabel(e)}: ${f.detail}`, false, f.status);
            if (n >= e.maxRetries) throw new EndpointError(`${endpointLabel(e)}: ${f.detail}; gave up after ${e.maxRetries} ${e.maxRetries === 1 ? "retry" : "retries"}`, true, f.status);
            const delayMs = f.retryAfterMs !== undefined ? Math.min(f.retryAfterMs, MAX_RETRY_AFTER_MS) : backoffDelay(n + 1, o.random);
            o.onBackoff?.({ endpoint: e.name, attempt: n + 1, maxRetries: e.maxRetries, delayMs, reason: f.reason });
            await sleep(delayMs, o.signal);
        }
    }
}

/**
 * A per-request deadline joined with the caller's signal: `signal` aborts on either; `timedOut` tells
 * which. The SDK's own timeout ends at the response headers, this one covers a whole streamed reply.
 */
export class Deadline {
    private readonly controller = new AbortController();
    private readonly timer: ReturnType<typeof setTimeout>;
    timedOut = false;

    constructor(
        readonly ms: number,
        private readonly outer?: AbortSignal
    ) {
        this.timer = setTimeout(() => {
            this.timedOut = true;
            this.controller.abort();
        }, ms);
        if (outer?.aborted) this.controller.abort();
        else outer?.addEventListener("abort", this.onAbort, { once: true });
    }

    get signal(): AbortSignal {
        return this.controller.signal;
    }

    /** The error to throw after the request ended because a signal fired: the timeout's, or the caller's abort. */
    error(): Error {
        return this.timedOut && !this.outer?.aborted ? new RequestTimeoutError(this.ms) : new AbortedError();
    }

    dispose(): void {
        clearTimeout(this.timer);
        this.outer?.removeEventListener("abort", this.onAbort);
    }

    private readonly onAbort = () => this.controller.abort();
}
