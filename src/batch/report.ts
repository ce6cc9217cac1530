import { computeMetrics, type MetricsReport } from "./metrics.js";
import type { RunManifest } from "./runner.js";
import { RunStore } from "./store.js";

export interface RunReport {
    run: string;
    manifest: RunManifest;
    progress: { items: number; done: number; errors: number; samples: number };
    metrics: MetricsReport;
}

/** Metrics of any run, finished or not, computed from the stored records alone. */
export function reportRun(runDir: string): RunReport {
    if (!RunStore.exists(runDir)) throw new Error(`${runDir} is not a batch run (no manifest.json)`);
    const manifest = RunStore.readManifest<RunManifest>(runDir);
    const store = RunStore.open(runDir);
    try {
        const c = store.counts();
        return {
            run: runDir,
            manifest,
            progress: { items: manifest.tasks.items, done: c.done, errors: c.errors, samples: c.samples },
            metrics: computeMetrics(store.outcomes(), manifest.config.maxTurns)
        };
    } finally {
        store.close();
    }
}
