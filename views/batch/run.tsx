// First: Ink must load after the CI markers are dropped (see liveEnv.ts).
import "../liveEnv.js";
import { render } from "ink";
import type { BatchSummary } from "../../src/batch/runner.js";
import type { RunManifest } from "../../src/batch/runs.js";
import { startBatch, type BatchRequest } from "../../src/batch/session.js";
import type { TaskFormatError } from "../../src/tasks/jsonl.js";
import { BatchDashboard } from "./BatchDashboard.js";
import { createBatchBridge } from "./bridge.js";
import { dashboardInit, linkedAbort, storedOutcomes } from "./request.js";
import { createBatchStore } from "./store.js";

export interface BatchDashboardOptions {
    /** Default process.stdout / process.stdin; tests pass fakes. */
    stdout?: NodeJS.WriteStream;
    stdin?: NodeJS.ReadStream;
}

/**
 * `reflect-lab batch` on a terminal: the live dashboard around startBatch. q or ctrl+c stops the
 * run (items in flight run on --resume); the final frame stays on screen. Returns what startBatch returns.
 */
export async function runBatchDashboard(req: BatchRequest, opts: BatchDashboardOptions = {}): Promise<BatchSummary & { runDir: string; manifest: RunManifest }> {
    const store = createBatchStore(dashboardInit(req));
    const bridge = createBatchBridge(store, { preload: storedOutcomes });
    const ac = linkedAbort(req.signal);
    const stop = () => {
        store.getState().setStopping();
        ac.abort();
    };
    const ink = render(<BatchDashboard store={store} onStop={stop} />, {
        // ctrl+c goes through the keymap, so it stops the run cleanly instead of killing the process.
        exitOnCtrlC: false,
        stdout: opts.stdout ?? process.stdout,
        stdin: opts.stdin ?? process.stdin,
        patchConsole: opts.stdout === undefined
    });
    // Writing to stderr under a live Ink frame garbles it: skipped items are reported after unmount.
    const skipped: TaskFormatError[] = [];
    try {
        return await startBatch({
            ...req,
            signal: ac.signal,
            onEvent: (e) => {
                req.onEvent?.(e);
                bridge.onEvent(e);
            },
            onProgress: (msg) => store.getState().setState(msg),
            onSkipped: (errs) => {
                skipped.push(...errs);
                store.getState().setState(`skipped ${skipped.length} invalid items (listed when the run ends)`);
            }
        });
    } catch (e) {
        store.getState().setError((e as Error).message);
        store.setState({ status: "done", interrupted: true });
        throw e;
    } finally {
        bridge.flush();
        bridge.dispose();
        // Let Ink paint the final frame (final metrics) before unmounting; it stays on screen.
        await new Promise((r) => setTimeout(r, 50));
        ink.unmount();
        await ink.waitUntilExit().catch(() => {});
        if (skipped.length) req.onSkipped?.(skipped);
    }
}
