import { Box, Text } from "ink";
import type { RoundsTable } from "../../src/evolve/table.js";
import { theme } from "../theme.js";
import type { RoundLive } from "./evolveStore.js";
import { displayRows, methodLine, ROUND_COLUMNS, roundNotes, rowCells, type Cell } from "./roundsCells.js";

/** One table line: the first column left-aligned, the rest right-aligned, each within its width. */
function Line({ cells, muted = false }: { cells: Cell[]; muted?: boolean }) {
    return (
        <Box>
            {cells.map((c, i) => {
                const w = ROUND_COLUMNS[i]!.width;
                const text = c.text.length > w - 1 ? c.text.slice(0, w - 2) + "…" : c.text;
                return (
                    <Box key={i} width={w} flexShrink={0}>
                        <Text color={muted ? theme.muted : c.tone ? theme[c.tone] : undefined}>{i === 0 ? text : text.padStart(w - 1)}</Text>
                    </Box>
                );
            })}
        </Box>
    );
}

/**
 * The per-round table (formatRoundsTable's columns), always shown: the latest table's rows, rows of
 * rounds still under way, the method line and one verdict per trained round (does its interval include 0?).
 */
export function RoundsTableView({ table, live, maxNotes = 8 }: { table: RoundsTable | null; live: Record<number, RoundLive>; maxNotes?: number }) {
    const rows = displayRows(table, live);
    const notes = roundNotes(table);
    const shown = notes.length > maxNotes ? notes.slice(-maxNotes) : notes;
    return (
        <Box flexDirection="column">
            <Line cells={ROUND_COLUMNS.map((c) => ({ text: c.head }))} muted />
            {rows.map((r, i) => (
                <Line key={`${r.round}-${i}`} cells={rowCells(r)} />
            ))}
            <Text color={theme.muted} wrap="truncate-end">
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
