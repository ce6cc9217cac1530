// The release stores some prompts as Python lists printed to a string ("['You are ...', 'Question: ...']"):
// read them as lists of strings, whatever quoting Python chose.

/** Python string escapes that differ from their letter. */
const ESCAPES: Record<string, string> = { n: "\n", t: "\t", r: "\r", "0": "\0", a: "\x07", b: "\b", f: "\f", v: "\v", "\\": "\\", "'": "'", '"': '"', "\n": "" };

/**
 * A Python list literal of string literals: single or double quotes (also triple), u/r/b prefixes,
 * escapes (\n, \t, \xhh, \uhhhh, \Uhhhhhhhh, ...), adjacent literals joined, a trailing comma.
 * Null when `text` is anything else.
 */
export function parsePythonStringList(text: string): string[] | null {
    let i = 0;
    const ws = () => {
        while (i < text.length && /\s/.test(text[i]!)) i++;
    };
    const literal = (): string | null => {
        const prefix = /^[uUrRbB]{0,2}/.exec(text.slice(i, i + 2))![0];
        const raw = /r/i.test(prefix);
        const q = text[i + prefix.length];
        if (q !== "'" && q !== '"') return null;
        i += prefix.length;
        const triple = text.startsWith(q.repeat(3), i);
        const close = triple ? q.repeat(3) : q;
        i += close.length;
        let out = "";
        for (;;) {
            if (i >= text.length) return null;
            if (text.startsWith(close, i)) {
                i += close.length;
                return out;
            }
            const c = text[i]!;
            if (c === "\n" && !triple) return null;
            if (c !== "\\") {
                out += c;
                i++;
                continue;
            }
            const e = text[i + 1];
            if (e === undefined) return null;
            if (raw) {
                out += c + e;
                i += 2;
                continue;
            }
            const hex = e === "x" ? 2 : e === "u" ? 4 : e === "U" ? 8 : 0;
            if (hex) {
                const h = text.slice(i + 2, i + 2 + hex);
                if (!new RegExp(`^[0-9a-fA-F]{${hex}}$`).test(h)) return null;
                out += String.fromCodePoint(parseInt(h, 16));
                i += 2 + hex;
            } else if (e in ESCAPES) {
                out += ESCAPES[e];
                i += 2;
            } else {
                out += c + e; // Python keeps unknown escapes as written
                i += 2;
            }
        }
    };
    ws();
    if (text[i] !== "[") return null;
    i++;
    const items: string[] = [];
    for (;;) {
        ws();
        if (text[i] === "]") break;
        let item = literal();
        if (item === null) return null;
        // Adjacent literals are one string, as in Python.
        for (;;) {
            ws();
            const at = i;
            const more = /^[uUrRbB]{0,2}['"]/.test(text.slice(i, i + 3)) ? literal() : null;
            if (more === null) {
                i = at;
                break;
            }
            item += more;
        }
        items.push(item);
        ws();
        if (text[i] === ",") {
            i++;
            continue;
        }
        if (text[i] === "]") break;
        return null;
    }
    i++;
    ws();
    return i === text.length ? items : null;
}

/**
 * A prompt field as a list of its parts: a list of strings as is, a string holding a JSON list or a
 * Python list literal parsed, any other string as one part. Null when `v` is neither.
 */
export function promptParts(v: unknown): string[] | null {
    if (Array.isArray(v)) return v.every((x) => typeof x === "string") ? (v as string[]) : null;
    if (typeof v !== "string") return null;
    const t = v.trim();
    if (t.startsWith("[") && t.endsWith("]")) {
        try {
            const j = JSON.parse(t) as unknown;
            if (Array.isArray(j) && j.every((x) => typeof x === "string")) return j as string[];
        } catch {
            // not JSON: Python's repr uses single quotes
        }
        const py = parsePythonStringList(t);
        if (py) return py;
    }
    return [v];
}
