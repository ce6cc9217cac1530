import { Box, Text } from "ink";
import { formatDuration } from "../../src/batch/progress.js";
import { fmtEta, fmtLoss, fmtLr } from "../../src/training/format.js";
import { currentStage } from "../../src/training/progress.js";
import { theme } from "../theme.js";
import { LogLines } from "./LogLines.js";
import { LossChart } from "./LossChart.js";
import { StepBar } from "./StepBar.js";
import type { LiveRun } from "./store.js";

function StatusLine({ run }: { run: LiveRun }) {
    const o = run.outcome;
    switch (run.state) {
        case "running":
            return <Text color={theme.accent}>▶ running{run.resumed ? " (resumed)" : ""}</Text>;
        case "stopping":
            return <Text color={theme.warn}>… stopping the trainer (its whole process tree)</Text>;
        case "done":
            return <Text color={theme.ok}>● done{o ? ` in ${formatDuration(o.elapsedS)}` : ""}</Text>;
        case "aborted":
            return <Text color={theme.warn}>■ aborted · r resumes from the last checkpoint</Text>;
        case "failed":
            return (
                <Text color={theme.bad} wrap="truncate-end">
                    ✗ failed: {o?.reason ?? "unknown"}
                </Text>
            );
    }
}

/** A launched (or past) training run: status, stages, step progress, ETA, loss chart, the trainer's last lines. */
export function TrainingMonitor({ run, chartWidth = 56 }: { run: LiveRun; chartWidth?: number }) {
    const p = run.progress;
    const s = currentStage(p);
    const ended = run.state !== "running" && run.state !== "stopping";
    const names = p.stageNames.length ? p.stageNames : s ? [s.name] : [];
    return (
        <Box flexDirection="column">
            <StatusLine run={run} />
            <Text color={theme.muted} wrap="truncate-end">
                {p.device ? `${p.device}${p.gpus > 1 ? ` × ${p.gpus}` : ""} · ` : ""}
                {p.base ? `base ${p.base}` : "starting the trainer…"}
            </Text>
            {names.length ? (
                <Text wrap="truncate-end">
                    {names.map((n, i) => {
                        const st = p.stages[n];
                        const mark = st?.done ? "✓" : n === p.current ? "▶" : "·";
                        return (
                            <Text key={n} color={st?.done ? theme.ok : n === p.current ? theme.accent : theme.muted}>
                                {i ? "  " : ""}
                                {mark} {i + 1}/{names.length} {n}
                                {st?.rows != null ? ` (${st.rows} rows)` : ""}
                            </Text>
                        );
                    })}
                </Text>
            ) : null}
            {s ? (
                <>
                    <StepBar step={s.step} total={s.totalSteps} overall={p.overall} />
                    <Text color={theme.muted} wrap="truncate-end">
                        loss {fmtLoss(s.loss.at(-1)?.[1])} · eval {fmtLoss(s.evalLoss.at(-1)?.[1])} · lr {fmtLr(p.lr)}
                        {p.epoch !== null ? ` · epoch ${p.epoch.toFixed(2)}` : ""} · {p.tokensPerS !== null ? `${p.tokensPerS.toFixed(0)} tok/s` : "- tok/s"}
                        {ended ? "" : ` · ETA ${fmtEta(p.stageEtaS)}${names.length > 1 ? ` (all ${fmtEta(p.etaS)})` : ""}`} · elapsed {formatDuration(s.elapsedS)}
                    </Text>
                    <Box marginTop={1}>
                        <LossChart title={s.name} loss={s.loss} evalLoss={s.evalLoss} rewardsMargin={s.rewardsMargin} width={chartWidth} />
                    </Box>
                </>
            ) : null}
            {run.state === "done" ? (
                <Box flexDirection="column" marginTop={1}>
                    {p.artifacts.map((a) => (
                        <Text key={a.path} wrap="truncate-start">
                            <Text color={theme.ok}>{a.kind}</Text> <Text color={theme.muted}>({a.stage})</Text> {a.path}
                        </Text>
                    ))}
                    <Text color={theme.muted} wrap="truncate-start">
                        result: {run.out}/result.json
                    </Text>
                </Box>
            ) : null}
            {run.state === "failed" && run.outcome ? (
                <Box marginTop={1} flexDirection="column">
                    <LogLines title={`last lines of trainer.log (exit ${run.outcome.signal ?? run.outcome.code})`} lines={run.outcome.lastLines.slice(-12)} tone="bad" />
                    <Text color={theme.warn}>r resumes from the last checkpoint · n starts a new run</Text>
                </Box>
            ) : ended ? null : (
                <Box marginTop={1}>
                    <LogLines title="trainer.log" lines={run.logLines} />
                </Box>
            )}
            <Text color={theme.muted} wrap="truncate-start">
                {run.out}
            </Text>
        </Box>
    );
}
