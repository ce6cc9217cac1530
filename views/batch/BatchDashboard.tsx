import { Box, Text } from "ink";
import { useMemo } from "react";
import { errorTypeBreakdown, type ErrorTypeBreakdown } from "../../src/teacher/breakdown.js";
import { useStore } from "zustand";
import { HelpOverlay } from "../HelpOverlay.js";
import { helpBarItems } from "../keymap.js";
import { HelpBar } from "../HelpBar.js";
import { useTerminalSize, WIDE_TERMINAL_SIZE } from "../useTerminalSize.js";
import { useCpuContention } from "../useCpuContention.js";
import { theme } from "../theme.js";
import { AccuracyChart } from "./AccuracyChart.js";
import { dashboardLayout } from "./dashboardLayout.js";
import { ErrorTypesPanel } from "./ErrorTypesPanel.js";
import { FinishedList } from "./FinishedList.js";
import { FinishedLog } from "./FinishedLog.js";
import { FlipsLine } from "./FlipsLine.js";
import type { ItemDetail } from "./itemDetail.js";
import { ItemView } from "./ItemView.js";
import { MetricsPanel } from "./MetricsPanel.js";
import { ProgressBar } from "./ProgressBar.js";
import { SlotsPanel } from "./SlotsPanel.js";
import { StateLine } from "./StateLine.js";
import type { BatchStore, FinishedLine } from "./store.js";
import { useDashboardKeys } from "./useDashboardKeys.js";

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
    /** Reads a finished item for the item view; default from the run store. */
    loadItem?: (runDir: string, line: FinishedLine) => ItemDetail;
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

/** The live batch dashboard: progress, slots, metrics, flips, chart, state; finished items above or in the live region, openable. */
export function BatchDashboard({ store, onStop, onBack, onQuit, staticLog = true, errorTypes, loadItem }: BatchDashboardProps) {
    const contention = useCpuContention();
    const s = useStore(store);
    const view = useDashboardKeys({ store, onStop, onBack, onQuit, loadItem });
    const term = useTerminalSize({ fallback: WIDE_TERMINAL_SIZE });
    const ended = s.status === "done";
    const stored = useMemo(() => (errorTypes === undefined ? storedErrorTypes(s.runDir, ended) : null), [errorTypes, s.runDir, ended]);
    const tags = errorTypes ?? stored;
    const bar = helpBarItems("batch").filter((i) => {
        if (i.id === "back") return (ended && onBack) || view.open || view.selected !== null;
        if (i.id === "batchStop") return !ended || onQuit;
        if (i.id === "batchOpen") return !view.open && view.selected !== null;
        if (i.id === "batchUp") return view.open ? view.open.detail.chains.length > 1 : s.recent.length > 0;
        return true;
    });
    const barLabel = (it: (typeof bar)[number]) => (it.id === "batchStop" && ended ? "quit" : it.id === "batchUp" && view.open ? "chain" : it.label);

    const selecting = view.selected !== null;
    const stateLines = (s.status === "stopping" || s.state ? 1 : 0) + (s.lastError ? 1 : 0);
    const L = dashboardLayout({
        rows: term.rows,
        maxTurns: s.maxTurns,
        slots: s.slots.length && !ended ? s.slots.length : 0,
        tasks: Object.keys(s.report.perTask).length,
        tagTasks: tags ? Object.keys(tags.perTask).length : null,
        recent: staticLog && !selecting ? 0 : Math.min(5, s.recent.length),
        selecting,
        contention: Boolean(contention && !ended),
        stateLines
    });
    return (
        <Box flexDirection="column">
            {staticLog ? <FinishedLog log={s.log} chunk={s.logChunk} maxTurns={s.maxTurns} /> : null}
            {view.help ? (
                <HelpOverlay from="batch" />
            ) : view.open ? (
                // The frame takes the rows the help bar leaves.
                <ItemView detail={view.open.detail} chain={view.open.chain} width={term.columns} rows={term.rows - 1} />
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
                    {contention && !ended ? (
                        <Text color={theme.warn} wrap="truncate-end">
                            ⚠ {contention}
                        </Text>
                    ) : null}
                    <Text color={ended ? (s.interrupted ? theme.warn : theme.ok) : theme.accent} wrap="truncate-end">
                        {s.status === "done" ? (s.interrupted ? "■ stopped" : "● done") : s.status === "starting" ? "… starting" : s.status === "stopping" ? "… stopping" : "▶ running"}
                        {s.alreadyDone ? <Text color={theme.muted}> · resumed: {s.alreadyDone} already done</Text> : null}
                        {/* The engine's name comes first so a narrow terminal cuts only its reason. */}
                        {s.engine ? <Text color={theme.muted}> · engine {s.engine.engine} ({s.engine.why})</Text> : null}
                    </Text>
                    <ProgressBar done={s.done} total={s.total} errors={s.errors} itemsPerSecond={s.itemsPerSecond} tokensPerSecond={s.tokensPerSecond} eta={s.eta} elapsed={s.elapsed} width={Math.min(30, term.columns - 40)} />
                    {L.slotRows ? (
                        <Box marginTop={1}>
                            <SlotsPanel slots={s.slots} maxRows={L.slotRows} />
                        </Box>
                    ) : null}
                    <Box marginTop={1} flexDirection="column">
                        <MetricsPanel report={s.report} verifier={s.verifier} maxRows={L.taskRows} width={Math.max(40, term.columns - 4)} />
                        <FlipsLine report={s.report} width={term.columns - 4} />
                    </Box>
                    {L.chart ? (
                        <Box marginTop={1}>
                            <AccuracyChart accByTurn={s.report.overall.accByTurn} ciByTurn={s.report.overall.ciByTurn} />
                        </Box>
                    ) : null}
                    {tags && L.tagRows ? (
                        <Box marginTop={1} flexDirection="column">
                            <ErrorTypesPanel breakdown={tags} maxRows={L.tagRows} width={term.columns - 4} />
                        </Box>
                    ) : null}
                    {L.recentRows ? (
                        <Box marginTop={1} flexDirection="column">
                            <FinishedList lines={s.recent} selected={view.selected} rows={L.recentRows} maxTurns={s.maxTurns} />
                        </Box>
                    ) : null}
                    <StateLine status={s.status} state={s.state} lastError={s.lastError} />
                </Box>
            )}
            {view.help ? null : <HelpBar screen="batch" items={bar} label={barLabel} />}
        </Box>
    );
}
