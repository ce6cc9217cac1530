// Key dispatch of the batch form: typed text while a field is edited, else key ids from the keymap to reducer actions.
import { useInput } from "ink";
import { useReducer, useRef } from "react";
import { matchKey } from "../keymap.js";
import { typingKey } from "../keys/typing.js";
import type { BatchFormValues, FormContext } from "./formModel.js";
import { formReducer, initialFormState, type FormAction, type FormState } from "./formState.js";

export interface FormKeysOptions {
    values: () => BatchFormValues;
    ctx: FormContext;
    /** Starts the run; returns an error message for the form, or null. */
    onStart: (values: BatchFormValues) => string | null;
    onBack: () => void;
    onQuit: () => void;
}

/** The form's state (a ref: keys can arrive before the handler is re-subscribed) and its key handling. */
export function useFormKeys(o: FormKeysOptions): FormState {
    const ref = useRef<FormState | null>(null);
    ref.current ??= initialFormState(o.values());
    const [, render] = useReducer((x: number) => x + 1, 0);
    const apply = (a: FormAction) => {
        const next = formReducer(ref.current!, a, o.ctx);
        if (next === "exit") return o.onBack();
        if (next === "start") return apply({ type: "error", error: o.onStart(ref.current!.values) });
        if (next !== ref.current) {
            ref.current = next;
            render();
        }
    };

    useInput((input, key) => {
        const s = ref.current!;
        // Typing into a text field: q, s and ? are characters here.
        if (s.editing !== null) {
            const a = typingKey<FormAction>(input, key, { accept: { type: "accept" }, cancel: { type: "cancel" }, backspace: { type: "backspace" }, text: (text) => ({ type: "type", text }) });
            if (a) apply(a);
            return;
        }
        const b = matchKey("batchForm", input, key);
        if (!b) return;
        // The help overlay scrolls with the arrows; only closing it and quitting reach the form then.
        if (s.help && b.id !== "help" && b.id !== "back" && b.id !== "quit") return;
        switch (b.id) {
            case "formUp":
                return apply({ type: "up" });
            case "formDown":
                return apply({ type: "down" });
            case "formEdit":
                return apply({ type: "edit" });
            case "formPrev":
            case "formNext":
                return apply({ type: "cycle", dir: b.id === "formNext" ? 1 : -1 });
            case "formStart":
                return apply({ type: "error", error: o.onStart(s.values) });
            case "help":
                return apply({ type: "help" });
            case "back":
                return apply({ type: "back" });
            case "quit":
                return o.onQuit();
        }
    });

    return ref.current;
}
