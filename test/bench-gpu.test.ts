// bench:gpu without a GPU: it skips cleanly; with a fake nvidia-smi it runs its sections in order and
// fails loudly in "offload" where CUDA cannot load. Plus its parsers, and its runner and bare driver on
// the real model on CPU (the GPU run itself needs a machine that has one: see bench/GPU.md).
import { afterAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bareOn } from "../bench/gpu/bare.js";
import { cudaPackageDirs, cudaPackageNames, cudaVariants, parseLdd, planVariants, runtimeVenv } from "../bench/gpu/cudaRuntime.js";
import { detectGpus, driverMajor, parseNvidiaSmiCsv } from "../bench/gpu/detect.js";
import { arithmeticItems, writeArithmeticTasks } from "../bench/gpu/items.js";
import { runnerAt } from "../bench/gpu/runner.js";
import { parsePs, table, workloadFor } from "../bench/gpu/throughput.js";
import { parseProbe, PROBE_PY } from "../bench/gpu/training.js";
import { LlamaHost } from "../src/backend/llama.js";
import { DEFAULT_MODEL_PATH, PROJECT_ROOT } from "../src/paths.js";
import { trainerPaths } from "../src/training/command.js";
import { closeMathWorker } from "../src/verify/math.js";

const dir = mkdtempSync(join(tmpdir(), "rl-bench-gpu-test-"));
afterAll(() => {
    closeMathWorker();
    rmSync(dir, { recursive: true, force: true });
});

function script(name: string, body: string): string {
    const file = join(dir, name);
    writeFileSync(file, `#!/bin/sh\n${body}\n`);
    chmodSync(file, 0o755);
    return file;
}

/** What bench:gpu may install: the CUDA npm packages and the cache venvs of CUDA runtime wheels. */
function installState(): string {
    const { version, names } = cudaPackageNames();
    const pkgs = names.map((n) => {
        const f = join(PROJECT_ROOT, "node_modules", ...n.split("/"), "package.json");
        return `${n}@${version}:${existsSync(f) ? statSync(f).mtimeMs : "absent"}`;
    });
    return [...pkgs, ...[12, 13].map((m) => `${runtimeVenv(m)}:${existsSync(runtimeVenv(m))}`)].join("\n");
}

function bench(env: Record<string, string>) {
    const t0 = performance.now();
    const r = spawnSync("npx", ["tsx", "bench/gpu.ts"], { cwd: PROJECT_ROOT, encoding: "utf8", env: { ...process.env, ...env }, timeout: 60_000 });
    return { code: r.status, out: r.stdout, err: r.stderr, seconds: (performance.now() - t0) / 1000 };
}

describe("nvidia-smi CSV", () => {
    it("reads one GPU", () => {
        expect(parseNvidiaSmiCsv("0, NVIDIA GeForce RTX 4090, 550.54.14, 24564\n")).toEqual({ gpus: [{ index: 0, name: "NVIDIA GeForce RTX 4090", driver: "550.54.14", memoryMiB: 24564 }], malformed: [] });
    });

    it("reads two GPUs and reports a malformed line, a name with a comma kept whole", () => {
        const text = ["0, NVIDIA A100-SXM4-80GB, 580.65.06, 81920", "No devices were found", "1, NVIDIA RTX A6000, Rev 2, 580.65.06, 49140", "", "2, Tesla T4, 535.104, [N/A]"].join("\r\n");
        const r = parseNvidiaSmiCsv(text);
        expect(r.gpus).toHaveLength(2);
        expect(r.gpus.map((g) => [g.index, g.name, g.driver, g.memoryMiB])).toEqual([
            [0, "NVIDIA A100-SXM4-80GB", "580.65.06", 81920],
            [1, "NVIDIA RTX A6000, Rev 2", "580.65.06", 49140]
        ]);
        expect(r.malformed).toEqual(["No devices were found", "2, Tesla T4, 535.104, [N/A]"]);
    });

    it("finds nothing in empty output", () => {
        expect(parseNvidiaSmiCsv("\n\n")).toEqual({ gpus: [], malformed: [] });
    });

    it("reads the driver's major version", () => {
        expect(driverMajor("580.65.06")).toBe(580);
        expect(driverMajor("535.104")).toBe(535);
        expect(driverMajor("unknown")).toBeNull();
    });
});

describe("detection", () => {
    it("a missing nvidia-smi is no GPU, with the reason", () => {
        const r = detectGpus({ ...process.env, BENCH_GPU_NVIDIA_SMI: join(dir, "no-such-nvidia-smi") });
        expect(r).toMatchObject({ found: false });
        expect(!r.found && r.reason).toMatch(/no-such-nvidia-smi not found$/);
    });

    it("a failing nvidia-smi (driver not loaded) is no GPU, with its first line", () => {
        const smi = script("smi-fail", `echo "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver."; exit 9`);
        const r = detectGpus({ ...process.env, BENCH_GPU_NVIDIA_SMI: smi });
        expect(!r.found && r.reason).toMatch(/failed: NVIDIA-SMI has failed because it couldn't communicate/);
    });

    it("an nvidia-smi that lists two GPUs is asked the CSV query and read", () => {
        const smi = script("smi-two", `echo "$@" > "${join(dir, "smi-args")}"\necho "0, GPU Zero, 580.65.06, 8192"\necho "1, GPU One, 580.65.06, 16384"`);
        const r = detectGpus({ ...process.env, BENCH_GPU_NVIDIA_SMI: smi });
        expect(r.found && r.gpus.map((g) => g.name)).toEqual(["GPU Zero", "GPU One"]);
        expect(spawnSync("cat", [join(dir, "smi-args")], { encoding: "utf8" }).stdout.trim()).toBe("--query-gpu=index,name,driver_version,memory.total --format=csv,noheader,nounits");
    });
});

describe("CUDA runtime plumbing", () => {
    it("parses ldd: resolved and missing libraries", () => {
        const text = [
            "\tlinux-vdso.so.1 (0x00007ffd)",
            "\tlibggml-base.so => /x/bins/libggml-base.so (0x00007f24)",
            "\tlibcudart.so.13 => not found",
            "\tlibcublas.so.13 => /venv/nvidia/cu13/lib/libcublas.so.13 (0x00007f28)",
            "\tlibcuda.so.1 => not found",
            "\t/lib64/ld-linux-x86-64.so.2 (0x00007f24)"
        ].join("\n");
        expect(parseLdd(text)).toEqual([
            { name: "libggml-base.so", path: "/x/bins/libggml-base.so" },
            { name: "libcudart.so.13", path: null },
            { name: "libcublas.so.13", path: "/venv/nvidia/cu13/lib/libcublas.so.13" },
            { name: "libcuda.so.1", path: null }
        ]);
    });

    it("finds the installed CUDA builds and the CUDA major each links against", () => {
        const variants = cudaVariants(cudaPackageDirs().dirs);
        expect(variants.map((v) => [v.label, v.cudaMajor])).toEqual([
            ["CUDA 13 (@node-llama-cpp/linux-x64-cuda)", 13],
            ["CUDA 12 (@node-llama-cpp/linux-x64-cuda-ext, fallback)", 12]
        ]);
    });

    it("gates each CUDA build on the driver's version", () => {
        const v = (cudaMajor: number) => ({ label: `CUDA ${cudaMajor}`, lib: "/bin/ls", cudaMajor });
        const ok = (driver: number | null) => planVariants([v(13), v(12)], [], driver).map((p) => p.driverOk);
        expect(ok(550)).toEqual([false, true]);
        expect(ok(580)).toEqual([true, true]);
        expect(ok(470)).toEqual([false, false]);
        expect(ok(null)).toEqual([true, true]);
        expect(planVariants([v(13)], [], 580)[0]).toMatchObject({ unresolved: [], dirs: [] });
    });

    it("names node-llama-cpp's CUDA packages from its optionalDependencies", () => {
        const linux = cudaPackageNames("linux", "x64");
        expect(linux.version).toMatch(/^3\.22\./);
        expect(linux.names).toContain("@node-llama-cpp/linux-x64-cuda");
        expect(linux.names.every((n) => n.startsWith("@node-llama-cpp/linux-x64-cuda"))).toBe(true);
        expect(cudaPackageNames("win32", "x64").names).toContain("@node-llama-cpp/win-x64-cuda");
        expect(cudaPackageNames("darwin", "arm64").names).toEqual([]);
    });
});

describe("workload and options", () => {
    it("generates arithmetic items with correct answers, the same every time", () => {
        const items = arithmeticItems(200);
        expect(items).toHaveLength(200);
        expect(new Set(items.map((i) => i.id)).size).toBe(200);
        for (const i of items) {
            const [, a, b] = i.question.match(/^What is (\d+) \+ (\d+)\?$/)!;
            expect(i.answer).toBe(String(Number(a) + Number(b)));
            expect(i.family).toBe("math");
        }
        expect(new Set(items.map((i) => i.question)).size).toBeGreaterThan(150);
        expect(arithmeticItems(200)).toEqual(items);
    });

    it("sizes the items per P: demo items while they last, arithmetic beyond", () => {
        expect(workloadFor(1, 40)).toEqual({ kind: "demo", items: 8, contextSize: 2048 });
        expect(workloadFor(8, 40)).toEqual({ kind: "demo", items: 24, contextSize: 2048 });
        expect(workloadFor(8, 20)).toEqual({ kind: "demo", items: 20, contextSize: 2048 });
        expect(workloadFor(32, 40)).toEqual({ kind: "arith", items: 96, contextSize: 1024 });
        expect(workloadFor(64, 40)).toEqual({ kind: "arith", items: 192, contextSize: 1024 });
    });

    it("reads BENCH_GPU_P, and names a bad value", () => {
        expect(parsePs(undefined)).toEqual([1, 8, 32, 64]);
        expect(parsePs("2, 4")).toEqual([2, 4]);
        for (const bad of ["", "1,x", "0", "1.5", "-2"]) expect(() => parsePs(bad)).toThrow(/BENCH_GPU_P must list positive integers/);
    });

    it("reads the torch probe's last line, and names a probe that printed none", () => {
        expect(parseProbe('warning: something\n{"torch": "2.15.0", "cuda": "13.2", "available": true, "device": "X", "bnb_ok": false, "bnb_error": "E"}\n')).toMatchObject({ available: true, device: "X", bnb_ok: false });
        expect(() => parseProbe("Traceback (most recent call last):\n  ImportError: no torch")).toThrow(/the torch probe printed no result.*ImportError/);
        expect(() => parseProbe('{"torch": "2"}')).toThrow(/no 'available' field/);
    });
});

describe("npx tsx bench/gpu.ts", () => {
    it("skips with one line and exit 0 where there is no GPU, loading and installing nothing", () => {
        const before = installState();
        // A path that does not exist: no GPU even on a machine that has one (npm test stays GPU-free).
        const r = bench({ BENCH_GPU_NVIDIA_SMI: join(dir, "absent", "nvidia-smi") });
        expect(r.code).toBe(0);
        expect(r.out.split("\n").filter(Boolean)).toHaveLength(1);
        expect(r.out).toMatch(/^bench:gpu: no NVIDIA GPU found \(.*nvidia-smi not found\); nothing to measure on this machine\n$/);
        expect(r.err).toBe("");
        expect(r.seconds).toBeLessThan(20);
        expect(installState()).toBe(before);
    }, 30_000);

    it("with a fake nvidia-smi on PATH: detect, then offload, which fails where CUDA cannot load (exit 1, section named)", () => {
        const bin = join(dir, "fakebin");
        spawnSync("mkdir", ["-p", bin]);
        script("fakebin/nvidia-smi", `echo "0, Fake GPU 4090, 580.65.06, 24564"`);
        const before = installState();
        const env = { PATH: `${bin}:${process.env.PATH}`, BENCH_GPU_NVIDIA_SMI: "", BENCH_GPU_NO_INSTALL: "1", CUDA_VISIBLE_DEVICES: "" };
        // CUDA_VISIBLE_DEVICES="" hides any real GPU too, so CUDA cannot load on any machine.
        const r = bench(env);
        expect(r.code).toBe(1);
        const headers = r.out.split("\n").filter((l) => /^== [\w-]+ ==$/.test(l));
        expect(headers).toEqual(["== detect ==", "== offload =="]);
        expect(r.out).toContain("GPU 0: Fake GPU 4090 · driver 580.65.06 · 24564 MiB VRAM");
        expect(r.out).toMatch(/detect: \d+\.\d s/);
        expect(r.out).not.toMatch(/LlamaHost:|runner P=|trainer/);
        // Here the CUDA load itself fails (no driver library); where the runtime libraries are nowhere, the refused install does.
        expect(r.err).toMatch(/^bench:gpu: offload failed: (node-llama-cpp's CUDA backend did not load|would install) .+/m);
        expect(r.seconds).toBeLessThan(30);
        expect(installState()).toBe(before);
    }, 60_000);
});

describe("the runner and the bare driver on the real model (CPU here; CUDA on a GPU machine)", () => {
    it("counts generated tokens as the finished items do, and the bare driver runs at those lengths", async () => {
        const tasks = writeArithmeticTasks(dir, 2);
        // One thread: ggml's threads spin-wait, so on 2 shared cores one thread keeps this test's time sane.
        const host = await LlamaHost.load({ model: DEFAULT_MODEL_PATH, gpu: "cpu", sequences: 2, contextSize: 1024, threads: 1 });
        try {
            const r = await runnerAt(host, { P: 2, tasks, items: 2, contextSize: 1024, threads: 1, maxTokens: 16, budgetS: 120, out: dir });
            expect(r.interrupted).toBe(false);
            expect(r.items).toBe(2);
            // At most 1 turn-1 answer + 4 samples x (reflection + answer) per item.
            expect(r.calls).toBeGreaterThanOrEqual(r.items);
            expect(r.calls).toBeLessThanOrEqual(9 * r.items);
            expect(r.gen).toBeGreaterThan(0);
            expect(r.gen).toBe(Math.round(r.meanGen * r.calls));
            expect(r.meanContext).toBeGreaterThan(r.meanGen);
            const promptTokens = Math.round(r.meanContext);
            const b = await bareOn(host.model, { P: 2, promptTokens, genTokens: 16, threads: 1, runs: 1, contextSize: promptTokens + 80 });
            expect(b.runs).toHaveLength(1);
            expect(b.genTokensPerSecond).toBeGreaterThan(0);
            const lines = table([{ P: 2, runner: r, tasks: "arith", bare: { promptTokens, genTokens: 16, ...b } }]);
            expect(lines).toHaveLength(5);
            expect(lines[3]).toContain(((r.gen / r.seconds) / b.genTokensPerSecond).toFixed(2));
        } finally {
            await host.dispose();
        }
    }, 300_000);

    it.skipIf(!existsSync(trainerPaths().python))("the torch probe runs in the training venv and reports no CUDA GPU here", () => {
        const p = spawnSync(trainerPaths().python, ["-c", PROBE_PY], { encoding: "utf8", env: { ...process.env, CUDA_VISIBLE_DEVICES: "" }, timeout: 120_000 });
        const probe = parseProbe(p.stdout);
        expect(probe.torch).toMatch(/^\d+\.\d+/);
        expect(probe.available).toBe(false);
        expect(probe.bnb_ok).toBeUndefined();
    }, 120_000);
});
