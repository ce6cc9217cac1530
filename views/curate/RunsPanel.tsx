import { Box, Text } from "ink";
import type { BatchRunInfo } from "../../src/curate/source.js";
import { theme } from "../theme.js";

const WINDOW = 6;

/** Batch runs found in the sessions folder; [x] marks the ones curated. */
export function RunsPanel({ runs, selected, cursor, focused }: { runs: BatchRunInfo[]; selected: string[]; cursor: number; focused: boolean }) {
    // A window around the cursor keeps a long list within the screen.
    const start = Math.max(0, Math.min(cursor - Math.floor(WINDOW / 2), runs.length - WINDOW));
    const shown = runs.slice(start, start + WINDOW);
    return (
        <Box flexDirection="column">
            <Text color={focused ? theme.accent : theme.muted} bold={focused}>
                runs <Text color={theme.muted}>({runs.length} in the sessions folder{runs.length > WINDOW ? `, ${start + 1}-${start + shown.length} shown` : ""})</Text>
            </Text>
            {runs.length === 0 ? <Text color={theme.muted}> no batch runs yet: make one with b in the lab or reflect-lab batch</Text> : null}
            {shown.map((r, j) => {
                const i = start + j;
                const active = focused && i === cursor;
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
