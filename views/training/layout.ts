// How the training screen shares its rows: a frame of fixed lines, then the form, the monitor or the
// past runs in what is left, so every state fits the terminal (80x24 included).

/** Border (2), title (1) and help bar (1). */
export const FRAME_ROWS = 4;
/** The screen's border and padding take 4 columns from the body. */
export const FRAME_COLS = 4;

const clamp = (x: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, x));

/** The form: how many fields and command lines show, given the lines the rest needs (start row, data, problem, error). */
export function formRows(body: number, fields: number, commandNeed: number, fixed: number): { fields: number; command: number } {
    if (fixed + fields + commandNeed <= body) return { fields, command: commandNeed };
    const command = Math.min(commandNeed, 3);
    const shown = clamp(body - fixed - command, 3, fields);
    return { fields: shown, command: clamp(body - fixed - shown, 1, commandNeed) };
}

/**
 * The monitor: the loss chart's height and the lines below it (trainer output, artifacts). `rest` is
 * what the chart and the block below share; `below` the block's fixed lines; `want` the lines it has.
 */
export function monitorRows(rest: number, below: number, want: number): { chart: number; lines: number } {
    const chart = clamp(rest - below - Math.min(want, 4), 3, 6);
    return { chart, lines: clamp(rest - chart - below, 0, want) };
}

/** The past runs: list rows and the selected run's chart height. */
export function runsRows(body: number, runs: number): { list: number; chart: number } {
    const list = clamp(body - 11, 3, 10);
    const shown = Math.min(list, Math.max(1, runs));
    return { list, chart: clamp(body - 1 - shown - 6, 3, 5) };
}

