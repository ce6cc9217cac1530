import { Box, Text } from "ink";
import { useEffect, useRef } from "react";
import { useStore } from "zustand";
import { HelpBar } from "../HelpBar.js";
import { HelpOverlay } from "../HelpOverlay.js";
import { helpBarItems, type KeyId } from "../keymap.js";
import { Lines } from "../lines.js";
import { theme } from "../theme.js";
import { useTerminalSize, WIDE_TERMINAL_SIZE } from "../useTerminalSize.js";
import { CurateController } from "./controller.js";
import { countsLines, countsMinRows } from "./countsLines.js";
import { exampleLines, exampleMinRows } from "./exampleLines.js";
import { exportLines } from "./exportLines.js";
import { curateLayout } from "./layout.js";
import { OPTIONS_PANEL_ROWS, OptionsPanel, OptionsSummary } from "./OptionsPanel.js";
import { RunsPanel, RunsSummary } from "./RunsPanel.js";
import { useCurateKeys } from "./useCurateKeys.js";

export interface CurateScreenProps {
    sessionsDir: string;
    onBack(): void;
    onQuit(): void;
    onExported?(dir: string): void;
    /** Terminal size (default: stdout's, else 100×40); tests pass it. */
    rows?: number;
    columns?: number;
}

/** On a narrow bar the export stays; the example keys go first. */
const BAR_PRIORITY: KeyId[] = ["curate.export", "curate.toggle", "curate.panel", "curate.edit"];

/** Curate training sets from batch runs: choose runs, set options, see counts and examples, export. */
export function CurateScreen({ sessionsDir, onBack, onQuit, onExported, rows: rowsProp, columns: colsProp }: CurateScreenProps) {
    const ref = useRef<CurateController | null>(null);
    ref.current ??= new CurateController(sessionsDir);
    const controller = ref.current;
    const s = useStore(controller.store);
    // Follows resizes: the panels are sized from it (100x40 where the stream reports no size, as before).
    const { rows, columns } = useTerminalSize({ rows: rowsProp, columns: colsProp, fallback: WIDE_TERMINAL_SIZE });
    useCurateKeys({ driver: controller, onBack, onQuit, onExported });
    // The first count reads the preselected run: after the first frame, not before it.
    useEffect(() => {
        controller.refresh();
        return () => controller.dispose();
    }, [controller]);

    // The screen's own input hook closes the overlay (? or esc) and quits under it.
    if (s.help) return <HelpOverlay from="curate" rows={rows} columns={columns} />;
    // The round border and its padding take 4 columns.
    const width = Math.max(20, columns - 4);
    const counts = { plan: s.plan, error: s.planError, counting: s.counting };
    const exportAll = exportLines(s.status, width, Infinity);
    const L = curateLayout({
        rows,
        runs: s.runs.length,
        panel: s.panel,
        options: OPTIONS_PANEL_ROWS,
        counts: { natural: countsLines(counts, width, Infinity).length, min: countsMinRows(counts, width) },
        example: { natural: exampleLines(s.example, s.exampleSet, width, Infinity).length, min: exampleMinRows(s.example) },
        export: { natural: exportAll.length, min: 1 }
    });
    const gap = L.roomy ? 1 : 0;
    const defaultSeed = s.runs.find((r) => r.dir === s.selected[0])?.seed ?? null;
    const runsOpen = L.roomy || s.panel === "runs";
    const optionsOpen = L.roomy || s.panel === "options";
    const bar = s.editing !== null ? [{ id: "curate.edit" as const, keys: "enter", label: "accept" }, { id: "curate.back" as const, keys: "esc", label: "cancel" }] : helpBarItems("curate");

    return (
        <Box flexDirection="column" width={columns}>
            <Box flexDirection="column" borderStyle="round" borderColor={theme.accent} paddingX={1}>
                <Text bold wrap="truncate-end">
                    curate training sets <Text color={theme.muted}>· D+, D±, D_pref from batch runs · {sessionsDir}</Text>
                </Text>
                <Box marginTop={gap} flexDirection="column">
                    {runsOpen ? <RunsPanel runs={s.runs} selected={s.selected} cursor={s.runCursor} focused={s.panel === "runs"} size={L.runWindow} /> : <RunsSummary runs={s.runs} selected={s.selected} />}
                </Box>
                <Box marginTop={gap} flexDirection="column">
                    {optionsOpen ? (
                        <OptionsPanel values={s.values} cursor={s.optCursor} focused={s.panel === "options"} editing={s.editing} defaultSeed={defaultSeed} width={width} />
                    ) : (
                        <OptionsSummary values={s.values} defaultSeed={defaultSeed} />
                    )}
                </Box>
                {L.countRows ? (
                    <Box marginTop={gap}>
                        <Lines lines={countsLines(counts, width, L.countRows)} width={width} />
                    </Box>
                ) : null}
                {L.exampleRows ? (
                    <Box marginTop={gap}>
                        <Lines lines={exampleLines(s.example, s.exampleSet, width, L.exampleRows)} width={width} />
                    </Box>
                ) : null}
                <Box marginTop={gap}>
                    <Lines lines={exportLines(s.status, width, L.exportRows)} width={width} />
                </Box>
            </Box>
            <HelpBar screen="curate" items={bar} width={columns} priority={BAR_PRIORITY} />
        </Box>
    );
}
