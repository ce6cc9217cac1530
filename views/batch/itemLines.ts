import { printable } from "../../src/terminalText.js";
import { verdictLine } from "../../src/verify/line.js";
import { wrapPlain } from "../lines.js";
import type { Tone } from "../theme.js";
import type { ChainView, ItemDetail, VerdictView } from "./itemDetail.js";

/** One line of the item view; a line never wraps (the view truncates it at the width). */
export interface ItemLine {
    text: string;
    tone?: Tone;
    bold?: boolean;
}

/** Words to lines of at most `width` columns (a longer word is cut), line breaks folded: at most `max` lines, the last ending in "…" when cut. */
export function wrapText(text: string, width: number, max: number): string[] {
    return wrapPlain(printable(text, { oneLine: false }).replace(/\s+/g, " ").trim(), width, max);
}

const mark = (c: boolean) => (c ? "✓" : "✗");

/** One line of at most `width` characters, "…" when cut (whitespace kept as it is, controls escaped). */
const cut = (s: string, width: number) => {
    const chars = Array.from(printable(s, { oneLine: true }));
    return chars.length > width ? chars.slice(0, Math.max(0, width - 1)).join("") + "…" : chars.join("");
};

/**
 * The verdict's one line (src/verify/line.ts): `✗ incorrect (oracle) · read "B" (letter) · gold A`. A
 * self or teacher verdict judged no gold, so the ground truth kept beside it says the gold:
 * `✓ correct (self) · the model judged its own answer correct · truth ✗, gold A`.
 */
export function verdictText(v: VerdictView | null, gold: string): string {
    if (!v) return "no verdict";
    const line = verdictLine(v, { mode: v.mode });
    return v.oracle === undefined ? line : `${line} · truth ${mark(v.oracle)}, gold ${printable(gold, { oneLine: true })}`;
}

/**
 * The item view as lines within `width` × `rows`: the item, the question, turn 1, then the selected
 * chain turn by turn. Reflections get what rows are left, shared between the chain's turns.
 */
export function itemLines(d: ItemDetail, chainIndex: number, width: number, rows: number): ItemLine[] {
    const out: ItemLine[] = [];
    const chain: ChainView | undefined = d.chains[chainIndex];
    const t1 = d.turn1?.verdict;
    // The chain count first: item ids and task names can be long and are cut at the width.
    const head = `${d.chains.length ? `chain ${chainIndex + 1}/${d.chains.length}` : "no chains"}${t1 ? ` · t1 ${mark(t1.correct)}` : ""} · ${d.itemId} · ${d.task}`;
    out.push({ text: cut(head, width), bold: true });
    if (d.error) {
        out.push({ text: cut(`error: ${d.error}`, width), tone: "bad" });
        return out.slice(0, rows);
    }
    for (const l of wrapText(`Q: ${d.question}`, width, 2)) out.push({ text: l, tone: "muted" });
    if (d.turn1) {
        out.push({ text: wrapText(`turn 1: ${d.turn1.answer}`, width, 1)[0]! });
        out.push({ text: cut(`  ${verdictText(d.turn1.verdict, d.gold)}`, width), tone: d.turn1.verdict?.correct ? "ok" : "bad" });
    }
    if (!chain) {
        out.push({ text: d.turn1?.verdict?.correct ? "right at turn 1: no chains were sampled" : "no chains were sampled", tone: "muted" });
        return out.slice(0, rows);
    }
    out.push({ text: cut(`chain [${chain.instruction}] #${chain.sampleIndex} · by turn ${chain.correctByTurn.map(mark).join(" ")}`, width), tone: "accent", bold: true });
    // Each turn takes three lines (the reflection's first, the answer, the verdict); the reflections share the rest.
    const spare = Math.max(0, rows - out.length - chain.turns.length * 3);
    const per = 1 + (chain.turns.length ? Math.floor(spare / chain.turns.length) : 0);
    for (const t of chain.turns) {
        if (t.reflection !== null) {
            const [first, ...more] = wrapText(`reflection → t${t.turn}: ${t.reflection}`, width, per);
            out.push({ text: first!, tone: "warn" });
            for (const l of more) out.push({ text: l });
        } else out.push({ text: `retry → t${t.turn} (no reflection)`, tone: "muted" });
        out.push({ text: wrapText(`turn ${t.turn}: ${t.answer}`, width, 1)[0]! });
        out.push({ text: cut(`  ${verdictText(t.verdict, d.gold)}`, width), tone: t.verdict?.correct ? "ok" : "bad" });
    }
    if (!chain.turns.length) out.push({ text: "the chain stopped before a correction", tone: "muted" });
    // More turns than rows (maxTurns up to 20): say what is cut rather than cut silently.
    if (out.length > rows) return [...out.slice(0, Math.max(0, rows - 1)), { text: `… ${out.length - rows + 1} more lines: a taller terminal shows them`, tone: "muted" }];
    return out.slice(0, rows);
}
