import { Box, Text } from "ink";
import type { BatchRunInfo } from "../../src/batch/runs.js";
import { theme } from "../theme.js";

/** The batch runs to choose from: id, items done, tasks, reflector; A (and B) marked. A window around the selection. */
export function RunList({ runs, sel, a, b, maxRows }: { runs: BatchRunInfo[]; sel: number; a: string | null; b: string | null; maxRows: number }) {
    const start = Math.max(0, Math.min(sel - Math.floor(maxRows / 2), runs.length - maxRows));
    const shown = runs.slice(start, start + maxRows);
    const idWidth = Math.max(4, ...shown.map((r) => r.id.length)) + 2;
    return (
        <Box flexDirection="column">
            {start > 0 ? <Text color={theme.muted}>  ↑ {start} more</Text> : null}
            {shown.map((r, k) => {
                const i = start + k;
                const active = i === sel;
                const mark = r.dir === a ? "A" : r.dir === b ? "B" : " ";
                return (
                    <Box key={r.dir}>
                        <Text color={active ? theme.accent : undefined}>{active ? "› " : "  "}</Text>
                        <Text color={theme.accent} bold>
                            {mark}{" "}
                        </Text>
                        <Box width={idWidth} flexShrink={0}>
                            <Text bold={active} color={active ? theme.accent : undefined} wrap="truncate-end">
                                {r.id}
                            </Text>
                        </Box>
                        <Box width={12} flexShrink={0}>
                            <Text color={r.done < r.items ? theme.warn : undefined}>{`${r.done}/${r.items}`.padStart(10)}</Text>
                        </Box>
                        <Box width={14} flexShrink={0}>
                            <Text color={theme.muted} wrap="truncate-end">
                                {r.tasks}
                            </Text>
                        </Box>
                        <Text color={r.trained ? theme.ok : theme.muted} wrap="truncate-end">
                            {r.reflector}
                        </Text>
                    </Box>
                );
            })}
            {start + maxRows < runs.length ? <Text color={theme.muted}>  ↓ {runs.length - start - maxRows} more</Text> : null}
        </Box>
    );
}
