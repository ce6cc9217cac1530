import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { RunManifest } from "../../src/batch/runner.js";
import { RunStore } from "../../src/batch/store.js";

export interface RunListing {
    dir: string;
    id: string;
    createdAt: string;
    tasks: string;
    items: number;
}

/** Batch runs under the sessions dir, newest first (lab sessions have a manifest too, of another schema). */
export function listRuns(sessionsDir: string): RunListing[] {
    let names: string[];
    try {
        names = readdirSync(sessionsDir);
    } catch {
        return [];
    }
    const runs: RunListing[] = [];
    for (const name of names) {
        const dir = join(sessionsDir, name);
        if (!RunStore.exists(dir)) continue;
        try {
            const m = RunStore.readManifest<RunManifest>(dir);
            if (m.schema !== "reflect-lab/run@1") continue;
            runs.push({ dir, id: m.id, createdAt: m.created_at, tasks: m.tasks.name, items: m.tasks.items });
        } catch {
            // An unreadable manifest is not offered for resuming.
        }
    }
    return runs.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}
