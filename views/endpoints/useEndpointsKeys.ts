// Key presses of the endpoints screen → reducer actions and commands, through the one keymap's
// bindings (views/endpoints/keys.ts). The mapping is a pure function; the hook wires it to Ink.
import type { Key } from "ink";
import type { EndpointRole } from "../../src/endpoints/types.js";
import { matchKey, type KeyId } from "../keymap.js";
import { useKeyIntents } from "../useKeyIntents.js";
import type { EndpointsDriver } from "./controller.js";
import type { EndpointsAction, EndpointsState } from "./endpointsState.js";
import { ROLE_KEYS } from "./keys.js";

/** What a key asks for: a reducer action, a command that writes or probes, or leaving the screen. */
export type EndpointsIntent = EndpointsAction | { type: "test" } | { type: "save" } | { type: "answer"; yes: boolean } | { type: "role"; role: EndpointRole } | { type: "back" } | { type: "quit" };

const LIST: Partial<Record<KeyId, EndpointsIntent>> = {
    "endpoints.up": { type: "move", step: -1 },
    "endpoints.down": { type: "move", step: 1 },
    "endpoints.test": { type: "test" },
    "endpoints.add": { type: "openAdd" },
    "endpoints.edit": { type: "openEdit" },
    "endpoints.remove": { type: "ask", kind: "remove" },
    "endpoints.forgetKey": { type: "ask", kind: "forgetKey" },
    "endpoints.back": { type: "back" },
    help: { type: "help", on: true },
    quit: { type: "quit" }
};

const FORM: Partial<Record<KeyId, EndpointsIntent>> = {
    "endpoints.formNext": { type: "formMove", step: 1 },
    "endpoints.formPrev": { type: "formMove", step: -1 },
    "endpoints.formSave": { type: "save" },
    "endpoints.formCancel": { type: "formCancel" }
};

const isRoleKey = (id: string): id is keyof typeof ROLE_KEYS => id in ROLE_KEYS;

/** The intent of one key press in state `s`, or null when the key does nothing here. */
export function endpointsIntent(s: EndpointsState, input: string, key: Key): EndpointsIntent | null {
    const ctrlC = key.ctrl && input === "c";
    if (s.form) {
        // Only the form's own keys act; everything else is text (a key or URL may contain q or ?).
        const b = matchKey("endpointForm", input, key);
        const intent = b && FORM[b.id];
        if (intent) return intent;
        if (ctrlC) return { type: "quit" };
        if (key.backspace || key.delete) return { type: "formBackspace" };
        return input && !key.ctrl && !key.meta ? { type: "formType", text: input } : null;
    }
    if (s.confirm) {
        if (ctrlC) return { type: "quit" };
        // Anything but y keeps the endpoint: a removal is the one change here that cannot be undone by a key.
        return { type: "answer", yes: matchKey("endpoints", input, key)?.id === "endpoints.confirm" };
    }
    const b = matchKey("endpoints", input, key);
    if (!b) return null;
    // Under the overlay only closing it (? or esc) and quitting do anything.
    if (s.help) return b.id === "help" || b.id === "endpoints.back" ? { type: "help", on: false } : b.id === "quit" ? { type: "quit" } : null;
    if (isRoleKey(b.id)) return { type: "role", role: ROLE_KEYS[b.id] };
    return LIST[b.id] ?? null;
}

export interface EndpointsKeysProps {
    driver: EndpointsDriver;
    onBack(): void;
    onQuit(): void;
}

export function useEndpointsKeys({ driver, onBack, onQuit }: EndpointsKeysProps): void {
    // The driver's state, not a render closure: keys can come faster than renders.
    useKeyIntents(
        (input, key) => endpointsIntent(driver.state, input, key),
        {
            test: () => driver.test(),
            save: () => driver.save(),
            answer: (i) => driver.answer(i.yes),
            role: (i) => driver.toggleRole(i.role),
            back: onBack,
            quit: onQuit
        },
        (action) => driver.dispatch(action)
    );
}
