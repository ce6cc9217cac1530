import { createHash } from "node:crypto";
import { basename, join, resolve } from "node:path";
import { LlamaHost } from "../backend/llama.js";
import { isManagedServer, startManagedServer, type ManagedServerHost } from "../backend/managedServer.js";
import { OpenAIHost } from "../backend/openai.js";
import { resolveRef } from "../endpoints/resolve.js";
import { loadTeacherTemplates } from "../teacher/templates.js";
import type { EndpointStore } from "../endpoints/store.js";
import type { EndpointRef } from "../endpoints/types.js";
import type { Backend, ParallelBackend } from "../backend/types.js";
import { itemOracle, versions } from "../lab.js";
import { requireCodeSandbox } from "../verify/codeGate.js";
import { PROMPTS_DIR, SESSIONS_DIR, folderStamp } from "../paths.js";
import { hashPromptsDir } from "../prompts/hash.js";
import { loadInstructionPool } from "../prompts/pool.js";
import { loadTurnTemplates } from "../prompts/templates.js";
import type { Settings } from "../settings.js";
import { acquireRunLock } from "../runLock.js";
import { loadTaskFiles } from "../tasks/load.js";
import type { TaskFormatError } from "../tasks/jsonl.js";
import type { TaskSet } from "../tasks/types.js";
import { hashReflector, reflectorChange, roleEndpoints, roleModels, type ReflectorManifest } from "./reflector.js";
import { runBatch, type BatchSummary } from "./runner.js";
import { runEngine, type RequestedEngine } from "./runEngine.js";
import { RUN_SCHEMA, type RunManifest } from "./runs.js";
import { RunStore } from "./store.js";
import { checkTurn1Model, openTurn1Source, type Turn1Source } from "./turn1From.js";
import type { BatchConfig, BatchEvent } from "./types.js";

export interface BatchRequest {
    /** Results-defining settings; ignored on resume (the manifest's are used) except `parallel`. */
    config: BatchConfig;
    /** The run folder; default sessions/batch-<time>. */
    out?: string;
    resume?: boolean;
    retryErrors?: boolean;
    skipInvalid?: boolean;
    /**
     * A new run's engine: auto (the bench's pick for this machine and P), node-llama-cpp, or a managed
     * llama-server on the same GGUF; default `config.engine`, else node-llama-cpp. A resumed run keeps its own.
     */
    engine?: RequestedEngine;
    /** Hardware settings (not part of the results): GPU, layers, VRAM cap, threads. */
    hardware: Pick<Settings, "gpu" | "gpuLayers" | "vramCapMiB" | "threads">;
    promptsDir?: string;
    /** Injected in tests; default: the config's endpoint, else node-llama-cpp, with `parallel` slots. */
    backend?: ParallelBackend;
    /** Where the config's endpoints and their keys are looked up (tests); default the user's config dir. */
    endpointStore?: EndpointStore;
    /**
     * The trained reflector/corrector's slots, injected in tests (with `backend`); default: one host per
     * distinct file of `config.reflector` (the base model + its adapter, or the other GGUF), `parallel` sequences each.
     */
    roles?: { reflect?: ParallelBackend; correct?: ParallelBackend };
    /** Injected in tests: the teacher verifier's model; default the config's teacher endpoint. */
    teacher?: Backend;
    onEvent?: (e: BatchEvent) => void;
    onSkipped?: (errors: TaskFormatError[]) => void;
    onProgress?: (msg: string) => void;
    signal?: AbortSignal;
    /** --unsafe-code-exec: run code answers without isolation when the sandbox cannot start here. */
    allowUnsafeCode?: boolean;
}

export function defaultRunDir(now = new Date()): string {
    return join(SESSIONS_DIR, `batch-${folderStamp(now)}`);
}

export async function loadBatchTasks(config: BatchConfig, skipInvalid: boolean, onSkipped?: (e: TaskFormatError[]) => void): Promise<TaskSet> {
    const set = await loadTaskFiles(config.tasks, { format: config.format, skipInvalid, onSkipped });
    return config.limit != null ? { ...set, items: set.items.slice(0, config.limit) } : set;
}

const idsHash = (set: TaskSet) => createHash("sha256").update(set.items.map((i) => i.id).join("\n")).digest("hex");

/** Names every results-defining difference between a stored config and a requested one. */
export function configDifferences(stored: BatchConfig, asked: BatchConfig): string[] {
    const a = normalizeConfig(stored);
    const b = normalizeConfig(asked);
    const keys = Object.keys(a) as (keyof BatchConfig)[];
    return keys.filter((k) => k !== "parallel" && JSON.stringify(a[k]) !== JSON.stringify(b[k]));
}

/**
 * Why `--tasks` given with --resume is not the run's stored task list (null: the same, in the same
 * order; paths compare resolved, so ./a.jsonl and a.jsonl match).
 */
export function tasksDifference(stored: string[], given: string[]): string | null {
    const key = (t: string) => resolve(t);
    const s = stored.map(key);
    const g = given.map(key);
    if (s.length === g.length && s.every((t, i) => t === g[i])) return null;
    const added = given.filter((_, i) => !s.includes(g[i]!));
    const missing = stored.filter((_, i) => !g.includes(s[i]!));
    const detail = [added.length ? `not in the run: ${added.join(" ")}` : "", missing.length ? `missing: ${missing.join(" ")}` : ""].filter(Boolean).join("; ") || "the same files in another order";
    return `--tasks ${given.join(" ")} differs from the run's tasks ${stored.join(" ")} (${detail}); drop --tasks to resume with the run's own`;
}

/** Configs (and manifests) from before trained reflectors, endpoints or engines have none: the local base model on node-llama-cpp. */
export const normalizeConfig = (c: BatchConfig): BatchConfig => ({
    ...c,
    reflector: c.reflector ?? null,
    endpoint: c.endpoint ?? null,
    teacher: c.teacher ?? null,
    turn1From: c.turn1From ?? null,
    engine: c.engine ?? "node-llama-cpp"
});

/**
 * Starts (or resumes) a batch run: validates the run folder against its manifest, loads tasks,
 * prompts and the model with `parallel` sequences, and runs what is missing.
 */
export async function startBatch(req: BatchRequest): Promise<BatchSummary & { runDir: string; manifest: RunManifest }> {
    const runDir = resolve(req.out ?? defaultRunDir());
    // Before anything is read or written: a second process on the same folder would run the same items.
    const lock = acquireRunLock(runDir, { what: "run folder" });
    if (lock.tookOver) req.onProgress?.(lock.tookOver);
    try {
        return await startLocked(req, runDir);
    } finally {
        lock.release();
    }
}

async function startLocked(req: BatchRequest, runDir: string): Promise<BatchSummary & { runDir: string; manifest: RunManifest }> {
    const promptsDir = req.promptsDir ?? PROMPTS_DIR;
    const continuing = req.resume || req.retryErrors;
    let manifest: RunManifest | null = null;
    let config = normalizeConfig(req.config);
    if (RunStore.exists(runDir)) {
        if (!continuing) throw new Error(`${runDir} already holds a run; pass --resume to finish it (or --retry-errors), or choose another --out`);
        manifest = RunStore.readManifest<RunManifest>(runDir);
        config = normalizeConfig({ ...manifest.config, parallel: req.config.parallel });
    } else if (continuing) {
        throw new Error(`nothing to resume: ${runDir} holds no run (no manifest.json)`);
    }
    const templates = loadTurnTemplates(promptsDir);
    const pool = loadInstructionPool(promptsDir);
    const promptsHash = hashPromptsDir(promptsDir);
    const tasks = await loadBatchTasks(config, req.skipInvalid ?? false, req.onSkipped);
    // Before any model loads: code tasks need the sandbox (or the user's explicit --unsafe-code-exec).
    const codeSandbox = requireCodeSandbox(tasks.items.map((i) => i.family), req.allowUnsafeCode ?? false);
    if (codeSandbox) req.onProgress?.(`code sandbox: ${codeSandbox}`);
    if (manifest) {
        if (manifest.prompts_sha256 !== promptsHash) throw new Error(`the prompts changed since this run started (prompts/ sha256 ${promptsHash.slice(0, 12)} vs ${manifest.prompts_sha256.slice(0, 12)}); resuming would mix templates. Restore them or start a new run.`);
        if (manifest.tasks.ids_sha256 !== idsHash(tasks)) throw new Error(`the task files no longer give the same items as when this run started (${manifest.tasks.items} items then, ${tasks.items.length} now)`);
    }
    // Checked before any model loads: the source must have made turn 1 exactly as this run would.
    const turn1 = config.turn1From ? openTurn1Source(config.turn1From, config, promptsHash, tasks) : undefined;
    try {
        return await runWith(req, runDir, { manifest, config, tasks, templates, pool, promptsHash, codeSandbox, promptsDir, turn1 });
    } finally {
        turn1?.close();
    }
}

interface Prepared {
    manifest: RunManifest | null;
    config: BatchConfig;
    tasks: TaskSet;
    templates: ReturnType<typeof loadTurnTemplates>;
    pool: ReturnType<typeof loadInstructionPool>;
    promptsHash: string;
    codeSandbox: string | null;
    promptsDir: string;
    turn1: Turn1Source | undefined;
}

async function runWith(req: BatchRequest, runDir: string, p: Prepared): Promise<BatchSummary & { runDir: string; manifest: RunManifest }> {
    // Its own copy: the resolved engine goes into it below.
    const config: BatchConfig = { ...p.config };
    let { manifest } = p;
    const { tasks, templates, pool, promptsHash, codeSandbox, promptsDir, turn1 } = p;
    // Hashed before any model loads: a missing or changed adapter fails fast.
    const reflector: ReflectorManifest | null = config.reflector ? await hashReflector(config.reflector) : null;
    if (manifest) {
        const change = reflectorChange(manifest.reflector ?? null, reflector);
        if (change) throw new Error(change);
    }
    // Endpoints are looked up (and checked unchanged since the run started) before any model loads.
    const generatorEndpoint = config.endpoint && !req.backend ? resolveRef(config.endpoint, req.endpointStore) : null;
    if (config.reflector && !req.roles) for (const r of roleEndpoints(config.reflector)) resolveRef(r.endpoint, req.endpointStore);
    if (config.verifier === "teacher" && !config.teacher && !req.teacher) throw new Error('verifier "teacher" needs a teacher endpoint: pass --teacher <endpoint> (or assign one: reflect-lab endpoints role verifier <name>)');
    const teacherEndpoint = config.verifier === "teacher" && config.teacher && !req.teacher ? resolveRef(config.teacher, req.endpointStore) : null;
    const engine = runEngine({ requested: req.engine, configured: config.engine, parallel: config.parallel, manifest, endpoint: generatorEndpoint?.endpoint.name ?? null, injected: !!req.backend, gpu: req.hardware.gpu });
    config.engine = engine.engine;
    req.onEvent?.({ type: "engine", ...engine });
    const backend =
        req.backend ??
        (generatorEndpoint
            ? await OpenAIHost.open(generatorEndpoint.endpoint, generatorEndpoint.apiKey, { slots: config.parallel })
            : engine.engine === "server"
              ? await startServer(config, req)
              : await LlamaHost.load({ ...hostOptions(config, req), model: config.model }));
    const hosts: ParallelBackend[] = [];
    let teacher = req.teacher;
    try {
        if (teacherEndpoint) {
            const host = await OpenAIHost.open(teacherEndpoint.endpoint, teacherEndpoint.apiKey, { slots: 1 });
            hosts.push(host);
            teacher = host.single();
        }
        const base = backend instanceof LlamaHost ? backend : isManagedServer(backend) ? backend : null;
        const roles = req.roles ?? (config.reflector ? await loadRoleHosts(config, req, hosts, base) : undefined);
        const b = backend.info;
        if (turn1) checkTurn1Model(turn1, b.modelSha256, b.modelFile);
        if (manifest && manifest.model.sha256 !== b.modelSha256) throw new Error(`this run was made with model ${manifest.model.file} (sha256 ${manifest.model.sha256.slice(0, 12)}), not ${b.modelFile} (${b.modelSha256.slice(0, 12)})`);
        if (!manifest) {
            manifest = {
                schema: RUN_SCHEMA,
                id: basename(runDir),
                created_at: new Date().toISOString(),
                config,
                model: { file: b.modelFile, path: b.modelPath, sha256: b.modelSha256, adapters: b.adapters },
                reflector,
                backend: { kind: b.kind, compute: b.compute, gpuLayers: b.gpuLayers, totalLayers: b.totalLayers, contextSize: b.contextSize, threads: b.threads, sequences: b.sequences, ...(b.note ? { note: b.note } : {}) },
                engine: { kind: engine.engine, why: engine.why },
                prompts_sha256: promptsHash,
                tasks: { name: tasks.name, items: tasks.items.length, ids_sha256: idsHash(tasks) },
                versions: versions(),
                ...(codeSandbox ? { code_sandbox: codeSandbox } : {}),
                turn1_from: turn1 ? { dir: turn1.dir, id: turn1.id } : null
            };
            RunStore.writeManifest(runDir, manifest);
        }
        const summary = await runBatch({ runDir, runId: manifest.id, config, tasks, backend, roles, teacher, teacherTemplates: teacher ? loadTeacherTemplates(promptsDir) : undefined, templates, pool, oracle: itemOracle, turn1, retryErrors: req.retryErrors, onEvent: req.onEvent, signal: req.signal });
        return { ...summary, runDir, manifest };
    } finally {
        for (const h of hosts) await h.dispose();
        if (!req.backend) await backend.dispose();
    }
}

/** A run's sequences and context on the user's hardware settings. */
const hostOptions = (config: BatchConfig, req: BatchRequest) => ({
    contextSize: config.contextSize,
    sequences: config.parallel,
    gpu: req.hardware.gpu,
    gpuLayers: req.hardware.gpuLayers,
    vramCapMiB: req.hardware.vramCapMiB,
    threads: req.hardware.threads ?? undefined,
    onProgress: req.onProgress
});

/**
 * `--engine server`: a llama-server on the run's GGUF with `parallel` slots, serving the trained
 * reflector's LoRA adapters too (off unless a request names one). Stopped by disposing it.
 */
function startServer(config: BatchConfig, req: BatchRequest): Promise<ManagedServerHost> {
    const adapters = config.reflector && !req.roles ? roleModels(config.reflector).filter((m) => m.kind === "adapter").map((m) => m.path) : [];
    return startManagedServer({
        model: config.model,
        parallel: config.parallel,
        contextSize: config.contextSize,
        threads: req.hardware.threads ?? undefined,
        gpuLayers: req.hardware.gpuLayers,
        adapters,
        onProgress: req.onProgress,
        signal: req.signal
    });
}

/**
 * One host per distinct role file or endpoint, `parallel` slots each: the run's base GGUF with the LoRA
 * adapter, the fine-tuned GGUF, or an OpenAI-compatible endpoint. One adapter or endpoint serving both
 * roles opens once. Hosts go into `hosts` (disposed by the caller).
 */
async function loadRoleHosts(config: BatchConfig, req: BatchRequest, hosts: ParallelBackend[], base: LlamaHost | ManagedServerHost | null): Promise<{ reflect?: ParallelBackend; correct?: ParallelBackend }> {
    const roles: { reflect?: ParallelBackend; correct?: ParallelBackend } = {};
    for (const r of roleEndpoints(config.reflector!)) {
        const { endpoint, apiKey } = resolveRef(r.endpoint as EndpointRef, req.endpointStore);
        req.onProgress?.(`${r.roles.join("/")}: endpoint ${endpoint.name} (${endpoint.model} at ${endpoint.baseURL})`);
        const host = await OpenAIHost.open(endpoint, apiKey, { slots: config.parallel });
        hosts.push(host);
        for (const role of r.roles) roles[role] = host;
    }
    for (const m of roleModels(config.reflector!)) {
        const what = `the ${config.reflector!.crossModel ? "" : "trained "}${m.roles.join("/")} ${m.kind} ${basename(m.path)}`;
        const onServer = base !== null && !(base instanceof LlamaHost);
        // The managed server serves the run's own GGUF; another whole GGUF runs in this process.
        req.onProgress?.(onServer ? (m.kind === "adapter" ? `${what}: on the managed llama-server (switched on per request)` : `loading ${what} on node-llama-cpp (the managed llama-server serves only the run's own GGUF)`) : `loading ${what}`);
        // An adapter goes on the base model already in memory (its own context, or the server's requests); a whole GGUF loads on its own.
        const host = m.kind === "adapter" && base ? await (base instanceof LlamaHost ? base.withAdapter([{ path: m.path }]) : base.withAdapter(m.path)) : await LlamaHost.load({
            ...hostOptions(config, req),
            model: m.kind === "model" ? m.path : config.model,
            lora: m.kind === "adapter" ? [{ path: m.path }] : undefined
        });
        hosts.push(host);
        for (const r of m.roles) roles[r] = host;
    }
    return roles;
}
