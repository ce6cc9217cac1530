// Runs an untrusted code answer (py/runner.py) in the sandbox that isolation.ts found, with a
// wall-clock limit that kills the whole process group, capped output and an empty environment.
// What comes back is untrusted data: raw result lines for the judge, and what the answer printed.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { codeIsolation, sandboxPython, type Isolation } from "./isolation.js";

const RUNNER = join(dirname(fileURLToPath(import.meta.url)), "py", "runner.py");
/** What we keep of the answer's stdout/stderr, and of the result channel. */
const OUTPUT_CAP = 64 * 1024;
const RESULT_CAP = 4 * 1024 * 1024;

let runnerSource: string | null = null;

export interface SandboxStep {
    id: number;
    exec?: string;
    probe?: string;
}

export interface SandboxRun {
    /** Result lines from fd 3, unparsed: the judge reads them. */
    lines: string[];
    stdout: string;
    stderr: string;
    code: number | null;
    signal: NodeJS.Signals | null;
    timedOut: boolean;
    /** The result channel went over its cap (an answer flooding fd 3). */
    flooded: boolean;
    isolation: Isolation;
}

function collect(stream: Readable, cap: number): { text: () => string; over: () => boolean } {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on("data", (d: Buffer) => {
        if (size < cap) chunks.push(d.subarray(0, cap - size));
        size += d.length; // keep draining so the child never blocks, but keep nothing more
    });
    stream.on("error", () => {});
    return { text: () => Buffer.concat(chunks).toString("utf8"), over: () => size > cap };
}

export interface SandboxRequest {
    code: string;
    setup: string | null;
    steps: SandboxStep[];
    timeoutMs: number;
    memoryMb: number;
}

export function runInSandbox(req: SandboxRequest): Promise<SandboxRun> {
    const isolation = codeIsolation();
    if (isolation.kind === "none") throw new Error(`${isolation.summary}; ${isolation.fix}`);
    runnerSource ??= readFileSync(RUNNER, "utf8");
    const cpuSeconds = Math.ceil(req.timeoutMs / 1000) + 1;
    const pyArgs = ["-I", "-S", "-c", runnerSource, String(req.memoryMb), String(cpuSeconds)];
    // Unsafe mode (asked for explicitly): a temp dir of our own is the answer's working dir.
    const scratch = isolation.kind === "unsafe" ? mkdtempSync(join(tmpdir(), "reflect-lab-unsafe-")) : null;
    const { cmd, args } = isolation.command ? isolation.command(pyArgs) : { cmd: sandboxPython().executable, args: pyArgs };
    const child = spawn(cmd, args, {
        cwd: scratch ?? "/",
        env: { PATH: "/usr/bin:/bin", LANG: "C.UTF-8", ...(scratch ? { REFLECT_LAB_UNSAFE: "1", HOME: scratch } : {}) },
        detached: true, // own process group, so kill(-pid) takes every descendant with it
        stdio: ["pipe", "pipe", "pipe", "pipe"]
    });
    const out = collect(child.stdout, OUTPUT_CAP);
    const err = collect(child.stderr, OUTPUT_CAP);
    const res = collect(child.stdio[3] as Readable, RESULT_CAP);
    const killGroup = (): void => {
        try {
            if (child.pid) process.kill(-child.pid, "SIGKILL");
        } catch {
            /* already gone */
        }
    };
    let timedOut = false;
    return new Promise<SandboxRun>((resolve) => {
        let done = false;
        let exit: { code: number | null; signal: NodeJS.Signals | null } = { code: null, signal: null };
        let startError: string | null = null;
        const finish = (): void => {
            if (done) return;
            done = true;
            clearTimeout(timer);
            clearTimeout(grace);
            killGroup(); // leftovers, if any (bwrap's pid namespace already took its own)
            for (const s of child.stdio) s?.destroy();
            if (scratch) rmSync(scratch, { recursive: true, force: true });
            const lines = res.text().split("\n").filter((l) => l.trim() !== "");
            resolve({ lines, stdout: out.text(), stderr: startError ?? err.text(), ...exit, timedOut, flooded: res.over(), isolation });
        };
        const timer = setTimeout(() => {
            timedOut = true;
            killGroup();
        }, req.timeoutMs);
        let grace: NodeJS.Timeout | undefined;
        child.on("error", (e) => {
            startError = `could not start ${cmd}: ${e.message}`;
            finish();
        });
        child.on("exit", (code, signal) => {
            exit = { code, signal };
            grace = setTimeout(finish, 500); // a stray descendant may hold the pipes; don't wait for it
        });
        child.on("close", finish);
        child.stdin.on("error", () => {});
        child.stdin.end(JSON.stringify({ code: req.code, setup: req.setup, steps: req.steps }));
    });
}
