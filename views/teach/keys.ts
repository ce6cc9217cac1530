import type { Key } from "ink";
import type { KeyBinding } from "../keys/types.js";

export type TeachKeyId = "next" | "back" | "up" | "down" | "reveal" | "hide" | "pause" | "slower" | "faster" | "gallery" | "side" | "new" | "export" | "help" | "esc" | "quit";

/** What a key needs to be offered: a source with entries, siblings of the open entry, live mode, an exporter, a host to go back to. */
export type TeachNeed = "source" | "siblings" | "live" | "export" | "back";

/** A binding of the shared shape (views/keys/types.ts); `when` is unused: the presenter offers keys by what they need. */
export interface TeachKey extends KeyBinding<TeachKeyId> {
    needs?: TeachNeed;
}

/**
 * The presenter's keys: the footer, the `?` overlay and dispatch are built from this one list. Right
 * arrow / page down also advance and left / page up go back, because presentation clickers send those.
 * The gallery, side-by-side view and question form own their keys while they are shown.
 */
export const TEACH_KEYS: TeachKey[] = [
    { id: "next", keys: "space/enter/→", description: "next stage (a stage still typing is completed first; a hidden verdict is revealed first)", bar: "next", barKeys: "space", match: (i, k) => i === " " || k.return || k.rightArrow || k.pageDown },
    { id: "back", keys: "backspace/←", description: "previous stage", bar: "back", barKeys: "⌫", match: (_i, k) => k.backspace || k.delete || k.leftArrow || k.pageUp },
    { id: "up", keys: "↑", description: "scroll a long stage up", bar: "scroll", barKeys: "↑↓", match: (_i, k) => k.upArrow },
    { id: "down", keys: "↓", description: "scroll a long stage down", match: (_i, k) => k.downArrow },
    { id: "reveal", keys: "v", description: "reveal the verdict of this stage (when verdicts are hidden)", bar: "reveal", match: (i) => i === "v" },
    { id: "hide", keys: "h", description: "hide verdicts until v: let the class guess first (toggle)", bar: "hide", match: (i) => i === "h" },
    { id: "pause", keys: "p", description: "pause / resume the typing", bar: "pause", match: (i) => i === "p" },
    { id: "slower", keys: "-", description: "type slower (instant → fast → readable → slow)", match: (i) => i === "-" || i === "_" },
    { id: "faster", keys: "+", description: "type faster (slow → readable → fast → instant)", match: (i) => i === "+" || i === "=" },
    { id: "gallery", keys: "g", description: "gallery: every recorded walkthrough of the source", bar: "gallery", needs: "source", match: (i) => i === "g" },
    { id: "side", keys: "s", description: "side by side: this chain beside another on the same failed attempt", bar: "side", needs: "siblings", match: (i) => i === "s" },
    { id: "new", keys: "n", description: "new question: type one and watch the model work on it", bar: "new", needs: "live", match: (i) => i === "n" },
    { id: "export", keys: "x", description: "export this walkthrough as a handout", bar: "export", needs: "export", match: (i) => i === "x" },
    { id: "help", keys: "?", description: "all keys (? or esc closes)", bar: "keys", match: (i) => i === "?" },
    { id: "esc", keys: "esc", description: "close the keys; else back to the lab (embedded) or to the gallery", bar: "back", barKeys: "esc", needs: "back", match: (_i, k) => k.escape },
    { id: "quit", keys: "q/ctrl+c", description: "quit", bar: "quit", barKeys: "q", match: (i, k) => i === "q" || (k.ctrl && i === "c") }
];

export type TeachAvailable = Partial<Record<TeachNeed, boolean>>;

const offered = (k: TeachKey, avail: TeachAvailable) => !k.needs || avail[k.needs] === true;

/**
 * The key a press triggers. esc always matches (it closes the overlay even with nowhere to go back
 * to); the other keys only when what they need is there.
 */
export function matchTeachKey(input: string, key: Key, avail: TeachAvailable): TeachKey | undefined {
    return TEACH_KEYS.find((k) => (k.id === "esc" || offered(k, avail)) && k.match(input, key));
}

/** The footer's keys, in keymap order, for what is available now. */
export function teachBarItems(avail: TeachAvailable): { id: TeachKeyId; keys: string; label: string }[] {
    return TEACH_KEYS.filter((k) => k.bar && offered(k, avail)).map((k) => ({ id: k.id, keys: k.barKeys ?? k.keys, label: k.bar! }));
}

/** The help overlay's rows: every key available now. */
export function teachHelpRows(avail: TeachAvailable): TeachKey[] {
    return TEACH_KEYS.filter((k) => k.id === "esc" || offered(k, avail));
}
