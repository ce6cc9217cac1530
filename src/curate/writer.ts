import { closeSync, existsSync, openSync, readdirSync, renameSync, rmSync, statSync, unlinkSync, writeSync } from "node:fs";
import { resolve } from "node:path";
import { acquireRunLock, isLockFile } from "../runLock.js";

const FLUSH_BYTES = 1 << 20;

/** `.part` files not yet committed: removed if the process exits first (Ctrl-C, an uncaught error). */
const uncommitted = new Set<string>();
let exitHook = false;
const dropParts = () => {
    for (const p of uncommitted) {
        try {
            unlinkSync(p);
        } catch {
            // gone
        }
    }
};

/**
 * A JSONL file written as `<path>.part` and renamed into place on close, so a file under its real
 * name is always complete. Lines are buffered and flushed in ~1 MB writes.
 */
export class JsonlWriter {
    rows = 0;
    /** Rows refused as duplicates of an earlier row of this file. */
    deduped = 0;
    private fd: number;
    private buf: string[] = [];
    private size = 0;
    private readonly seen: Set<string> | null;

    constructor(readonly path: string, opts: { dedup?: boolean } = {}) {
        this.fd = openSync(`${path}.part`, "w");
        uncommitted.add(`${path}.part`);
        if (!exitHook) {
            exitHook = true;
            process.on("exit", dropParts);
        }
        this.seen = opts.dedup ? new Set() : null;
    }

    /** Writes one row; with dedup, a row equal to one already written (by `identity`) is skipped. */
    write(row: unknown, identity?: string): boolean {
        if (this.seen && identity !== undefined) {
            if (this.seen.has(identity)) {
                this.deduped++;
                return false;
            }
            this.seen.add(identity);
        }
        const line = JSON.stringify(row) + "\n";
        this.buf.push(line);
        this.size += line.length;
        this.rows++;
        if (this.size >= FLUSH_BYTES) this.flush();
        return true;
    }

    private flush(): void {
        if (!this.buf.length) return;
        writeSync(this.fd, this.buf.join(""));
        this.buf = [];
        this.size = 0;
    }

    /** Flushes and closes the `.part` file; `commit()` gives it its real name. */
    close(): void {
        this.flush();
        closeSync(this.fd);
        this.fd = -1;
    }

    commit(): void {
        renameSync(`${this.path}.part`, this.path);
        uncommitted.delete(`${this.path}.part`);
    }

    /** Drops the partial file (after an error). */
    abort(): void {
        if (this.fd >= 0) {
            try {
                closeSync(this.fd);
            } catch {
                // already closed
            }
            this.fd = -1;
        }
        rmSync(`${this.path}.part`, { force: true });
        uncommitted.delete(`${this.path}.part`);
    }
}

/**
 * Runs an export into `out` as the folder's only writer (`<out>/.lock`; a second curation into it
 * is refused naming the first). The emptiness check happens here, under the lock and blind to the
 * lock's own file; `run` gets force=true so exportCuration does not count that file as content.
 */
export async function withCurationLock<T>(out: string, force: boolean, run: (force: boolean) => Promise<T>, onNote?: (line: string) => void): Promise<T> {
    const dir = resolve(out);
    if (existsSync(dir) && !statSync(dir).isDirectory()) throw new Error(`${dir} is a file, not a folder`);
    const lock = acquireRunLock(dir, { what: "curation folder" });
    try {
        if (lock.tookOver) onNote?.(lock.tookOver);
        if (!force && readdirSync(dir).some((f) => !isLockFile(f))) throw new Error(`${dir} is not empty; choose another out folder, or force to replace its curated files`);
        return await run(true);
    } finally {
        lock.release();
    }
}
