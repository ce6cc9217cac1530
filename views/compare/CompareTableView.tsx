import { Box, Text } from "ink";
import { Lines, type Line } from "../lines.js";
import { theme } from "../theme.js";

/** Rows the table view shows at `offset` in `height` rows: when it scrolls, the last row says where it is. */
export function tableWindow(total: number, height: number, offset: number): { start: number; size: number; scrolls: boolean; maxOffset: number } {
    const h = Math.max(1, height);
    if (total <= h) return { start: 0, size: total, scrolls: false, maxOffset: 0 };
    const size = Math.max(1, h - 1);
    const maxOffset = total - size;
    return { start: Math.max(0, Math.min(offset, maxOffset)), size, scrolls: true, maxOffset };
}

/** The Tab. 2 rows (views/compare/tableLines.ts) in a window of `height` rows, scrolled by ↑↓. */
export function CompareTableView({ lines, width, height, offset }: { lines: Line[]; width: number; height: number; offset: number }) {
    const w = tableWindow(lines.length, height, offset);
    return (
        <Box flexDirection="column">
            <Lines lines={lines.slice(w.start, w.start + w.size)} width={width} />
            {w.scrolls ? (
                <Text color={theme.muted} wrap="truncate-end">
                    rows {w.start + 1}–{w.start + w.size} of {lines.length} · ↑↓ scroll
                </Text>
            ) : null}
        </Box>
    );
}
