// Where the curate screen's export stands, as rows; after it, the folder and its files.
import { textWidth, truncate, wrap, type Line } from "../lines.js";
import { theme } from "../theme.js";
import type { ExportStatus } from "./curateState.js";

/** `text` cut at its start to `width` columns: the end of a path is the part that names it. */
function keepEnd(text: string, width: number): string {
    if (textWidth(text) <= width) return text;
    const chars = [...text];
    let out = "";
    for (let i = chars.length - 1; i >= 0 && textWidth(chars[i]! + out) <= width - 1; i--) out = chars[i]! + out;
    return `…${out}`;
}

export function exportLines(status: ExportStatus, width: number, maxRows: number): Line[] {
    switch (status.kind) {
        case "idle":
            return [[{ text: "e exports the sets to the out folder", color: theme.muted }]];
        case "exporting":
            return [[{ text: "… exporting", color: theme.accent }]];
        case "error":
            return truncate(wrap([{ text: `export failed: ${status.message}`, color: theme.bad }], width), maxRows, width);
        case "done": {
            const s = status.summary;
            const head = `● wrote ${s.files.length + 1} files to `;
            const files = wrap([{ text: `${s.files.map((f) => `${f.name} (${f.rows})`).join(" · ")} · curation.json`, color: theme.muted }], width);
            return truncate([[{ text: head + keepEnd(s.out, width - textWidth(head)), color: theme.ok }], ...files], maxRows, width);
        }
    }
}
