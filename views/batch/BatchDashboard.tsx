import { Box, Text, useInput, useStdout } from "ink";
import { useMemo, useState } from "react";
import { errorTypeBreakdown, type ErrorTypeBreakdown } from "../../src/teacher/breakdown.js";
import { useStore } from "zustand";
import { HelpOverlay } from "../HelpOverlay.js";
import { helpBarItems, matchKey } from "../keymap.js";
import { HelpBar } from "../HelpBar.js";
import { useCpuContention } from "../useCpuContention.js";
import { theme } from "../theme.js";
import { AccuracyChart } from "./AccuracyChart.js";
import { ErrorTypesPanel } from "./ErrorTypesPanel.js";
import { FinishedLine } from "./FinishedLine.js";
import { FinishedLog } from "./FinishedLog.js";
import { MetricsPanel } from "./MetricsPanel.js";
import { ProgressBar } from "./ProgressBar.js";
import { SlotsPanel } from "./SlotsPanel.js";
import { StateLine } from "./StateLine.js";
import type { BatchStore } from "./store.js";

export interface BatchDashboardProps {
    store: BatchStore;
    /** q / ctrl+c while the run is going. */
    onStop?: () => void;
    /** esc once the run has ended (inside the lab). */
    onBack?: () => void;
    /** q / ctrl+c once the run has ended (inside the lab: quit the lab). */
    onQuit?: () => void;
    /**
     * Print finished items through <Static> (the standalone dashboard). Inside the lab the lab's own
     * history is the app's single <Static> (Ink tracks only one), so recent items show in the live region.
     */
    staticLog?: boolean;
    /**
     * The run's error-type breakdown (teacher tags). Default: read from the run folder once the run has
     * ended, since tags are made afterwards by `reflect-lab tag-errors`; null hides the panel.
     */
    errorTypes?: ErrorTypeBreakdown | null;
}

/** Tags of an ended run, or null; a broken or locked teacher.sqlite must not take the dashboard down. */
function storedErrorTypes(runDir: string | null, ended: boolean): ErrorTypeBreakdown | null {
    if (!runDir || !ended) return null;
    try {
        return errorTypeBreakdown(runDir);
    } catch {
        return null;
    }
}

/** Lines the dashboard takes besides the slot rows, task rows and recent items (title, bars, chart, footers). */
const FIXED_ROWS = 14;

/** The live batch dashboard: progress, slots, metrics, chart, state; finished items above. */
export function BatchDashboard({ store, onStop, onBack, onQuit, staticLog = true, errorTypes }: BatchDashboardProps) {
    const contention = useCpuContention();
    const s = useStore(store);
    const [help, setHelp] = useState(false);
    const { stdout } = useStdout();
    const ended = s.status === "done";
    const stored = useMemo(() => (errorTypes === undefined ? storedErrorTypes(s.runDir, ended) : null), [errorTypes, s.runDir, ended]);
    const tags = errorTypes ?? stored;

    useInput((input, key) => {
        const b = matchKey("batch", input, key);
        if (!b) return;
        const st = store.getState();
        if (b.id === "help") setHelp((h) => !h);
        else if (b.id === "back") {
            if (help) setHelp(false);
            else if (st.status === "done") onBack?.();
        } else if (b.id === "batchStop") {
            if (st.status === "done") onQuit?.();
            else if (st.status !== "stopping") onStop?.();
        }
    });

    // Keep the live region within the terminal: the slot list and the task table share what is left.
    const rows = stdout?.rows || 40;
    const tasks = Object.keys(s.report.perTask).length;
    const recentWanted = staticLog ? 0 : Math.min(5, s.log.length);
    // The error-type panel takes a title, a head and one row per task (and overall), within what is left.
    const tagTasks = tags ? Object.keys(tags.perTask).length : 0;
    const tagRows = tags ? Math.max(1, Math.min(tagTasks, Math.floor((rows - FIXED_ROWS - s.maxTurns * 2 - recentWanted) / 3))) : 0;
    const tagExtra = tags ? 3 + tagRows + (tagTasks > 1 ? 1 : 0) : 0;
    const spare = Math.max(4, rows - FIXED_ROWS - s.maxTurns * 2 - recentWanted - tagExtra);
    const slotRows = Math.max(2, Math.min(s.slots.length, Math.ceil(spare / 2)));
    const taskRows = Math.max(1, Math.min(tasks, spare - slotRows));
    const recent = recentWanted ? s.log.slice(-recentWanted) : [];
    const bar = helpBarItems("batch").filter((i) => (i.id === "back" ? ended && onBack : i.id === "batchStop" ? !ended || onQuit : true));

    return (
        <Box flexDirection="column">
            {staticLog ? <FinishedLog log={s.log} chunk={s.logChunk} maxTurns={s.maxTurns} /> : null}
            {help ? (
                <HelpOverlay />
            ) : (
                <Box flexDirection="column" borderStyle="round" borderColor={ended ? theme.muted : theme.accent} paddingX={1}>
                    <Text wrap="truncate-end">
                        <Text bold>{s.title}</Text>
                        <Text color={theme.muted}>
                            {" "}
                            · verifier {s.verifier}
                            {s.runDir ? ` · ${s.runDir}` : ""}
                        </Text>
                    </Text>
                    {contention && !ended ? <Text color={theme.warn}>⚠ {contention}</Text> : null}
                    <Text color={ended ? (s.interrupted ? theme.warn : theme.ok) : theme.accent}>
                        {s.status === "done" ? (s.interrupted ? "■ stopped" : "● done") : s.status === "starting" ? "… starting" : s.status === "stopping" ? "… stopping" : "▶ running"}
                        {s.alreadyDone ? <Text color={theme.muted}> · resumed: {s.alreadyDone} already done</Text> : null}
                    </Text>
                    <ProgressBar done={s.done} total={s.total} errors={s.errors} itemsPerSecond={s.itemsPerSecond} tokensPerSecond={s.tokensPerSecond} eta={s.eta} elapsed={s.elapsed} />
                    {s.slots.length && !ended ? (
                        <Box marginTop={1}>
                            <SlotsPanel slots={s.slots} maxRows={slotRows} />
                        </Box>
                    ) : null}
                    <Box marginTop={1} flexDirection="column">
                        <MetricsPanel report={s.report} verifier={s.verifier} maxRows={taskRows} />
                    </Box>
                    <Box marginTop={1}>
                        <AccuracyChart accByTurn={s.report.overall.accByTurn} ciByTurn={s.report.overall.ciByTurn} />
                    </Box>
                    {tags ? (
                        <Box marginTop={1} flexDirection="column">
                            <ErrorTypesPanel breakdown={tags} maxRows={tagRows} />
                        </Box>
                    ) : null}
                    {recent.length ? (
                        <Box marginTop={1} flexDirection="column">
                            {recent.map((l) => (
                                <FinishedLine key={l.key} line={l} maxTurns={s.maxTurns} />
                            ))}
                        </Box>
                    ) : null}
                    <StateLine status={s.status} state={s.state} lastError={s.lastError} />
                </Box>
            )}
            <HelpBar screen="batch" items={bar} label={(it) => (it.id === "batchStop" && ended ? "quit" : it.label)} />
        </Box>
    );
}
