import { Box, Text } from "ink";
import { theme } from "../theme.js";
import { ciText, pct } from "./format.js";

/**
 * A text bar per turn: how accuracy grows (or, with the self verifier, drops) from turn to turn.
 * With `ciByTurn`, each bar also marks its 95% interval (`╟`/`╢` over the bar) and prints it, so a
 * 6-turn run (the paper's Fig. 4) reads as one chart: one line per turn, ~50 columns wide.
 */
export function AccuracyChart({ accByTurn, ciByTurn, width = 24 }: { accByTurn: number[]; ciByTurn?: [number, number][]; width?: number }) {
    const cell = (x: number) => Math.round(Math.max(0, Math.min(1, x)) * width);
    return (
        <Box flexDirection="column">
            {accByTurn.map((a, i) => {
                const fill = cell(a);
                const ci = ciByTurn?.[i];
                // The bar as characters, then the interval's ends drawn over it (an end at the very right edge stays visible).
                const chars: string[] = Array.from({ length: width }, (_, j) => (j < fill ? "█" : "·"));
                if (ci) {
                    const lo = Math.min(width - 1, cell(ci[0]));
                    const hi = Math.max(0, Math.min(width - 1, cell(ci[1]) - 1));
                    chars[lo] = "╟";
                    chars[hi] = chars[hi] === "╟" ? "║" : "╢";
                }
                return (
                    <Text key={i}>
                        <Text color={theme.muted}>t{i + 1} </Text>
                        {runs(chars).map(([c, n], k) => (
                            <Text key={k} color={c === "█" ? theme.accent : c === "·" ? theme.muted : undefined}>
                                {c.repeat(n)}
                            </Text>
                        ))}
                        <Text> {pct(a).padStart(5)}%</Text>
                        {ci ? <Text color={theme.muted}> {ciText(ci)}</Text> : null}
                    </Text>
                );
            })}
        </Box>
    );
}

/** Consecutive equal characters as [char, count]: one coloured <Text> per run. */
function runs(chars: string[]): [string, number][] {
    const out: [string, number][] = [];
    for (const c of chars) {
        const last = out.at(-1);
        if (last && last[0] === c) last[1]++;
        else out.push([c, 1]);
    }
    return out;
}
