// The rows under the step area besides the action row: the instruction in use and the status line.
import { clean, ellipsize, hang, lineWidth, type Line } from "../lines.js";
import { theme } from "../theme.js";

/** The instruction's key and what it applies to, then its text (the layout keeps as many rows as fit). */
export function instructionLines(key: string, text: string, scope: string, width: number): Line[] {
    if (!key) return [];
    const title: Line = [
        { text: `instruction [${key}]`, color: theme.warn, bold: true },
        { text: ` ${scope}`, color: theme.muted }
    ];
    // The key to change it only when it fits whole (the key bar names it too).
    const change = { text: " · [ ] change", dim: true };
    if (lineWidth([...title, change]) <= width) title.push(change);
    return [ellipsize(title, width), ...hang([{ text: "  " }], [{ text: clean(text).trim(), dim: true }], width)];
}

/** The last status message or error, on one row (an empty row when there is none, so the layout does not jump). */
export function statusLine(status: string | null, error: string | null, width: number): Line {
    if (error) return ellipsize([{ text: `error: ${clean(error).replace(/\n/g, " ")}`, color: theme.bad }], width);
    if (status) return ellipsize([{ text: clean(status).replace(/\n/g, " "), color: theme.warn }], width);
    return [];
}
