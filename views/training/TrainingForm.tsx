import { Box, Text } from "ink";
import { useMemo } from "react";
import type { TrainerPaths } from "../../src/training/command.js";
import { checkCuratedData } from "../../src/training/data.js";
import type { TrainingSetting } from "../../src/training/types.js";
import { FieldRow } from "../FieldRow.js";
import { Lines, truncate, wrap } from "../lines.js";
import { theme } from "../theme.js";
import { windowStart } from "../windowStart.js";
import { checkCommand, CommandPreview } from "./CommandPreview.js";
import { commandRows } from "./commandRows.js";
import { settingHint, TRAINING_FIELDS, visibleFields, type FormContext } from "./formModel.js";
import { formRows } from "./layout.js";
import type { FormState } from "./trainingState.js";

const LABEL_WIDTH = Math.max(...TRAINING_FIELDS.map((f) => f.key.length)) + 2;
const VALUE_WIDTH = 40;

/** What the chosen data folder holds for the chosen setting, or why it cannot be used. */
function DataLine({ setting, data }: { setting: string; data: string }) {
    const check = useMemo(() => (data.trim() ? checkCuratedData(setting as TrainingSetting, data.trim()) : null), [setting, data]);
    const [text, tone] = !check
        ? ["no curated folder in sessions: run `reflect-lab curate`, or type a path", theme.warn]
        : check.problem
          ? [check.problem, theme.bad]
          : [Object.entries(check.rows).map(([f, r]) => `${f}: ${r.train} train / ${r.eval} eval rows`).join(" · "), theme.muted];
    return (
        <Text color={tone} wrap="truncate-end">
            {text}
        </Text>
    );
}

/** Which fields show at this height: a window around the selection, and the title's note of it. */
export function formWindow(form: FormState, body: number, width: number, paths: Partial<TrainerPaths>) {
    const fields = visibleFields(form.values);
    const check = checkCommand(form.values, paths);
    const full = check.argv ? commandRows(check.argv, width - 2) : [];
    const problem = check.problem ? truncate(wrap([{ text: check.problem, color: theme.warn }], width), 4, width) : [];
    // A refused start whose reason the preview already shows is not said twice.
    const error = form.error && form.error !== check.problem ? truncate(wrap([{ text: form.error, color: theme.bad }], width), 2, width) : [];
    // Start row (with its margin), the data line, the command's margin, the problem and the error.
    const fixed = 2 + 1 + 1 + problem.length + error.length;
    const rows = formRows(body, fields.length, full.length, fixed);
    const start = windowStart(Math.min(form.sel, fields.length - 1), fields.length, rows.fields);
    const command = check.argv ? commandRows(check.argv, width - 2, rows.command) : [];
    const note = rows.fields < fields.length ? `fields ${start + 1}–${start + rows.fields} of ${fields.length}` : null;
    return { fields, start, size: rows.fields, command, problem, error, note, width };
}

/** The training form: setting, data, base model, hyperparameters prefilled from the setting's defaults; the command it runs. */
export function TrainingForm({ form, ctx, view }: { form: FormState; ctx: FormContext; view: ReturnType<typeof formWindow> }) {
    const { fields, start, size } = view;
    return (
        <Box flexDirection="column">
            {fields.slice(start, start + size).map((f, k) => {
                const i = start + k;
                const active = i === form.sel;
                const editing = active && form.editing !== null;
                const value = editing ? form.editing! : form.values[f.key];
                const cyclable = f.kind !== "text" && (f.options?.(ctx).length ?? 0) > 0;
                const hint = f.key === "setting" ? settingHint(form.values) : f.hint;
                return <FieldRow key={f.key} active={active} label={f.key} labelWidth={LABEL_WIDTH} value={value} valueWidth={VALUE_WIDTH} typing={editing} choice={cyclable} placeholder="-" hint={hint} />;
            })}
            <Box marginTop={1}>
                <Text color={form.sel === fields.length ? theme.accent : undefined} bold>
                    {form.sel === fields.length ? "› " : "  "}▶ start training
                </Text>
            </Box>
            <DataLine setting={form.values.setting} data={form.values.data} />
            <CommandPreview lines={view.command} />
            {view.problem.length ? <Lines lines={view.problem} width={view.width} /> : null}
            {view.error.length ? <Lines lines={view.error} width={view.width} /> : null}
        </Box>
    );
}
