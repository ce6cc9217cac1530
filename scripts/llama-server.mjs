#!/usr/bin/env node
// llama.cpp's OpenAI-compatible `llama-server`, built on CPU from the llama.cpp source bundled in
// node-llama-cpp (the same release as the lab's runtime): the real server the endpoint tests run
// against. About 10 minutes on 2 cores the first time; cached outside the repo, keyed by the
// release and by this CPU's instruction set, so CI rebuilds only when absent. Not -march=native: on
// this VM the CPU advertises AMX, whose tiles the kernel does not enable for the process, and ggml's
// AMX kernels then crash; x86-64-v3 (AVX2/FMA/F16C) runs everywhere we test and is fast enough.
//
//   node scripts/llama-server.mjs          ensure the build, print the binary's path
//   import { ensureLlamaServer } from "./llama-server.mjs"
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { withLock } from "./cacheLock.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const nlc = path.join(root, "node_modules", "node-llama-cpp", "llama");
const MARKER = ".build-complete.json";
const log = (m) => process.stderr.write(`[llama-server] ${m}\n`);

function release() {
    return JSON.parse(fs.readFileSync(path.join(nlc, "llama.cpp.info.json"), "utf8")).tag;
}

function cpuFlags() {
    try {
        return fs.readFileSync("/proc/cpuinfo", "utf8").match(/^flags\s*:(.*)$/m)?.[1]?.trim().split(/\s+/) ?? [];
    } catch {
        return [];
    }
}

/** AVX2 builds where the CPU has it (x86-64-v3), the portable baseline elsewhere. */
function cpuLevel() {
    const f = new Set(cpuFlags());
    return process.arch === "x64" && ["avx2", "fma", "f16c"].every((x) => f.has(x)) ? "x86-64-v3" : "baseline";
}

export function serverCacheDir() {
    const base = process.env.XDG_CACHE_HOME && path.isAbsolute(process.env.XDG_CACHE_HOME) ? process.env.XDG_CACHE_HOME : path.join(os.homedir(), ".cache");
    return path.join(base, "reflect-lab", `llama.cpp-${release()}`, `server-${process.arch}-${cpuLevel()}`);
}

function run(cmd, args, opts = {}) {
    return new Promise((resolve, reject) => {
        const child = spawn(cmd, args, { stdio: ["ignore", "inherit", "inherit"], ...opts });
        child.on("error", reject);
        child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.slice(0, 3).join(" ")} … exited with ${code}`))));
    });
}

function ready(dir) {
    const bin = path.join(dir, "build", "bin", "llama-server");
    return fs.existsSync(path.join(dir, MARKER)) && fs.existsSync(bin) ? bin : null;
}

/** The path of a built `llama-server`, building it first when the cache has none. */
export async function ensureLlamaServer() {
    const dir = serverCacheDir();
    const have = ready(dir);
    if (have) return have;
    return withLock(dir, async () => {
        const again = ready(dir);
        if (again) return again;
        const t0 = Date.now();
        const src = path.join(dir, "src");
        const build = path.join(dir, "build");
        fs.rmSync(src, { recursive: true, force: true });
        fs.rmSync(build, { recursive: true, force: true });
        log(`building llama-server ${release()} for this CPU in ${dir} (about 10 minutes on 2 cores, once)`);
        await run("git", ["clone", "--quiet", path.join(nlc, "gitRelease.bundle"), src]);
        const ninja = await run("ninja", ["--version"], { stdio: "ignore" }).then(() => true, () => false);
        await run("cmake", [
            "-S", src, "-B", build, ...(ninja ? ["-G", "Ninja"] : []),
            "-DCMAKE_BUILD_TYPE=Release", "-DBUILD_SHARED_LIBS=OFF", "-DGGML_NATIVE=OFF", "-DGGML_CUDA=OFF",
            ...(cpuLevel() === "x86-64-v3" ? ["-DGGML_AVX=ON", "-DGGML_AVX2=ON", "-DGGML_FMA=ON", "-DGGML_F16C=ON", "-DGGML_BMI2=ON"] : []),
            "-DLLAMA_CURL=OFF", "-DLLAMA_BUILD_TESTS=OFF", "-DLLAMA_BUILD_EXAMPLES=OFF", "-DLLAMA_BUILD_SERVER=ON"
        ]);
        await run("cmake", ["--build", build, "--config", "Release", "--target", "llama-server", "-j", String(Math.max(1, Math.min(2, os.availableParallelism())))]);
        const bin = path.join(build, "bin", "llama-server");
        if (!fs.existsSync(bin)) throw new Error(`the build finished but ${bin} is missing`);
        fs.writeFileSync(path.join(dir, MARKER), JSON.stringify({ release: release(), builtAt: new Date().toISOString(), seconds: Math.round((Date.now() - t0) / 1000) }, null, 2) + "\n");
        log(`built ${bin} in ${Math.round((Date.now() - t0) / 1000)} s`);
        return bin;
    }, log);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
    ensureLlamaServer().then(
        (bin) => process.stdout.write(bin + "\n"),
        (e) => {
            log(`${e.message}\nneeds git, cmake and a C++ compiler (apt-get install cmake g++); retry with npm run setup:server`);
            process.exit(1);
        }
    );
}
