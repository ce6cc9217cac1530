import { Box, Text } from "ink";
import { theme } from "../theme.js";
import { FinishedLine } from "./FinishedLine.js";
import type { FinishedLine as Line } from "./store.js";

/**
 * The last finished items in the live region, at most `rows` of them, keeping the selected one in
 * view with a marker: ↑/↓ select, enter opens it.
 */
export function FinishedList({ lines, selected, rows, maxTurns }: { lines: readonly Line[]; selected: number | null; rows: number; maxTurns: number }) {
    if (rows <= 0 || !lines.length) return null;
    const at = selected === null ? -1 : lines.findIndex((l) => l.key === selected);
    // The window ends at the newest line, or starts at the selected one once that is further back.
    const end = at < 0 ? lines.length : Math.min(lines.length, at + rows);
    const shown = lines.slice(Math.max(0, end - rows), end);
    return (
        <Box flexDirection="column">
            {shown.map((l) => (
                <Box key={l.key}>
                    <Text color={theme.accent}>{l.key === selected ? "› " : "  "}</Text>
                    <FinishedLine line={l} maxTurns={maxTurns} />
                </Box>
            ))}
        </Box>
    );
}
