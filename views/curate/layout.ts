// How the curate screen shares the terminal's rows. Pure: the sections' heights in, rows per section out.

/** Border 2, title 1 and the help bar under the box. */
export const FRAME_ROWS = 4;
/** Blank rows between the sections in the roomy layout (before runs, options, counts, example, export). */
const GAPS = 5;
/** Runs shown at once: a window around the cursor. */
export const RUN_WINDOW = 6;
/** What the counts and the example should have at least before the roomy layout is worth it. */
const ROOMY_REST = 12;

export interface SectionRows {
    /** Rows it would take with no limit. */
    natural: number;
    /** Rows it keeps on a small screen. */
    min: number;
}

export interface CurateLayoutInput {
    rows: number;
    runs: number;
    panel: "runs" | "options";
    /** Rows of the options panel (title and one per option). */
    options: number;
    counts: SectionRows;
    example: SectionRows;
    export: SectionRows;
}

export interface CurateLayout {
    /** Blank rows between sections, and both panels open; else the unfocused panel is one row. */
    roomy: boolean;
    runWindow: number;
    countRows: number;
    exampleRows: number;
    exportRows: number;
}

const rowsOfRuns = (runs: number, window: number) => 1 + Math.max(1, Math.min(runs, window));

/**
 * Roomy when both panels, the gaps and a fair share for counts and example fit; otherwise compact:
 * no gaps, the focused panel open and the other folded to one row. What is left goes to the counts
 * first (up to what they need, keeping the example's minimum), then to the example.
 */
export function curateLayout(i: CurateLayoutInput): CurateLayout {
    const roomyExport = Math.min(i.export.natural, Math.max(i.export.min, 3));
    const roomyRest = i.rows - FRAME_ROWS - GAPS - rowsOfRuns(i.runs, RUN_WINDOW) - i.options - roomyExport;
    if (roomyRest >= ROOMY_REST) return share(roomyRest, i, { roomy: true, runWindow: RUN_WINDOW, exportRows: roomyExport });
    const exportRows = Math.min(i.export.natural, i.export.min + 1);
    // All but the counts and the example: the frame, the export line(s) and the folded panel's row.
    const base = i.rows - FRAME_ROWS - exportRows - 1;
    // The focused runs list gives up rows before the counts lose their totals.
    const runWindow = i.panel === "runs" ? Math.max(2, Math.min(RUN_WINDOW, base - 1 - i.counts.min - i.example.min)) : RUN_WINDOW;
    const open = i.panel === "runs" ? rowsOfRuns(i.runs, runWindow) : i.options;
    return share(base - open, i, { roomy: false, runWindow, exportRows });
}

function share(rest: number, i: CurateLayoutInput, l: Omit<CurateLayout, "countRows" | "exampleRows">): CurateLayout {
    const countRows = Math.max(0, Math.min(i.counts.natural, Math.max(i.counts.min, rest - i.example.min), rest));
    const exampleRows = Math.max(0, Math.min(i.example.natural, rest - countRows));
    return { ...l, countRows, exampleRows };
}
