import { Box, Text, useInput, useStdout } from "ink";
import { useStore } from "zustand";
import { theme } from "../theme.js";
import { EndBox, endBoxRows } from "./EndBox.js";
import type { EvolveStore } from "./evolveStore.js";
import { displayRows, roundNotes } from "./roundsCells.js";
import { RoundsChart } from "./RoundsChart.js";
import { RoundsTableView } from "./RoundsTableView.js";
import { StepList } from "./StepList.js";
import { StepPanel } from "./StepPanel.js";

export interface EvolveScreenProps {
    store: EvolveStore;
    /** q / ctrl+c while the loop runs. */
    onStop?: () => void;
    /** Terminal size (default: stdout's, else 100×30); tests pass it. */
    rows?: number;
    columns?: number;
}

/** The chart's column beside the step panel: label 8, bar 18, value 6, and a gap. */
const CHART_WIDTH = 34;

/**
 * Rows the screen takes besides the step panel: border 2, header, step list, margin, margin before
 * the table, the table's head and method line, the help line; then table rows, notes, the end box.
 */
export function panelRows(rows: number, tableRows: number, notes: number, endBox: number, lastNote: boolean): number {
    return Math.max(4, rows - 9 - tableRows - notes - endBox - (lastNote ? 1 : 0));
}

/**
 * `reflect-lab evolve` live: where the loop is (rounds and steps), the current step's own progress
 * (the batch dashboard's panels, the training monitor's loss chart, the curated rows), and always the
 * per-round table with its verdicts and a chart of eval Acc@t2 per round. Fits 100×30.
 */
export function EvolveScreen({ store, onStop, rows: rowsProp, columns: colsProp }: EvolveScreenProps) {
    const s = useStore(store);
    const { stdout } = useStdout();
    const rows = rowsProp ?? (stdout?.rows || 30);
    const columns = colsProp ?? (stdout?.columns || 100);
    const running = s.status === "running" || s.status === "stopping";

    useInput((input, key) => {
        // Ink delivers ctrl+c as input here (exitOnCtrlC is off), so both stop the loop cleanly.
        if ((input === "q" || (key.ctrl && input === "c")) && store.getState().status === "running") onStop?.();
    });

    const inner = Math.max(40, columns - 4);
    const tableRows = displayRows(s.table, s.live);
    const notes = roundNotes(s.table);
    const maxNotes = Math.max(1, Math.min(notes.length, 2 * s.rounds));
    const end = { status: s.status, stopped: s.stopped, error: s.error, out: s.out, rounds: s.rounds };
    // The end box sits inside the screen's border: its own border and padding take 4 more columns.
    const endBox = endBoxRows(end, inner - 4);
    // A note belongs to the step it came in (loading a model, retrying errored items): stale ones go.
    const lastNote = s.notes.length && s.current && s.noteOf?.round === s.current.round && s.noteOf.step === s.current.step ? s.notes.at(-1) : undefined;
    const panel = panelRows(rows, tableRows.length, Math.min(notes.length, maxNotes), endBox, Boolean(lastNote));
    // The chart goes beside the panel when both fit; the table has the same numbers otherwise.
    const chart = inner >= 90 && panel >= tableRows.length + 1;
    const panelWidth = chart ? inner - CHART_WIDTH : inner;
    const sp = s.split;

    return (
        <Box flexDirection="column">
            <Box flexDirection="column" borderStyle="round" borderColor={running ? theme.accent : theme.muted} paddingX={1}>
                <Box>
                    <Box flexShrink={0}>
                        <Text>
                            <Text bold>evolve</Text>
                            <Text color={theme.muted}>
                                {" "}
                                · {s.setting} · {s.rounds} round{s.rounds === 1 ? "" : "s"}
                                {sp ? ` · split ${sp.questions.train} train / ${sp.questions.eval} eval questions (${sp.train}/${sp.eval} items)` : ""} ·{" "}
                            </Text>
                        </Text>
                    </Box>
                    <Text wrap="truncate-start">{s.out}</Text>
                </Box>
                <StepList steps={s.steps} current={s.current} />
                <Box marginTop={1} height={panel} overflowY="hidden">
                    <StepPanel store={store} width={panelWidth} rows={panel} />
                    {chart ? (
                        <Box marginLeft={2} width={CHART_WIDTH - 2} flexDirection="column">
                            <RoundsChart rows={tableRows} />
                        </Box>
                    ) : null}
                </Box>
                {lastNote ? (
                    <Text color={theme.muted} wrap="truncate-end">
                        {lastNote}
                    </Text>
                ) : null}
                <Box marginTop={1}>
                    <RoundsTableView table={s.table} live={s.live} maxNotes={maxNotes} />
                </Box>
                <EndBox {...end} />
            </Box>
            <Text color={theme.muted} wrap="truncate-end">
                {s.status === "running" ? (
                    <>
                        <Text color={theme.accent} bold>
                            q
                        </Text>{" "}
                        stop (finished steps are kept; --resume continues) ·{" "}
                    </>
                ) : s.status === "stopping" ? (
                    <Text color={theme.warn}>… stopping the running step · </Text>
                ) : null}
                ✓ done · ↷ found done · ● running · ○ pending
            </Text>
        </Box>
    );
}
