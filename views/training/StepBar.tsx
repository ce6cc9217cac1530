import { Text } from "ink";
import { theme } from "../theme.js";

/** Steps of the current stage as a bar, with the share of the whole run (all stages) beside it. */
export function StepBar({ step, total, overall, width = 30 }: { step: number; total: number; overall: number; width?: number }) {
    const frac = total > 0 ? Math.min(1, step / total) : 0;
    const fill = Math.round(frac * width);
    return (
        <Text wrap="truncate-end">
            <Text color={theme.ok}>{"█".repeat(fill)}</Text>
            <Text color={theme.muted}>{"░".repeat(width - fill)}</Text>
            <Text bold>
                {" "}
                {step}/{total || "?"} steps
            </Text>
            <Text color={theme.muted}>
                {" "}
                · {Math.floor(frac * 100)}% · overall {Math.floor(overall * 100)}%
            </Text>
        </Text>
    );
}
