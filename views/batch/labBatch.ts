import type { ParallelBackend } from "../../src/backend/types.js";
import type { BatchSummary } from "../../src/batch/runner.js";
import { startBatch } from "../../src/batch/session.js";
import type { Lab } from "../../src/lab.js";
import { createBatchBridge } from "./bridge.js";
import { formRequest, type BatchFormValues } from "./formModel.js";
import { dashboardInit, storedOutcomes } from "./request.js";
import { createBatchStore, type BatchStore } from "./store.js";

export interface LabBatchOptions {
    lab: Lab;
    /** Where runs go and are listed. */
    sessionsDir: string;
    /** Injected in tests; default: startBatch loads its own model instance with `parallel` sequences. */
    backend?: () => ParallelBackend;
}

/** A batch run started from the lab: one at a time, its dashboard state in `store`. */
export class LabBatch {
    readonly store: BatchStore = createBatchStore();
    readonly sessionsDir: string;
    private ac: AbortController | null = null;
    private running: Promise<BatchSummary | null> | null = null;

    constructor(private readonly opts: LabBatchOptions) {
        this.sessionsDir = opts.sessionsDir;
    }

    get busy(): boolean {
        return this.running !== null;
    }

    /** Starts a run from the form's values; returns an error message for the form, or null. */
    start(values: BatchFormValues): string | null {
        if (this.running) return "a batch run is still going";
        const lab = this.opts.lab;
        let r: ReturnType<typeof formRequest>;
        try {
            r = formRequest(values, lab.settings, lab.pool);
        } catch (e) {
            return (e as Error).message;
        }
        const req = { ...r, hardware: lab.settings };
        this.store.getState().reset(dashboardInit(req));
        const bridge = createBatchBridge(this.store, { preload: storedOutcomes });
        const ac = (this.ac = new AbortController());
        const skipped: string[] = [];
        this.running = startBatch({
            ...req,
            backend: this.opts.backend?.(),
            signal: ac.signal,
            onEvent: bridge.onEvent,
            onProgress: (m) => this.store.getState().setState(m),
            onSkipped: (errs) => {
                skipped.push(...errs.map((e) => e.message));
                this.store.getState().setError(`skipped ${skipped.length} invalid items; first: ${skipped[0]}`);
            }
        })
            .catch((e: Error) => {
                this.store.getState().setError(e.message);
                return null;
            })
            .finally(() => {
                bridge.flush();
                bridge.dispose();
                this.store.setState({ status: "done", ...(this.ac?.signal.aborted ? { interrupted: true } : {}) });
                this.running = null;
                this.ac = null;
            });
        return null;
    }

    /** Stops a running batch (items in flight stay missing for resume) and waits for it. */
    async stop(): Promise<void> {
        if (!this.running) return;
        this.store.getState().setStopping();
        this.ac?.abort();
        await this.running;
    }

    async idle(): Promise<void> {
        await this.running;
    }
}
