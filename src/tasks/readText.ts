import { readRegularFile } from "../inputFile.js";
import { TaskFormatError } from "./formatError.js";

export interface ReadTextOptions {
    /**
     * What a line of invalid UTF-8 (or with a NUL byte) does: "throw" (default) the first one's
     * TaskFormatError; "skip" it (see blankSkipped) and report it in `invalid`; "lossy" decode it
     * with U+FFFD (format detection only: the importer reports it).
     */
    invalid?: "throw" | "skip" | "lossy";
    /** With "skip": empty the skipped lines (default; line-per-item formats) or keep them decoded lossily (the caller drops what holds them). */
    blankSkipped?: boolean;
}

export interface TaskText {
    text: string;
    /** One error per skipped line (only with invalid: "skip"). */
    invalid: TaskFormatError[];
}

const strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const lossy = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });

/**
 * Reads a task file as UTF-8 without BOM; clear errors for a missing file, a directory, a FIFO,
 * device or socket, a file over the size cap, and for invalid UTF-8 or NUL bytes (file and line).
 */
export async function readTaskText(path: string, opts: ReadTextOptions = {}): Promise<TaskText> {
    let bytes: Buffer;
    try {
        bytes = await readRegularFile(path, "task file");
    } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === "ENOENT") throw new Error(`task file not found: ${path}`);
        if (code === "EISDIR") throw new Error(`task file is a directory: ${path}`);
        if (code) throw new Error(`cannot read task file ${path}: ${(e as Error).message}`);
        throw e;
    }
    const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
    const body = bytes.subarray(start);
    let text: string | null = null;
    if (body.indexOf(0) === -1) {
        try {
            text = strict.decode(body);
        } catch {
            /* located line by line below */
        }
    }
    if (text !== null) return { text, invalid: [] };
    const mode = opts.invalid ?? "throw";
    if (mode === "lossy") return { text: lossy.decode(body).replace(/\u0000/g, "\uFFFD"), invalid: [] };
    const invalid: TaskFormatError[] = [];
    const lines: string[] = [];
    let lineStart = 0;
    for (let no = 1; lineStart <= body.length; no++) {
        const nl = body.indexOf(0x0a, lineStart);
        const end = nl === -1 ? body.length : nl;
        const line = body.subarray(lineStart, end);
        const bad = badByte(line);
        if (bad === null) lines.push(strict.decode(line));
        else {
            const err = new TaskFormatError(path, no, null, describeBad(bytes, start + lineStart, bad, line));
            if (mode === "throw") throw err;
            invalid.push(err);
            lines.push(opts.blankSkipped === false ? lossy.decode(line).replace(/\u0000/g, "\uFFFD") : "");
        }
        if (nl === -1) break;
        lineStart = nl + 1;
    }
    return { text: lines.join("\n"), invalid };
}

/** The text of a task file, strictly decoded unless `opts.invalid` says otherwise (see readTaskText). */
export async function readText(path: string, opts: ReadTextOptions = {}): Promise<string> {
    return (await readTaskText(path, opts)).text;
}

/** Offset in `line` of its first NUL byte or invalid UTF-8 sequence, or null if it has none. */
export function badByte(line: Uint8Array): number | null {
    for (let i = 0; i < line.length; ) {
        const b = line[i]!;
        if (b === 0) return i;
        if (b < 0x80) {
            i++;
            continue;
        }
        // Lead byte: sequence length and the allowed range of the second byte (no overlongs, no surrogates, <= U+10FFFF).
        let n: number;
        let lo = 0x80;
        let hi = 0xbf;
        if (b >= 0xc2 && b <= 0xdf) n = 2;
        else if (b >= 0xe0 && b <= 0xef) {
            n = 3;
            if (b === 0xe0) lo = 0xa0;
            if (b === 0xed) hi = 0x9f;
        } else if (b >= 0xf0 && b <= 0xf4) {
            n = 4;
            if (b === 0xf0) lo = 0x90;
            if (b === 0xf4) hi = 0x8f;
        } else return i;
        if (i + n > line.length) return i;
        const b1 = line[i + 1]!;
        if (b1 < lo || b1 > hi) return i;
        for (let k = 2; k < n; k++) if ((line[i + k]! & 0xc0) !== 0x80) return i;
        i += n;
    }
    return null;
}

function describeBad(file: Buffer, lineOffset: number, at: number, line: Uint8Array): string {
    const offset = lineOffset + at;
    const hex = (b: number) => `0x${b.toString(16).padStart(2, "0")}`;
    if (line[at] === 0) return `a NUL byte at byte ${offset} (column ${at + 1}): binary data, not a text task file`;
    const seq = [...line.subarray(at, Math.min(at + 4, line.length))].map(hex).join(" ");
    const utf16 = (file[0] === 0xff && file[1] === 0xfe) || (file[0] === 0xfe && file[1] === 0xff) ? "; the file starts with a UTF-16 byte-order mark: re-save it as UTF-8" : "";
    return `invalid UTF-8 at byte ${offset} (column ${at + 1}: ${seq}); task files must be UTF-8${utf16 || " (re-save it as UTF-8; Latin-1 or Windows-1252 text looks like this)"}`;
}
