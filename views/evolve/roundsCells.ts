// The per-round table as the screen shows it: the columns of formatRoundsTable fitted to 96 or 76 columns,
// the rows known so far (the table event comes after each eval; curated/trained figures earlier),
// and the honesty notes (is a round's gain over round 0 distinguishable from none?).
import { basename } from "node:path";
import type { RoundRow, RoundsTable } from "../../src/evolve/table.js";
import type { Tone } from "../theme.js";
import type { RoundLive } from "./evolveStore.js";

export interface Column {
    head: string;
    width: number;
}

/** Widths include a one-space gap; 95 columns in all, inside the screen's 96. */
export const ROUND_COLUMNS: Column[] = [
    { head: "round", width: 8 },
    { head: "D+", width: 6 },
    { head: "train rows", width: 11 },
    { head: "loss", width: 7 },
    { head: "N", width: 7 },
    { head: "Acc@t1", width: 7 },
    { head: "Acc@t2 [95%]", width: 20 },
    { head: "Δ", width: 7 },
    { head: "Acc@t2 − r0 [95%]", width: 22 }
];

/**
 * Below 95 columns (80: 76 inside the border) the same columns in 75: narrower counts, and Acc@t2
 * without its own interval (the gain over round 0 keeps its interval: that is the verdict).
 */
export const NARROW_COLUMNS: Column[] = [
    { head: "round", width: 8 },
    { head: "D+", width: 6 },
    { head: "rows", width: 6 },
    { head: "loss", width: 6 },
    { head: "N", width: 6 },
    { head: "Acc@t1", width: 7 },
    { head: "Acc@t2", width: 7 },
    { head: "Δ", width: 7 },
    { head: "Acc@t2 − r0 [95%]", width: 22 }
];

export const tableWidth = (cols: Column[]): number => cols.reduce((a, c) => a + c.width, 0);

/** The widest column set that fits `width`. */
export const roundColumns = (width: number): Column[] => (width >= tableWidth(ROUND_COLUMNS) ? ROUND_COLUMNS : NARROW_COLUMNS);

export interface Cell {
    text: string;
    tone?: Tone;
}

const pct = (x: number | null): string => (x === null ? "-" : (100 * x).toFixed(1));
const signed = (x: number): string => `${x >= 0 ? "+" : ""}${(100 * x).toFixed(1)}`;
const ci = (c: [number, number] | null): string => (c ? ` [${pct(c[0])}, ${pct(c[1])}]` : "");
const signTone = (x: number | null): Tone | undefined => (x === null || x === 0 ? undefined : x > 0 ? "ok" : "bad");

/** The short label of a row: round 0 has two (the base with prompt-based reflection, and retry w/o reflection). */
export function rowLabel(r: RoundRow): string {
    if (r.round > 0) return String(r.round);
    return r.dir && basename(r.dir) === "retry" ? "0 retry" : "0 base";
}

/** Whether a row's interval of the gain over round 0 excludes 0: ok/bad, muted when it includes 0. */
export function pairedTone(r: RoundRow): Tone | undefined {
    const c = r.paired?.acc2?.ci;
    if (!c) return undefined;
    return c[0] > 0 ? "ok" : c[1] < 0 ? "bad" : "muted";
}

/** A row's cells; `narrow` leaves Acc@t2's own interval out (NARROW_COLUMNS). */
export function rowCells(r: RoundRow, narrow = false): Cell[] {
    const partial = r.items > 0 && r.done < r.items;
    const p = r.paired?.acc2;
    return [
        { text: rowLabel(r) },
        { text: r.dplus === null ? "-" : String(r.dplus) },
        { text: r.trainRows === null ? "-" : String(r.trainRows), tone: r.trainRows === 0 ? "bad" : undefined },
        { text: r.loss === null ? "-" : r.loss.toFixed(3) },
        // A partial eval shows how far it got; an eval not run yet shows "-".
        { text: !r.items ? "-" : partial ? `${r.done}/${r.items}` : String(r.n), tone: partial ? "warn" : undefined },
        { text: pct(r.acc1) },
        { text: narrow ? pct(r.acc2) : `${pct(r.acc2)}${ci(r.ci2)}` },
        { text: r.delta === null ? "-" : signed(r.delta), tone: signTone(r.delta) },
        { text: p ? `${signed(p.mean)}${p.ci ? ` [${signed(p.ci[0])}, ${signed(p.ci[1])}]` : ""}` : "-", tone: pairedTone(r) }
    ];
}

const pendingRow = (round: number, label: string, dir: string, extra: Partial<RoundRow> = {}): RoundRow => ({
    round, label, dir, done: 0, items: 0, dplus: null, trainRows: null, loss: null, n: 0, acc1: null, acc2: null, delta: null, ci1: null, ci2: null, paired: null, ...extra
});

/**
 * The rows to show: the latest table's, then a row for each round that has curated or trained but
 * has no table row yet. Before round 0's table, its two rows stand empty so the table's shape is there.
 */
export function displayRows(table: RoundsTable | null, live: Record<number, RoundLive>): RoundRow[] {
    const rows: RoundRow[] = table ? table.rows.map((r) => ({ ...r })) : [pendingRow(0, "base", "eval"), pendingRow(0, "retry", "retry")];
    for (const [k, l] of Object.entries(live).sort((a, b) => Number(a[0]) - Number(b[0]))) {
        const round = Number(k);
        const row = rows.find((r) => r.round === round);
        if (row) {
            // The table is read from disk after the eval; what the loop reported since is newer only where the table has nothing.
            row.dplus ??= l.dplus;
            row.trainRows ??= l.trainRows;
            row.loss ??= l.loss;
        } else rows.push(pendingRow(round, `round ${round}`, "", { dplus: l.dplus, trainRows: l.trainRows, loss: l.loss }));
    }
    return rows;
}

export interface Note {
    text: string;
    tone: Tone;
}

/** formatRoundsTable's verdict per trained round, worded to fit one line of the screen. */
export function roundNotes(table: RoundsTable | null): Note[] {
    const notes: Note[] = [];
    for (const r of table?.rows.filter((x) => x.round > 0 && x.paired?.acc2) ?? []) {
        const p = r.paired!;
        const c = p.acc2!.ci;
        const n = p.sharedTurn1;
        if (!c) notes.push({ text: `round ${r.round}: too few paired questions for an interval (N ${n}).`, tone: "warn" });
        else if (c[0] <= 0 && c[1] >= 0) notes.push({ text: `round ${r.round}: the interval of the gain over round 0 includes 0: no evidence of a gain at N ${n}.`, tone: "warn" });
        else notes.push({ text: `round ${r.round}: the gain over round 0 is ${c[0] > 0 ? "positive" : "negative"} at 95% (N ${n}).`, tone: c[0] > 0 ? "ok" : "bad" });
        if (p.note) notes.push({ text: `  ${p.note}`, tone: "muted" });
    }
    return notes;
}

/** The method line under the table (formatRoundsTable's, shortened). */
export function methodLine(table: RoundsTable | null): string {
    const method = table?.rows.find((r) => r.paired)?.paired?.method;
    // The method's name without its parameters: the line must fit; `reflect-lab evolve` prints them in full.
    return `Acc %, Wilson 95%; evals share round 0's turn 1${method ? `; Acc@t2 − r0: ${method.replace(/ \(.*$/, "")}` : ""}`;
}
