import { Box, Text, useApp } from "ink";
import { useMemo, useRef } from "react";
import { listBatchRuns } from "../../src/batch/runs.js";
import { useLab } from "../context.js";
import { FieldRow } from "../FieldRow.js";
import { HelpBar } from "../HelpBar.js";
import { HelpOverlay } from "../HelpOverlay.js";
import { useTerminalSize } from "../useTerminalSize.js";
import { theme } from "../theme.js";
import { formEstimateLines, measuredSpeed } from "./formEstimate.js";
import { FORM_FIELDS, formDefaults, type FormContext } from "./formModel.js";
import type { FormState } from "./formState.js";
import { useFormKeys } from "./useFormKeys.js";

const LABEL_WIDTH = Math.max(...FORM_FIELDS.map((f) => f.key.length)) + 2;
const VALUE_WIDTH = 36;
/** Hints beside the fields only where they have room; otherwise the selected field's hint shows below. */
const WIDE = 110;

export interface BatchFormViewProps {
    state: FormState;
    ctx: FormContext;
    /** The model the run loads (the lab's setting). */
    model: string;
    estimate: string[];
    columns: number;
}

/** The batch form: one row per field, the start row, the selected field's hint (or the error), the estimate. */
export function BatchFormView({ state: s, ctx, model, estimate, columns }: BatchFormViewProps) {
    const wide = columns >= WIDE;
    const field = FORM_FIELDS[s.sel];
    const trained = s.values.trained && !s.values.resume ? ", plus the trained reflector/corrector (turn 1 stays with the base model)" : "";
    const hint = field ? `${field.key}: ${field.hint}` : `the run loads its own model instance (${model})${trained}; the lab's stays loaded`;
    return (
        <Box flexDirection="column">
            <Box flexDirection="column" borderStyle="round" borderColor={theme.accent} paddingX={1}>
                <Text bold>batch run</Text>
                {FORM_FIELDS.map((f, i) => {
                    const active = i === s.sel;
                    const editing = active && s.editing !== null;
                    const value = editing ? s.editing! : f.format ? f.format(s.values[f.key], ctx) : s.values[f.key];
                    // A resumed run keeps its stored config: only the parallelism may change.
                    const dimmed = s.values.resume !== "" && f.key !== "resume" && f.key !== "parallel";
                    return <FieldRow key={f.key} active={active} label={f.key} labelWidth={LABEL_WIDTH} value={value} valueWidth={VALUE_WIDTH} typing={editing} choice={f.kind === "choice"} dim={dimmed} hint={wide ? f.hint : undefined} />;
                })}
                <Text color={s.sel === FORM_FIELDS.length ? theme.accent : undefined} bold>
                    {s.sel === FORM_FIELDS.length ? "› " : "  "}▶ start{s.values.resume ? " (resume)" : ""}
                </Text>
                {s.error ? (
                    <Text color={theme.bad} wrap="truncate-end">
                        {s.error}
                    </Text>
                ) : (
                    <Text color={theme.muted} wrap="truncate-end">
                        {hint}
                    </Text>
                )}
                {estimate.map((l, i) => (
                    <Text key={i} color={i === 0 ? undefined : theme.muted} wrap="truncate-end">
                        {l}
                    </Text>
                ))}
            </Box>
            <HelpBar screen="batchForm" />
        </Box>
    );
}

/** The batch form in the lab, prefilled from the settings: up/down move, enter edits or cycles, s starts. */
export function BatchForm() {
    const { store, controller } = useLab();
    const { exit } = useApp();
    const { columns } = useTerminalSize();
    const ctx = useRef<FormContext | null>(null);
    ctx.current ??= { instructionKey: store.getState().instructionKey || controller.lab.pool.keys[0]!, pool: controller.lab.pool, runs: listBatchRuns(controller.batch.sessionsDir) };
    const s = useFormKeys({
        values: () => formDefaults(controller.lab.settings, ctx.current!, controller.batch.sessionsDir),
        ctx: ctx.current,
        onStart: (values) => {
            const err = controller.batch.start(values);
            if (!err) store.getState().setScreen("batch");
            return err;
        },
        onBack: () => store.getState().setScreen("lab"),
        onQuit: () => void controller.quit().then(() => exit())
    });
    const speed = measuredSpeed(controller.batch.store.getState(), store.getState().tokensPerSecond);
    const estimate = useMemo(() => formEstimateLines(s.values, controller.lab.pool, ctx.current!, speed), [s.values, controller.lab.pool, speed?.tokensPerSecond, speed?.source]);
    if (s.help) return <HelpOverlay from="batchForm" />;
    return <BatchFormView state={s} ctx={ctx.current} model={controller.lab.settings.model} estimate={estimate} columns={columns} />;
}
