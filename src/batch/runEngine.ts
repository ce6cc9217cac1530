// Which engine a batch run generates with: node-llama-cpp in this process or a managed llama-server
// on the same GGUF. A new run resolves `--engine auto` from the bench's per-machine pick; a resumed
// run keeps the engine it started with; an endpoint generator runs on its own server.
import type { Settings } from "../settings.js";
import { readEngineChoice, resolveEngine, type BatchEngine, type ResolvedEngine } from "./engineChoice.js";
import type { RunManifest } from "./runs.js";

export type RequestedEngine = "auto" | BatchEngine;

export interface EngineContext {
    /** What the caller asked for (the CLI: auto unless --engine); undefined = the config's own. */
    requested: RequestedEngine | undefined;
    /** The config's engine (a new run's request, or a resumed run's stored one). */
    configured: BatchEngine | undefined;
    parallel: number;
    /** The run being resumed, if any. */
    manifest: RunManifest | null;
    /** The generator endpoint's name when the generator is remote. */
    endpoint: string | null;
    /** True when the caller passed its own backend (tests, the bench). */
    injected: boolean;
    gpu: Settings["gpu"];
    /** The config dir the bench's pick is read from (tests). */
    configDir?: string;
}

/** The engine and why; throws, saying why, when the request contradicts the run. */
export function runEngine(c: EngineContext): ResolvedEngine {
    const explicit = c.requested !== undefined && c.requested !== "auto" ? c.requested : null;
    if (c.manifest) {
        const stored = c.manifest.config.engine ?? "node-llama-cpp";
        if (explicit && explicit !== stored) throw new Error(`this run was made with engine ${stored}; --resume and --retry-errors keep it (drop --engine ${explicit}, or start a new run)`);
        return { engine: stored, why: `resumed: ${c.manifest.engine?.why ?? "a run from before --engine"}` };
    }
    if (c.endpoint) {
        if (explicit) throw new Error(`--engine ${explicit} chooses how the local model runs, but the generator is endpoint ${c.endpoint} (its own server); drop --engine, or use --endpoint none for the local model`);
        return { engine: "node-llama-cpp", why: `the generator is endpoint ${c.endpoint}` };
    }
    if (c.injected) return { engine: c.configured ?? "node-llama-cpp", why: "a backend given by the caller" };
    // No request (the lab's batch form, evolve): the config's engine, node-llama-cpp unless it names one.
    if (c.requested === undefined) return c.configured ? { engine: c.configured, why: `the config's engine ${c.configured}` } : { engine: "node-llama-cpp", why: "the default without --engine" };
    // An undefined dir is the default one (the user's config dir).
    return resolveEngine(c.requested, c.parallel, computeFor(c.gpu, c.configDir), c.configDir);
}

/**
 * The compute backend the bench's figures must have been measured on. With gpu "auto" node-llama-cpp
 * takes whatever GPU this machine has, which is what a bench here ran on too.
 */
function computeFor(gpu: Settings["gpu"], dir: string | undefined): string {
    if (gpu !== "auto") return gpu;
    return readEngineChoice(dir)?.machine.compute ?? "cpu";
}
