import { Box, Text } from "ink";
import type { Metrics, MetricsReport } from "../../src/batch/metrics.js";
import type { VerifierMode } from "../../src/engine/types.js";
import { theme } from "../theme.js";
import { ciText, pct, signedPct } from "./format.js";

const COL = 9;

/** Acc@t1..t_max, Δ and flips overall, then one row per task with N and the 95% interval of Acc@t_max. */
export function MetricsPanel({ report, verifier, maxRows }: { report: MetricsReport; verifier: VerifierMode; maxRows: number }) {
    const m = report.overall;
    const T = report.maxTurns;
    const tasks = Object.entries(report.perTask);
    const shown = tasks.length > maxRows ? tasks.slice(0, Math.max(1, maxRows - 1)) : tasks;
    const taskWidth = Math.max(8, ...shown.map(([t]) => t.length)) + 2;
    const row = (name: string, x: Metrics, bold = false) => (
        <Box key={name}>
            <Box width={taskWidth} flexShrink={0}>
                <Text bold={bold} wrap="truncate-end">
                    {name}
                </Text>
            </Box>
            <Box width={7} flexShrink={0}>
                <Text>{String(x.n).padStart(5)}</Text>
            </Box>
            {x.accByTurn.map((a, i) => (
                <Box key={i} width={COL} flexShrink={0}>
                    <Text>{pct(a).padStart(7)}</Text>
                </Box>
            ))}
            <Box width={COL} flexShrink={0}>
                <Text color={x.delta > 0 ? theme.ok : x.delta < 0 ? theme.bad : undefined}>{signedPct(x.delta).padStart(7)}</Text>
            </Box>
            <Text color={theme.muted}>{ciText(x.ciByTurn[T - 1]!)}</Text>
        </Box>
    );
    return (
        <Box flexDirection="column">
            <Text>
                {m.accByTurn.map((a, i) => (
                    <Text key={i}>
                        {i ? <Text color={theme.muted}> · </Text> : null}
                        <Text color={theme.muted}>Acc@t{i + 1} </Text>
                        <Text bold>{pct(a)}</Text>
                    </Text>
                ))}
                <Text color={theme.muted}> · Δ </Text>
                <Text bold color={m.delta > 0 ? theme.ok : m.delta < 0 ? theme.bad : undefined}>
                    {signedPct(m.delta)}
                </Text>
                {verifier !== "oracle" ? (
                    <Text>
                        <Text color={theme.muted}> · flips c→i </Text>
                        <Text color={theme.bad}>{m.flips.correctToIncorrect}</Text>
                        <Text color={theme.muted}> i→c </Text>
                        <Text color={theme.ok}>{m.flips.incorrectToCorrect}</Text>
                    </Text>
                ) : null}
                <Text color={theme.muted}>
                    {" "}
                    · N {m.n} · {m.samples} samples
                </Text>
            </Text>
            <Box marginTop={1}>
                <Box width={taskWidth} flexShrink={0}>
                    <Text color={theme.muted}>task</Text>
                </Box>
                <Box width={7} flexShrink={0}>
                    <Text color={theme.muted}>{"N".padStart(5)}</Text>
                </Box>
                {m.accByTurn.map((_, i) => (
                    <Box key={i} width={COL} flexShrink={0}>
                        <Text color={theme.muted}>{`Acc@t${i + 1}`.padStart(7)}</Text>
                    </Box>
                ))}
                <Box width={COL} flexShrink={0}>
                    <Text color={theme.muted}>{"Δ".padStart(7)}</Text>
                </Box>
                <Text color={theme.muted}>95% CI Acc@t{T}</Text>
            </Box>
            {shown.map(([t, x]) => row(t, x))}
            {shown.length < tasks.length ? <Text color={theme.muted}>+{tasks.length - shown.length} more tasks</Text> : null}
        </Box>
    );
}
