// Row layout shared by the screens (lab, presenter, curate, endpoints, evolve, compare, training): text
// is wrapped here to a known width, so a frame is exactly as wide and as tall as computed (Ink's own
// wrapping would make the height unknowable).
import { Box, Text } from "ink";
import stringWidth from "string-width";

/** A run of text in one style. */
export interface Seg {
    text: string;
    color?: string;
    bold?: boolean;
    dim?: boolean;
    italic?: boolean;
    strike?: boolean;
    inverse?: boolean;
}

/** One terminal row. */
export type Line = Seg[];

export const textWidth = (s: string): number => stringWidth(s);
export const lineWidth = (l: Line): number => l.reduce((n, s) => n + stringWidth(s.text), 0);
/** Characters (code points) of a run, the unit the typewriter counts in. */
export const segsLength = (segs: Seg[]): number => segs.reduce((n, s) => n + [...s.text].length, 0);

// C0/C1 controls but \n: a model's stray \r, escape or bell would move the cursor and break the frame.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** Model text made safe to lay out: LF line ends, tabs as spaces, no control characters. */
export function clean(text: string): string {
    return text.replace(/\r\n?/g, "\n").replace(/\t/g, "    ").replace(CONTROL, "");
}

const sameStyle = (a: Seg, b: Seg) => a.color === b.color && a.bold === b.bold && a.dim === b.dim && a.italic === b.italic && a.strike === b.strike && a.inverse === b.inverse;

function push(line: Line, seg: Seg, text: string): void {
    const last = line[line.length - 1];
    if (last && sameStyle(last, seg)) last.text += text;
    else line.push({ ...seg, text });
}

function trimEnd(line: Line): void {
    while (line.length) {
        const last = line[line.length - 1]!;
        last.text = last.text.replace(/ +$/, "");
        if (last.text) return;
        line.pop();
    }
}

/**
 * Word-wraps styled runs to `width` columns: explicit newlines break, a word too long for a row is
 * broken by characters, spaces at a soft break are dropped (indentation after a newline is kept).
 */
export function wrap(segs: Seg[], width: number): Line[] {
    const w = Math.max(1, width);
    const lines: Line[] = [[]];
    let used = 0;
    let soft = false;
    const newLine = (isSoft: boolean) => {
        trimEnd(lines[lines.length - 1]!);
        lines.push([]);
        used = 0;
        soft = isSoft;
    };
    for (const seg of segs) {
        for (const tok of seg.text.match(/\n| +|[^ \n]+/g) ?? []) {
            if (tok === "\n") {
                newLine(false);
                continue;
            }
            const tw = stringWidth(tok);
            if (tok[0] === " ") {
                if (used === 0 && soft) continue;
                if (used + tw > w) {
                    newLine(true);
                    continue;
                }
                push(lines[lines.length - 1]!, seg, tok);
                used += tw;
                continue;
            }
            if (used + tw <= w) {
                push(lines[lines.length - 1]!, seg, tok);
                used += tw;
                continue;
            }
            if (tw <= w && used > 0) {
                newLine(true);
                push(lines[lines.length - 1]!, seg, tok);
                used = tw;
                continue;
            }
            for (const ch of tok) {
                const cw = stringWidth(ch);
                if (used + cw > w && used > 0) newLine(true);
                push(lines[lines.length - 1]!, seg, ch);
                used += cw;
            }
        }
    }
    trimEnd(lines[lines.length - 1]!);
    return lines;
}

/** `segs` wrapped beside a prefix: the first row starts with `first`, the others with as many spaces. */
export function hang(first: Seg[], segs: Seg[], width: number): Line[] {
    const pw = lineWidth(first);
    const body = wrap(segs, Math.max(1, width - pw));
    return body.map((l, i) => (i === 0 ? [...first.map((s) => ({ ...s })), ...l] : [{ text: " ".repeat(pw) }, ...l]));
}

/** The first `n` characters of the runs (the typewriter's cut). */
export function cut(segs: Seg[], n: number): Seg[] {
    const out: Seg[] = [];
    let left = n;
    for (const s of segs) {
        if (left <= 0) break;
        const chars = [...s.text];
        if (chars.length <= left) out.push(s);
        else out.push({ ...s, text: chars.slice(0, left).join("") });
        left -= chars.length;
    }
    return out;
}

/** The row cut to `width` columns, ending in … when anything was cut (or when `more` says so). */
export function ellipsize(line: Line, width: number, more = false): Line {
    if (!more && lineWidth(line) <= width) return line;
    const out: Line = [];
    let used = 0;
    const room = Math.max(0, width - 1);
    for (const s of line) {
        let text = "";
        for (const ch of s.text) {
            const cw = stringWidth(ch);
            if (used + cw > room) break;
            text += ch;
            used += cw;
        }
        if (text) out.push({ ...s, text });
        if (used >= room || text.length < s.text.length) break;
    }
    trimEnd(out);
    out.push({ text: "…", dim: true });
    return out;
}

/** At most `max` rows; the last kept one ends in … when rows were left out. */
export function truncate(lines: Line[], max: number, width: number): Line[] {
    if (lines.length <= max) return lines;
    if (max <= 0) return [];
    const kept = lines.slice(0, max);
    kept[max - 1] = ellipsize(kept[max - 1]!, width, true);
    return kept;
}

/** Plain text as at most `max` rows of `width` columns (strings), the last ending in … when some was cut; none for blank text. */
export function wrapPlain(text: string, width: number, max: number): string[] {
    if (!text.trim()) return [];
    return truncate(wrap([{ text }], width), max, width).map((l) => l.map((s) => s.text).join(""));
}

/** The row padded with spaces (or cut) to exactly `width` columns: the left cell of two columns. */
export function pad(line: Line, width: number): Line {
    const w = lineWidth(line);
    if (w > width) return ellipsize(line, width);
    return w === width ? line : [...line, { text: " ".repeat(width - w) }];
}

export const rule = (width: number): Line => [{ text: "─".repeat(Math.max(0, width)), dim: true }];

/** Renders rows computed above; truncation is only a safety net (rows are already within `width`). */
export function Lines({ lines, width }: { lines: Line[]; width: number }) {
    return (
        <Box flexDirection="column" width={width} flexShrink={0}>
            {lines.map((l, i) => (
                <Text key={i} wrap="truncate-end">
                    {l.length === 0
                        ? " "
                        : l.map((s, j) => (
                              <Text key={j} color={s.color} bold={s.bold} dimColor={s.dim} italic={s.italic} strikethrough={s.strike} inverse={s.inverse}>
                                  {s.text}
                              </Text>
                          ))}
                </Text>
            ))}
        </Box>
    );
}
