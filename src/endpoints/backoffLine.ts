import type { BackoffEvent } from "./types.js";

/** "backing off 4.0 s: HTTP 429 (attempt 2/8) · vllm": the dashboard's state line and the headless progress. */
export function backoffLine(ev: BackoffEvent): string {
    return `backing off ${(ev.delayMs / 1000).toFixed(1)} s: ${ev.reason} (attempt ${ev.attempt}/${ev.maxRetries}) · ${ev.endpoint}`;
}
