// Text bound for the terminal that may carry bytes from a file or a server (a broken GGUF, a task
// file, an HTML page): control characters are shown escaped, never sent raw, so they cannot move the
// cursor, recolour, retitle or clear the user's terminal.

// C0 controls but tab and newline, DEL, C1 controls (0x9b is a one-byte CSI), line/paragraph
// separators, bidi overrides and isolates (text shown reordered), a BOM, and lone surrogates.
const UNSAFE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]|[\ud800-\udfff]/gu;
const UNSAFE_ONE_LINE = /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]|[\ud800-\udfff]/gu;

const escape = (c: string): string => {
    const n = c.charCodeAt(0);
    return n < 0x100 ? `\\x${n.toString(16).padStart(2, "0")}` : `\\u${n.toString(16).padStart(4, "0")}`;
};

/**
 * `s` safe to print: controls as `\x00`, `\x1b`, `\u202e` escapes; newline and tab kept (escaped too
 * with `oneLine`); every other character, ordinary Unicode included, unchanged.
 */
export function printable(s: string, opts: { oneLine?: boolean } = {}): string {
    return String(s).replace(opts.oneLine ? UNSAFE_ONE_LINE : UNSAFE, escape);
}

/** The first `max` characters of `s` for quoting in a message: one line, escaped, "..." when cut. */
export function snippet(s: string, max = 120): string {
    const chars = Array.from(s);
    return printable(chars.slice(0, max).join(""), { oneLine: true }) + (chars.length > max ? "..." : "");
}

/** True if `s` holds nothing `printable` would escape (newlines and tabs allowed). */
export function isPrintable(s: string): boolean {
    UNSAFE.lastIndex = 0;
    return !UNSAFE.test(s);
}
