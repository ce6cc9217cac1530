import { Box, Text } from "ink";
import { formatDuration } from "../../src/batch/progress.js";
import { theme } from "../theme.js";

export interface ProgressBarProps {
    done: number;
    total: number;
    errors: number;
    itemsPerSecond: number;
    tokensPerSecond: number;
    eta: number | null;
    elapsed: number;
    width?: number;
}

/** Items done out of the run's total, with the rates and the time left. */
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
                {itemsPerSecond.toFixed(2)} items/s · {tokensPerSecond.toFixed(1)} tok/s · ETA {eta === null ? "?" : formatDuration(eta)} · elapsed {formatDuration(elapsed)}
            </Text>
        </Box>
    );
}
