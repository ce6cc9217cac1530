// One process owns a run folder at a time: `<dir>/.lock`, created atomically, naming its holder.
import { randomBytes } from "node:crypto";
import { existsSync, linkSync, readFileSync, renameSync, rmdirSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join, resolve } from "node:path";
import { ensureDir } from "./fsDirs.js";

export const LOCK_FILE = ".lock";
export const LOCK_SCHEMA = "reflect-lab/lock@1";

/** What `<dir>/.lock` holds (JSON). */
export interface LockInfo {
    schema: typeof LOCK_SCHEMA;
    pid: number;
    host: string;
    /** Linux boot id: a lock from an earlier boot is stale whatever its pid. */
    boot_id: string | null;
    /** The holder's start time in clock ticks after boot (Linux): tells a reused pid apart. */
    proc_start: number | null;
    started_at: string;
    command: string;
    /** Random: which lock file is this acquisition's own. */
    token: string;
    /** A process working in the folder for the holder (the trainer): the lock holds while it lives, even if the holder died. */
    child?: { pid: number; proc_start: number | null };
}

export interface RunLock {
    readonly dir: string;
    readonly path: string;
    readonly info: LockInfo;
    /** Set when a dead process's lock was taken over: the line to show. */
    readonly tookOver: string | null;
    /** Records the process working for us (kept in the lock until it ends). */
    setChild(pid: number): void;
    /** Removes the lock (if still ours), and the folder if the lock created it and it is empty. */
    release(): void;
}

export interface LockOptions {
    /** How messages name the folder: "run folder", "training run folder", ... */
    what?: string;
    /** Shown to whoever finds the folder busy; default our command line. */
    command?: string;
}

/** The folder is held by a live process; the message names it. */
export class RunLockedError extends Error {
    constructor(
        message: string,
        readonly holder: LockInfo | null
    ) {
        super(message);
        this.name = "RunLockedError";
    }
}

/** Files of the lock (the lock, its takeover mutex, temp files): not the folder's content. */
export const isLockFile = (name: string) => name === LOCK_FILE || name.startsWith(`${LOCK_FILE}.`) || name.startsWith(`${LOCK_FILE}-`);

const held = new Set<Lock>();

function readBootId(): string | null {
    try {
        return readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim() || null;
    } catch {
        return null;
    }
}
const BOOT_ID = readBootId();

/** Field 22 of /proc/<pid>/stat (start time in ticks), and whether it is a zombie; null off Linux. */
function procStat(pid: number): { start: number; zombie: boolean } | null {
    try {
        const s = readFileSync(`/proc/${pid}/stat`, "utf8");
        // comm may hold spaces and parentheses: fields start after the last ")".
        const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
        return { start: Number(f[19]), zombie: f[0] === "Z" || f[0] === "X" };
    } catch {
        return null;
    }
}

/** Whether `pid` runs and is the process that started at `start` (when known). */
function running(pid: number, start: number | null): boolean {
    try {
        process.kill(pid, 0);
    } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EPERM") return false;
    }
    const st = procStat(pid);
    if (!st) return true;
    if (st.zombie) return false;
    return start == null || st.start === start;
}

/** Why a holder's lock is stale, or null while it may still hold. */
function staleReason(h: LockInfo): string | null {
    const sameBoot = BOOT_ID !== null && h.boot_id === BOOT_ID;
    if (!sameBoot) {
        // Another machine (a shared folder): its pids mean nothing here, so it holds.
        if (h.host !== hostname()) return null;
        if (BOOT_ID !== null && h.boot_id !== null) return "it is from before this machine's last boot";
    }
    if (h.child && running(h.child.pid, h.child.proc_start)) return null;
    if (running(h.pid, h.proc_start)) return null;
    const reused = pidExists(h.pid) && procStat(h.pid)?.zombie !== true;
    return `pid ${h.pid} ${reused ? "now belongs to another process" : "is no longer running"}${h.child ? ` (nor its pid ${h.child.pid})` : ""}`;
}

function pidExists(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (e) {
        return (e as NodeJS.ErrnoException).code === "EPERM";
    }
}

type Read = { info: LockInfo; raw: string } | { info: null; raw: string; ageMs: number } | null;

function readLock(path: string): Read {
    let raw: string;
    try {
        raw = readFileSync(path, "utf8");
    } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
        throw e;
    }
    try {
        const info = JSON.parse(raw) as LockInfo;
        if (info && typeof info.pid === "number" && typeof info.token === "string") return { info, raw };
    } catch {
        // below
    }
    let ageMs = 0;
    try {
        ageMs = Date.now() - statSync(path).mtimeMs;
    } catch {
        return null;
    }
    return { info: null, raw, ageMs };
}

/** An unreadable lock file older than this is debris (ours are never partial: they are linked in whole). */
const UNREADABLE_STALE_MS = 10_000;

const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function tryLink(from: string, to: string): boolean {
    try {
        linkSync(from, to);
        return true;
    } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
        throw e;
    }
}

const unlinkQuiet = (p: string) => {
    try {
        unlinkSync(p);
    } catch {
        // gone already
    }
};

function describeHolder(h: LockInfo): string {
    return `pid ${h.pid}${h.host !== hostname() ? ` on host ${h.host}` : ""} (${h.command}, since ${h.started_at})`;
}

/**
 * Takes `<dir>/.lock` for this process, creating `dir` if needed. Throws RunLockedError naming the
 * holder when a live process has it; a lock of a dead process (or an earlier boot) is taken over,
 * and `tookOver` says so. Released by release(), and at process exit.
 */
export function acquireRunLock(dirIn: string, opts: LockOptions = {}): RunLock {
    const dir = resolve(dirIn);
    const what = opts.what ?? "run folder";
    const path = join(dir, LOCK_FILE);
    const created = !existsSync(dir);
    if (created) ensureDir(dir, what, "choose another out folder");
    else if (!statSync(dir).isDirectory()) throw new Error(`${dir} is a file, not a folder`);
    const info: LockInfo = {
        schema: LOCK_SCHEMA,
        pid: process.pid,
        host: hostname(),
        boot_id: BOOT_ID,
        proc_start: procStat(process.pid)?.start ?? null,
        started_at: new Date().toISOString(),
        command: opts.command ?? ["reflect-lab", ...process.argv.slice(2)].join(" "),
        token: randomBytes(8).toString("hex")
    };
    // Written whole, then linked into place: the lock file never exists half-written.
    const tmp = join(dir, `${LOCK_FILE}-${process.pid}-${info.token}.tmp`);
    writeFileSync(tmp, JSON.stringify(info) + "\n");
    try {
        let tookOver: string | null = null;
        for (let attempt = 0; attempt < 50; attempt++) {
            if (tryLink(tmp, path)) return new Lock(dir, path, info, tookOver, created);
            const cur = readLock(path);
            if (!cur) continue; // released just now
            let reason: string | null;
            if (cur.info) reason = staleReason(cur.info);
            else reason = cur.ageMs > UNREADABLE_STALE_MS ? `its lock file was unreadable` : null;
            if (reason === null) {
                if (!cur.info) {
                    sleepSync(20);
                    continue;
                }
                const h = cur.info;
                const fix = h.host !== hostname() ? `if that process is gone, delete ${path}` : h.child && !running(h.pid, h.proc_start) ? `its process ${h.child.pid} is still working in the folder; wait for it or stop it (kill -- -${h.child.pid})` : `wait for it to finish, or stop it (kill ${h.pid})`;
                throw new RunLockedError(`${what} ${dir} is in use by ${describeHolder(h)}; ${fix}`, h);
            }
            const taken = takeOver(path, cur.raw, tmp);
            if (taken === "taken") {
                tookOver = `took over the lock of ${what} ${dir}: ${cur.info ? `${describeHolder(cur.info)}, ${reason}` : reason}`;
                return new Lock(dir, path, info, tookOver, created);
            }
            if (taken === "busy") sleepSync(20);
        }
        throw new Error(`could not lock ${what} ${dir}: ${path} keeps changing; another process is taking it`);
    } catch (e) {
        unlinkQuiet(tmp);
        // A folder made only for the lock goes again (rmdir: only while empty).
        if (created) rmdirQuiet(dir);
        throw e;
    } finally {
        unlinkQuiet(tmp);
    }
}

/**
 * Replaces the stale lock whose content was `raw`, if it is still that one. Takeovers serialize on
 * `.lock.takeover`, so two processes finding the same stale lock cannot both take it.
 */
function takeOver(path: string, raw: string, tmp: string): "taken" | "changed" | "busy" {
    const mutex = `${path}.takeover`;
    if (!tryLink(tmp, mutex)) {
        const m = readLock(mutex);
        // A takeover lasts microseconds: one left behind is a holder killed in the middle of it.
        if (m && (m.info ? staleReason(m.info) !== null : m.ageMs > UNREADABLE_STALE_MS)) unlinkQuiet(mutex);
        return "busy";
    }
    try {
        let now: string | null = null;
        try {
            now = readFileSync(path, "utf8");
        } catch {
            now = null;
        }
        if (now !== raw) return "changed";
        unlinkQuiet(path);
        // A newcomer may link first after the unlink: then it holds, and the caller names it.
        return tryLink(tmp, path) ? "taken" : "changed";
    } finally {
        unlinkQuiet(mutex);
    }
}

function rmdirQuiet(dir: string): void {
    try {
        rmdirSync(dir);
    } catch {
        // not empty, or gone: either way not ours to remove
    }
}

class Lock implements RunLock {
    private released = false;

    constructor(
        readonly dir: string,
        readonly path: string,
        public info: LockInfo,
        readonly tookOver: string | null,
        private readonly createdDir: boolean
    ) {
        held.add(this);
        installHandlers();
    }

    private mine(): boolean {
        const cur = readLock(this.path);
        return cur?.info?.token === this.info.token;
    }

    setChild(pid: number): void {
        if (this.released || !this.mine()) return;
        this.info = { ...this.info, child: { pid, proc_start: procStat(pid)?.start ?? null } };
        const tmp = join(this.dir, `${LOCK_FILE}-${process.pid}-${this.info.token}.tmp`);
        writeFileSync(tmp, JSON.stringify(this.info) + "\n");
        renameSync(tmp, this.path);
    }

    release(): void {
        if (this.released) return;
        this.released = true;
        held.delete(this);
        if (!held.size) removeHandlers();
        if (this.mine()) unlinkQuiet(this.path);
        if (this.createdDir) rmdirQuiet(this.dir);
    }

    /** At exit: kept while its child still works in the folder (the next owner waits for it). */
    releaseAtExit(): void {
        const c = this.info.child;
        if (c && running(c.pid, c.proc_start)) return;
        this.release();
    }
}

let installed = false;

// Every way out that runs JS (process.exit, the end of the event loop, an uncaught error) drops our locks.
// Signals are the commands' to handle (batch, train and curate stop on SIGINT/SIGTERM and exit through
// here); a handler of our own would keep Ink's signal-exit from re-raising and leave the lab unkillable.
// A process killed outright leaves its lock behind, and the next owner takes it over, saying so.
const onExit = () => {
    for (const l of [...held]) l.releaseAtExit();
};

function installHandlers(): void {
    if (installed) return;
    installed = true;
    process.on("exit", onExit);
}

function removeHandlers(): void {
    if (!installed) return;
    installed = false;
    process.off("exit", onExit);
}
