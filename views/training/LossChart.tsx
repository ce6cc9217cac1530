import { Box, Text } from "ink";
import type { Point } from "../../src/training/progress.js";
import { theme } from "../theme.js";
import { brailleChart } from "./chart.js";

export interface LossChartProps {
    loss: Point[];
    evalLoss: Point[];
    /** DPO: the reward margin goes up as the loss goes down; shown in its own line of the legend only. */
    rewardsMargin?: Point[];
    title?: string;
    width?: number;
    height?: number;
    /** Said while no point is logged (the monitor: waiting while live, how it stopped once ended). */
    empty?: string;
}

const COLORS = [theme.accent, theme.warn];
const fmt = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 1 ? x.toFixed(2) : x.toFixed(3));

/** Training loss and eval loss over steps, as a braille line chart with its scale and legend. */
export function LossChart({ loss, evalLoss, rewardsMargin, title, width = 56, height = 6, empty = "waiting for the first logged step…" }: LossChartProps) {
    if (!loss.length && !evalLoss.length) return <Text color={theme.muted}>loss: {empty}</Text>;
    const c = brailleChart([{ points: loss }, { points: evalLoss }], width, height);
    const label = Math.max(fmt(c.yMax).length, fmt(c.yMin).length);
    return (
        <Box flexDirection="column">
            <Text wrap="truncate-end">
                {title ? <Text bold>{title} </Text> : null}
                <Text color={COLORS[0]}>━ loss {loss.length ? fmt(loss[loss.length - 1]![1]) : "-"}</Text>
                {evalLoss.length ? <Text color={COLORS[1]}> ━ eval {fmt(evalLoss[evalLoss.length - 1]![1])}</Text> : <Text color={theme.muted}> ━ eval -</Text>}
                {rewardsMargin?.length ? <Text color={theme.muted}> · reward margin {rewardsMargin[rewardsMargin.length - 1]![1].toFixed(3)}</Text> : null}
            </Text>
            {c.rows.map((segs, r) => (
                <Text key={r}>
                    <Text color={theme.muted}>{(r === 0 ? fmt(c.yMax) : r === c.rows.length - 1 ? fmt(c.yMin) : "").padStart(label)} ┤</Text>
                    {segs.map((s, i) => (
                        <Text key={i} color={s.series >= 0 ? COLORS[s.series] : undefined}>
                            {s.text}
                        </Text>
                    ))}
                </Text>
            ))}
            <Text color={theme.muted}>
                {" ".repeat(label + 2)}
                {`step ${c.xMin}`.padEnd(width - String(c.xMax).length)}
                {c.xMax}
            </Text>
        </Box>
    );
}
