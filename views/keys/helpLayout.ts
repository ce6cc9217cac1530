import stringWidth from "string-width";
import { wrapPlain } from "../lines.js";
import type { HelpSection, Screen } from "./types.js";

/** One line of the help overlay, already cut to the width: a section title, a gap, or a key row (keys "" on a continuation). */
export type HelpLine = { kind: "title"; text: string; current: boolean } | { kind: "gap" } | { kind: "row"; keys: string; text: string };

export interface HelpLayout {
    lines: HelpLine[];
    /** Width of the keys column (keys padded to it, descriptions start after it). */
    keyWidth: number;
}

/** Cuts a word wider than the width into pieces that fit. */
function pieces(word: string, width: number): string[] {
    const out: string[] = [];
    let cur = "";
    for (const ch of word) {
        if (cur && stringWidth(cur + ch) > width) {
            out.push(cur);
            cur = "";
        }
        cur += ch;
    }
    return cur ? [...out, cur] : out;
}

/** Word-wraps text to lines no wider than width (display columns); blank text is one empty line. */
export function wrapWords(text: string, width: number): string[] {
    const lines = wrapPlain(text.replace(/\s+/g, " ").trim(), width, Infinity);
    return lines.length ? lines : [""];
}

/**
 * The section of the screen the overlay was opened from first, then the keys that work everywhere,
 * then the rest in their order: what the reader came for is on the first page.
 */
export function orderSections(sections: readonly HelpSection[], from: Screen | undefined): readonly HelpSection[] {
    const at = sections.findIndex((s) => s.screen !== undefined && s.screen === from);
    if (at < 0) return sections;
    const rest = sections.filter((_s, i) => i !== at);
    return [sections[at]!, ...rest.filter((s) => !s.screen), ...rest.filter((s) => s.screen)];
}

/** Lays the sections out as lines no wider than width; `from` marks its section as this screen's. */
export function layoutHelp(sections: readonly HelpSection[], width: number, from?: Screen): HelpLayout {
    const widest = Math.max(1, ...sections.flatMap((s) => s.rows.map((r) => stringWidth(r.keys))));
    // The keys column takes at most a third of the width; longer keys get a line of their own.
    const keyWidth = Math.min(widest + 2, Math.max(4, Math.floor(width / 3)));
    const textWidth = Math.max(1, width - keyWidth);
    const lines: HelpLine[] = [];
    for (const s of sections) {
        if (s.rows.length === 0) continue;
        if (lines.length) lines.push({ kind: "gap" });
        const current = s.screen !== undefined && s.screen === from;
        lines.push({ kind: "title", text: wrapWords(current ? `${s.title} · this screen` : s.title, width)[0]!, current });
        for (const r of s.rows) {
            const text = wrapWords(r.description, textWidth);
            const keys = pieces(r.keys, width)[0] ?? "";
            if (stringWidth(keys) >= keyWidth) lines.push({ kind: "row", keys, text: "" });
            else lines.push({ kind: "row", keys, text: text.shift() ?? "" });
            for (const t of text) lines.push({ kind: "row", keys: "", text: t });
        }
    }
    return { lines, keyWidth };
}
