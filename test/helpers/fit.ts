// The fit assertion of the screen tests: no line wider than the terminal, no frame taller, measured
// in display cells (string-width) after strip-ansi, as a terminal shows it.
import stringWidth from "string-width";
import stripAnsi from "strip-ansi";
import { expect } from "vitest";
import { until, type Term } from "./ink.js";

/** A frame's rows, without colours (a trailing newline ends the last row, it is not one). */
export function frameLines(frame: string): string[] {
    return stripAnsi(frame).replace(/\n$/, "").split("\n");
}

function expectWithin(lines: readonly string[], columns: number, rows: number, what: string): void {
    expect(lines.length, `${what} is taller than ${rows} rows:\n${lines.join("\n")}`).toBeLessThanOrEqual(rows);
    for (const l of lines) expect(stringWidth(l), `${what} is wider than ${columns} columns: ${l}`).toBeLessThanOrEqual(columns);
}

/**
 * Asserts the frame (text, or its rows) fits `columns` x `rows` and shows something (a blank frame
 * would fit anything); returns its rows.
 */
export function expectFits(frame: string | readonly string[], columns = 80, rows = 24, what = "the frame"): string[] {
    const lines = typeof frame === "string" ? frameLines(frame) : frame.map(stripAnsi);
    expect(lines.join("").trim(), `${what} is blank`).not.toBe("");
    expectWithin(lines, columns, rows, what);
    return lines;
}

/** Asserts every frame drawn fits (the ones on the way too, not only the last), and the last shows something. */
export function expectEveryFrameFits(frames: readonly string[], columns = 80, rows = 24): void {
    expect(frames.length, "no frame was drawn").toBeGreaterThan(0);
    expectFits(frames.at(-1)!, columns, rows, "the last frame");
    frames.forEach((f, i) => expectWithin(frameLines(f), columns, rows, `frame ${i + 1} of ${frames.length}`));
}

const spans = (frame: string): number => stringWidth(frameLines(frame)[0] ?? "");
const within = (frame: string, columns: number, rows: number): boolean => {
    const lines = frameLines(frame);
    return lines.length <= rows && lines.every((l) => stringWidth(l) <= columns);
};

/**
 * Resizes the terminal and waits (2 s at most) for the screen to draw a frame that spans the new
 * width (a bordered screen's first row spans the terminal) and fits it; returns its rows. Ink first
 * redraws the old tree at the new width, so a frame or two on the way may not fit: the screen's own
 * redraw must follow. It first checks the screen spans the old width, so a screen that ignores the
 * resize fails rather than passing by luck.
 */
export async function expectRedrawOnResize(term: Term, columns: number, rows: number): Promise<string[]> {
    expect(spans(term.last), `the screen spans ${term.columns} columns before the resize:\n${term.last}`).toBe(term.columns);
    term.resize(columns, rows);
    const f = await until(() => term.last, (x) => spans(x) === columns && within(x, columns, rows), `a redraw that fits ${columns}x${rows}`, 2000);
    return expectFits(f, columns, rows, `the frame after the resize to ${columns}x${rows}`);
}
