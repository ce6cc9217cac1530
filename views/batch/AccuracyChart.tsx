import { Box, Text } from "ink";
import { theme } from "../theme.js";
import { pct } from "./format.js";

/** A text bar per turn: how accuracy grows (or, with the self verifier, drops) from turn to turn. */
export function AccuracyChart({ accByTurn, width = 24 }: { accByTurn: number[]; width?: number }) {
    return (
        <Box flexDirection="column">
            {accByTurn.map((a, i) => {
                const fill = Math.round(Math.max(0, Math.min(1, a)) * width);
                return (
                    <Text key={i}>
                        <Text color={theme.muted}>t{i + 1} </Text>
                        <Text color={theme.accent}>{"█".repeat(fill)}</Text>
                        <Text color={theme.muted}>{"·".repeat(width - fill)}</Text>
                        <Text> {pct(a).padStart(5)}%</Text>
                    </Text>
                );
            })}
        </Box>
    );
}
