import { Box, Text } from "ink";
import type { BatchRunInfo } from "../../src/curate/source.js";
import { theme } from "../theme.js";
import { windowStart } from "../windowStart.js";

/** The panel folded to one row (the options have the focus on a small screen). */
export function RunsSummary({ runs, selected }: { runs: BatchRunInfo[]; selected: string[] }) {
    const names = selected.map((d) => runs.find((r) => r.dir === d)?.id ?? d);
    return (
        <Text color={theme.muted} wrap="truncate-end">
            runs · {selected.length} of {runs.length} chosen{names.length ? `: ${names.join(", ")}` : ""} · tab shows them
        </Text>
    );
}

/** Batch runs found in the sessions folder, `size` at a time around the cursor; [x] marks the ones curated. */
export function RunsPanel({ runs, selected, cursor, focused, size }: { runs: BatchRunInfo[]; selected: string[]; cursor: number; focused: boolean; size: number }) {
    const start = windowStart(cursor, runs.length, size);
    const shown = runs.slice(start, start + size);
    return (
        <Box flexDirection="column">
            <Text color={focused ? theme.accent : theme.muted} bold={focused} wrap="truncate-end">
                runs <Text color={theme.muted}>({runs.length} in the sessions folder{runs.length > size ? `, ${start + 1}-${start + shown.length} shown` : ""})</Text>
            </Text>
            {runs.length === 0 ? (
                <Text color={theme.muted} wrap="truncate-end">
                    {" "}
                    no batch runs yet: make one with b in the lab or reflect-lab batch
                </Text>
            ) : null}
            {shown.map((r, j) => {
                const active = focused && start + j === cursor;
                const on = selected.includes(r.dir);
                return (
                    <Text key={r.dir} wrap="truncate-end" color={active ? theme.accent : undefined}>
                        {active ? "› " : "  "}
                        <Text color={on ? theme.ok : undefined}>{on ? "[x]" : "[ ]"}</Text> <Text bold={active}>{r.id}</Text>
                        <Text color={theme.muted}>
                            {" "}
                            · {r.tasks} · {r.done}/{r.items} items · {r.samples} samples · {r.model} · {r.mode}
                            {r.mode === "retry" ? " (no reflections)" : ""} · {r.verifier}
                        </Text>
                    </Text>
                );
            })}
        </Box>
    );
}
