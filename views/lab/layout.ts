// The lab's frame, row by row: never taller than the rows it is given, never wider than the columns.
// A short terminal loses question rows, then instruction rows, then header rows, before the steps
// drop below a few rows; the status row and the key bar (drawn after it) are always there.
import { ellipsize, rule, truncate, type Line } from "../lines.js";
import type { QuestionBlock } from "./questionLines.js";
import { stepWindow, type StepArea, type StepWindow } from "./stepArea.js";

export interface LabBlocks {
    header: Line[];
    question: QuestionBlock;
    area: StepArea;
    action: Line;
    /** The instruction's title row, then its text rows; empty when there is none. */
    instruction: Line[];
    status: Line;
}

export interface LabFrame {
    lines: Line[];
    /** Rows the scrolling step area got. */
    bodyHeight: number;
    window: StepWindow;
}

/** Below this many rows for the steps, the blocks around them give up rows. */
export const MIN_BODY = 4;

interface Budget {
    header: number;
    question: number;
    pinned: number;
    instruction: number;
    rules: number;
}

const used = (b: Budget) => b.header + 1 + b.question + b.pinned + b.instruction + b.rules + 2; // + title, action, status

/** How many rows each block keeps in `height`. */
function budget(blocks: LabBlocks, height: number): Budget {
    const b: Budget = {
        header: Math.min(blocks.header.length, 4),
        question: Math.min(blocks.question.text.length, height < 30 ? 4 : height < 40 ? 6 : 8),
        pinned: blocks.area.pinned.length,
        instruction: Math.min(blocks.instruction.length, height < 30 ? 3 : 4),
        rules: 2
    };
    // Give up one row at a time, in this order, until the steps have MIN_BODY rows (or nothing is left to give).
    const order: [keyof Budget, number][] = [
        ["question", 2],
        ["instruction", 2],
        ["header", 2],
        ["question", 1],
        ["instruction", 1],
        ["pinned", 1],
        ["rules", 0],
        ["header", 1],
        ["question", 0],
        ["instruction", 0],
        ["pinned", 0]
    ];
    for (const [key, floor] of order) while (height - used(b) < MIN_BODY && b[key] > floor) b[key]--;
    return b;
}

export function labFrame(blocks: LabBlocks, width: number, height: number, view: { top: number; follow: boolean }): LabFrame {
    const b = budget(blocks, height);
    // One choice per row when they all fit, else side by side (the stem and every choice in fewer rows).
    const q = blocks.question.text.length <= b.question ? blocks.question.text : blocks.question.compact;
    const top: Line[] = [...blocks.header.slice(0, b.header), blocks.question.title, ...truncate(q, b.question, width), ...(b.pinned ? blocks.area.pinned.slice(-b.pinned) : [])];
    if (b.rules) top.push(rule(width));
    const bottom: Line[] = [...(b.rules > 1 ? [rule(width)] : []), blocks.action, ...truncate(blocks.instruction, b.instruction, width), blocks.status];
    const bodyHeight = Math.max(0, height - top.length - bottom.length);
    const window = stepWindow(blocks.area.rows, bodyHeight, view.top, view.follow);
    const body = [...window.lines, ...Array.from({ length: bodyHeight - window.lines.length }, (): Line => [])];
    // Only a terminal shorter than the fixed rows gets here with too many: the top goes first, the footer stays.
    const all = [...top, ...body, ...bottom];
    const lines = all.slice(Math.max(0, all.length - Math.max(0, height))).map((l) => ellipsize(l, width));
    return { lines, bodyHeight, window };
}
