/**
 * How many rows each part of the batch dashboard gets on a terminal of `rows` rows, so the live region
 * never grows taller than the terminal (80x24 included). Parts get rows in priority order and are left
 * out when none are left: the slots, the finished items while one is selected, the error types, the
 * chart (the table holds the same numbers), the finished items; the progress, the summary, the flips
 * and one task row always show.
 */
export interface DashboardLayoutInput {
    rows: number;
    maxTurns: number;
    /** Slots to show (0 once the run has ended). */
    slots: number;
    tasks: number;
    /** Tasks of the error-type panel; null = no panel. */
    tagTasks: number | null;
    /** Finished lines wanted in the live region. */
    recent: number;
    /** An item is selected: the finished lines come before the chart. */
    selecting: boolean;
    contention: boolean;
    /** Lines of the state line (the state and the last error). */
    stateLines: number;
}

export interface DashboardLayout {
    /** 0 = no slot panel. */
    slotRows: number;
    taskRows: number;
    chart: boolean;
    recentRows: number;
    /** 0 = no error-type panel. */
    tagRows: number;
}

/** Lines a list of `n` takes with `maxRows`: more than fit show maxRows - 1 and a "+N more" line, so never fewer than 2. */
const listLines = (n: number, maxRows: number) => (n <= maxRows ? n : Math.max(2, maxRows));

/** Border 2, title, status, progress 2, metrics summary 2 (it may split) with its margin, table margin and head, flips, help bar. */
const BASE = 2 + 1 + 1 + 2 + 3 + 2 + 1 + 1;

export function dashboardLayout(x: DashboardLayoutInput): DashboardLayout {
    const taskMin = listLines(x.tasks, 1);
    let left = x.rows - BASE - (x.contention ? 1 : 0) - x.stateLines - taskMin;
    const out: DashboardLayout = { slotRows: 0, taskRows: taskMin, chart: false, recentRows: 0, tagRows: 0 };
    const take = (n: number) => {
        if (n > left) return false;
        left -= n;
        return true;
    };
    if (x.slots > 0 && take(2 + listLines(x.slots, 1))) out.slotRows = listLines(x.slots, 1);
    const chart = () => (out.chart = take(1 + x.maxTurns));
    const recent = () => {
        const n = Math.min(x.recent, left - 1);
        if (x.recent > 0 && n > 0 && take(1 + n)) out.recentRows = n;
    };
    const tags = () => {
        if (x.tagTasks === null) return;
        const overall = x.tagTasks > 1 ? 1 : 0;
        const n = Math.min(x.tagTasks, left - 3 - overall);
        if (n > 0 && take(3 + overall + listLines(x.tagTasks, n))) out.tagRows = n;
    };
    // Browsing finished items comes first; then the error types (an ended run's result), the chart, the recent items.
    if (x.selecting) recent();
    tags();
    chart();
    if (!x.selecting) recent();
    // What is left widens the task table, then the slot list (a list of maxRows >= 2 takes maxRows lines).
    const tasks = Math.min(x.tasks, out.taskRows + left);
    left -= tasks - out.taskRows;
    out.taskRows = tasks;
    if (out.slotRows > 0) out.slotRows = Math.min(x.slots, out.slotRows + left);
    return out;
}
