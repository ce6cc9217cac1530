import { Box, Text } from "ink";
import type { Metrics, MetricsReport } from "../../src/batch/metrics.js";
import type { VerifierMode } from "../../src/engine/types.js";
import { theme } from "../theme.js";
import { useTerminalSize, WIDE_TERMINAL_SIZE } from "../useTerminalSize.js";
import { ciText, pct, signedPct } from "./format.js";

/** Column widths of the per-task table, fitted to the width: up to 6+ turns must fit 100 columns. */
export interface MetricsLayout {
    task: number;
    n: number;
    acc: number;
    /** Width the Acc@t figures and headers are right-aligned to inside their column. */
    accPad: number;
    delta: number;
    /** 0 = no interval column (too narrow for it). */
    ci: number;
}

/** "[100.0, 100.0]" is 14 characters. */
const CI_COL = 15;

/**
 * Why a layout function: with maxTurns 6 the fixed columns alone (N, six Acc@t, Δ, CI) take ~80 of
 * the dashboard's 96 inner columns at the old widths, so the task column is what gives way (names
 * are truncated), Acc@t columns narrow to 7 beyond 3 turns, and the interval goes last.
 */
export function metricsLayout(turns: number, width: number, longestTask: number): MetricsLayout {
    const acc = turns <= 3 ? 9 : 7;
    const n = 7;
    const delta = turns <= 3 ? 9 : 8;
    const fixed = n + turns * acc + delta;
    const wanted = Math.max(8, longestTask) + 2;
    const ci = width - fixed - Math.min(wanted, 12) >= CI_COL ? CI_COL : 0;
    const task = Math.max(8, Math.min(wanted, width - fixed - ci));
    return { task, n, acc, accPad: turns <= 3 ? 7 : 6, delta, ci };
}

/** Acc@t1..t_max, Δ and flips overall, then one row per task with N and the 95% interval of Acc@t_max. */
export function MetricsPanel({ report, verifier, maxRows, width }: { report: MetricsReport; verifier: VerifierMode; maxRows: number; width?: number }) {
    // The dashboard's round border and padding take 4 columns (the dashboard's 100 where the stream reports no size).
    const { columns } = useTerminalSize({ fallback: WIDE_TERMINAL_SIZE });
    const inner = width ?? Math.max(40, columns - 4);
    const m = report.overall;
    const T = report.maxTurns;
    const tasks = Object.entries(report.perTask);
    const shown = tasks.length > maxRows ? tasks.slice(0, Math.max(1, maxRows - 1)) : tasks;
    const L = metricsLayout(T, inner, Math.max(0, ...shown.map(([t]) => t.length)));
    const row = (name: string, x: Metrics, bold = false) => (
        <Box key={name}>
            <Box width={L.task} flexShrink={0}>
                <Text bold={bold} wrap="truncate-end">
                    {name}
                </Text>
            </Box>
            <Box width={L.n} flexShrink={0}>
                <Text>{String(x.n).padStart(5)}</Text>
            </Box>
            {x.accByTurn.map((a, i) => (
                <Box key={i} width={L.acc} flexShrink={0}>
                    <Text>{pct(a).padStart(L.accPad)}</Text>
                </Box>
            ))}
            <Box width={L.delta} flexShrink={0}>
                <Text color={x.deltaLast > 0 ? theme.ok : x.deltaLast < 0 ? theme.bad : undefined}>{signedPct(x.deltaLast).padStart(7)}</Text>
            </Box>
            {L.ci ? (
                <Box width={L.ci} flexShrink={0}>
                    <Text color={theme.muted} wrap="truncate-end">
                        {ciText(x.ciByTurn[T - 1]!)}
                    </Text>
                </Box>
            ) : null}
        </Box>
    );
    // One summary line when it fits, else the Acc@t list and the rest on two lines (never mid-item wraps).
    const accLen = m.accByTurn.reduce((a, x, i) => a + (i ? 3 : 0) + `Acc@t${i + 1} ${pct(x)}`.length, 0);
    // Past two turns both deltas are named: Acc@t2 − Acc@t1 (the paper's) and Acc@t_max − Acc@t1.
    const d12 = T > 2 ? ` · Δ(t1,t2) ${signedPct(m.delta12)}` : "";
    const restLen = d12.length + ` · Δ${T > 2 ? `(t1,t${T})` : ""} ${signedPct(m.deltaLast)}`.length + (verifier !== "oracle" ? ` · flips c→i ${m.flips.correctToIncorrect} i→c ${m.flips.incorrectToCorrect}`.length : 0) + ` · N ${m.n} · ${m.samples} samples`.length;
    const split = accLen + restLen > inner;
    const rest = (
        <>
            {T > 2 ? (
                <Text>
                    <Text color={theme.muted}>{split ? "" : " · "}Δ(t1,t2) </Text>
                    <Text bold color={m.delta12 > 0 ? theme.ok : m.delta12 < 0 ? theme.bad : undefined}>
                        {signedPct(m.delta12)}
                    </Text>
                </Text>
            ) : null}
            <Text color={theme.muted}>{split && T <= 2 ? "Δ" : " · Δ"}{T > 2 ? `(t1,t${T})` : ""} </Text>
            <Text bold color={m.deltaLast > 0 ? theme.ok : m.deltaLast < 0 ? theme.bad : undefined}>
                {signedPct(m.deltaLast)}
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
        </>
    );
    const accs = m.accByTurn.map((a, i) => (
        <Text key={i}>
            {i ? <Text color={theme.muted}> · </Text> : null}
            <Text color={theme.muted}>Acc@t{i + 1} </Text>
            <Text bold>{pct(a)}</Text>
        </Text>
    ));
    return (
        <Box flexDirection="column">
            {split ? (
                <>
                    <Text wrap="truncate-end">{accs}</Text>
                    <Text wrap="truncate-end">{rest}</Text>
                </>
            ) : (
                <Text>
                    {accs}
                    {rest}
                </Text>
            )}
            <Box marginTop={1}>
                <Box width={L.task} flexShrink={0}>
                    <Text color={theme.muted}>task</Text>
                </Box>
                <Box width={L.n} flexShrink={0}>
                    <Text color={theme.muted}>{"N".padStart(5)}</Text>
                </Box>
                {m.accByTurn.map((_, i) => (
                    <Box key={i} width={L.acc} flexShrink={0}>
                        <Text color={theme.muted}>{`Acc@t${i + 1}`.padStart(L.accPad)}</Text>
                    </Box>
                ))}
                <Box width={L.delta} flexShrink={0}>
                    <Text color={theme.muted}>{(T > 2 ? `Δt1→${T}` : "Δ").padStart(7)}</Text>
                </Box>
                {L.ci ? (
                    <Box width={L.ci} flexShrink={0}>
                        <Text color={theme.muted} wrap="truncate-end">
                            95% CI Acc@t{T}
                        </Text>
                    </Box>
                ) : null}
            </Box>
            {shown.map(([t, x]) => row(t, x))}
            {shown.length < tasks.length ? <Text color={theme.muted}>+{tasks.length - shown.length} more tasks</Text> : null}
        </Box>
    );
}
