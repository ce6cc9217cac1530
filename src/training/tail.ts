// Follows a JSONL file another process appends to: partial lines wait for their newline, a file created late is picked up.
import { closeSync, existsSync, fstatSync, openSync, readSync, watch, type FSWatcher } from "node:fs";
import { basename, dirname } from "node:path";

export interface JsonlTailOptions {
    /** Poll interval: fs.watch misses events on some file systems (network mounts, some containers). */
    pollMs?: number;
    /** Lines that are not JSON (a crash mid-write, free text). */
    onBadLine?: (line: string) => void;
}

export class JsonlTail {
    private offset = 0;
    private partial = "";
    private timer: NodeJS.Timeout | null = null;
    private watcher: FSWatcher | null = null;

    constructor(
        readonly file: string,
        private readonly onValue: (value: unknown) => void,
        private readonly opts: JsonlTailOptions = {}
    ) {}

    start(): this {
        this.read();
        try {
            // Watch the folder, not the file: the file may not exist yet.
            const name = basename(this.file);
            this.watcher = watch(dirname(this.file), (_ev, f) => {
                if (!f || f === name) this.read();
            });
            this.watcher.on("error", () => this.watcher?.close());
        } catch {
            // No watcher: the poll alone.
        }
        this.timer = setInterval(() => this.read(), this.opts.pollMs ?? 250);
        this.timer.unref();
        return this;
    }

    /** Reads what was appended since the last read and emits every complete line. */
    read(): void {
        if (!existsSync(this.file)) return;
        let fd: number;
        try {
            fd = openSync(this.file, "r");
        } catch {
            return;
        }
        try {
            const size = fstatSync(fd).size;
            // Truncated or replaced: start over.
            if (size < this.offset) {
                this.offset = 0;
                this.partial = "";
            }
            const buf = Buffer.alloc(64 * 1024);
            while (this.offset < size) {
                const n = readSync(fd, buf, 0, Math.min(buf.length, size - this.offset), this.offset);
                if (n <= 0) break;
                this.offset += n;
                // latin1 keeps one char per byte, so a chunk edge never splits a character; emit() decodes whole lines.
                this.partial += buf.subarray(0, n).toString("latin1");
            }
        } finally {
            closeSync(fd);
        }
        let nl: number;
        while ((nl = this.partial.indexOf("\n")) >= 0) {
            const line = this.partial.slice(0, nl);
            this.partial = this.partial.slice(nl + 1);
            this.emit(line);
        }
    }

    /** Stops following; with `flush`, a last line without its newline is parsed too (the writer has exited). */
    stop(flush = false): void {
        this.read();
        if (flush && this.partial.trim()) {
            const line = this.partial;
            this.partial = "";
            this.emit(line);
        }
        if (this.timer) clearInterval(this.timer);
        this.timer = null;
        this.watcher?.close();
        this.watcher = null;
    }

    private emit(raw: string): void {
        // Bytes were read as latin1 so that a chunk edge never splits a character; decode whole lines as UTF-8.
        const line = Buffer.from(raw, "latin1").toString("utf8").trim();
        if (!line) return;
        let value: unknown;
        try {
            value = JSON.parse(line);
        } catch {
            this.opts.onBadLine?.(line);
            return;
        }
        this.onValue(value);
    }
}
