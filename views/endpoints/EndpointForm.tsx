import { Box, Text } from "ink";
import { FieldRow } from "../FieldRow.js";
import { Lines, truncate, wrap, type Line } from "../lines.js";
import { theme } from "../theme.js";
import { FORM_FIELDS, shownValue, type FormState } from "./formModel.js";

const LABEL_WIDTH = Math.max(...FORM_FIELDS.map((f) => f.label.length)) + 2;
const VALUE_WIDTH = 36;
/** Rows of a validation error at most. */
const ERROR_ROWS = 2;

function errorLines(form: FormState, width: number): Line[] {
    return form.error ? truncate(wrap([{ text: `✗ ${form.error}`, color: theme.bad }], width), ERROR_ROWS, width) : [];
}

/** Rows the form takes at `width`: title, one per field, the error. */
export const formRows = (form: FormState, width: number): number => 1 + FORM_FIELDS.length + errorLines(form, width).length;

/** Add or edit one endpoint; the key field shows bullets only, and an existing stored key is never read back. */
export function EndpointForm({ form, hasStoredKey, width }: { form: FormState; hasStoredKey: boolean; width: number }) {
    const valueWidth = Math.max(12, Math.min(VALUE_WIDTH, width - 2 - LABEL_WIDTH - 12));
    return (
        <Box flexDirection="column">
            <Text bold wrap="truncate-end">
                {form.editing ? `edit ${form.editing.name}` : "add an endpoint"}
            </Text>
            {FORM_FIELDS.map((field, i) => {
                const active = i === form.cursor;
                const locked = form.editing !== null && field.id === "name";
                const value = shownValue(field, form.values[field.id]);
                const hint = field.id === "key" && form.editing && hasStoredKey ? "stored: type to replace, empty keeps it" : locked ? "fixed: roles refer to it" : field.hint;
                // The selected field is the one typed into: its end stays in view.
                return <FieldRow key={field.id} active={active} label={field.label} labelWidth={LABEL_WIDTH} value={value} valueWidth={valueWidth} typing={active} dim={locked} hint={hint} />;
            })}
            <Lines lines={errorLines(form, width)} width={width} />
        </Box>
    );
}
