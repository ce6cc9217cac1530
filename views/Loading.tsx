import { Box, Text } from "ink";
import { theme } from "./theme.js";

/** Shown while the model loads: the model name and the latest progress messages (each on one row). */
export function Loading({ model, lines, error }: { model: string; lines: string[]; error?: string }) {
    return (
        <Box flexDirection="column">
            <Text color={error ? theme.bad : theme.accent}>
                {error ? "✗ could not load" : "⠿ loading"} {model}
                {error ? "" : " …"}
            </Text>
            {lines.slice(-4).map((l, i) => (
                <Text key={i} color={theme.muted} wrap="truncate-end">
                    {l}
                </Text>
            ))}
            {error ? <Text color={theme.bad}>{error}</Text> : null}
        </Box>
    );
}
