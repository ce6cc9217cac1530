import { Box, Text } from "ink";
import { formatDuration } from "../../src/batch/progress.js";
import { fmtLoss } from "../../src/training/format.js";
import { currentStage } from "../../src/training/progress.js";
import type { TrainingRunListing } from "../../src/training/runs.js";
import type { TrainingRunStatus } from "../../src/training/types.js";
import { theme } from "../theme.js";
import { windowStart } from "../windowStart.js";
import { sparkline } from "./chart.js";
import { LossChart } from "./LossChart.js";
import { fmtTotal, stageTotal, stepPlan } from "./monitorModel.js";

const STATUS: Record<TrainingRunStatus, { mark: string; tone: keyof typeof theme }> = {
    done: { mark: "●", tone: "ok" },
    failed: { mark: "✗", tone: "bad" },
    aborted: { mark: "■", tone: "warn" },
    running: { mark: "▶", tone: "accent" },
    incomplete: { mark: "?", tone: "muted" }
};

/** Past training runs, newest first, with a sparkline each; the selected one with its loss chart. */
export function RunsList({ runs, sel, maxRows = 8, chartWidth = 56, chartHeight = 5 }: { runs: TrainingRunListing[]; sel: number; maxRows?: number; chartWidth?: number; chartHeight?: number }) {
    if (!runs.length) return <Text color={theme.muted}>no training runs in this sessions folder yet</Text>;
    const start = windowStart(sel, runs.length, maxRows);
    const shown = runs.slice(start, start + maxRows);
    const cur = runs[sel];
    const stage = cur ? currentStage(cur.progress) : null;
    return (
        <Box flexDirection="column">
            <Text color={theme.muted}>
                past runs ({runs.length}){start > 0 ? ` · ${start} above` : ""}
                {start + maxRows < runs.length ? ` · ${runs.length - start - maxRows} below` : ""}
            </Text>
            {shown.map((r, i) => {
                const active = start + i === sel;
                const st = STATUS[r.status];
                const s = currentStage(r.progress);
                return (
                    <Text key={r.dir} wrap="truncate-end">
                        <Text color={active ? theme.accent : undefined}>{active ? "› " : "  "}</Text>
                        <Text color={theme[st.tone]}>
                            {st.mark} {r.status.padEnd(10)}
                        </Text>
                        <Text bold={active}>{r.id.padEnd(22)}</Text>
                        <Text> {(r.setting ?? "?").padEnd(9)}</Text>
                        <Text color={theme.muted}>
                            {" "}
                            {`${r.stage ?? "-"} ${r.step}/${fmtTotal(stageTotal(s, stepPlan(r.request)))}`.padEnd(16)} loss {fmtLoss(r.finalLoss).padEnd(7)}{" "}
                        </Text>
                        <Text color={theme.accent}>{sparkline((s?.loss ?? []).map(([, v]) => v))}</Text>
                    </Text>
                );
            })}
            {cur ? (
                <Box flexDirection="column" marginTop={1}>
                    <Text color={theme.muted} wrap="truncate-start">
                        {cur.data ? `data ${cur.data}` : ""}
                        {cur.launches > 1 ? ` · ${cur.launches} launches` : ""}
                        {cur.outcome ? ` · ${formatDuration(cur.outcome.elapsedS)}` : ""}
                    </Text>
                    {cur.outcome?.reason && cur.status === "failed" ? (
                        <Text color={theme.bad} wrap="truncate-end">
                            {cur.outcome.reason}
                        </Text>
                    ) : null}
                    {stage ? <LossChart title={stage.name} loss={stage.loss} evalLoss={stage.evalLoss} rewardsMargin={stage.rewardsMargin} width={chartWidth} height={chartHeight} /> : null}
                </Box>
            ) : null}
        </Box>
    );
}
