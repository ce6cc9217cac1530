import { Text } from "ink";
import { theme } from "../theme.js";
import { fmtTotal, type StepTotal } from "./monitorModel.js";

/** Steps of the current stage as a bar (total "~n" while estimated from epochs × rows), with the share of the whole run beside it. */
export function StepBar({ step, total, overall, width = 30 }: { step: number; total: StepTotal | null; overall: number; width?: number }) {
    const frac = total && total.total > 0 ? Math.min(1, step / total.total) : 0;
    const fill = Math.round(frac * width);
    return (
        <Text wrap="truncate-end">
            <Text color={theme.ok}>{"█".repeat(fill)}</Text>
            <Text color={theme.muted}>{"░".repeat(width - fill)}</Text>
            <Text bold>
                {" "}
                {step}/{fmtTotal(total)} steps
            </Text>
            <Text color={theme.muted}>
                {" "}
                · {Math.floor(frac * 100)}% · overall {Math.floor(overall * 100)}%
            </Text>
        </Text>
    );
}
