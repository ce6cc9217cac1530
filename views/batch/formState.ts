import { cycleValue, FORM_FIELDS, type BatchFormValues, type FormContext } from "./formModel.js";

/** The batch form as a pure reducer: the values, the selected row, the text being typed, help. */
export interface FormState {
    values: BatchFormValues;
    /** Index into FORM_FIELDS; FORM_FIELDS.length is the start row. */
    sel: number;
    /** The text being typed into the selected field, or null when not editing. */
    editing: string | null;
    error: string | null;
    help: boolean;
}

export type FormAction =
    | { type: "up" }
    | { type: "down" }
    /** enter: edit a text field, cycle a choice, or start on the start row. */
    | { type: "edit" }
    | { type: "cycle"; dir: 1 | -1 }
    | { type: "type"; text: string }
    | { type: "backspace" }
    | { type: "accept" }
    | { type: "cancel" }
    | { type: "help" }
    | { type: "back" }
    | { type: "error"; error: string | null };

export const initialFormState = (values: BatchFormValues): FormState => ({ values, sel: 0, editing: null, error: null, help: false });

/** The next state; "start" when the run should start (enter on the start row), "exit" when back leaves the form. */
export function formReducer(s: FormState, a: FormAction, ctx: FormContext): FormState | "start" | "exit" {
    const field = FORM_FIELDS[s.sel];
    const n = FORM_FIELDS.length + 1;
    switch (a.type) {
        case "up":
            return { ...s, sel: (s.sel - 1 + n) % n };
        case "down":
            return { ...s, sel: (s.sel + 1) % n };
        case "edit":
            if (!field) return "start";
            if (field.kind === "text") return { ...s, editing: s.values[field.key] };
            return { ...s, values: { ...s.values, [field.key]: cycleValue(field, s.values[field.key], 1, ctx) }, error: null };
        case "cycle":
            return field?.kind === "choice" ? { ...s, values: { ...s.values, [field.key]: cycleValue(field, s.values[field.key], a.dir, ctx) }, error: null } : s;
        case "type":
            return s.editing === null ? s : { ...s, editing: s.editing + a.text };
        case "backspace":
            return s.editing === null ? s : { ...s, editing: s.editing.slice(0, -1) };
        case "accept":
            return s.editing === null || !field ? s : { ...s, values: { ...s.values, [field.key]: s.editing }, editing: null, error: null };
        case "cancel":
            return { ...s, editing: null };
        case "help":
            return { ...s, help: !s.help };
        case "back":
            return s.help ? { ...s, help: false } : "exit";
        case "error":
            return { ...s, error: a.error };
    }
}
