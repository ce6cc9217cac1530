// The Tab. 2 view as rows of a known width (the same cells as `reflect-lab compare`), so the screen can
// scroll it and every row fits: legend, pairing notes and warnings above, the table, the interval notes below.
import type { CompareManyResult } from "../../src/batch/compareMany.js";
import { describeRun, moreTurnsNote, padCells, pairingLine, tab2Table, tab2Widths, type Tab2Table } from "../../src/batch/compareTable.js";
import { ellipsize, wrap, type Line } from "../lines.js";
import { theme } from "../theme.js";

export interface FittedTable {
    table: Tab2Table;
    widths: number[];
    gap: number;
    /** Which columns lost their " [lo,hi]" interval to fit the width. */
    bare: number[];
}

const INTERVAL = / \[[^\]]*\]$/;
const lineWidth = (w: number[], gap: number) => 2 + w.reduce((a, x) => a + x, 0) + gap * (w.length - 1);

/**
 * The table at its widest that fits `width`: columns two spaces apart, else one; then without the
 * intervals of Acc@t2 and Δ(t1,t2), then of the vs-ref columns too (the CLI and --json keep them).
 */
export function fitTable(t: Tab2Table, width: number): FittedTable {
    const tries: number[][] = [[], [3, 4], [3, 4, 6, 7]];
    let last: FittedTable | null = null;
    for (const bare of tries) {
        const table = bare.length ? { ...t, blocks: t.blocks.map((b) => ({ ...b, lines: b.lines.map((l) => ({ ...l, cells: l.cells.map((c, i) => (bare.includes(i) ? c.replace(INTERVAL, "") : c)) })) })) } : t;
        const widths = tab2Widths(table);
        for (const gap of [2, 1]) {
            last = { table, widths, gap, bare };
            if (lineWidth(widths, gap) <= width) return last;
        }
    }
    return last!;
}

/** Sign colour of a "vs ref" cell: gains green, losses red, zero and "-" plain. */
const signColour = (c: string) => (/^\+(?!0\.0\b)/.test(c) ? theme.ok : c.startsWith("-") && c !== "-" ? theme.bad : undefined);

const note = (text: string | null, width: number, color: string = theme.muted): Line[] => (text ? wrap([{ text, color }], width) : []);

/** Every row of the Tab. 2 view at `width` columns. */
export function tableLines(r: CompareManyResult, width: number): Line[] {
    const fit = fitTable(tab2Table(r), width);
    const { table: t, widths: w, gap } = fit;
    const diff = new Set(t.diffCols);
    const lw = Math.max(...r.runs.map((c) => c.label.length));
    const legend: Line[] = r.runs.map((c, i) =>
        ellipsize(
            [{ text: c.label.padEnd(lw), bold: true, color: i === r.reference ? theme.accent : undefined }, i === r.reference ? { text: " ref", color: theme.accent } : { text: "    " }, { text: ` ${describeRun(c)}` }],
            width
        )
    );
    const rows: Line[] = t.blocks.flatMap((b) => [
        [{ text: b.task, color: theme.accent, bold: b.task === "overall" }],
        ...b.lines.map((l): Line => [
            { text: "  " },
            ...l.cells.map((c, i) => ({
                text: (i ? " ".repeat(gap) : "") + (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!)),
                bold: b.task === "overall" && i > 0,
                color: diff.has(i) ? signColour(c) : i === 5 && l.run !== r.reference && !/^(\d+)\/\1$/.test(c) ? theme.warn : undefined
            }))
        ])
    ]);
    return [
        ...legend,
        ...note(`compared on the ${r.aligned} items done in every run`, width),
        // The pairing counts and warnings are the point of the screen: wrapped, never cut.
        ...note(pairingLine(r), width),
        ...r.warnings.flatMap((x) => note(`⚠ ${x}`, width, theme.warn)),
        [],
        ellipsize([{ text: padCells(t.head, w, gap), color: theme.muted }], width),
        ...rows.map((l) => ellipsize(l, width)),
        ...note(moreTurnsNote(r), width),
        ...note(fit.bare.length ? "some intervals are left out at this width: a wider terminal or `reflect-lab compare` shows them" : null, width, theme.warn),
        ...note(r.intervals, width),
        ...note(r.paired, width),
        ...note(`vs ref interval: ${r.method}`, width)
    ];
}
