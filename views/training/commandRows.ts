import { shellQuote } from "../../src/training/command.js";

/**
 * The trainer command as lines of at most `width` characters, broken between arguments with each flag
 * kept beside its value (so `--max-steps 6` is never split); an argument longer than a line is cut
 * across lines. More than `max` lines: the last ends in "…".
 */
export function commandRows(argv: string[], width: number, max = Infinity): string[] {
    const w = Math.max(8, width);
    const units: string[] = [];
    for (const a of argv.map(shellQuote)) {
        const prev = units[units.length - 1];
        if (prev !== undefined && /^--?[\w-]+$/.test(prev) && !a.startsWith("-")) units[units.length - 1] = `${prev} ${a}`;
        else units.push(a);
    }
    const lines: string[] = [];
    let line = "";
    for (let u of units) {
        if (line && line.length + 1 + u.length <= w) {
            line += ` ${u}`;
            continue;
        }
        if (line) lines.push(line);
        while (u.length > w) {
            lines.push(u.slice(0, w));
            u = u.slice(w);
        }
        line = u;
    }
    if (line) lines.push(line);
    if (lines.length <= max) return lines;
    const kept = lines.slice(0, Math.max(1, max));
    kept[kept.length - 1] = `${kept[kept.length - 1]!.slice(0, w - 1)}…`;
    return kept;
}
