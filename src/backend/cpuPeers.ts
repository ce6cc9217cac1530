// Other reflect-lab processes computing on this machine. ggml's threads spin-wait, so two model
// processes on a small machine slow each other 10-100x; nothing in one process can see the
// other's threads, so each process that loads a model registers itself in a shared folder and
// looks for the others (a dead process's entry is ignored and removed).
import { availableParallelism, tmpdir } from "node:os";
import { chmodSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ensureDir } from "../fsDirs.js";

export interface CpuPeer {
    pid: number;
    threads: number;
    model: string;
    command: string;
}

const DIR = process.env.REFLECT_LAB_PEERS_DIR ?? join(tmpdir(), "reflect-lab-peers");
let registered = false;
let threadsHere = 0;

function alive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (e) {
        return (e as NodeJS.ErrnoException).code === "EPERM"; // someone else's process, alive
    }
}

/** Records that this process computes with `threads` threads (idempotent; removed when the process exits). */
export function registerCpuUse(threads: number, model: string): void {
    threadsHere = Math.max(threadsHere, threads);
    try {
        ensureDir(DIR, "peers folder", "set TMPDIR (or REFLECT_LAB_PEERS_DIR) to a writable folder"); // never Node's recursive mkdir: it can spin forever
        try {
            chmodSync(DIR, 0o1777); // shared by every user's processes, like /tmp
        } catch {
            /* not ours: fine */
        }
        const entry: CpuPeer = { pid: process.pid, threads: threadsHere, model, command: process.argv.slice(2).join(" ").slice(0, 120) };
        writeFileSync(join(DIR, `${process.pid}.json`), JSON.stringify(entry));
        if (!registered) {
            registered = true;
            process.once("exit", () => rmSync(join(DIR, `${process.pid}.json`), { force: true }));
        }
    } catch {
        /* a read-only tmp: detection is best effort, never a reason to fail */
    }
}

/** Other live reflect-lab processes that hold a model. */
export function cpuPeers(): CpuPeer[] {
    let names: string[];
    try {
        names = readdirSync(DIR).filter((n) => /^\d+\.json$/.test(n));
    } catch {
        return [];
    }
    const peers: CpuPeer[] = [];
    for (const name of names) {
        const pid = Number(name.slice(0, -5));
        if (pid === process.pid) continue;
        if (!alive(pid)) {
            rmSync(join(DIR, name), { force: true });
            continue;
        }
        try {
            peers.push(JSON.parse(readFileSync(join(DIR, name), "utf8")) as CpuPeer);
        } catch {
            /* being written */
        }
    }
    return peers;
}

/** One line for the header and batch progress when threads here and elsewhere exceed the cores; else null. */
export function cpuContention(peers = cpuPeers(), threads = threadsHere): string | null {
    if (peers.length === 0) return null;
    const cores = availableParallelism();
    const total = threads + peers.reduce((n, p) => n + (p.threads || cores), 0);
    if (total <= cores) return null;
    const who = peers.map((p) => `pid ${p.pid}${p.command ? ` (${p.command.slice(0, 40)})` : ""}`).join(", ");
    const share = Math.max(1, Math.floor(cores / (peers.length + 1)));
    return `another reflect-lab process computes on these ${cores} cores (${who}): both run 10-100x slower. Stop it, or give each --threads ${share}`;
}
