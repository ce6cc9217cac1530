// The last lines of the trainer's free-text output, as a terminal would show them.
import { closeSync, fstatSync, openSync, readSync } from "node:fs";

const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

/**
 * The last `n` non-empty lines of `file` (reads only its tail). Progress bars redraw a line with "\r":
 * only the text after the last "\r" is kept, as on a terminal.
 */
export function lastLines(file: string, n = 20, maxBytes = 64 * 1024): string[] {
    let fd: number;
    try {
        fd = openSync(file, "r");
    } catch {
        return [];
    }
    let text: string;
    try {
        const size = fstatSync(fd).size;
        const len = Math.min(size, maxBytes);
        const buf = Buffer.alloc(len);
        readSync(fd, buf, 0, len, size - len);
        text = buf.toString("utf8");
        // The first line is probably cut: drop it unless we read the whole file.
        if (len < size) text = text.slice(text.indexOf("\n") + 1);
    } finally {
        closeSync(fd);
    }
    return text
        .split("\n")
        .map((l) => {
            const parts = l.replace(ANSI, "").replace(/\r+$/, "").split("\r");
            return parts[parts.length - 1]!.trimEnd();
        })
        .filter((l) => l.trim())
        .slice(-n);
}
