import { Box, Text } from "ink";
import { useEffect, useMemo, useRef } from "react";
import { useStore } from "zustand";
import { listCuratedFolders } from "../../src/training/data.js";
import { resumePoint } from "../../src/training/checkpoints.js";
import { defaultTrainingOut, listTrainingRuns } from "../../src/training/runs.js";
import type { TrainingRequest } from "../../src/training/types.js";
import { HelpBar } from "../HelpBar.js";
import { HelpOverlay } from "../HelpOverlay.js";
import { fitBarItems, helpBarItems, type KeyId } from "../keymap.js";
import { useTerminalSize } from "../useTerminalSize.js";
import { theme } from "../theme.js";
import { TrainingController } from "./controller.js";
import { formDefaults, HYPER_KEYS, type FieldKey, type FormContext } from "./formModel.js";
import { FRAME_COLS, FRAME_ROWS, runsRows } from "./layout.js";
import { isLive } from "./monitorModel.js";
import { RunsList } from "./RunsList.js";
import { createTrainingStore } from "./store.js";
import { formWindow, TrainingForm } from "./TrainingForm.js";
import type { TrainingViewState } from "./trainingState.js";
import { TrainingMonitor } from "./TrainingMonitor.js";
import { useClock } from "./useClock.js";
import { useTrainingKeys } from "./useTrainingKeys.js";

export interface TrainingScreenProps {
    sessionsDir: string;
    onBack(): void;
    onQuit(): void;
    /** Prefill of the form (e.g. the lab's model as base, a curated folder just written). */
    defaults?: Partial<TrainingRequest>;
    /** The trainer's Python and script (tests: the fake trainer); default: training/.venv and training/train.py. */
    python?: string;
    script?: string;
    /** The size to lay out for; default the terminal's, following resizes. */
    columns?: number;
    rows?: number;
}

/**
 * Which keys the help bar shows, by what the screen shows, most important first (a narrow bar drops
 * the last ones; the arrows early, a new user tries them anyway); r only where there is something to resume from.
 */
function barIds(s: TrainingViewState, canResume: boolean): KeyId[] {
    const resume: KeyId[] = canResume ? ["train.resume"] : [];
    if (s.mode === "form") return ["train.edit", "train.start", "train.next", "train.runs", "train.up", "train.back", "help", "quit"];
    if (s.mode === "runs") return ["train.edit", ...resume, "train.new", "train.runs", "train.up", "train.back", "help", "quit"];
    if (s.run && isLive(s.run)) return ["train.abort", "train.runs", "train.back", "help", "quit"];
    return [...resume, "train.new", "train.runs", "train.back", "help", "quit"];
}

const RELABEL: Partial<Record<string, Partial<Record<KeyId, string>>>> = {
    runs: { "train.edit": "open", "train.runs": "form" }
};

/** The training screen: form with the exact command, live monitor (progress, ETA, loss chart, trainer output), past runs; fits the terminal. */
export function TrainingScreen({ sessionsDir, onBack, onQuit, defaults, python, script, ...size }: TrainingScreenProps) {
    // Follows resizes: the windows below are sized from it.
    const { columns: cols, rows } = useTerminalSize(size);
    const ctl = useRef<TrainingController | null>(null);
    const ctx = useRef<FormContext | null>(null);
    if (!ctl.current) {
        ctx.current = { curated: listCuratedFolders(sessionsDir).map((c) => c.dir) };
        const edited = HYPER_KEYS.filter((k) => defaults?.hyper?.[k] !== undefined) as FieldKey[];
        const store = createTrainingStore(formDefaults({ ...defaults, out: defaults?.out ?? defaultTrainingOut(sessionsDir) }, ctx.current), listTrainingRuns(sessionsDir), edited);
        ctl.current = new TrainingController(store, sessionsDir, { python, script });
    }
    const controller = ctl.current;
    const s = useStore(controller.store);
    useTrainingKeys({ effects: controller, ctx: () => ctx.current!, onBack, onQuit });
    // Leaving the screen (the lab quits, the parent unmounts) must not leave a trainer behind.
    useEffect(() => () => void controller.dispose(), [controller]);
    const now = useClock(!!s.run && isLive(s.run));

    const width = cols - FRAME_COLS;
    const extras = (s.notice ? 1 : 0) + (s.confirmBack ? 1 : 0) + (s.quitting ? 1 : 0);
    const body = rows - FRAME_ROWS - extras;
    const chartWidth = Math.max(20, Math.min(72, cols - 14));
    const cur = s.mode === "runs" ? s.runs[s.runSel] : undefined;
    const runResumable = useMemo(() => !!cur?.resumable && !!resumePoint(cur.dir, cur.progress.stageNames), [cur]);
    const canResume = s.mode === "runs" ? runResumable : !!s.run && !isLive(s.run) && s.run.state !== "done" && !!s.run.resume;
    const labels = RELABEL[s.mode] ?? {};
    // Kept by importance, shown in keymap order.
    const all = helpBarItems("train").map((i) => ({ ...i, label: labels[i.id] ?? i.label }));
    const keep = new Set(fitBarItems(barIds(s, canResume).flatMap((id) => all.filter((i) => i.id === id)), cols).map((i) => i.id));
    const items = all.filter((i) => keep.has(i.id));
    const editing = s.mode === "form" && s.form.editing !== null;
    const form = useMemo(() => formWindow(s.form, body, width, { python, script }), [s.form, body, width, python, script]);
    const runsFit = runsRows(body, s.runs.length);
    const title =
        s.mode === "runs" ? "training · past runs" : s.mode === "monitor" && s.run ? `training · ${s.run.setting}` : `training · new run${form.note ? ` · ${form.note}` : ""}`;

    // The overlay scrolls its own keys; ? and esc reach this screen's hook too, which closes it.
    if (s.help) return <HelpOverlay from="train" columns={cols} rows={rows} />;
    const bar = editing ? <Text color={theme.muted}>type · backspace deletes · enter accepts · esc cancels</Text> : <HelpBar screen="train" items={items} />;
    return (
        <Box flexDirection="column">
            <Box flexDirection="column" borderStyle="round" borderColor={s.run?.state === "running" ? theme.accent : theme.muted} paddingX={1}>
                <Text bold wrap="truncate-end">
                    {title}
                </Text>
                {s.mode === "runs" ? (
                    <RunsList runs={s.runs} sel={s.runSel} chartWidth={chartWidth} maxRows={runsFit.list} chartHeight={runsFit.chart} />
                ) : s.mode === "monitor" && s.run ? (
                    <TrainingMonitor run={s.run} now={now} chartWidth={chartWidth} rows={body} />
                ) : (
                    <TrainingForm form={s.form} ctx={ctx.current!} view={form} />
                )}
                {s.notice ? (
                    <Text color={theme.warn} wrap="truncate-end">
                        {s.notice}
                    </Text>
                ) : null}
                {s.confirmBack ? <Text color={theme.warn}>a trainer is running: y aborts it and goes back · any other key stays</Text> : null}
                {s.quitting ? <Text color={theme.warn}>… stopping the trainer, then quitting</Text> : null}
            </Box>
            {bar}
        </Box>
    );
}
