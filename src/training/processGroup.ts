// A child in its own process group, so that one signal reaches the whole tree (dataloader workers, accelerate's ranks, their children).
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync, readdirSync, readFileSync } from "node:fs";

export interface GroupSpawnOptions {
    cwd?: string;
    env?: NodeJS.ProcessEnv;
    /** stdout and stderr are appended here (the trainer's free text: progress bars, warnings, tracebacks). */
    logFile: string;
}

/** Spawns `argv` as the leader of a new process group (detached), its output appended to `logFile`. */
export function spawnGroup(argv: string[], opts: GroupSpawnOptions): ChildProcess {
    const fd = openSync(opts.logFile, "a");
    try {
        // detached: setsid(), so the group id is the child's pid and ctrl+c in our terminal does not reach it
        // (we decide how it ends: abort() signals the group).
        return spawn(argv[0]!, argv.slice(1), { cwd: opts.cwd, env: opts.env, detached: true, stdio: ["ignore", fd, fd] });
    } finally {
        // The child holds its own copy of the descriptor.
        closeSync(fd);
    }
}

/**
 * Whether any live process is in the group. On Linux /proc tells zombies apart: a container's PID 1
 * may never reap orphans, and kill(-pgid, 0) counts zombies as members.
 */
export function groupAlive(pgid: number): boolean {
    if (process.platform === "linux") {
        try {
            for (const name of readdirSync("/proc")) {
                if (!/^\d+$/.test(name)) continue;
                let stat: string;
                try {
                    stat = readFileSync(`/proc/${name}/stat`, "utf8");
                } catch {
                    continue;
                }
                // pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses, so split after the last ")".
                const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
                if (Number(f[2]) === pgid && f[0] !== "Z" && f[0] !== "X") return true;
            }
            return false;
        } catch {
            // No readable /proc: fall through.
        }
    }
    try {
        process.kill(-pgid, 0);
        return true;
    } catch (e) {
        return (e as NodeJS.ErrnoException).code === "EPERM";
    }
}

export function pidAlive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (e) {
        return (e as NodeJS.ErrnoException).code === "EPERM";
    }
}

function signalGroup(pgid: number, sig: NodeJS.Signals): void {
    try {
        process.kill(-pgid, sig);
    } catch {
        // Already gone.
    }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitGone(pgid: number, ms: number): Promise<boolean> {
    const t0 = Date.now();
    while (groupAlive(pgid)) {
        if (Date.now() - t0 >= ms) return false;
        await sleep(50);
    }
    return true;
}

/**
 * SIGTERM to the whole group (a trainer may catch it to stop cleanly), SIGKILL after `graceMs` for
 * whatever ignores it; resolves once no process of the group is left.
 * Returns whether it took SIGKILL.
 */
export async function killGroup(pgid: number, graceMs = 5000): Promise<boolean> {
    if (!groupAlive(pgid)) return false;
    signalGroup(pgid, "SIGTERM");
    if (await waitGone(pgid, graceMs)) return false;
    signalGroup(pgid, "SIGKILL");
    // SIGKILL cannot be ignored; a process in uninterruptible I/O still takes a moment.
    await waitGone(pgid, 30_000);
    return true;
}
