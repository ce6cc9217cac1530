// Code verifier: runs the answer and each assert in a sandboxed Python subprocess
// (py/sandbox.py). Node owns the hard guarantees: a fresh temp dir, a wall-clock limit that
// kills the whole process group, capped output, an empty environment, no network namespace
// when `unshare -n` works. Results travel on fd 3 with a per-run nonce, so prints can't forge them.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { extractCode } from "./extract.js";
import type { Verdict } from "./types.js";

const SANDBOX = join(dirname(fileURLToPath(import.meta.url)), "py", "sandbox.py");
export const CODE_TIMEOUT_MS = 10_000;
export const CODE_MEMORY_MB = 512;
/** Cap on what we keep of the answer's stdout/stderr and of the report channel. */
const OUTPUT_CAP = 64 * 1024;
const REPORT_CAP = 1024 * 1024;

export interface CodeOptions {
    timeoutMs?: number;
    memoryMb?: number;
}

let pythonPath: string | null = null;
let unshareOk: boolean | null = null;

/** The real interpreter behind `python3` (a pyenv shim needs an environment we don't pass on). */
function systemPython(): string {
    if (pythonPath === null) {
        const r = spawnSync("python3", ["-I", "-S", "-c", "import sys; print(sys.executable)"], { encoding: "utf8", timeout: 10_000 });
        pythonPath = r.status === 0 && r.stdout.trim() ? r.stdout.trim() : "python3";
    }
    return pythonPath;
}

/** Whether `unshare -n` works here (needs root or user namespaces); probed once. */
function canUnshare(python: string): boolean {
    if (unshareOk === null) {
        const r = spawnSync("unshare", ["-n", "--", python, "-I", "-S", "-c", "pass"], { timeout: 5000, stdio: "ignore" });
        unshareOk = r.status === 0;
    }
    return unshareOk;
}

interface Report {
    kind: "test" | "done";
    nonce: string;
    index?: number;
    ok?: boolean;
    passed?: number;
    total?: number;
    failing?: string | null;
    error?: string | null;
    memory?: boolean;
}

interface RunResult {
    reports: Report[];
    stdout: string;
    stderr: string;
    code: number | null;
    signal: NodeJS.Signals | null;
    timedOut: boolean;
}

function collect(stream: Readable, cap: number): { text: () => string } {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on("data", (d: Buffer) => {
        if (size >= cap) return; // keep draining so the child never blocks, but keep nothing
        chunks.push(d.subarray(0, cap - size));
        size += d.length;
    });
    stream.on("error", () => {});
    return { text: () => Buffer.concat(chunks).toString("utf8") };
}

function runSandbox(code: string, tests: string[], setup: string | null, timeoutMs: number, memoryMb: number): Promise<RunResult> {
    const dir = mkdtempSync(join(tmpdir(), "reflect-lab-sandbox-"));
    const nonce = randomBytes(16).toString("hex");
    const python = systemPython();
    const cpuSeconds = Math.ceil(timeoutMs / 1000) + 1;
    const args = ["-I", "-S", SANDBOX, dir, String(memoryMb), String(cpuSeconds)];
    const [cmd, argv] = canUnshare(python) ? ["unshare", ["-n", "--", python, ...args]] : [python, args];
    const child = spawn(cmd, argv, {
        cwd: dir,
        env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
        detached: true, // own process group, so kill(-pid) takes every descendant with it
        stdio: ["pipe", "pipe", "pipe", "pipe"]
    });
    const out = collect(child.stdout, OUTPUT_CAP);
    const err = collect(child.stderr, OUTPUT_CAP);
    const rep = collect(child.stdio[3] as Readable, REPORT_CAP);
    const killGroup = (): void => {
        try {
            if (child.pid) process.kill(-child.pid, "SIGKILL");
        } catch {
            /* already gone */
        }
    };
    let timedOut = false;
    return new Promise<RunResult>((resolve) => {
        let done = false;
        let exit: { code: number | null; signal: NodeJS.Signals | null } = { code: null, signal: null };
        const finish = (): void => {
            if (done) return;
            done = true;
            clearTimeout(timer);
            clearTimeout(grace);
            killGroup(); // leftovers, if any
            for (const s of child.stdio) s?.destroy();
            rmSync(dir, { recursive: true, force: true });
            const reports = rep
                .text()
                .split("\n")
                .flatMap((l) => {
                    try {
                        const r = JSON.parse(l) as Report;
                        return r && r.nonce === nonce ? [r] : [];
                    } catch {
                        return [];
                    }
                });
            resolve({ reports, stdout: out.text(), stderr: err.text(), ...exit, timedOut });
        };
        const timer = setTimeout(() => {
            timedOut = true;
            killGroup();
        }, timeoutMs);
        let grace: NodeJS.Timeout | undefined;
        child.on("error", (e) => {
            exit = { code: null, signal: null };
            err.text = () => `could not start ${cmd}: ${e.message}`;
            finish();
        });
        child.on("exit", (code, signal) => {
            exit = { code, signal };
            // Pipes may stay open in a stray descendant; don't wait for them for long.
            grace = setTimeout(finish, 500);
        });
        child.on("close", finish);
        child.stdin.on("error", () => {});
        child.stdin.end(JSON.stringify({ nonce, setup, code, tests }));
    });
}

const tail = (s: string, n = 300): string => (s.length > n ? "..." + s.slice(-n) : s).trim();

export async function verifyCode(output: string, tests: string[], setup: string | null, opts: CodeOptions = {}): Promise<Verdict> {
    const code = extractCode(output) ?? output;
    const total = tests.length;
    if (!code.trim()) return { correct: false, reason: "no code found in the answer", extracted: null, details: { passed: 0, total } };
    if (total === 0) return { correct: false, reason: "the task has no tests to run", extracted: code, details: { passed: 0, total } };
    const timeoutMs = opts.timeoutMs ?? CODE_TIMEOUT_MS;
    const r = await runSandbox(code, tests, setup, timeoutMs, opts.memoryMb ?? CODE_MEMORY_MB);
    const done = r.reports.find((x) => x.kind === "done" && x.total === total);
    const progress = r.reports.filter((x) => x.kind === "test");
    const passed = done?.passed ?? progress.filter((x) => x.ok).length;
    const details: Record<string, unknown> = { passed, total };
    const failing = done?.failing ?? undefined;
    if (failing) details.failing = failing;

    if (r.timedOut || r.signal === "SIGXCPU") {
        details.timedOut = true;
        details.error = r.timedOut ? `time limit exceeded (${timeoutMs} ms)` : "CPU time limit exceeded";
        return { correct: false, reason: `${details.error}; ${passed}/${total} tests passed before it`, extracted: code, details };
    }
    if (!done) {
        const memory = /MemoryError/.test(r.stderr);
        const how = r.signal ? `killed by ${r.signal}` : `exit code ${r.code}`;
        details.error = memory ? "memory limit exceeded" : `sandbox ended without a result (${how})${r.stderr ? `: ${tail(r.stderr)}` : ""}`;
        return { correct: false, reason: `${details.error}; ${passed}/${total} tests passed`, extracted: code, details };
    }
    if (done.error) details.error = done.memory ? `memory limit exceeded (${done.error})` : done.error;
    const correct = !done.error && passed === total;
    let reason: string;
    if (correct) reason = `all ${total} tests passed`;
    else if (failing) reason = `${passed}/${total} tests passed; first failure: ${failing} -> ${details.error}`;
    else reason = `${passed}/${total} tests passed; ${details.error}`;
    return { correct, reason, extracted: code, details };
}
