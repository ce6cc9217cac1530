import { Box, Text } from "ink";
import { theme } from "../theme.js";
import { FORM_FIELDS, shownValue, type FormState } from "./formModel.js";

const LABEL_WIDTH = Math.max(...FORM_FIELDS.map((f) => f.label.length)) + 2;
const VALUE_WIDTH = 36;

/** Add or edit one endpoint; the key field shows bullets only, and an existing stored key is never read back. */
export function EndpointForm({ form, hasStoredKey }: { form: FormState; hasStoredKey: boolean }) {
    return (
        <Box flexDirection="column">
            <Text bold>{form.editing ? `edit ${form.editing.name}` : "add an endpoint"}</Text>
            {FORM_FIELDS.map((field, i) => {
                const active = i === form.cursor;
                const locked = form.editing !== null && field.id === "name";
                const value = shownValue(field, form.values[field.id]);
                const hint = field.id === "key" && form.editing && hasStoredKey ? "stored: type to replace, empty keeps it" : locked ? "fixed: roles refer to it" : field.hint;
                return (
                    <Box key={field.id}>
                        <Box width={2} flexShrink={0}>
                            <Text color={active ? theme.accent : undefined}>{active ? "›" : ""}</Text>
                        </Box>
                        <Box width={LABEL_WIDTH} flexShrink={0}>
                            <Text color={active ? theme.accent : locked ? theme.muted : undefined} bold={active}>
                                {field.label}
                            </Text>
                        </Box>
                        <Box width={VALUE_WIDTH} flexShrink={0}>
                            {/* Keep the end in view: that is where the typing happens. */}
                            <Text wrap="truncate-start" color={locked ? theme.muted : undefined}>
                                {value}
                                {active ? <Text color={theme.accent}>▌</Text> : null}
                            </Text>
                        </Box>
                        <Text color={theme.muted} wrap="truncate-end">
                            {" "}
                            {hint}
                        </Text>
                    </Box>
                );
            })}
            {form.error ? <Text color={theme.bad}>✗ {form.error}</Text> : null}
        </Box>
    );
}
