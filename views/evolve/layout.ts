// How the evolve screen shares the terminal's rows. Pure: section heights in, rows per section out.

/** Border 2, header, step list, the table's head and method line, the help line under the box. */
export const FIXED_ROWS = 7;
/** From this height on, a blank row above the step panel and above the table. */
const ROOMY_ROWS = 30;
/** The chart's column beside the step panel: label 8, bar 18, value 6, and a gap. */
export const CHART_WIDTH = 34;

export interface EvolveLayoutInput {
    rows: number;
    columns: number;
    /** Rows of the per-round table, its verdict notes, the end box (0 while it runs), and whether a step note shows. */
    tableRows: number;
    notes: number;
    endBox: number;
    lastNote: boolean;
    running: boolean;
}

export interface EvolveLayout {
    roomy: boolean;
    /** Inside the border and padding. */
    inner: number;
    panel: number;
    panelWidth: number;
    chart: boolean;
    tableRows: number;
    notes: number;
    endBox: number;
}

/**
 * While the loop runs the step panel keeps at least 6 rows (its progress is what is watched); once it
 * has ended, the end box (why, and how to go on) comes first. Then the table: round 0's base and
 * the latest rounds at least; then the verdict notes; the step panel takes the rest.
 */
export function evolveLayout(i: EvolveLayoutInput): EvolveLayout {
    const roomy = i.rows >= ROOMY_ROWS;
    const inner = Math.max(40, i.columns - 4);
    const base = i.rows - FIXED_ROWS - (roomy ? 2 : 0) - (i.lastNote ? 1 : 0);
    const panelMin = i.running ? 6 : 2;
    const tableMin = Math.min(i.tableRows, 3);
    const endBox = Math.min(i.endBox, Math.max(3, base - tableMin - panelMin));
    const avail = base - endBox;
    const tableRows = Math.min(i.tableRows, Math.max(tableMin, avail - panelMin - Math.min(i.notes, 1)));
    const notes = Math.min(i.notes, Math.max(0, avail - panelMin - tableRows));
    const panel = Math.max(1, avail - tableRows - notes);
    // The chart goes beside the panel when both fit; the table has the same numbers otherwise.
    const chart = inner >= 90 && panel >= tableRows + 1;
    return { roomy, inner, panel, panelWidth: chart ? inner - CHART_WIDTH : inner, chart, tableRows, notes, endBox };
}
