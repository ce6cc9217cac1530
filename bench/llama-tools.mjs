#!/usr/bin/env node
// Throughput ceiling from llama.cpp itself: builds `llama-batched-bench` from the
// llama.cpp source bundled inside node-llama-cpp (same release as its prebuilt
// binaries), caches the build outside the repo, and runs it against
// node-llama-cpp's own prebuilt ggml/llama shared libraries (same kernels as node).
//
// Library use:
//   import {ensureBatchedBench, runBatchedBench} from "./llama-tools.mjs";
// CLI (prints JSON on stdout, progress on stderr):
//   node bench/llama-tools.mjs ensure
//   node bench/llama-tools.mjs run [--model FILE] [--P 1,2,4,8] [--pp 64] [--tg 128] [--threads 2] [--runs 1]
//
// No dependencies beyond Node >= 20, git, cmake and a C++ compiler.

import {spawn} from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {fileURLToPath} from "node:url";
import {withLock as withCacheLock} from "../scripts/cacheLock.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, "..");
export const defaultModel = path.join(repoRoot, "models", "SmolLM2-135M-Instruct.Q4_1.gguf");

const nlcDir = path.join(repoRoot, "node_modules", "node-llama-cpp");
const bundlePath = path.join(nlcDir, "llama", "gitRelease.bundle");
const infoPath = path.join(nlcDir, "llama", "llama.cpp.info.json");
const TARGET = "llama-batched-bench";
const MARKER = ".build-complete.json";

function log(...args) {
    process.stderr.write(`[llama-tools] ${args.join(" ")}\n`);
}

/** The llama.cpp release node-llama-cpp's binaries and bundle were built from, e.g. "v0.5.0". */
export function llamaCppRelease() {
    const info = JSON.parse(fs.readFileSync(infoPath, "utf8"));
    if (typeof info.tag !== "string" || !/^[\w.-]+$/.test(info.tag))
        throw new Error(`Unexpected llama.cpp tag in ${infoPath}: ${JSON.stringify(info.tag)}`);
    return info.tag;
}

/** `${XDG_CACHE_HOME:-~/.cache}/reflect-lab/llama.cpp-<tag>` */
export function cacheDir(tag = llamaCppRelease()) {
    const base = process.env.XDG_CACHE_HOME && path.isAbsolute(process.env.XDG_CACHE_HOME)
        ? process.env.XDG_CACHE_HOME
        : path.join(os.homedir(), ".cache");
    return path.join(base, "reflect-lab", `llama.cpp-${tag}`);
}

function run(cmd, args, {cwd, env, capture = false} = {}) {
    return new Promise((resolve, reject) => {
        const child = spawn(cmd, args, {
            cwd,
            env: env ?? process.env,
            stdio: ["ignore", "pipe", "pipe"]
        });
        let out = "";
        let err = "";
        child.stdout.on("data", (d) => {
            if (capture) out += d;
            else process.stderr.write(d);
        });
        child.stderr.on("data", (d) => {
            if (capture) err += d;
            else process.stderr.write(d);
        });
        child.on("error", reject);
        child.on("close", (code, signal) => {
            if (code === 0) resolve({stdout: out, stderr: err});
            else {
                const e = new Error(`${cmd} ${args.join(" ")} failed (${signal ?? `exit ${code}`})` +
                    (capture ? `\n${err.slice(-4000)}` : ""));
                e.stdout = out;
                e.stderr = err;
                reject(e);
            }
        });
    });
}

function readMarker(dir) {
    try {
        return JSON.parse(fs.readFileSync(path.join(dir, MARKER), "utf8"));
    } catch {
        return undefined;
    }
}

function builtBinary(dir) {
    const marker = readMarker(dir);
    if (marker == null) return undefined;
    const bin = path.join(dir, "build", "bin", TARGET);
    return fs.existsSync(bin) ? bin : undefined;
}

/**
 * Path to a `llama-batched-bench` built from node-llama-cpp's bundled llama.cpp source.
 * Builds it (about 10 minutes on 2 cores) only if the cache has no completed build for this release;
 * a build that did not finish (no marker file) is wiped and redone. Progress goes to stderr.
 */
export async function ensureBatchedBench() {
    const tag = llamaCppRelease();
    const dir = cacheDir(tag);
    const ready = builtBinary(dir);
    if (ready) return ready;

    return withCacheLock(dir, async () => {
        const again = builtBinary(dir); // another process may have finished meanwhile
        if (again) return again;

        const started = Date.now();
        const src = path.join(dir, "src");
        const build = path.join(dir, "build");
        fs.rmSync(path.join(dir, MARKER), {force: true});
        fs.rmSync(src, {recursive: true, force: true});
        fs.rmSync(build, {recursive: true, force: true});

        log(`building ${TARGET} for llama.cpp ${tag} in ${dir} (CPU only, about 10 minutes on 2 cores)`);
        log(`cloning ${bundlePath}`);
        await run("git", ["clone", "--quiet", bundlePath, src]);

        const jobs = String(Math.max(1, Math.min(2, os.availableParallelism())));
        const useNinja = await run("ninja", ["--version"], {capture: true}).then(() => true, () => false);
        const configure = [
            "-S", src, "-B", build,
            ...(useNinja ? ["-G", "Ninja"] : []),
            "-DCMAKE_BUILD_TYPE=Release",
            "-DBUILD_SHARED_LIBS=ON", // the binary must load libllama/libggml dynamically (swapped for node-llama-cpp's)
            "-DGGML_CUDA=OFF",
            "-DGGML_NATIVE=OFF",
            "-DLLAMA_CURL=OFF",
            "-DLLAMA_BUILD_TESTS=OFF",
            "-DLLAMA_BUILD_SERVER=OFF"
        ];
        log(`cmake ${configure.join(" ")}`);
        await run("cmake", configure);
        log(`cmake --build ${build} --target ${TARGET} -j ${jobs}`);
        await run("cmake", ["--build", build, "--config", "Release", "--target", TARGET, "-j", jobs]);

        const bin = path.join(build, "bin", TARGET);
        if (!fs.existsSync(bin)) throw new Error(`build finished but ${bin} is missing`);
        const seconds = Math.round((Date.now() - started) / 1000);
        fs.writeFileSync(path.join(dir, MARKER), JSON.stringify({
            tag,
            target: TARGET,
            binary: bin,
            bundleSize: fs.statSync(bundlePath).size,
            builtAt: new Date().toISOString(),
            buildSeconds: seconds
        }, null, 2) + "\n");
        log(`built ${bin} in ${seconds} s`);
        return bin;
    }, log);
}

/** Folder holding node-llama-cpp's prebuilt CPU libraries for this platform. */
export function prebuiltLibDir() {
    const name = `${process.platform}-${process.arch}`;
    const dir = path.join(repoRoot, "node_modules", "@node-llama-cpp", name, "bins", name);
    if (!fs.existsSync(dir)) throw new Error(`node-llama-cpp prebuilt binaries not found at ${dir}`);
    return dir;
}

async function neededLibs(bin) {
    const {stdout} = await run("readelf", ["-d", bin], {capture: true});
    return [...stdout.matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1]);
}

// "libllama.so.0" / "libllama.so" / "libllama.v0.5.0.so" -> "libllama"
function libStem(file) {
    return file.replace(/\.so(\.\d+)*$/, "").replace(/\.v\d[\w.]*$/, "");
}

// Only the core libraries are swapped for node-llama-cpp's. The binary's own helper libraries
// (libllama-common, libllama-batched-bench-impl) stay the ones built with it: their C++ structs
// (common_params) must match the headers the binary was compiled against.
const SWAPPED_STEMS = new Set(["libggml", "libggml-base", "libllama"]);

/**
 * A folder of symlinks to node-llama-cpp's prebuilt core libraries (ggml, ggml-base, llama) under
 * their own names and under every name the built binary and its helper libraries ask for
 * (e.g. libllama.so.0 -> libllama.v0.5.0.so), plus the libggml-cpu-<variant>.so files that ggml's
 * backend loader picks from at run time (it searches the executable's folder and the cwd).
 */
export async function prebuiltLibLinks(bin) {
    const prebuilt = prebuiltLibDir();
    const dir = path.join(cacheDir(), "nlc-libs");
    const tmp = `${dir}.tmp-${process.pid}`;
    fs.rmSync(tmp, {recursive: true, force: true});
    fs.mkdirSync(tmp, {recursive: true});
    try {
        return await fillLibLinks(bin, prebuilt, dir, tmp);
    } finally {
        fs.rmSync(tmp, {recursive: true, force: true});
    }
}

async function fillLibLinks(bin, prebuilt, dir, tmp) {
    const files = fs.readdirSync(prebuilt).filter((f) => /\.so$/.test(f));
    const core = new Map();
    for (const f of files) {
        const stem = libStem(f);
        if (SWAPPED_STEMS.has(stem)) core.set(stem, f);
        if (SWAPPED_STEMS.has(stem) || stem.startsWith("libggml-cpu-"))
            fs.symlinkSync(path.join(prebuilt, f), path.join(tmp, f));
    }
    for (const stem of SWAPPED_STEMS)
        if (!core.has(stem)) throw new Error(`node-llama-cpp's prebuilt folder ${prebuilt} has no ${stem}*.so`);

    // names asked for by the binary and by the shared libraries built next to it
    const binDir = path.dirname(bin);
    const askers = [bin, ...fs.readdirSync(binDir).filter((f) => /\.so(\.\d+)*$/.test(f)).map((f) => path.join(binDir, f))];
    const needed = new Set();
    for (const a of askers) for (const n of await neededLibs(a)) needed.add(n);
    const swapped = [];
    for (const n of needed) {
        const f = core.get(libStem(n));
        if (f == null) continue;
        swapped.push(`${n} -> ${f}`);
        if (!fs.existsSync(path.join(tmp, n))) fs.symlinkSync(path.join(prebuilt, f), path.join(tmp, n));
    }
    if (swapped.length === 0) throw new Error(`${bin} does not link libllama/libggml dynamically; cannot swap in node-llama-cpp's libraries`);

    fs.rmSync(dir, {recursive: true, force: true});
    fs.renameSync(tmp, dir);
    return {dir, needed: [...(await neededLibs(bin))], swapped, prebuilt};
}

/** Parse llama-batched-bench's markdown table into rows keyed by column name. */
export function parseBatchedBenchTable(text) {
    const lines = text.split("\n").map((l) => l.trim()).filter((l) => l.startsWith("|"));
    const headerIdx = lines.findIndex((l) => /S_TG t\/s/.test(l));
    if (headerIdx < 0) return [];
    const cells = (l) => l.replace(/^\||\|$/g, "").split("|").map((c) => c.trim());
    const header = cells(lines[headerIdx]);
    const rows = [];
    for (const l of lines.slice(headerIdx + 1)) {
        if (/^\|[\s|:-]+\|$/.test(l)) continue; // separator
        const c = cells(l);
        if (c.length !== header.length) continue;
        rows.push(Object.fromEntries(header.map((h, i) => [h, Number(c[i])])));
    }
    return rows;
}

function median(xs) {
    const s = [...xs].sort((a, b) => a - b);
    const m = s.length >> 1;
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Run llama-batched-bench on node-llama-cpp's prebuilt libraries: for each P, P sequences each
 * read a `promptTokens` prompt and generate exactly `genTokens` tokens in lockstep batches.
 * Returns aggregate generation tokens/s (S_TG column), the median over `runs` process runs.
 */
export async function runBatchedBench({
    model = defaultModel,
    P = [1, 2, 4, 8],
    promptTokens = 64,
    genTokens = 128,
    threads = Math.min(2, os.availableParallelism()),
    runs = 1,
    sharedPrompt = false,
    extraArgs = []
} = {}) {
    if (!fs.existsSync(model)) throw new Error(`model not found: ${model}`);
    const bin = await ensureBatchedBench();
    const libs = await prebuiltLibLinks(bin);
    const maxP = Math.max(...P);
    const ctx = maxP * (promptTokens + genTokens) + 64;
    const args = [
        "-m", model,
        "-c", String(ctx),
        "-b", "2048", "-ub", "512",
        "-npp", String(promptTokens),
        "-ntg", String(genTokens),
        "-npl", P.join(","),
        "-t", String(threads),
        "-tb", String(threads),
        ...(sharedPrompt ? ["-pps"] : []),
        ...extraArgs
    ];
    const env = {
        ...process.env,
        LD_LIBRARY_PATH: [libs.dir, process.env.LD_LIBRARY_PATH].filter(Boolean).join(":")
    };
    const perP = new Map(P.map((p) => [p, []]));
    for (let r = 0; r < runs; r++) {
        log(`run ${r + 1}/${runs}: ${bin} ${args.join(" ")}`);
        // cwd = the symlink folder: ggml's backend loader also searches the current directory
        const {stdout, stderr} = await run(bin, args, {env, capture: true, cwd: libs.dir});
        for (const m of (stdout + "\n" + stderr).matchAll(/^.*load_backend: loaded .*$/gm)) log(m[0].trim());
        const rows = parseBatchedBenchTable(stdout + "\n" + stderr);
        if (rows.length === 0) throw new Error(`no result table in llama-batched-bench output:\n${(stdout + stderr).slice(-3000)}`);
        for (const row of rows) {
            if (perP.has(row.B) && row.PP === promptTokens && row.TG === genTokens) perP.get(row.B).push(row["S_TG t/s"]);
        }
    }
    return P.map((p) => {
        const xs = perP.get(p);
        if (xs.length === 0) throw new Error(`llama-batched-bench printed no row for P=${p}`);
        return {P: p, genTokensPerSecond: Math.round(median(xs) * 10) / 10};
    });
}

function parseCli(argv) {
    const opts = {};
    const [cmd = "run", ...rest] = argv;
    for (let i = 0; i < rest.length; i++) {
        const k = rest[i];
        const v = rest[i + 1];
        if (k === "--model") opts.model = path.resolve(v), i++;
        else if (k === "--P") opts.P = v.split(",").map(Number), i++;
        else if (k === "--pp") opts.promptTokens = Number(v), i++;
        else if (k === "--tg") opts.genTokens = Number(v), i++;
        else if (k === "--threads") opts.threads = Number(v), i++;
        else if (k === "--runs") opts.runs = Number(v), i++;
        else if (k === "--pps") opts.sharedPrompt = true;
        else throw new Error(`unknown option ${k}`);
    }
    return {cmd, opts};
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
    const {cmd, opts} = parseCli(process.argv.slice(2));
    try {
        if (cmd === "ensure") {
            const bin = await ensureBatchedBench();
            const libs = await prebuiltLibLinks(bin);
            console.log(JSON.stringify({binary: bin, cacheDir: cacheDir(), libDir: libs.dir, needed: libs.needed, swapped: libs.swapped, marker: readMarker(cacheDir())}, null, 2));
        } else if (cmd === "run") {
            console.log(JSON.stringify(await runBatchedBench(opts), null, 2));
        } else {
            throw new Error(`usage: llama-tools.mjs [ensure|run] [--model FILE] [--P 1,2,4,8] [--pp 64] [--tg 128] [--threads 2] [--runs N] [--pps]`);
        }
    } catch (e) {
        console.error(e instanceof Error ? e.message : e);
        process.exit(1);
    }
}
