import { Box, Text } from "ink";
import type { BatchRunInfo } from "../../src/batch/runs.js";
import { theme } from "../theme.js";

/** The batch runs to pick from: id, items done, tasks, mode and reflector; picked ones numbered in picking order. A window around the selection. */
export function RunList({ runs, sel, picked, labels, maxRows }: { runs: BatchRunInfo[]; sel: number; picked: string[]; labels: Map<string, string>; maxRows: number }) {
    const start = Math.max(0, Math.min(sel - Math.floor(maxRows / 2), runs.length - maxRows));
    const shown = runs.slice(start, start + maxRows);
    const idWidth = Math.max(4, ...shown.map((r) => r.id.length)) + 2;
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
                        <Text color={active ? theme.accent : undefined}>{active ? "› " : "  "}</Text>
                        <Text color={k1 ? theme.accent : theme.muted} bold={k1 > 0}>
                            {mark.padEnd(4)}{" "}
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
