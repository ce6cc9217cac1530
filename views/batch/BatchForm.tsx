import { Box, Text, useApp, useInput } from "ink";
import { useReducer, useRef } from "react";
import { useLab } from "../context.js";
import { HelpBar } from "../HelpBar.js";
import { HelpOverlay } from "../HelpOverlay.js";
import { matchKey } from "../keymap.js";
import { theme } from "../theme.js";
import { cycleValue, FORM_FIELDS, formDefaults, type BatchFormValues, type FormContext } from "./formModel.js";
import { listBatchRuns } from "../../src/batch/runs.js";

interface FormState {
    values: BatchFormValues;
    /** Index into FORM_FIELDS; FORM_FIELDS.length is the start row. */
    sel: number;
    /** The text being typed into the selected field, or null when not editing. */
    editing: string | null;
    error: string | null;
    help: boolean;
}

const LABEL_WIDTH = Math.max(...FORM_FIELDS.map((f) => f.key.length)) + 2;

/** The batch form, prefilled from the settings: up/down move, enter edits or cycles, s starts. */
export function BatchForm() {
    const { store, controller } = useLab();
    const { exit } = useApp();
    // State lives in a ref: keys can arrive before the input handler is re-subscribed with fresh state.
    const ctx = useRef<FormContext | null>(null);
    ctx.current ??= { instructionKey: store.getState().instructionKey || controller.lab.pool.keys[0]!, pool: controller.lab.pool, runs: listBatchRuns(controller.batch.sessionsDir) };
    const st = useRef<FormState | null>(null);
    st.current ??= { values: formDefaults(controller.lab.settings, ctx.current, controller.batch.sessionsDir), sel: 0, editing: null, error: null, help: false };
    const [, render] = useReducer((x: number) => x + 1, 0);
    const update = (patch: Partial<FormState>) => {
        st.current = { ...st.current!, ...patch };
        render();
    };

    const start = () => {
        const err = controller.batch.start(st.current!.values);
        if (err) return update({ error: err });
        update({ error: null });
        store.getState().setScreen("batch");
    };

    useInput((input, key) => {
        const s = st.current!;
        const field = FORM_FIELDS[s.sel];
        if (s.editing !== null && field) {
            if (key.return) update({ values: { ...s.values, [field.key]: s.editing }, editing: null });
            else if (key.escape) update({ editing: null });
            else if (key.backspace || key.delete) update({ editing: s.editing.slice(0, -1) });
            else if (input && !key.ctrl && !key.meta) update({ editing: s.editing + input });
            return;
        }
        const b = matchKey("batchForm", input, key);
        if (!b) return;
        const n = FORM_FIELDS.length + 1;
        switch (b.id) {
            case "formUp":
                return update({ sel: (s.sel - 1 + n) % n });
            case "formDown":
                return update({ sel: (s.sel + 1) % n });
            case "formEdit":
                if (!field) return start();
                if (field.kind === "text") return update({ editing: s.values[field.key] });
                return update({ values: { ...s.values, [field.key]: cycleValue(field, s.values[field.key], 1, ctx.current!) } });
            case "formPrev":
            case "formNext":
                if (field?.kind === "choice") update({ values: { ...s.values, [field.key]: cycleValue(field, s.values[field.key], b.id === "formNext" ? 1 : -1, ctx.current!) } });
                return;
            case "formStart":
                return start();
            case "help":
                return update({ help: !s.help });
            case "back":
                if (s.help) return update({ help: false });
                return store.getState().setScreen("lab");
            case "quit":
                void controller.quit().then(() => exit());
                return;
        }
    });

    const s = st.current;
    if (s.help) return <HelpOverlay />;
    return (
        <Box flexDirection="column">
            <Box flexDirection="column" borderStyle="round" borderColor={theme.accent} paddingX={1}>
                <Text bold>batch run</Text>
                {FORM_FIELDS.map((f, i) => {
                    const active = i === s.sel;
                    const editing = active && s.editing !== null;
                    const value = editing ? s.editing! : f.format ? f.format(s.values[f.key], ctx.current!) : s.values[f.key];
                    const dimmed = s.values.resume !== "" && f.key !== "resume" && f.key !== "parallel";
                    return (
                        <Box key={f.key}>
                            <Text color={active ? theme.accent : undefined}>{active ? "› " : "  "}</Text>
                            <Box width={LABEL_WIDTH} flexShrink={0}>
                                <Text color={active ? theme.accent : dimmed ? theme.muted : undefined} bold={active}>
                                    {f.key}
                                </Text>
                            </Box>
                            <Box width={36} flexShrink={0}>
                                <Text wrap="truncate-start" bold={active} color={dimmed ? theme.muted : undefined}>
                                    {f.kind === "choice" && active ? "‹ " : ""}
                                    {value}
                                    {editing ? <Text color={theme.accent}>▌</Text> : f.kind === "choice" && active ? " ›" : ""}
                                </Text>
                            </Box>
                            <Box marginLeft={1}>
                                <Text color={theme.muted} wrap="truncate-end">
                                    {f.hint}
                                </Text>
                            </Box>
                        </Box>
                    );
                })}
                <Box marginTop={1}>
                    <Text color={s.sel === FORM_FIELDS.length ? theme.accent : undefined} bold>
                        {s.sel === FORM_FIELDS.length ? "› " : "  "}▶ start{s.values.resume ? " (resume)" : ""}
                    </Text>
                </Box>
                <Text color={theme.muted}>
                    The run loads its own model instance ({controller.lab.settings.model}){s.values.trained && !s.values.resume ? ", plus the trained reflector/corrector (turn 1 stays with the base model)" : ""}; the lab's stays loaded.
                </Text>
                {s.error ? <Text color={theme.bad}>{s.error}</Text> : null}
            </Box>
            <HelpBar screen="batchForm" />
        </Box>
    );
}
