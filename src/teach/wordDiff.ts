import { diffWords as jsDiffWords } from "diff";
import type { DiffPart } from "./types.js";

/**
 * Past this many edited tokens the two answers are different texts, not an edit of one another; a
 * bound also keeps a long, fully rewritten answer from stalling the presenter (jsdiff is O(N·D)).
 */
const MAX_EDITS = 1000;

/**
 * The corrected answer against the first, word by word. `diffWords` (not `diffWordsWithSpace`):
 * it ignores whitespace-only changes, so a re-wrapped line is not shown as a removed newline and the
 * kept parts carry the corrected answer's line breaks. CRLF is made LF so a terminal shows no `\r`.
 */
export function wordDiff(before: string, after: string): DiffPart[] {
    const a = before.replace(/\r\n?/g, "\n");
    const b = after.replace(/\r\n?/g, "\n");
    if (a === b) return [{ op: "same", text: b }];
    if (a.trim() === "") return [{ op: "add", text: b }];
    if (b.trim() === "") return [{ op: "del", text: a }];
    const changes = jsDiffWords(a, b, { maxEditLength: MAX_EDITS });
    if (!changes) return [{ op: "del", text: a }, { op: "add", text: b }];
    const raw: DiffPart[] = [];
    for (let i = 0; i < changes.length; i++) {
        const c = changes[i]!;
        const next = changes[i + 1];
        if (c.removed && next?.added) {
            // jsdiff puts a line's closing newline on both sides of a replacement ("2\n" → "3\n"): keep it as kept text.
            const tail = commonTail(c.value, next.value);
            raw.push({ op: "del", text: c.value.slice(0, c.value.length - tail.length) });
            raw.push({ op: "add", text: next.value.slice(0, next.value.length - tail.length) });
            raw.push({ op: "same", text: tail });
            i++;
        } else raw.push({ op: c.added ? "add" : c.removed ? "del" : "same", text: c.value });
    }
    const out: DiffPart[] = [];
    for (const p of raw) {
        if (p.text === "") continue;
        const last = out[out.length - 1];
        if (last && last.op === p.op) last.text += p.text;
        else out.push({ ...p });
    }
    return out.length > 0 ? out : [{ op: "same", text: b }];
}

/** The whitespace both strings end with. */
function commonTail(x: string, y: string): string {
    const wx = /\s*$/.exec(x)![0];
    const wy = /\s*$/.exec(y)![0];
    let n = 0;
    while (n < wx.length && n < wy.length && wx[wx.length - 1 - n] === wy[wy.length - 1 - n]) n++;
    return n === 0 ? "" : wx.slice(wx.length - n);
}

/** The words (whitespace-split) the correction removed and added, in order. */
export function diffWords(parts: DiffPart[]): { removed: string[]; added: string[] } {
    const words = (op: DiffPart["op"]): string[] =>
        parts.filter((p) => p.op === op).flatMap((p) => p.text.split(/\s+/).filter(Boolean));
    return { removed: words("del"), added: words("add") };
}
