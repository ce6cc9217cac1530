import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { describeReflector } from "./reflector.js";
import type { RunManifest } from "./runner.js";
import { RunStore } from "./store.js";

export const RUN_SCHEMA = "reflect-lab/run@1";

/** A batch run as the compare screen lists it. */
export interface BatchRunInfo {
    dir: string;
    id: string;
    createdAt: string;
    tasks: string;
    items: number;
    done: number;
    model: string;
    /** "base model" or the trained reflector's description. */
    reflector: string;
    trained: boolean;
}

/** A run argument: a run folder, or a run id under `sessionsDir`. Throws a one-line message. */
export function resolveRun(arg: string, sessionsDir: string): string {
    const candidates = [resolve(arg), join(sessionsDir, arg)];
    for (const dir of candidates) {
        if (!RunStore.exists(dir)) continue;
        const m = readRunManifest(dir);
        if (m.schema !== RUN_SCHEMA) throw new Error(`${dir} is not a batch run (manifest schema ${m.schema ?? "missing"})`);
        return dir;
    }
    const near = existsSync(candidates[0]!) ? `${candidates[0]} holds no manifest.json` : `no run folder ${candidates[0]}`;
    throw new Error(`no batch run "${arg}": ${near}, and no run with that id in ${sessionsDir}`);
}

export function readRunManifest(dir: string): RunManifest {
    return RunStore.readManifest<RunManifest>(dir);
}

/** Batch runs under the sessions dir, newest first; unreadable ones are skipped. */
export function listBatchRuns(sessionsDir: string): BatchRunInfo[] {
    let names: string[];
    try {
        names = readdirSync(sessionsDir);
    } catch {
        return [];
    }
    const runs: BatchRunInfo[] = [];
    for (const name of names) {
        const dir = join(sessionsDir, name);
        if (!RunStore.exists(dir)) continue;
        try {
            const m = readRunManifest(dir);
            if (m.schema !== RUN_SCHEMA) continue;
            const store = RunStore.open(dir);
            let done: number;
            try {
                done = store.counts().done;
            } finally {
                store.close();
            }
            runs.push({ dir, id: m.id, createdAt: m.created_at, tasks: m.tasks.name, items: m.tasks.items, done, model: m.model.file, reflector: describeReflector(m.config.reflector), trained: !!m.config.reflector });
        } catch {
            // A run being created or a broken manifest is not offered.
        }
    }
    return runs.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}
