// Verdict and summary bodies: the verdict big enough to read from the back of a room, in letters
// that stay legible on a black-and-white projector (shape, not only colour).
import type { Outcome, Stage } from "../../../src/teach/types.js";
import { theme } from "../../theme.js";
import { clean, hang, wrap, type Line, type Seg } from "../../lines.js";

/** A three-row block font, only the letters the verdict words need. */
const FONT: Record<string, [string, string, string]> = {
    C: ["█▀▀", "█  ", "▀▀▀"],
    O: ["█▀█", "█ █", "▀▀▀"],
    R: ["█▀▄", "█▀▄", "▀ ▀"],
    E: ["█▀▀", "█▀▀", "▀▀▀"],
    T: ["▀█▀", " █ ", " ▀ "],
    I: ["█", "█", "▀"],
    N: ["█▄ █", "█ ▀█", "▀  ▀"],
    "?": ["█▀▀█", "  ▄▀", "  ▄ "]
};

/** The word in block letters (three rows), or null when it does not fit `width` with its indent. */
export function bigWord(word: string, color: string, width: number, indent = 2): Line[] | null {
    const glyphs = [...word].map((c) => FONT[c]);
    if (glyphs.some((g) => !g)) return null;
    const rows = [0, 1, 2].map((r) => glyphs.map((g) => g![r]).join(" "));
    if (indent + rows[0]!.length > width) return null;
    return rows.map((text) => [{ text: " ".repeat(indent) }, { text, color, bold: true }]);
}

export const HIDDEN_PROMPT = "What do you think? press v to reveal";

/** The verdict stage: the big word, what the verifier read, and its reason; or the question to the class while hidden. */
export function verdictLines(stage: Stage, width: number, hidden: boolean): Line[] {
    if (hidden) {
        const big = bigWord("?", theme.warn, width) ?? [];
        return [[], ...big, [], ...wrap([{ text: HIDDEN_PROMPT, bold: true, color: theme.warn }], width), ...wrap([{ text: "Right or wrong? Ask the class before revealing the verifier's verdict.", dim: true }], width)];
    }
    const v = stage.verdict;
    const [head = "", ...rest] = clean(stage.text).split("\n");
    const correct = v ? v.correct : /^CORRECT\b/.test(head);
    const color = correct ? theme.ok : theme.bad;
    const word = correct ? "CORRECT" : "INCORRECT";
    const big = bigWord(word, color, width);
    const out: Line[] = [];
    if (big) out.push([], ...big, []);
    // The head line repeats the word in text: searchable, and read aloud by a screen reader.
    out.push(...wrap([{ text: correct ? "✓ " : "✗ ", color, bold: true }, { text: head, bold: true }], width));
    if (v?.oracleCorrect !== undefined && v.oracleCorrect !== v.correct) {
        out.push(...wrap([{ text: `The ${v.mode} verifier steered the loop; the ground truth disagrees.`, color: theme.warn }], width));
    }
    const reason = rest.join(" ").trim();
    if (reason) out.push([], ...hang([{ text: "why: ", dim: true }], [{ text: reason }], width));
    return out;
}

const OUTCOME_BANNER: Record<Outcome, { text: string; color: string }> = {
    corrected: { text: " ✓ CORRECTED ", color: theme.ok },
    "not-corrected": { text: " ✗ NOT CORRECTED ", color: theme.bad },
    flipped: { text: " ↯ FLIPPED ", color: theme.warn },
    "right-first": { text: " ✓ RIGHT AT ONCE ", color: theme.ok }
};

/** The closing card: the outcome, the answer per turn, and the card's lines. */
export function summaryLines(stage: Stage, width: number): Line[] {
    const card = stage.summary;
    if (!card) return wrap([{ text: clean(stage.text) }], width);
    const banner = OUTCOME_BANNER[card.outcome];
    const out: Line[] = [...wrap([{ text: banner.text, color: banner.color, bold: true, inverse: true }], width), []];
    const chips: Seg[] = [];
    card.correctByTurn.forEach((c, i) => {
        if (i > 0) chips.push({ text: "  →  ", dim: true });
        const read = card.extractedByTurn[i];
        chips.push({ text: `turn ${i + 1} `, bold: true }, { text: c ? "✓ right" : "✗ wrong", color: c ? theme.ok : theme.bad, bold: true }, { text: ` (${read === null || read === undefined ? "none read" : clean(read).replace(/\n/g, " ")})`, dim: true });
    });
    if (chips.length) out.push(...wrap(chips, width), []);
    for (const l of card.lines) out.push(...hang([{ text: "• ", color: theme.accent }], [{ text: clean(l) }], width));
    return out;
}
