import { resolve } from "node:path";
import { formatInstructionPlan } from "../../src/batch/plan.js";
import type { RunManifest } from "../../src/batch/runs.js";
import type { BatchRequest } from "../../src/batch/session.js";
import { RunStore } from "../../src/batch/store.js";
import type { BatchConfig, ItemOutcome } from "../../src/batch/types.js";
import type { BatchInit } from "./store.js";

/** The config a request will really run with: a resumed run uses its manifest's (maxTurns drives the metrics). */
export function effectiveConfig(req: BatchRequest): BatchConfig {
    if ((req.resume || req.retryErrors) && req.out && RunStore.exists(resolve(req.out))) {
        try {
            return RunStore.readManifest<RunManifest>(resolve(req.out)).config;
        } catch {
            // startBatch reports the unreadable manifest.
        }
    }
    return req.config;
}

export function dashboardInit(req: BatchRequest): BatchInit {
    const c = effectiveConfig(req);
    const tasks = c.tasks.map((t) => t.split(/[\\/]/).pop()).join(" ");
    return {
        maxTurns: c.maxTurns,
        verifier: c.verifier,
        // The sampler in effect is named: the form's (or the manifest's) values, not the lab's settings.
        title: `batch ${tasks} · ${c.mode} · k ${c.k} · ${formatInstructionPlan(c.instructions)} · P ${req.config.parallel} · T ${c.sampler.temperature} · ≤${c.sampler.maxTokens} tok${c.reflector ? " · trained reflector" : ""}${req.resume ? " · resume" : ""}`
    };
}

/** The outcomes already stored in a run (a resumed run's metrics cover all of it). */
export function storedOutcomes(runDir: string): ItemOutcome[] {
    const s = RunStore.open(runDir);
    try {
        return s.outcomes();
    } finally {
        s.close();
    }
}

/** An AbortController that also follows an outer signal. */
export function linkedAbort(outer?: AbortSignal): AbortController {
    const ac = new AbortController();
    if (outer?.aborted) ac.abort();
    else outer?.addEventListener("abort", () => ac.abort(), { once: true });
    return ac;
}
