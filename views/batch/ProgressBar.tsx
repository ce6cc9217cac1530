import { Box, Text } from "ink";
import { formatDuration } from "../../src/batch/progress.js";
import { roundEta } from "../../src/batch/rate.js";
import { theme } from "../theme.js";

export interface ProgressBarProps {
    done: number;
    total: number;
    errors: number;
    itemsPerSecond: number;
    /** null before the first generation has finished. */
    tokensPerSecond: number | null;
    eta: number | null;
    elapsed: number;
    width?: number;
}

/** Items done out of the run's total, with the rates and the time left (smoothed upstream, rounded here). */
export function ProgressBar({ done, total, errors, itemsPerSecond, tokensPerSecond, eta, elapsed, width = 30 }: ProgressBarProps) {
    const frac = total > 0 ? Math.min(1, (done + errors) / total) : 0;
    const fill = Math.round(frac * width);
    return (
        <Box flexDirection="column">
            <Text>
                <Text color={theme.ok}>{"█".repeat(fill)}</Text>
                <Text color={theme.muted}>{"░".repeat(width - fill)}</Text>
                <Text bold>
                    {" "}
                    {done}/{total}
                </Text>
                <Text color={theme.muted}> · {Math.round(frac * 100)}%</Text>
                {errors ? <Text color={theme.bad}> · {errors} errors</Text> : null}
            </Text>
            <Text color={theme.muted} wrap="truncate-end">
                {itemsPerSecond.toFixed(2)} items/s · {tokensPerSecond === null ? "–" : tokensPerSecond.toFixed(1)} tok/s · ETA {eta === null ? "?" : eta === 0 ? "0s" : `~${formatDuration(roundEta(eta))}`} · elapsed {formatDuration(elapsed)}
            </Text>
        </Box>
    );
}
