// Input files are read only when they are regular files of a bounded size: a FIFO blocks the reader
// until a writer comes (forever), a device like /dev/zero never ends, a socket cannot be opened.
import { closeSync, constants, fstatSync, openSync, statSync, type Stats } from "node:fs";
import { open, stat } from "node:fs/promises";

/** Largest input file read whole into memory (V8 strings stop near 512 Mi characters anyway). */
export const MAX_INPUT_BYTES = Math.max(1, Number(process.env.REFLECT_LAB_MAX_INPUT_MB) || 512) * 1024 * 1024;

/** What a non-regular file is, for messages: "a FIFO (named pipe)", "a character device", ... */
export function fileKind(st: Stats): string {
    if (st.isFile()) return "a regular file";
    if (st.isDirectory()) return "a directory";
    if (st.isFIFO()) return "a FIFO (named pipe)";
    if (st.isSocket()) return "a socket";
    if (st.isCharacterDevice()) return "a character device";
    if (st.isBlockDevice()) return "a block device";
    return "not a regular file";
}

/** Why `st` cannot be read as `what`, or null if it is a regular file. */
export function notRegular(path: string, st: Stats, what: string): string | null {
    if (st.isFile()) return null;
    const why = st.isFIFO() ? ": reading it would wait for a writer, possibly forever" : st.isCharacterDevice() ? ": it may never end" : "";
    return `${what} ${path} is ${fileKind(st)}, not a regular file${why}. Pass a regular file.`;
}

export const formatBytes = (n: number): string => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} bytes`);

const tooLarge = (path: string, what: string, size: string, max: number) =>
    `${what} ${path} is ${size}, more than the ${formatBytes(max)} an input file may have (REFLECT_LAB_MAX_INPUT_MB raises the limit)`;

/**
 * The bytes of a regular file of at most `maxBytes`: stat before opening (opening a FIFO blocks),
 * opened non-blocking and checked again on the descriptor (the path may change in between), and
 * read no further than the cap (files in /proc report size 0 but have content).
 */
export async function readRegularFile(path: string, what: string, maxBytes = MAX_INPUT_BYTES): Promise<Buffer> {
    const before = await stat(path);
    const bad = notRegular(path, before, what);
    if (bad) throw new Error(bad);
    if (before.size > maxBytes) throw new Error(tooLarge(path, what, formatBytes(before.size), maxBytes));
    const fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
        const st = await fh.stat();
        const again = notRegular(path, st, what);
        if (again) throw new Error(again);
        const chunks: Buffer[] = [];
        let total = 0;
        for (;;) {
            const buf = Buffer.allocUnsafe(Math.min(Math.max(st.size - total, 0) + 64 * 1024, maxBytes + 1 - total, 8 * 1024 * 1024));
            const { bytesRead } = await fh.read(buf, 0, buf.length, null);
            if (bytesRead === 0) break;
            chunks.push(buf.subarray(0, bytesRead));
            total += bytesRead;
            if (total > maxBytes) throw new Error(tooLarge(path, what, `over ${formatBytes(maxBytes)}`, maxBytes));
        }
        return Buffer.concat(chunks, total);
    } finally {
        await fh.close();
    }
}

/** A descriptor and size of a regular file, opened without blocking (see readRegularFile); the caller closes it. */
export function openRegularFileSync(path: string, what: string): { fd: number; size: number } {
    const bad = notRegular(path, statSync(path), what);
    if (bad) throw new Error(bad);
    const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
        const st = fstatSync(fd);
        const bad = notRegular(path, st, what);
        if (bad) throw new Error(bad);
        return { fd, size: st.size };
    } catch (e) {
        closeQuietly(fd);
        throw e;
    }
}

function closeQuietly(fd: number): void {
    try {
        closeSync(fd);
    } catch {
        /* already closed */
    }
}
