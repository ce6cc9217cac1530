import { closeSync, openSync, renameSync, rmSync, writeSync } from "node:fs";

const FLUSH_BYTES = 1 << 20;

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
    }
}
