import { Box, Text } from "ink";
import type { RoundRow } from "../../src/evolve/table.js";
import { theme } from "../theme.js";
import { rowLabel } from "./roundsCells.js";

/**
 * Eval Acc@t2 per round as text bars (round 0 base, retry, round 1..R), each with its 95% interval
 * drawn over the bar (╟ ╢, as the batch dashboard's AccuracyChart): a trained round whose bar ends
 * inside the base's interval has not moved it.
 */
export function RoundsChart({ rows, width = 18 }: { rows: RoundRow[]; width?: number }) {
    const cell = (x: number) => Math.round(Math.max(0, Math.min(1, x)) * width);
    return (
        <Box flexDirection="column">
            <Text color={theme.muted}>Acc@t2 on the eval part</Text>
            {rows.map((r, i) => {
                const fill = r.acc2 === null ? 0 : cell(r.acc2);
                const chars: string[] = Array.from({ length: width }, (_, j) => (j < fill ? "█" : "·"));
                if (r.ci2) {
                    const lo = Math.min(width - 1, cell(r.ci2[0]));
                    const hi = Math.max(0, Math.min(width - 1, cell(r.ci2[1]) - 1));
                    chars[lo] = "╟";
                    chars[hi] = chars[hi] === "╟" ? "║" : "╢";
                }
                const label = r.round > 0 ? `round ${r.round}` : rowLabel(r).slice(2);
                return (
                    <Text key={i} wrap="truncate-end">
                        <Text color={theme.muted}>{label.padEnd(8)}</Text>
                        {chars.map((c, k) => (
                            <Text key={k} color={c === "█" ? (r.round > 0 ? theme.accent : theme.muted) : c === "·" ? theme.muted : undefined}>
                                {c}
                            </Text>
                        ))}
                        <Text>{(r.acc2 === null ? "-" : (100 * r.acc2).toFixed(1)).padStart(6)}</Text>
                    </Text>
                );
            })}
        </Box>
    );
}
