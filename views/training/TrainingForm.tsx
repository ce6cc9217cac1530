import { Box, Text } from "ink";
import { useMemo } from "react";
import type { TrainerPaths } from "../../src/training/command.js";
import { checkCuratedData } from "../../src/training/data.js";
import type { TrainingSetting } from "../../src/training/types.js";
import { theme } from "../theme.js";
import { CommandPreview } from "./CommandPreview.js";
import { settingHint, TRAINING_FIELDS, visibleFields, type FormContext } from "./formModel.js";
import type { FormState } from "./store.js";

const LABEL_WIDTH = Math.max(...TRAINING_FIELDS.map((f) => f.key.length)) + 2;

/** What the chosen data folder holds for the chosen setting, or why it cannot be used. */
function DataLine({ setting, data }: { setting: string; data: string }) {
    const check = useMemo(() => (data.trim() ? checkCuratedData(setting as TrainingSetting, data.trim()) : null), [setting, data]);
    if (!check) return <Text color={theme.warn}>no curated folder in sessions: run `reflect-lab curate`, or type a path</Text>;
    if (check.problem) return <Text color={theme.bad}>{check.problem}</Text>;
    return <Text color={theme.muted}>{Object.entries(check.rows).map(([f, r]) => `${f}: ${r.train} train / ${r.eval} eval rows`).join(" · ")}</Text>;
}

/** The training form: setting, data, base model, hyperparameters prefilled from the setting's defaults; the command it runs. */
export function TrainingForm({ form, ctx, paths }: { form: FormState; ctx: FormContext; paths: Partial<TrainerPaths> }) {
    const fields = visibleFields(form.values);
    return (
        <Box flexDirection="column">
            {fields.map((f, i) => {
                const active = i === form.sel;
                const editing = active && form.editing !== null;
                const value = editing ? form.editing! : form.values[f.key];
                const cyclable = f.kind !== "text" && (f.options?.(ctx).length ?? 0) > 0;
                const hint = f.key === "setting" ? settingHint(form.values) : f.hint;
                return (
                    <Box key={f.key}>
                        {/* Fixed widths: a long hint must shrink itself, not the marker or the label. */}
                        <Box width={2} flexShrink={0}>
                            <Text color={active ? theme.accent : undefined}>{active ? "›" : " "}</Text>
                        </Box>
                        <Box width={LABEL_WIDTH} flexShrink={0}>
                            <Text color={active ? theme.accent : undefined} bold={active}>
                                {f.key}
                            </Text>
                        </Box>
                        <Box width={40} flexShrink={0}>
                            <Text wrap="truncate-start" bold={active}>
                                {cyclable && active && !editing ? "‹ " : ""}
                                {value || (editing ? "" : <Text color={theme.muted}>-</Text>)}
                                {editing ? <Text color={theme.accent}>▌</Text> : cyclable && active ? " ›" : ""}
                            </Text>
                        </Box>
                        <Box marginLeft={1}>
                            <Text color={theme.muted} wrap="truncate-end">
                                {hint}
                            </Text>
                        </Box>
                    </Box>
                );
            })}
            <Box marginTop={1}>
                <Text color={form.sel === fields.length ? theme.accent : undefined} bold>
                    {form.sel === fields.length ? "› " : "  "}▶ start training
                </Text>
            </Box>
            <DataLine setting={form.values.setting} data={form.values.data} />
            <CommandPreview values={form.values} paths={paths} />
            {form.error ? <Text color={theme.bad}>{form.error}</Text> : null}
        </Box>
    );
}
