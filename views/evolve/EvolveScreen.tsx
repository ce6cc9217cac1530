import { Box, Text, useInput } from "ink";
import { useStore } from "zustand";
import { textWidth } from "../lines.js";
import { theme } from "../theme.js";
import { useTerminalSize } from "../useTerminalSize.js";
import { EndBox, endBoxRows } from "./EndBox.js";
import type { EvolveViewState, EvolveStore } from "./evolveStore.js";
import { CHART_WIDTH, evolveLayout } from "./layout.js";
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

const FALLBACK_SIZE = { columns: 100, rows: 30 };

/** Columns the out folder keeps at least beside the header (its end: the folder's name). */
const OUT_MIN = 12;

/** What follows "evolve" in the header, as long as the width allows: the split's item counts go first, then the split. */
export function headerSettings(s: Pick<EvolveViewState, "setting" | "rounds" | "split">, width: number): string {
    const sp = s.split;
    const head = ` · ${s.setting} · ${s.rounds} round${s.rounds === 1 ? "" : "s"}`;
    const variants = sp ? [`${head} · split ${sp.questions.train} train / ${sp.questions.eval} eval questions (${sp.train}/${sp.eval} items) · `, `${head} · split ${sp.questions.train}/${sp.questions.eval} questions · `] : [];
    return variants.find((v) => textWidth(`evolve${v}`) <= width - OUT_MIN) ?? `${head} · `;
}

/** The legend under the box, shorter on a narrow screen. */
function legend(columns: number): { stop: string; marks: string } {
    return columns >= 100 ? { stop: "stop (finished steps are kept; --resume continues) · ", marks: "✓ done · ↷ found done · ● running · ○ pending" } : { stop: "stop (--resume continues) · ", marks: "✓ done ↷ found done ● running ○ pending" };
}

/**
 * `reflect-lab evolve` live: where the loop is (rounds and steps), the current step's own progress
 * (the batch dashboard's panels, the training monitor's loss chart, the curated rows), and always the
 * per-round table with its verdicts and a chart of eval Acc@t2 per round. Fits 80×24 and up.
 */
export function EvolveScreen({ store, onStop, rows: rowsProp, columns: colsProp }: EvolveScreenProps) {
    const s = useStore(store);
    // Follows resizes: the layout is sized from it (100x30 where the stream reports no size, as before).
    const { rows, columns } = useTerminalSize({ rows: rowsProp, columns: colsProp, fallback: FALLBACK_SIZE });
    const running = s.status === "running" || s.status === "stopping";

    useInput((input, key) => {
        // Ink delivers ctrl+c as input here (exitOnCtrlC is off), so both stop the loop cleanly.
        if ((input === "q" || (key.ctrl && input === "c")) && store.getState().status === "running") onStop?.();
    });

    const inner = Math.max(40, columns - 4);
    const tableRows = displayRows(s.table, s.live);
    const notes = roundNotes(s.table);
    const end = { status: s.status, stopped: s.stopped, error: s.error, out: s.out, rounds: s.rounds };
    // The end box sits inside the screen's border: its own border and padding take 4 more columns.
    const endWidth = inner - 4;
    // A note belongs to the step it came in (loading a model, retrying errored items): stale ones go.
    const lastNote = s.notes.length && s.current && s.noteOf?.round === s.current.round && s.noteOf.step === s.current.step ? s.notes.at(-1) : undefined;
    const L = evolveLayout({ rows, columns, tableRows: tableRows.length, notes: Math.min(notes.length, 2 * s.rounds), endBox: endBoxRows(end, endWidth), lastNote: Boolean(lastNote), running });
    const gap = L.roomy ? 1 : 0;
    const { stop, marks } = legend(columns);

    return (
        <Box flexDirection="column" width={columns}>
            <Box flexDirection="column" borderStyle="round" borderColor={running ? theme.accent : theme.muted} paddingX={1}>
                <Box>
                    <Box flexShrink={0}>
                        <Text>
                            <Text bold>evolve</Text>
                            <Text color={theme.muted}>{headerSettings(s, inner)}</Text>
                        </Text>
                    </Box>
                    <Text wrap="truncate-start">{s.out}</Text>
                </Box>
                <StepList steps={s.steps} current={s.current} />
                {/* Not stretched to the height: rows beyond it are cut off below, never squeezed over each other. */}
                <Box marginTop={gap} height={L.panel} overflowY="hidden" alignItems="flex-start">
                    <StepPanel store={store} width={L.panelWidth} rows={L.panel} />
                    {L.chart ? (
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
                <Box marginTop={gap}>
                    <RoundsTableView table={s.table} live={s.live} maxNotes={L.notes} maxRows={L.tableRows} width={inner} />
                </Box>
                <EndBox {...end} width={endWidth} maxRows={L.endBox} />
            </Box>
            <Text color={theme.muted} wrap="truncate-end">
                {s.status === "running" ? (
                    <>
                        <Text color={theme.accent} bold>
                            q
                        </Text>{" "}
                        {stop}
                    </>
                ) : s.status === "stopping" ? (
                    <Text color={theme.warn}>… stopping the running step · </Text>
                ) : null}
                {marks}
            </Text>
        </Box>
    );
}
