// The node-llama-cpp half of bench:gpu, in its own process: bench/gpu.ts starts it with LD_LIBRARY_PATH
// set to the CUDA runtime folders it found (the dynamic linker reads that variable only at process
// start), and a crash in native code ends this process, not the bench's report of it.
// Sections: the rest of "offload" (begun by the parent at BENCH_GPU_OFFLOAD_T0), then "throughput".
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_MODEL_PATH } from "../../src/paths.js";
import { cudaPackageDirs, cudaVariants, linkDiagnosis, planVariants } from "./cudaRuntime.js";
import { checkOffload } from "./offload.js";
import { fail, log, section } from "./section.js";
import { parsePs, table, throughput } from "./throughput.js";

async function main(): Promise<void> {
    const env = process.env;
    const threads = availableParallelism();
    const ldPath = (env.LD_LIBRARY_PATH ?? "").split(":").filter(Boolean);
    const t0 = Number(env.BENCH_GPU_OFFLOAD_T0) || Date.now();
    // The linker's view of why CUDA failed, when it does: computed only then.
    const diagnose = () => {
        try {
            return `linker: ${linkDiagnosis(planVariants(cudaVariants(cudaPackageDirs().dirs), [], null), ldPath)}`;
        } catch (e) {
            return `linker check failed: ${(e as Error).message}`;
        }
    };
    // The probe Llama stays open to the end: the VRAM figures and the CUDA backend come from it.
    const { probe } = await section("offload", () => checkOffload({ model: DEFAULT_MODEL_PATH, threads, diagnose }, log), { continuedFrom: t0 });
    const tmp = mkdtempSync(join(tmpdir(), "rl-bench-gpu-"));
    try {
        const rows = await section("throughput", async () => {
            const Ps = parsePs(env.BENCH_GPU_P);
            const budgetS = Number(env.BENCH_GPU_RUNNER_S ?? 30);
            if (!(budgetS > 0)) throw new Error(`BENCH_GPU_RUNNER_S must be a positive number of seconds, got ${env.BENCH_GPU_RUNNER_S}`);
            log(`P ${Ps.join(", ")} · k 2, random:2 instructions, 2 turns, max 128 tokens · ${threads} CPU threads · runner capped at ${budgetS} s per P`);
            return throughput({ Ps, model: DEFAULT_MODEL_PATH, gpu: "cuda", threads, budgetS, maxTokens: 128, tmp, vram: () => probe.getVramState() }, log);
        });
        log();
        for (const line of table(rows)) log(line);
        log();
    } finally {
        rmSync(tmp, { recursive: true, force: true });
    }
    await probe.dispose();
}

main().then(
    () => process.exit(0),
    (e: unknown) => fail(e)
);
