// Backoff events as the user sees them: the dashboard's state line and the headless progress lines.
import { describe, expect, it } from "vitest";
import { ProgressLines } from "../src/batch/progress.js";
import type { BatchEvent } from "../src/batch/types.js";
import { createBatchBridge } from "../views/batch/bridge.js";
import { createBatchStore } from "../views/batch/store.js";

const backoff: BatchEvent = { type: "backoff", endpoint: "vllm", attempt: 2, maxRetries: 8, delayMs: 4000, reason: "HTTP 429", slot: 1 };
const start: BatchEvent = { type: "start", total: 3, alreadyDone: 0, todo: 3, parallel: 2, runDir: "/tmp/run" };

describe("backoff display", () => {
    it("headless progress prints each backoff once", () => {
        const lines: string[] = [];
        const p = new ProgressLines(2, (l) => lines.push(l), 60_000);
        p.on(start);
        p.on(backoff);
        p.on({ ...backoff, attempt: 3, delayMs: 8000 });
        expect(lines.slice(1)).toEqual(["backing off 4.0 s: HTTP 429 (attempt 2/8) · vllm", "backing off 8.0 s: HTTP 429 (attempt 3/8) · vllm"]);
    });

    it("the dashboard state line shows the wait, then the previous state once work goes on", () => {
        let t = 0;
        const store = createBatchStore();
        const bridge = createBatchBridge(store, { throttleMs: 0, tickMs: 0, now: () => t });
        bridge.onEvent(start);
        bridge.onEvent({ type: "state", message: "reflector/corrector: endpoint vllm (qwen)" });
        bridge.onEvent(backoff);
        expect(store.getState().state).toBe("backing off 4.0 s: HTTP 429 (attempt 2/8) · vllm");
        // Tokens from another slot during the wait do not hide it.
        t = 1000;
        bridge.onEvent({ type: "tokens", slot: 0, count: 5 });
        expect(store.getState().state).toBe("backing off 4.0 s: HTTP 429 (attempt 2/8) · vllm");
        t = 4500;
        bridge.onEvent({ type: "tokens", slot: 1, count: 5 });
        expect(store.getState().state).toBe("reflector/corrector: endpoint vllm (qwen)");
        bridge.dispose();
    });
});
