import { Box, Text } from "ink";
import type { RoundRow, RoundsTable } from "../../src/evolve/table.js";
import { theme } from "../theme.js";
import type { RoundLive } from "./evolveStore.js";
import { displayRows, methodLine, NARROW_COLUMNS, roundColumns, roundNotes, rowCells, type Cell, type Column, type Note } from "./roundsCells.js";

/** One table line: the first column left-aligned, the rest right-aligned, each within its width; cut at the screen's edge. */
function Line({ cells, cols, muted = false }: { cells: Cell[]; cols: Column[]; muted?: boolean }) {
    return (
        <Text wrap="truncate-end">
            {cells.map((c, i) => {
                const w = cols[i]!.width;
                const text = c.text.length > w - 1 ? c.text.slice(0, w - 2) + "…" : c.text;
                return (
                    <Text key={i} color={muted ? theme.muted : c.tone ? theme[c.tone] : undefined}>
                        {(i === 0 ? text.padEnd(w) : text.padStart(w - 1) + " ").slice(0, w)}
                    </Text>
                );
            })}
        </Text>
    );
}

/**
 * At most `max` rows: round 0's rows (the reference: base, then retry, while they fit beside the
 * latest round), then the latest rounds; the rounds left out, named ("rounds 1–3").
 */
export function tableWindow(rows: RoundRow[], max: number): { shown: RoundRow[]; hidden: string | null } {
    if (rows.length <= max) return { shown: rows, hidden: null };
    const keep = Math.max(1, max);
    const zero = rows.filter((r) => r.round === 0).slice(0, Math.max(0, keep - 1));
    const shown = [...zero, ...rows.filter((r) => r.round > 0).slice(-(keep - zero.length))];
    const gone = rows.filter((r) => !shown.includes(r));
    const rounds = [...new Set(gone.map((r) => r.round))];
    const name = rounds.length === 1 ? `round ${rounds[0]}` : `rounds ${rounds[0]}–${rounds.at(-1)}`;
    return { shown, hidden: gone.some((r) => r.round === 0) ? `${gone.length} rows` : name };
}

/** The latest verdicts in `max` rows, each with its indented note; a note is never shown without its verdict. */
export function latestNotes(notes: Note[], max: number): Note[] {
    const groups: Note[][] = [];
    for (const n of notes) n.text.startsWith("  ") && groups.length ? groups.at(-1)!.push(n) : groups.push([n]);
    const out: Note[][] = [];
    let left = max;
    for (const g of groups.reverse()) {
        if (left <= 0) break;
        out.unshift(g.slice(0, left));
        left -= g.length;
        if (left < 0) break;
    }
    return out.flat();
}

/**
 * The per-round table (formatRoundsTable's columns, narrower below 95 columns), always shown: the
 * latest table's rows (at most `maxRows`), rows of rounds still under way, the method line and one
 * verdict per trained round (does its interval include 0?), the latest `maxNotes` of them.
 */
export function RoundsTableView({ table, live, maxNotes = 8, maxRows = Infinity, width = 96 }: { table: RoundsTable | null; live: Record<number, RoundLive>; maxNotes?: number; maxRows?: number; width?: number }) {
    const cols = roundColumns(width);
    const { shown: rows, hidden } = tableWindow(displayRows(table, live), maxRows);
    const shown = latestNotes(roundNotes(table), maxNotes);
    return (
        <Box flexDirection="column">
            <Line cells={cols.map((c) => ({ text: c.head }))} cols={cols} muted />
            {rows.map((r, i) => (
                <Line key={`${r.round}-${i}`} cells={rowCells(r, cols === NARROW_COLUMNS)} cols={cols} />
            ))}
            <Text color={theme.muted} wrap="truncate-end">
                {hidden ? `${hidden} not shown · ` : ""}
                {methodLine(table)}
            </Text>
            {shown.map((n, i) => (
                <Text key={i} color={theme[n.tone]} wrap="truncate-end">
                    {n.text}
                </Text>
            ))}
        </Box>
    );
}
