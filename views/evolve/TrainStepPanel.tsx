import { Box, Text } from "ink";
import { formatDuration } from "../../src/batch/progress.js";
import { fmtEta, fmtLoss, fmtLr } from "../../src/training/format.js";
import { currentStage, type TrainingProgress } from "../../src/training/progress.js";
import { LossChart } from "../training/LossChart.js";
import { stageTotal } from "../training/monitorModel.js";
import { StepBar } from "../training/StepBar.js";
import { theme } from "../theme.js";
import type { StepState } from "./evolveStore.js";

/**
 * A round's training step: the training monitor's parts (stages, step bar, rates, loss chart) in the
 * height the evolve screen leaves, since the full TrainingMonitor (log tail, artifacts) needs ~20 rows.
 */
export function TrainStepPanel({ progress, state, width, rows }: { progress: TrainingProgress | null; state: StepState; width: number; rows: number }) {
    if (state === "skipped") return <Text color={theme.muted}>already trained (result.json is there): its adapter is this round's reflector</Text>;
    if (!progress) return <Text color={theme.muted}>{state === "running" ? "… starting the trainer" : "no trainer events"}</Text>;
    const p = progress;
    const s = currentStage(p);
    const names = p.stageNames.length ? p.stageNames : s ? [s.name] : [];
    const running = state === "running";
    // Status, stages, step bar, rates: 4 lines; the chart takes its title and axis besides its height.
    const height = Math.max(2, Math.min(6, rows - 6));
    return (
        <Box flexDirection="column" width={width}>
            <Text color={p.error ? theme.bad : running ? theme.accent : theme.ok} wrap="truncate-end">
                {p.error ? `✗ ${p.error.message}` : running ? `▶ training${p.resumed ? " (resumed)" : ""}` : "● trained"}
                <Text color={theme.muted}>
                    {p.device ? ` · ${p.device}${p.gpus > 1 ? ` × ${p.gpus}` : ""}` : ""}
                    {p.base ? ` · base ${p.base}` : ""}
                </Text>
            </Text>
            {names.length ? (
                <Text wrap="truncate-end">
                    {names.map((n, i) => {
                        const st = p.stages[n];
                        return (
                            <Text key={n} color={st?.done ? theme.ok : n === p.current ? theme.accent : theme.muted}>
                                {i ? "  " : ""}
                                {st?.done ? "✓" : n === p.current ? "▶" : "·"} {n}
                                {st?.rows != null ? ` (${st.rows} rows)` : ""}
                            </Text>
                        );
                    })}
                </Text>
            ) : null}
            {s ? (
                <>
                    <StepBar step={s.step} total={stageTotal(s, null)} overall={p.overall} width={Math.min(30, width - 34)} />
                    <Text color={theme.muted} wrap="truncate-end">
                        loss {fmtLoss(s.loss.at(-1)?.[1])} · eval {fmtLoss(s.evalLoss.at(-1)?.[1])} · lr {fmtLr(p.lr)}
                        {p.tokensPerS !== null ? ` · ${p.tokensPerS.toFixed(0)} tok/s` : ""}
                        {running ? ` · ETA ${fmtEta(p.stageEtaS)}` : ""} · {formatDuration(s.elapsedS)}
                    </Text>
                    <LossChart title={s.name} loss={s.loss} evalLoss={s.evalLoss} rewardsMargin={s.rewardsMargin} width={Math.max(16, width - 8)} height={height} />
                </>
            ) : null}
        </Box>
    );
}
