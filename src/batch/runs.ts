import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type { BackendInfo } from "../backend/types.js";
import { SESSIONS_DIR } from "../paths.js";
import { sessionFolders } from "../sessionFolders.js";
import type { BatchEngine } from "./engineChoice.js";
import { describeReflector, type ReflectorManifest } from "./reflector.js";
import { RunStore } from "./store.js";
import type { BatchConfig } from "./types.js";

export const RUN_SCHEMA = "reflect-lab/run@1";

/** A batch run's manifest.json (docs/records.md): what made the run, written once when it starts. */
export interface RunManifest {
    schema: typeof RUN_SCHEMA;
    id: string;
    created_at: string;
    config: BatchConfig;
    model: { file: string; path: string; sha256: string; adapters: string[] };
    /** The trained reflector/corrector's files and hashes; null or absent (older runs) = the base model. */
    reflector?: ReflectorManifest | null;
    backend: Pick<BackendInfo, "kind" | "compute" | "gpuLayers" | "totalLayers" | "contextSize" | "threads" | "sequences" | "note">;
    /** The engine `config.engine` names and why it was chosen (`--engine auto`: the bench's figures); absent in older runs. */
    engine?: { kind: BatchEngine; why: string };
    prompts_sha256: string;
    tasks: { name: string; items: number; ids_sha256: string };
    versions: Record<string, string>;
    /** The isolation code answers ran in (runs with code tasks; absent in older runs). */
    code_sandbox?: string;
    /** `--turn1-from`: the run whose stored turn 1 this run reuses (absent: turn 1 was generated here). */
    turn1_from?: { dir: string; id: string } | null;
}

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
        readRunManifest(dir);
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
    const runs: BatchRunInfo[] = [];
    for (const dir of sessionFolders(sessionsDir)) {
        if (!RunStore.exists(dir)) continue;
        try {
            const m = readRunManifest(dir);
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
