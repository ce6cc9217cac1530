// Key presses of the curate screen → reducer actions and commands, through the one keymap's bindings
// (views/curate/keys.ts). The mapping is a pure function; the hook only wires it to Ink and the driver.
import type { Key } from "ink";
import { matchKey, type KeyId } from "../keymap.js";
import { typingKey } from "../keys/typing.js";
import { useKeyIntents } from "../useKeyIntents.js";
import type { CurateDriver } from "./controller.js";
import type { CurateAction, CurateState } from "./curateState.js";

/** What a key asks for: a reducer action, a command with I/O, or leaving the screen. */
export type CurateIntent = CurateAction | { type: "refresh" } | { type: "export" } | { type: "back" } | { type: "quit" };

const BY_ID: Partial<Record<KeyId, CurateIntent>> = {
    "curate.up": { type: "move", step: -1 },
    "curate.down": { type: "move", step: 1 },
    "curate.panel": { type: "switchPanel" },
    "curate.toggle": { type: "toggle" },
    "curate.edit": { type: "edit" },
    "curate.nextExample": { type: "page", step: 1 },
    "curate.prevExample": { type: "page", step: -1 },
    "curate.set": { type: "nextSet" },
    "curate.refresh": { type: "refresh" },
    "curate.export": { type: "export" },
    "curate.back": { type: "back" },
    help: { type: "help", on: true },
    quit: { type: "quit" }
};

/** The intent of one key press in state `s`, or null when the key does nothing here. */
export function curateIntent(s: CurateState, input: string, key: Key): CurateIntent | null {
    const b = matchKey("curate", input, key);
    if (s.editing !== null) {
        // Typing: only enter, esc and ctrl+c act; q, ?, n, space... are characters of the option.
        if (key.ctrl && input === "c") return { type: "quit" };
        return typingKey<CurateIntent>(input, key, { accept: { type: "accept" }, cancel: { type: "cancel" }, backspace: { type: "backspace" }, text: (text) => ({ type: "type", text }) });
    }
    if (!b) return null;
    // Under the overlay only closing it (? or esc) and quitting do anything.
    if (s.help) return b.id === "help" || b.id === "curate.back" ? { type: "help", on: false } : b.id === "quit" ? { type: "quit" } : null;
    return BY_ID[b.id] ?? null;
}

export interface CurateKeysProps {
    driver: CurateDriver;
    onBack(): void;
    onQuit(): void;
    onExported?(dir: string): void;
}

export function useCurateKeys({ driver, onBack, onQuit, onExported }: CurateKeysProps): void {
    // The driver's state, not a render closure: keys can come faster than renders.
    useKeyIntents(
        (input, key) => curateIntent(driver.state, input, key),
        {
            refresh: () => driver.refresh(),
            export: () =>
                void driver.exportNow().then((dir) => {
                    if (dir) onExported?.(dir);
                }),
            back: onBack,
            quit: onQuit
        },
        (action) => driver.dispatch(action)
    );
}
