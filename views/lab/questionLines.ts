// The question block pinned on top of the lab: where it is in the set, then the question as the model sees it.
import type { TaskItem } from "../../src/tasks/types.js";
import { clean, ellipsize, lineWidth, wrap, type Line, type Seg } from "../lines.js";
import { theme } from "../theme.js";

export interface QuestionBlock {
    title: Line;
    /** The stem, then one row per lettered choice (wrapped). */
    text: Line[];
    /** The same with the choices packed side by side: what the layout takes when `text` has more rows than it can give. */
    compact: Line[];
}

const GAP = "   ";

/** Choices side by side, each whole on its row when it fits (a longer one wraps on rows of its own). */
function packChoices(choices: Seg[][], width: number): Line[] {
    const rows: Line[] = [];
    let row: Line = [];
    for (const c of choices) {
        const w = lineWidth(c);
        if (row.length && lineWidth(row) + GAP.length + w <= width) row.push({ text: GAP }, ...c);
        else {
            if (row.length) rows.push(row);
            row = [];
            if (w <= width) row = [...c];
            else rows.push(...wrap(c, width));
        }
    }
    if (row.length) rows.push(row);
    return rows;
}

export function questionBlock(item: TaskItem, index: number, total: number, recorded: boolean, width: number): QuestionBlock {
    const title = ellipsize(
        [
            { text: `question ${index + 1}/${total}`, bold: true, color: theme.accent },
            { text: ` · ${item.task} · ${item.id}`, dim: true },
            ...(recorded ? [{ text: " · recorded attempt", color: theme.warn, bold: true }] : [])
        ],
        width
    );
    const stem = wrap([{ text: clean(item.question).trim() }], width);
    const choices = (item.choices ?? []).map((c, i): Seg[] => [{ text: `${String.fromCharCode(65 + i)}. `, bold: true, color: theme.accent }, { text: clean(c).replace(/\s+/g, " ").trim() }]);
    const own = choices.flatMap((c) => wrap([{ text: "  " }, ...c], width));
    return { title, text: [...stem, ...own], compact: [...stem, ...packChoices(choices, width)] };
}
