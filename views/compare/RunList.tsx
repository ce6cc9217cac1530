import { Box, Text } from "ink";
import type { BatchRunInfo } from "../../src/batch/runs.js";
import { theme } from "../theme.js";
import { windowStart } from "../windowStart.js";

/** Columns of a row besides the id and the reflector: marker, pick mark, items, tasks, method. */
const FIXED_COLS = 2 + 5 + 10 + 12 + 12;
/** What the reflector keeps at least when the id is long. */
const REFLECTOR_MIN = 10;

/**
 * The batch runs to pick from: id, items done, tasks, mode and reflector; picked ones numbered in
 * picking order. A window of `maxRows` around the selection (plus a line above and below saying what is hidden).
 */
export function RunList({ runs, sel, picked, labels, maxRows, width = 96 }: { runs: BatchRunInfo[]; sel: number; picked: string[]; labels: Map<string, string>; maxRows: number; width?: number }) {
    const start = windowStart(sel, runs.length, maxRows);
    const shown = runs.slice(start, start + maxRows);
    // A long id is cut rather than pushing the row past the width; the reflector takes what is left.
    const idWidth = Math.min(Math.max(4, ...shown.map((r) => r.id.length)) + 2, Math.max(8, width - FIXED_COLS - REFLECTOR_MIN));
    return (
        <Box flexDirection="column">
            {start > 0 ? <Text color={theme.muted}>  ↑ {start} more</Text> : null}
            {shown.map((r, k) => {
                const i = start + k;
                const active = i === sel;
                const k1 = picked.indexOf(r.dir) + 1;
                const mark = k1 ? `[${k1}]` : "[ ]";
                return (
                    <Box key={r.dir}>
                        <Box width={7} flexShrink={0}>
                            <Text color={active ? theme.accent : undefined}>{active ? "› " : "  "}</Text>
                            <Text color={k1 ? theme.accent : theme.muted} bold={k1 > 0}>
                                {mark}
                            </Text>
                        </Box>
                        <Box width={idWidth} flexShrink={0}>
                            <Text bold={active} color={active ? theme.accent : undefined} wrap="truncate-end">
                                {r.id}
                            </Text>
                        </Box>
                        <Box width={10} flexShrink={0}>
                            <Text color={r.done < r.items ? theme.warn : undefined}>{`${r.done}/${r.items}`.padStart(8)}</Text>
                        </Box>
                        <Box width={12} flexShrink={0}>
                            <Text color={theme.muted} wrap="truncate-end">
                                {r.tasks}
                            </Text>
                        </Box>
                        <Box width={12} flexShrink={0}>
                            <Text color={r.trained ? theme.ok : undefined} wrap="truncate-end">
                                {labels.get(r.dir) ?? r.mode}
                            </Text>
                        </Box>
                        <Text color={theme.muted} wrap="truncate-end">
                            {r.reflector}
                        </Text>
                    </Box>
                );
            })}
            {start + maxRows < runs.length ? <Text color={theme.muted}>  ↓ {runs.length - start - maxRows} more</Text> : null}
        </Box>
    );
}
