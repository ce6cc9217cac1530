// The llama-server binary a managed server runs (scripts/llama-server.mjs builds it from the llama.cpp
// source bundled in node-llama-cpp, so both engines run the same release), and what the binary can do.
import { execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { PROJECT_ROOT } from "../paths.js";
import type { ComputeBackend } from "./types.js";

const SCRIPT = join(PROJECT_ROOT, "scripts", "llama-server.mjs");

interface LlamaServerScript {
    ensureLlamaServer(): Promise<string>;
    serverCacheDir(): string;
}

/**
 * The built binary's path. A missing build (about 10 minutes on 2 cores, once) runs in a child
 * process: its compiler output must not reach a live dashboard; its own progress lines go to onProgress.
 */
export async function llamaServerBinary(onProgress?: (msg: string) => void, signal?: AbortSignal): Promise<string> {
    // A plain .mjs without types: imported by URL, typed here.
    const script = (await import(pathToFileURL(SCRIPT).href)) as LlamaServerScript;
    const dir = script.serverCacheDir();
    if (existsSync(join(dir, "build", "bin", "llama-server")) && existsSync(join(dir, ".build-complete.json"))) return script.ensureLlamaServer();
    onProgress?.(`building llama-server once (about 10 minutes on 2 cores; cached in ${dir}; npm run setup:server builds it ahead of time)`);
    return buildInChild(onProgress, signal);
}

function buildInChild(onProgress: ((msg: string) => void) | undefined, signal: AbortSignal | undefined): Promise<string> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [SCRIPT], { stdio: ["ignore", "pipe", "pipe"] });
        let out = "";
        let tail: string[] = [];
        const onAbort = () => child.kill("SIGTERM");
        signal?.addEventListener("abort", onAbort, { once: true });
        child.stdout.on("data", (d: Buffer) => (out = (out + d.toString()).slice(-4000)));
        let partial = "";
        child.stderr.on("data", (d: Buffer) => {
            const lines = (partial + d.toString()).split("\n");
            partial = lines.pop() ?? "";
            for (const l of lines) {
                if (l.startsWith("[llama-server]")) onProgress?.(l);
                tail = [...tail.slice(-19), l];
            }
        });
        child.on("error", reject);
        child.on("exit", (code) => {
            signal?.removeEventListener("abort", onAbort);
            // The script prints the binary's path last; the build tools may print before it.
            const bin = out.trim().split("\n").pop()?.trim() ?? "";
            if (code === 0 && bin && existsSync(bin)) return resolve(bin);
            if (signal?.aborted) return reject(new Error("stopped while building llama-server; the next run builds it again"));
            reject(new Error(`building llama-server failed (exit ${code}); it needs git, cmake and a C++ compiler (apt-get install cmake g++), then npm run setup:server. Last lines:\n${tail.join("\n")}`));
        });
    });
}

export interface ServerBinaryFacts {
    /** e.g. "0.5.0-dev (build 1, commit de3ff81)". */
    version: string;
    /** The compute backend of the binary's first device; "cpu" when it lists none (a CPU build). */
    compute: ComputeBackend;
}

const run = promisify(execFile);

/** What `--version` and `--list-devices` say (both return at once, nothing loads). */
export async function serverBinaryFacts(bin: string): Promise<ServerBinaryFacts> {
    const text = async (arg: string) => {
        const r = await run(bin, [arg], { timeout: 20_000 }).catch((e: { stdout?: string; stderr?: string }) => e);
        return `${r.stdout ?? ""}\n${r.stderr ?? ""}`;
    };
    const version = (await text("--version")).match(/version:\s*(.+)/)?.[1]?.trim() ?? "unknown version";
    const devices = (await text("--list-devices")).split(/Available devices:/)[1] ?? "";
    return { version, compute: computeOf(devices) };
}

/** The device list after "Available devices:" ("(none)" on a CPU build, "CUDA0: NVIDIA ..." lines otherwise). */
export function computeOf(devices: string): ComputeBackend {
    if (/^\s*CUDA\d/m.test(devices)) return "cuda";
    if (/^\s*Vulkan\d/m.test(devices)) return "vulkan";
    if (/^\s*(Metal|MTL)\d?/m.test(devices)) return "metal";
    return "cpu";
}
