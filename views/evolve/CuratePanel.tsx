import { Box, Text } from "ink";
import { theme } from "../theme.js";
import type { CuratedView, StepState } from "./evolveStore.js";

/** A round's curation: the rows the next training run gets, and the sets and files behind them. */
export function CuratePanel({ curated, round, state, setting, rows }: { curated: CuratedView | null; round: number; state: StepState; setting: string; rows: number }) {
    if (!curated) return <Text color={theme.muted}>{state === "running" ? `… curating the batches of rounds 1..${round} (deduplicated)` : "not curated yet"}</Text>;
    const files = curated.files.slice(0, Math.max(0, rows - 3));
    return (
        <Box flexDirection="column">
            <Text wrap="truncate-end">
                <Text bold color={curated.rows ? theme.ok : theme.bad}>
                    {curated.rows} training rows
                </Text>
                <Text color={theme.muted}>
                    {" "}
                    for {setting}
                    {state === "skipped" ? " · curated before (curation.json is there)" : ""}
                </Text>
            </Text>
            <Text color={theme.muted} wrap="truncate-end">
                D+ {curated.dplus} · D± {curated.dpm} · D_pref {curated.dpref} · {curated.questions} questions · {curated.samples} samples read
            </Text>
            {files.map((f) => (
                <Text key={f.name} color={theme.muted} wrap="truncate-end">
                    {"  "}
                    {f.name}: {f.rows} rows
                </Text>
            ))}
            {curated.files.length > files.length ? <Text color={theme.muted}>  +{curated.files.length - files.length} more files</Text> : null}
        </Box>
    );
}
