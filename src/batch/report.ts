import { errorTypeBreakdown, formatErrorTypes, type ErrorTypeBreakdown } from "../teacher/breakdown.js";
import { computeMetrics, formatReport, type MetricsReport } from "./metrics.js";
import { describeReflector } from "./reflector.js";
import type { RunManifest } from "./runs.js";
import { RunStore } from "./store.js";

export interface RunReport {
    run: string;
    manifest: RunManifest;
    progress: { items: number; done: number; errors: number; samples: number };
    metrics: MetricsReport;
    /** Error types named by the reflections, when a teacher has tagged the run (`reflect-lab tag-errors`). */
    errorTypes?: ErrorTypeBreakdown;
    /** Re-judgements stored by `reflect-lab audit --write`, oldest first; absent when none. */
    audits?: { at: string; verifier: string; summary: unknown }[];
}

/** Metrics of any run, finished or not, computed from the stored records alone. */
export function reportRun(runDir: string): RunReport {
    if (!RunStore.exists(runDir)) throw new Error(`${runDir} is not a batch run (no manifest.json)`);
    const manifest = RunStore.readManifest<RunManifest>(runDir);
    const store = RunStore.open(runDir);
    try {
        const c = store.counts();
        const errorTypes = errorTypeBreakdown(runDir);
        const audits = store.audits();
        return {
            run: runDir,
            manifest,
            progress: { items: manifest.tasks.items, done: c.done, errors: c.errors, samples: c.samples },
            metrics: computeMetrics(store.outcomes(), manifest.config.maxTurns),
            ...(errorTypes ? { errorTypes } : {}),
            ...(audits.length ? { audits } : {})
        };
    } finally {
        store.close();
    }
}

/** What `reflect-lab report <run>` prints: a summary line, the metrics table, and the error types when tagged. */
export function formatRunReport(r: RunReport): string {
    const p = r.progress;
    const head = `${r.run}: ${p.done}/${p.items} items done, ${p.errors} errors, ${p.samples} samples · model ${r.manifest.model.file} · reflector ${describeReflector(r.manifest.config.reflector)} · verifier ${r.manifest.config.verifier} · mode ${r.manifest.config.mode}`;
    const last = r.audits?.at(-1);
    const audited = last ? `\nverdicts re-judged by reflect-lab audit (${r.audits!.length}×, last ${last.at} with verifiers ${last.verifier})` : "";
    return `${head}${audited}\n\n${formatReport(r.metrics)}\n${r.errorTypes ? `\n${formatErrorTypes(r.errorTypes)}\n` : ""}`;
}
