import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { SESSIONS_DIR } from "../paths.js";
import { describeReflector } from "./reflector.js";
import type { RunManifest } from "./runner.js";
import { RunStore } from "./store.js";

export const RUN_SCHEMA = "reflect-lab/run@1";

/** A batch run as the curate and compare screens list it. */
export interface BatchRunInfo {
    dir: string;
    id: string;
    createdAt: string;
    tasks: string;
    items: number;
    done: number;
    samples: number;
    model: string;
    mode: RunManifest["config"]["mode"];
    verifier: RunManifest["config"]["verifier"];
    seed: number;
    /** "base model" or the trained reflector's description. */
    reflector: string;
    trained: boolean;
}

/** A run argument: a run folder, or a run id under `sessionsDir`. Throws a one-line message. */
export function resolveRun(arg: string, sessionsDir: string = SESSIONS_DIR): string {
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

/** A run's manifest, checked to be a batch run's (lab sessions have a manifest of another schema). */
export function readRunManifest(dir: string): RunManifest {
    const m = RunStore.readManifest<RunManifest>(dir);
    if (m.schema !== RUN_SCHEMA) throw new Error(`${dir} is not a batch run (manifest schema ${m.schema ?? "missing"}); make one with reflect-lab batch`);
    return m;
}

/** Batch runs under the sessions dir, newest first; unreadable ones are skipped. */
export function listBatchRuns(sessionsDir: string = SESSIONS_DIR): BatchRunInfo[] {
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
            let counts: ReturnType<RunStore["counts"]>;
            try {
                counts = store.counts();
            } finally {
                store.close();
            }
            runs.push({
                dir, id: m.id, createdAt: m.created_at, tasks: m.tasks.name, items: m.tasks.items, done: counts.done, samples: counts.samples, model: m.model.file,
                mode: m.config.mode, verifier: m.config.verifier, seed: m.config.sampler.seed, reflector: describeReflector(m.config.reflector), trained: !!m.config.reflector
            });
        } catch {
            // A run being created or a broken manifest is not offered.
        }
    }
    return runs.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id));
}
