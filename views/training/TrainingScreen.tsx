import { Box, Text, useStdout } from "ink";
import { useEffect, useRef } from "react";
import { useStore } from "zustand";
import { listCuratedFolders } from "../../src/training/data.js";
import { defaultTrainingOut, listTrainingRuns } from "../../src/training/runs.js";
import type { TrainingRequest } from "../../src/training/types.js";
import { HelpBar } from "../HelpBar.js";
import { helpBarItems, type KeyId } from "../keymap.js";
import { theme } from "../theme.js";
import { TrainingController } from "./controller.js";
import { formDefaults, HYPER_KEYS, type FieldKey, type FormContext } from "./formModel.js";
import { RunsList } from "./RunsList.js";
import { createTrainingStore, type TrainingViewState } from "./store.js";
import { TrainingForm } from "./TrainingForm.js";
import { TrainingHelp } from "./TrainingHelp.js";
import { TrainingMonitor } from "./TrainingMonitor.js";
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
}

/** Which keys the help bar shows, by what the screen shows. */
function barIds(s: TrainingViewState): KeyId[] {
    if (s.help) return ["help", "quit"];
    if (s.mode === "form") return ["train.up", "train.next", "train.edit", "train.start", "train.runs", "train.back", "help", "quit"];
    if (s.mode === "runs") return ["train.up", "train.edit", "train.resume", "train.new", "train.runs", "train.back", "help", "quit"];
    const st = s.run?.state;
    if (st === "running" || st === "stopping") return ["train.abort", "train.runs", "train.back", "help", "quit"];
    return [...(st === "failed" || st === "aborted" ? (["train.resume"] as KeyId[]) : []), "train.new", "train.runs", "train.back", "help", "quit"];
}

const RELABEL: Partial<Record<string, Partial<Record<KeyId, string>>>> = {
    runs: { "train.edit": "open", "train.runs": "back to the form" }
};

/** The training screen: form with the exact command, live monitor (progress, ETA, loss chart, trainer output), past runs. */
export function TrainingScreen({ sessionsDir, onBack, onQuit, defaults, python, script }: TrainingScreenProps) {
    const { stdout } = useStdout();
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
    useTrainingKeys({ controller, ctx: () => ctx.current!, onBack, onQuit });
    // Leaving the screen (the lab quits, the parent unmounts) must not leave a trainer behind.
    useEffect(() => () => void controller.dispose(), [controller]);

    const cols = stdout?.columns || 100;
    const chartWidth = Math.max(20, Math.min(72, cols - 14));
    const labels = RELABEL[s.mode] ?? {};
    const ids = barIds(s);
    const items = helpBarItems("train")
        .filter((i) => ids.includes(i.id))
        .map((i) => ({ ...i, label: labels[i.id] ?? i.label }));
    const editing = s.mode === "form" && s.form.editing !== null;
    const title = s.mode === "runs" ? "training · past runs" : s.mode === "monitor" && s.run ? `training · ${s.run.setting}` : "training · new run";

    return (
        <Box flexDirection="column">
            <Box flexDirection="column" borderStyle="round" borderColor={s.run?.state === "running" ? theme.accent : theme.muted} paddingX={1}>
                <Text bold>{title}</Text>
                {s.help ? (
                    <TrainingHelp />
                ) : s.mode === "runs" ? (
                    <RunsList runs={s.runs} sel={s.runSel} chartWidth={chartWidth} maxRows={Math.max(3, Math.min(10, (stdout?.rows || 40) - 22))} />
                ) : s.mode === "monitor" && s.run ? (
                    <TrainingMonitor run={s.run} chartWidth={chartWidth} />
                ) : (
                    <TrainingForm form={s.form} ctx={ctx.current!} paths={{ python, script }} />
                )}
                {s.notice ? <Text color={theme.warn}>{s.notice}</Text> : null}
                {s.confirmBack ? <Text color={theme.warn}>a trainer is running: y aborts it (whole process tree) and goes back · any other key stays</Text> : null}
                {s.quitting ? <Text color={theme.warn}>… stopping the trainer, then quitting</Text> : null}
            </Box>
            {editing ? (
                <Text color={theme.muted}>type · backspace deletes · enter accepts · esc cancels</Text>
            ) : (
                <HelpBar screen="train" items={items} />
            )}
        </Box>
    );
}
