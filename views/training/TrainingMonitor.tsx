import { Box, Text } from "ink";
import { formatDuration } from "../../src/batch/progress.js";
import { describeResumePoint } from "../../src/training/checkpoints.js";
import { fmtEta, fmtLoss, fmtLr } from "../../src/training/format.js";
import { currentStage } from "../../src/training/progress.js";
import { theme } from "../theme.js";
import { monitorRows } from "./layout.js";
import { LogLines } from "./LogLines.js";
import { LossChart } from "./LossChart.js";
import { elapsedS, isLive, NO_STEP, stageTotal, stoppedAt } from "./monitorModel.js";
import { StepBar } from "./StepBar.js";
import type { LiveRun } from "./trainingState.js";

const lastN = <T,>(xs: T[], n: number): T[] => (n > 0 ? xs.slice(-n) : []);

function StatusLine({ run, now }: { run: LiveRun; now: number }) {
    const o = run.outcome;
    const elapsed = formatDuration(elapsedS(run, now));
    switch (run.state) {
        case "running":
            return <Text color={theme.accent}>▶ running{run.resumed ? " (resumed)" : ""} · elapsed {elapsed}</Text>;
        case "stopping":
            return <Text color={theme.warn}>… stopping the trainer (its whole process tree) · elapsed {elapsed}</Text>;
        case "done":
            return <Text color={theme.ok}>● done{o ? ` in ${formatDuration(o.elapsedS)}` : ""}</Text>;
        case "aborted":
            return <Text color={theme.warn}>■ aborted{o?.elapsedS ? ` after ${elapsed}` : ""}</Text>;
        case "failed":
            return (
                <Text color={theme.bad} wrap="truncate-end">
                    ✗ failed: {o?.reason ?? "unknown"}
                </Text>
            );
    }
}

/** How an ended run stopped and whether r can resume it: only from a checkpoint (or a finished stage); n is in the bar. */
function EndLine({ run }: { run: LiveRun }) {
    const next = run.resume ? `r resumes from ${describeResumePoint(run.resume)}` : `no checkpoint yet${run.plan ? ` (one every ${run.plan.saveSteps} steps)` : ""}`;
    return (
        <Text color={theme.warn} wrap="truncate-end">
            {stoppedAt(run)} · {next}
        </Text>
    );
}

/** A launched (or past) training run: status, stages, step progress, ETA, loss chart, the trainer's last lines; fits `rows`. */
export function TrainingMonitor({ run, now, chartWidth = 56, rows = 40 }: { run: LiveRun; now: number; chartWidth?: number; rows?: number }) {
    const p = run.progress;
    const s = currentStage(p);
    const live = isLive(run);
    const names = p.stageNames.length ? p.stageNames : s ? [s.name] : [];
    const stop = stoppedAt(run);
    const points = !!s && (s.loss.length > 0 || s.evalLoss.length > 0);
    // The block below the chart: its fixed lines and the lines it would like.
    const tail = run.state === "failed" ? (run.outcome?.lastLines ?? []) : live ? run.logLines : [];
    const want = run.state === "done" ? p.artifacts.length : tail.length;
    const below = run.state === "done" ? 2 : run.state === "failed" ? (tail.length ? 3 : 2) : run.state === "aborted" ? 2 : tail.length ? 2 : 0;
    const fixed = 3 + (names.length ? 1 : 0) + (s ? 2 + (points ? 3 : 2) : 1);
    const fit = monitorRows(rows - fixed, below, want);
    const lines = s ? fit.lines : Math.max(0, Math.min(want, rows - fixed - below));
    return (
        <Box flexDirection="column">
            <StatusLine run={run} now={now} />
            <Text color={theme.muted} wrap="truncate-end">
                {p.device ? `${p.device}${p.gpus > 1 ? ` × ${p.gpus}` : ""} · ` : ""}
                {p.base ? `base ${p.base}` : live ? "starting the trainer…" : "the trainer did not start"}
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
                                {st?.rows ? ` (${st.rows} rows)` : ""}
                            </Text>
                        );
                    })}
                </Text>
            ) : null}
            {s ? (
                <>
                    <StepBar step={s.step} total={stageTotal(s, run.plan)} overall={p.overall} />
                    <Text color={theme.muted} wrap="truncate-end">
                        loss {fmtLoss(s.loss.at(-1)?.[1])} · eval {fmtLoss(s.evalLoss.at(-1)?.[1])} · lr {fmtLr(p.lr)}
                        {p.epoch !== null ? ` · epoch ${p.epoch.toFixed(2)}` : ""} · {p.tokensPerS !== null ? `${p.tokensPerS.toFixed(0)} tok/s` : "- tok/s"}
                        {live ? ` · ETA ${fmtEta(p.stageEtaS)}${names.length > 1 ? ` (all ${fmtEta(p.etaS)})` : ""}` : ""}
                    </Text>
                    <Box marginTop={1}>
                        <LossChart
                            title={s.name}
                            loss={s.loss}
                            evalLoss={s.evalLoss}
                            rewardsMargin={s.rewardsMargin}
                            width={chartWidth}
                            height={fit.chart}
                            empty={live ? undefined : stop === NO_STEP ? stop : `none logged, ${stop}`}
                        />
                    </Box>
                </>
            ) : (
                <Text color={theme.muted}>{live ? "waiting for the trainer's first stage (it loads the base model first)…" : NO_STEP}</Text>
            )}
            {run.state === "done" ? (
                <Box flexDirection="column" marginTop={1}>
                    {lastN(p.artifacts, Math.max(1, lines)).map((a) => (
                        <Text key={a.path} wrap="truncate-start">
                            <Text color={theme.ok}>{a.kind}</Text> <Text color={theme.muted}>({a.stage})</Text> {a.path}
                        </Text>
                    ))}
                    <Text color={theme.muted} wrap="truncate-start">
                        result: {run.out}/result.json
                    </Text>
                </Box>
            ) : run.state === "failed" || run.state === "aborted" ? (
                <Box marginTop={1} flexDirection="column">
                    {run.state === "failed" && run.outcome ? <LogLines title={`last lines of trainer.log (exit ${run.outcome.signal ?? run.outcome.code})`} lines={lastN(tail, lines)} tone="bad" /> : null}
                    <EndLine run={run} />
                </Box>
            ) : tail.length && lines ? (
                <Box marginTop={1}>
                    <LogLines title="trainer.log" lines={lastN(tail, lines)} />
                </Box>
            ) : null}
            <Text color={theme.muted} wrap="truncate-start">
                {run.out}
            </Text>
        </Box>
    );
}
