// `batch --engine server`: a llama-server child on the run's own GGUF, driven through OpenAIHost. It
// lives exactly as long as the run: stopped at the end, on abort, and killed when this process exits.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { availableParallelism } from "node:os";
import { basename, resolve } from "node:path";
import { redact, registerSecret } from "../endpoints/redact.js";
import type { Endpoint } from "../endpoints/types.js";
import type { BackoffSource } from "./backoff.js";
import { cpuContention, registerCpuUse } from "./cpuPeers.js";
import { checkGgufFile } from "./ggufHeader.js";
import { modelFileName, modelSha256, resolveModelPath } from "./modelFile.js";
import { openPromptRenderer } from "./chatPrompt.js";
import { OpenAIHost } from "./openai.js";
import { llamaServerBinary, serverBinaryFacts } from "./serverBinary.js";
import type { BackendInfo, ChatMessage, ParallelBackend } from "./types.js";

export interface ManagedServerOptions {
    /** A GGUF path, an `hf:` URI, or undefined/"default" for the default model (as LlamaHost.load). */
    model?: string;
    /** Server slots (-np): the batch's parallel sequences. */
    parallel: number;
    /** Tokens per slot; the server gets parallel x contextSize. */
    contextSize: number;
    threads?: number;
    /** "auto" = every layer when the binary has a GPU backend; 0 on a CPU build whatever is asked. */
    gpuLayers?: "auto" | number;
    /** LoRA adapters (GGUF) loaded off; withAdapter() gives hosts whose requests switch one on. */
    adapters?: string[];
    onProgress?: (msg: string) => void;
    /** Stops a start still building or loading. */
    signal?: AbortSignal;
    /** How long the model may take to load before the start fails; default 120 s. */
    readyTimeoutMs?: number;
}

/** The run's base model on the server (P slots): disposing it stops the server. */
export interface ManagedServerHost extends ParallelBackend, BackoffSource {
    readonly port: number;
    readonly pid: number;
    /** Another P slots on the same server process with one of the loaded adapters switched on. */
    withAdapter(path: string, scale?: number): Promise<ParallelBackend>;
    /** The prompt text the server itself renders for these messages (POST /apply-template): what records must match. */
    serverPrompt(messages: ChatMessage[]): Promise<string>;
    /** A raw POST to the server with the run's key (diagnostics and tests: e.g. logprobs with an adapter on). */
    post(path: string, body: object): Promise<unknown>;
    /** The server's last log lines (keys redacted). */
    log(): string;
    stop(): Promise<void>;
}

const STOP_GRACE_MS = 5000;

export const isManagedServer = (b: ParallelBackend): b is ManagedServerHost => b.info.kind === "llama-server" && typeof (b as Partial<ManagedServerHost>).withAdapter === "function";

export async function startManagedServer(o: ManagedServerOptions): Promise<ManagedServerHost> {
    const P = o.parallel;
    if (!Number.isInteger(P) || P < 1) throw new Error(`llama-server: parallel slots must be an integer >= 1 (got ${P})`);
    if (!Number.isInteger(o.contextSize) || o.contextSize < 1) throw new Error(`llama-server: contextSize must be an integer >= 1 (got ${o.contextSize})`);
    const modelPath = await resolveModelPath(o.model, o.onProgress);
    checkGgufFile(modelPath, "model");
    const adapters = (o.adapters ?? []).map((a) => resolve(a));
    for (const a of adapters) checkGgufFile(a, "LoRA adapter");
    const bin = await llamaServerBinary(o.onProgress, o.signal);
    const [facts, sha, meta] = await Promise.all([serverBinaryFacts(bin), modelSha256(modelPath), ggufFacts(modelPath)]);
    const threads = o.threads ?? availableParallelism();
    // As LlamaHost: never more per sequence than the model was trained on.
    const contextSize = meta.trainContext ? Math.min(o.contextSize, meta.trainContext) : o.contextSize;
    const onGpu = facts.compute !== "cpu";
    const ngl = !onGpu ? 0 : o.gpuLayers === undefined || o.gpuLayers === "auto" ? "all" : o.gpuLayers;
    const file = modelFileName(modelPath);
    // A fresh key per run: nothing else on this machine may use the server. Passed in the environment,
    // not argv (any local user can read a process's command line).
    const apiKey = randomBytes(24).toString("base64url");
    registerSecret(apiKey);
    const args = [
        "-m", modelPath, "--host", "127.0.0.1", "--port", "0", "-np", String(P), "-c", String(P * contextSize), "-t", String(threads),
        "--no-webui", "--alias", file, "--jinja", "-ngl", String(ngl),
        // The host-memory prompt cache (8 GiB by default) buys nothing when each slot keeps its own chain.
        "--cache-ram", "0",
        ...adapters.flatMap((a) => ["--lora", a]), ...(adapters.length ? ["--lora-init-without-apply"] : [])
    ];
    const renderer = await openPromptRenderer(modelPath);
    let proc: Running;
    try {
        proc = await launch(bin, args, apiKey, o);
    } catch (e) {
        await renderer.dispose();
        throw e;
    }
    registerCpuUse(threads, file);
    const contention = cpuContention();
    if (contention) o.onProgress?.(`warning: ${contention}`);
    const gpuLayers = ngl === "all" ? meta.totalLayers : Math.min(ngl, meta.totalLayers || ngl);
    const info: BackendInfo = {
        kind: "llama-server", modelPath, modelFile: file, modelSha256: sha, compute: facts.compute, gpuLayers, totalLayers: meta.totalLayers,
        contextSize, threads, sequences: P, adapters: [], note: `managed llama-server ${facts.version} on port ${proc.port}`
    };
    const endpoint: Endpoint = { name: "llama-server", baseURL: `http://127.0.0.1:${proc.port}/v1`, model: file, concurrency: P, timeoutMs: 3_600_000, maxRetries: 1, samplerExtras: true };
    // Base requests name every adapter at scale 0: with no `lora` field the server keeps a slot's KV
    // cache computed with the adapter on (server-context.cpp launch_slot_with_task), which would be reused.
    const lora = (on: number, scale: number) => adapters.map((_, id) => ({ id, scale: id === on ? scale : 0 }));
    const hostOptions = (on: number, scale: number, extra: Partial<BackendInfo>) => ({
        slots: P,
        info: { ...info, ...extra },
        // Slot i always on server slot i: a chain's next prompt reuses the prefix its last one left there.
        extraBody: (slot: number) => ({ cache_prompt: true, id_slot: slot, ...(adapters.length ? { lora: lora(on, scale) } : {}) }),
        // The exact text node-llama-cpp renders from the GGUF's template; the server's --jinja renders the same (tested).
        renderPrompt: (m: ChatMessage[]) => renderer.render(m),
        promptTokensEvaluated: true
    });
    let base: OpenAIHost;
    try {
        base = await OpenAIHost.open(endpoint, apiKey, hostOptions(-1, 0, {}));
    } catch (e) {
        await proc.stop();
        await renderer.dispose();
        throw e;
    }
    const post = async (path: string, body: object): Promise<unknown> => {
        const r = await fetch(`http://127.0.0.1:${proc.port}${path}`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` }, body: JSON.stringify(body) });
        if (!r.ok) throw new Error(`llama-server ${path}: HTTP ${r.status} ${redact((await r.text()).slice(0, 300), [apiKey])}`);
        return r.json();
    };
    return {
        info: base.info,
        slots: base.slots,
        port: proc.port,
        pid: proc.child.pid!,
        onBackoff: (l) => base.onBackoff(l),
        async withAdapter(path: string, scale = 1) {
            const id = adapters.indexOf(resolve(path));
            if (id < 0) throw new Error(`llama-server: the adapter ${path} was not loaded at start (loaded: ${adapters.map((a) => basename(a)).join(", ") || "none"})`);
            return OpenAIHost.open(endpoint, apiKey, hostOptions(id, scale, { adapters: [modelFileName(path)] }));
        },
        post,
        async serverPrompt(messages: ChatMessage[]) {
            return ((await post("/apply-template", { messages })) as { prompt: string }).prompt;
        },
        log: proc.log,
        stop: proc.stop,
        async dispose() {
            await base.dispose();
            await proc.stop();
            await renderer.dispose();
        }
    };
}

/** Layers (blocks + the output layer, as node-llama-cpp counts them) and the trained context, 0/null when unreadable. */
async function ggufFacts(path: string): Promise<{ totalLayers: number; trainContext: number | null }> {
    try {
        const { readGgufFileInfo } = await import("node-llama-cpp");
        const m = (await readGgufFileInfo(path, { readTensorInfo: false })).metadata as Record<string, unknown> & { general?: { architecture?: string } };
        const arch = (m[m.general?.architecture ?? ""] ?? {}) as { block_count?: number; context_length?: number };
        return { totalLayers: typeof arch.block_count === "number" ? arch.block_count + 1 : 0, trainContext: typeof arch.context_length === "number" ? arch.context_length : null };
    } catch {
        return { totalLayers: 0, trainContext: null };
    }
}

interface Running {
    child: ChildProcess;
    port: number;
    log(): string;
    stop(): Promise<void>;
}

/** Spawns the server and waits for GET /health; a failed start leaves no process behind. */
async function launch(bin: string, args: string[], apiKey: string, o: ManagedServerOptions): Promise<Running> {
    const env: NodeJS.ProcessEnv = {};
    // The user's LLAMA_ARG_* variables would change what the server does behind these arguments.
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("LLAMA_ARG_") && k !== "LLAMA_API_KEY") env[k] = v;
    env.LLAMA_API_KEY = apiKey;
    const child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"], env });
    let out = "";
    const keep = (d: Buffer) => (out = (out + d.toString()).slice(-20_000));
    child.stdout!.on("data", keep);
    child.stderr!.on("data", keep);
    const log = () => redact(out.split("\n").slice(-30).join("\n"), [apiKey]);
    // Ctrl-C twice, process.exit, a crash: the server must not outlive the run.
    const killNow = () => {
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    };
    process.on("exit", killNow);
    let stopping = false;
    let spawnError: Error | null = null;
    const exited = new Promise<void>((r) => child.once("exit", () => r()));
    child.once("error", (e) => (spawnError = e));
    void exited.then(() => {
        process.off("exit", killNow);
        // Ctrl-C on a terminal reaches the server too (same process group): an expected end then.
        if (!stopping && !o.signal?.aborted) o.onProgress?.(`llama-server exited unexpectedly (${child.exitCode ?? child.signalCode}); last lines:\n${log()}`);
    });
    // Nothing here may keep the event loop alive: a run that forgot to stop it still exits (and kills it).
    child.unref();
    (child.stdout as unknown as { unref?: () => void }).unref?.();
    (child.stderr as unknown as { unref?: () => void }).unref?.();
    const stop = async () => {
        stopping = true;
        if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
        child.kill("SIGTERM");
        const force = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
        await exited;
        clearTimeout(force);
    };
    const fail = async (why: string) => {
        await stop();
        return new Error(`llama-server ${why}; last lines of its log:\n${log()}`);
    };
    const t0 = Date.now();
    const timeout = o.readyTimeoutMs ?? 120_000;
    let port = 0;
    for (;;) {
        if (spawnError) throw new Error(`cannot start llama-server (${bin}): ${(spawnError as Error).message}`);
        if (o.signal?.aborted) throw await fail("was stopped while starting");
        if (child.exitCode !== null || child.signalCode !== null) throw await fail(`exited with ${child.exitCode ?? child.signalCode} before it was ready`);
        // --port 0: the server binds a free port itself (no race with another process) and prints it.
        port ||= Number(out.match(/listening on http:\/\/127\.0\.0\.1:(\d+)/)?.[1] ?? 0);
        if (port) {
            const ok = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false);
            if (ok) return { child, port, log, stop };
        }
        if (Date.now() - t0 > timeout) throw await fail(`was not ready after ${Math.round(timeout / 1000)} s`);
        await new Promise((r) => setTimeout(r, 150));
    }
}
