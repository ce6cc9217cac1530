// The bare lockstep driver (bench/bare-driver.ts) on a model the caller loaded: here the fully
// offloaded CUDA model of the offload check, rather than trusting gpu "auto" to choose CUDA.
import type { LlamaModel } from "node-llama-cpp";
import { bareOnModel } from "../bare-driver.js";

export interface BareOnOptions {
    P: number;
    promptTokens: number;
    genTokens: number;
    threads: number;
    runs: number;
    /** Tokens of KV cache per sequence. */
    contextSize: number;
}

export async function bareOn(model: LlamaModel, o: BareOnOptions): Promise<{ P: number; genTokensPerSecond: number; runs: number[] }> {
    const { P, genTokensPerSecond, runs } = await bareOnModel(model, o);
    return { P, genTokensPerSecond, runs };
}
