import { Box, Text } from "ink";
import { useMemo, useRef } from "react";
import { useStore } from "zustand";
import { compareMany, type CompareManyResult } from "../../src/batch/compareMany.js";
import { methodOf } from "../../src/batch/compareLabel.js";
import { listBatchRuns, readRunManifest, type BatchRunInfo } from "../../src/batch/runs.js";
import { HelpBar } from "../HelpBar.js";
import { HelpOverlay } from "../HelpOverlay.js";
import { fitBarItems, helpBarItems, type KeyId } from "../keymap.js";
import { useTerminalSize } from "../useTerminalSize.js";
import { Lines, wrap } from "../lines.js";
import { theme } from "../theme.js";
import { referenceOf, type CompareState } from "./compareState.js";
import { CompareTableView, tableWindow } from "./CompareTableView.js";
import { PATH_INPUT_ROWS, PathInput } from "./PathInput.js";
import { RunList } from "./RunList.js";
import { createCompareStore } from "./store.js";
import { tableLines } from "./tableLines.js";
import { useCompareKeys } from "./useCompareKeys.js";

export interface CompareScreenProps {
    sessionsDir: string;
    onBack(): void;
    onQuit(): void;
    /** Where a typed relative path starts (default: the working folder). */
    cwd?: string;
    /** The size to lay out for; default the terminal's, following resizes. */
    columns?: number;
    rows?: number;
}

/** Border (2), title (1), help bar (1). */
const FRAME_ROWS = 4;

/** The bar's keys by phase, most important first (a narrow bar drops the last ones). */
function barIds(s: CompareState): KeyId[] {
    if (s.phase === "table") return [...(s.picked.length > 1 ? (["compare.reference"] as KeyId[]) : []), "compare.up", "compare.reload", "compare.back", "help", "quit"];
    return ["compare.toggle", "compare.choose", "compare.open", "compare.reload", "compare.up", "compare.back", "help", "quit"];
}

/** Each run's Tab. 2 method (retry, reflect, one-stage...), read from its manifest; unreadable ones get none. */
function methodLabels(runs: BatchRunInfo[]): Map<string, string> {
    const out = new Map<string, string>();
    for (const r of runs) {
        try {
            out.set(r.dir, methodOf(readRunManifest(r.dir)).label);
        } catch {
            // listBatchRuns read it a moment ago; a run vanishing in between just shows its mode.
        }
    }
    return out;
}

/** Measure reflection: pick batch runs (retry, reflect, trained...; any folder by path) and see them as the paper's Tab. 2, paired on identical turn 1. */
export function CompareScreen({ sessionsDir, onBack, onQuit, cwd, ...size }: CompareScreenProps) {
    // Follows resizes: the list and the table windows are sized from it.
    const { columns: cols, rows } = useTerminalSize(size);
    const store = useRef(createCompareStore(listBatchRuns(sessionsDir))).current;
    const s = useStore(store);
    const width = cols - 4;
    const body = rows - FRAME_ROWS - (s.message ? 1 : 0);

    const labels = useMemo(() => methodLabels(s.runs), [s.runs]);
    const reference = referenceOf(s);
    const result = useMemo((): CompareManyResult | Error | null => {
        if (s.phase !== "table" || !s.picked.length) return null;
        try {
            return compareMany(s.picked, { baseline: reference ?? undefined });
        } catch (e) {
            return e as Error;
        }
    }, [s.phase, s.picked, reference, s.version]);
    const lines = useMemo(() => (result && !(result instanceof Error) ? tableLines(result, width) : []), [result, width]);
    const table = tableWindow(lines.length, body, s.scroll);
    const maxScroll = useRef(0);
    maxScroll.current = table.maxOffset;
    useCompareKeys({ store, sessionsDir, cwd, tableMax: () => maxScroll.current, onBack, onQuit });

    if (s.help) return <HelpOverlay from="compare" columns={cols} rows={rows} />;
    // Kept by importance, shown in keymap order.
    const all = helpBarItems("compare").map((i) => (s.phase === "table" && i.id === "compare.up" ? { ...i, label: "scroll" } : i));
    const keep = new Set(fitBarItems(barIds(s).flatMap((id) => all.filter((i) => i.id === id)), cols).map((i) => i.id));
    const bar = all.filter((i) => keep.has(i.id));
    const title = s.phase === "pick" ? `pick runs with space (${s.picked.length} picked; the first is the reference)` : `Tab. 2 · ${s.picked.length} run${s.picked.length === 1 ? "" : "s"}, paired on identical turn 1`;
    const listRows = Math.max(1, body - 2 - (s.input !== null ? PATH_INPUT_ROWS : 0));
    return (
        <Box flexDirection="column">
            <Box flexDirection="column" borderStyle="round" borderColor={theme.accent} paddingX={1}>
                <Text wrap="truncate-end">
                    <Text bold>compare runs</Text>
                    <Text color={theme.muted}> · {title}</Text>
                </Text>
                {s.phase === "table" ? (
                    result instanceof Error ? (
                        <Lines lines={wrap([{ text: result.message, color: theme.bad }], width).slice(0, body)} width={width} />
                    ) : (
                        <CompareTableView lines={lines} width={width} height={body} offset={s.scroll} />
                    )
                ) : s.runs.length === 0 ? (
                    <Lines lines={wrap([{ text: `no batch runs in ${sessionsDir}: start one with b in the lab or \`reflect-lab batch\`, or open one by path with o`, color: theme.muted }], width).slice(0, 3)} width={width} />
                ) : (
                    <RunList runs={s.runs} sel={s.sel} picked={s.picked} labels={labels} maxRows={listRows} width={width} />
                )}
                {s.input !== null ? <PathInput text={s.input} error={s.inputError} /> : null}
                {s.message ? (
                    <Text color={theme.warn} wrap="truncate-end">
                        {s.message}
                    </Text>
                ) : null}
            </Box>
            {s.input !== null ? <Text color={theme.muted}>type a run folder path · enter opens it · esc cancels</Text> : <HelpBar screen="compare" items={bar} />}
        </Box>
    );
}
