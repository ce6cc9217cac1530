import type { Key } from "ink";

/** What each of the typing keys becomes on a screen (its own action names). */
export interface TypingActions<A> {
    accept: A;
    cancel: A;
    backspace: A;
    text: (text: string) => A;
}

/**
 * A key press while a text field is typed into: every key is text (q and ? too) but enter (accept),
 * esc (cancel) and backspace; ctrl, meta and tab chords are not text (null: the screen may bind them).
 */
export function typingKey<A>(input: string, key: Key, to: TypingActions<A>): A | null {
    if (key.return) return to.accept;
    if (key.escape) return to.cancel;
    if (key.backspace || key.delete) return to.backspace;
    if (input && !key.ctrl && !key.meta && !key.tab) return to.text(input);
    return null;
}
