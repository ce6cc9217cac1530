import { Box, Text } from "ink";
import { ERROR_TYPES, type ErrorType } from "../../src/teacher/errorTypes.js";
import type { ErrorTypeBreakdown, ErrorTypeCounts } from "../../src/teacher/breakdown.js";
import { theme } from "../theme.js";
import { useTerminalSize, WIDE_TERMINAL_SIZE } from "../useTerminalSize.js";
import { pct } from "./format.js";

/** Column heads of 7 characters at most (columns of 8); the CLI table spells them out. */
const SHORT: Record<ErrorType, string> = {
    calculation: "calc",
    algorithm: "algo",
    logic: "logic",
    inconsistency: "incons",
    context: "context",
    incomplete: "incompl",
    format: "format",
    factual: "fact"
};
/** Heads of 6 characters at most, for columns of 7 where 8 do not fit (an 80-column terminal). */
const NARROW: Record<ErrorType, string> = { ...SHORT, context: "contxt", incomplete: "incomp" };
/** The shortest task column before the share columns narrow. */
const TASK_MIN = 10;

/**
 * The share of tagged reflections naming each error type, per task and overall (the paper's Fig. 2b),
 * shown once a teacher has tagged the run (`reflect-lab tag-errors`). The largest share of a row is bold.
 */
export function ErrorTypesPanel({ breakdown, maxRows, width }: { breakdown: ErrorTypeBreakdown; maxRows: number; width?: number }) {
    // The dashboard's round border and padding take 4 columns (the dashboard's 100 where the stream reports no size).
    const { columns } = useTerminalSize({ fallback: WIDE_TERMINAL_SIZE });
    const inner = width ?? Math.max(40, columns - 4);
    const narrow = TASK_MIN + 7 + 8 * ERROR_TYPES.length > inner;
    const COL = narrow ? 7 : 8;
    const NCOL = narrow ? 6 : 7;
    const heads = narrow ? NARROW : SHORT;
    const tasks = Object.entries(breakdown.perTask);
    const shown = tasks.length > maxRows ? tasks.slice(0, Math.max(1, maxRows - 1)) : tasks;
    const taskWidth = Math.max(8, Math.min(Math.max(8, ...shown.map(([t]) => t.length)) + 2, inner - NCOL - COL * ERROR_TYPES.length));
    const o = breakdown.overall;
    const row = (name: string, c: ErrorTypeCounts, bold = false) => {
        const top = Math.max(...ERROR_TYPES.map((t) => c.shares[t]));
        return (
            <Box key={name}>
                <Box width={taskWidth} flexShrink={0}>
                    <Text bold={bold} wrap="truncate-end">
                        {name}
                    </Text>
                </Box>
                <Box width={NCOL} flexShrink={0}>
                    <Text>{String(c.reflections).padStart(5)}</Text>
                </Box>
                {ERROR_TYPES.map((t) => (
                    <Box key={t} width={COL} flexShrink={0}>
                        <Text bold={c.shares[t] > 0 && c.shares[t] === top} color={c.shares[t] === 0 ? theme.muted : undefined}>
                            {pct(c.shares[t]).padStart(COL - 1)}
                        </Text>
                    </Box>
                ))}
            </Box>
        );
    };
    return (
        <Box flexDirection="column">
            <Text wrap="truncate-end">
                <Text bold>error types</Text>
                <Text color={theme.muted}>
                    {" "}
                    · % of {o.reflections} tagged reflections · teacher {breakdown.teachers.join(", ")}
                    {o.unparsed ? ` · ${o.unparsed} unreadable` : ""}
                </Text>
            </Text>
            <Box>
                <Box width={taskWidth} flexShrink={0}>
                    <Text color={theme.muted}>task</Text>
                </Box>
                <Box width={NCOL} flexShrink={0}>
                    <Text color={theme.muted}>{"N".padStart(5)}</Text>
                </Box>
                {ERROR_TYPES.map((t) => (
                    <Box key={t} width={COL} flexShrink={0}>
                        <Text color={theme.muted}>{heads[t].padStart(COL - 1)}</Text>
                    </Box>
                ))}
            </Box>
            {shown.map(([t, c]) => row(t, c))}
            {shown.length < tasks.length ? <Text color={theme.muted}>+{tasks.length - shown.length} more tasks</Text> : null}
            {tasks.length > 1 ? row("overall", o, true) : null}
        </Box>
    );
}
