// npm run bench:gpu: the CUDA path on a machine with an NVIDIA GPU, in sections:
//   detect      nvidia-smi lists the GPU (none: one line, exit 0, nothing loaded or installed)
//   offload     node-llama-cpp's CUDA binaries and runtime libraries (installed when missing), then the
//               default GGUF through LlamaHost with every layer offloaded (backend, layers, VRAM)
//   throughput  the batch runner and the bare lockstep driver at P = 1, 8, 32, 64 on CUDA
//   training    one-stage SFT, LoRA, 5 steps on the GPU (4-bit where bitsandbytes runs)
// Any failure: "bench:gpu: <section> failed: <why>" on stderr and exit 1. See bench/GPU.md.
// Heavy modules are imported only after detection, so the no-GPU path stays well under a second.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { detectGpus, driverMajor } from "./gpu/detect.js";
import { fail, header, HEADER_RE, log, section, SectionFailure, seconds } from "./gpu/section.js";

const t0 = Date.now();
const found = detectGpus();
if (!found.found) {
    log(`bench:gpu: no NVIDIA GPU found (${found.reason}); nothing to measure on this machine`);
    process.exit(0);
}

/** Runs bench/gpu/llamaChild.ts (sections offload and throughput) under the same tsx, with `env`; relays its output. */
function llamaChild(env: NodeJS.ProcessEnv): Promise<void> {
    const file = fileURLToPath(new URL("./gpu/llamaChild.ts", import.meta.url));
    return new Promise((resolve, reject) => {
        let current = "offload";
        let pending = "";
        const child = spawn(process.execPath, [...process.execArgv, file], { env, stdio: ["ignore", "pipe", "inherit"] });
        child.stdout.on("data", (chunk: Buffer) => {
            process.stdout.write(chunk);
            pending += chunk.toString("utf8");
            const lines = pending.split("\n");
            pending = lines.pop()!;
            for (const l of lines) current = l.match(HEADER_RE)?.[1] ?? current;
        });
        child.on("error", (e) => reject(new SectionFailure(current, `could not start the llama process: ${e.message}`)));
        child.on("exit", (code, signal) => {
            if (code === 0) resolve();
            // The child printed its own failure line; a signal means native code died without one.
            else if (signal) reject(new SectionFailure(current, `the node-llama-cpp process was killed by ${signal} (output above)`));
            else process.exit(code ?? 1);
        });
    });
}

async function main(): Promise<void> {
    log(`bench:gpu · ${new Date().toISOString()}`);
    const gpus = found.found ? found.gpus : [];
    await section("detect", () => {
        for (const g of gpus) log(`GPU ${g.index}: ${g.name} · driver ${g.driver} · ${g.memoryMiB} MiB VRAM`);
        for (const m of found.malformed) log(`note: unreadable nvidia-smi line: ${m}`);
        // One GPU is what this bench measures; the others stay out of every process it starts.
        if (gpus.length > 1 && process.env.CUDA_VISIBLE_DEVICES === undefined) {
            // nvidia-smi numbers GPUs in PCI bus order; CUDA's default order may differ.
            process.env.CUDA_DEVICE_ORDER = "PCI_BUS_ID";
            process.env.CUDA_VISIBLE_DEVICES = String(gpus[0]!.index);
            log(`note: ${gpus.length} GPUs; measuring GPU ${gpus[0]!.index} only (CUDA_VISIBLE_DEVICES=${gpus[0]!.index})`);
        }
    });
    const driver = driverMajor(gpus[0]!.driver);

    const offloadT0 = Date.now();
    log(header("offload"));
    let ldPath: string[];
    try {
        const { ensureCudaPackages, ensureCudaRuntime } = await import("./gpu/cudaRuntime.js");
        const dirs = ensureCudaPackages(log);
        ldPath = ensureCudaRuntime(dirs, driver, log).ldPath;
    } catch (e) {
        throw new SectionFailure("offload", (e as Error).message);
    }
    const LD_LIBRARY_PATH = [...ldPath, ...(process.env.LD_LIBRARY_PATH ?? "").split(":")].filter(Boolean).join(":");
    await llamaChild({ ...process.env, LD_LIBRARY_PATH, BENCH_GPU_OFFLOAD_T0: String(offloadT0) });

    const { trainingSmoke } = await import("./gpu/training.js");
    await section("training", () => trainingSmoke(log));
    log(`bench:gpu: every section passed in ${seconds(t0)}`);
}

main().then(
    () => process.exit(0),
    (e: unknown) => fail(e)
);
