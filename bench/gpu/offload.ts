// Section "offload": node-llama-cpp's CUDA backend loads (getLlama, gpu "cuda", never a source build),
// and the default GGUF goes through LlamaHost with every layer on the GPU.
import type { Llama } from "node-llama-cpp";
import { LlamaHost } from "../../src/backend/llama.js";
import { mib, type Log } from "./section.js";

export interface Offload {
    /** Kept open for the whole llama process: VRAM figures come from it. */
    probe: Llama;
    backend: string;
    devices: string[];
    gpuLayers: number;
    totalLayers: number;
    vramUsedBefore: number;
    vramUsedAfter: number;
    vramTotal: number;
}

/** getLlama({gpu: "cuda", build: "never"}); its error is wrapped with `diagnose()` (the linker's view). */
export async function loadCuda(diagnose: () => string): Promise<Llama> {
    const { getLlama, LlamaLogLevel } = await import("node-llama-cpp");
    try {
        const llama = await getLlama({ gpu: "cuda", build: "never", logLevel: LlamaLogLevel.error });
        if (llama.gpu !== "cuda") throw new Error(`getLlama returned the ${llama.gpu || "cpu"} backend`);
        return llama;
    } catch (e) {
        const err = e as Error;
        throw new Error(`node-llama-cpp's CUDA backend did not load (${(err.message || err.name).split("\n")[0]}); ${diagnose()}`);
    }
}

/** Loads the model on CUDA through LlamaHost and checks the offload; the host is disposed before returning. */
export async function checkOffload(o: { model: string; threads: number; diagnose: () => string }, log: Log): Promise<Offload> {
    const probe = await loadCuda(o.diagnose);
    const devices = await probe.getGpuDeviceNames();
    const before = await probe.getVramState();
    log(`backend: cuda · devices: ${devices.join(", ") || "(none listed)"} · VRAM ${mib(before.used)} used of ${mib(before.total)} before the model`);
    const host = await LlamaHost.load({ model: o.model, gpu: "cuda", gpuLayers: "auto", sequences: 1, contextSize: 2048, threads: o.threads });
    try {
        const after = await probe.getVramState();
        const i = host.info;
        const r: Offload = { probe, backend: i.compute, devices, gpuLayers: i.gpuLayers, totalLayers: i.totalLayers, vramUsedBefore: before.used, vramUsedAfter: after.used, vramTotal: after.total };
        log(`LlamaHost: ${i.modelFile} on ${i.compute}${i.note ? ` (${i.note})` : ""} · layers offloaded ${i.gpuLayers}/${i.totalLayers} · VRAM used ${mib(after.used)} of ${mib(after.total)} (model + 2048-token context: +${mib(after.used - before.used)})`);
        if (i.compute !== "cuda") throw new Error(`LlamaHost loaded the model on ${i.compute}, not cuda${i.note ? `: ${i.note}` : ""}`);
        if (i.gpuLayers !== i.totalLayers) throw new Error(`only ${i.gpuLayers} of ${i.totalLayers} layers were offloaded to the GPU`);
        return r;
    } finally {
        await host.dispose();
    }
}
