import type { Key } from "ink";
import stringWidth from "string-width";
import { COMPARE_KEYS } from "./compare/keys.js";
import { CURATE_KEYS } from "./curate/keys.js";
import { ENDPOINT_KEYS } from "./endpoints/keys.js";
import { BATCH_KEYS } from "./keys/batch.js";
import { GLOBAL_KEYS } from "./keys/global.js";
import { HELP_KEYS } from "./keys/help.js";
import { LAB_KEYS } from "./keys/lab.js";
import { LAB_VIEW_KEYS } from "./lab/keys.js";
import { SETTINGS_KEYS } from "./keys/settings.js";
import type { HelpSection, IdOf, KeyBinding as Binding, Screen } from "./keys/types.js";
import { TRAINING_KEYS } from "./training/keys.js";

export type { HelpSection, Screen } from "./keys/types.js";

/** Every binding id, derived from the lists: a misspelt id in a `switch` or a comparison fails to compile. */
export type KeyId =
    | IdOf<typeof LAB_KEYS>
    | IdOf<typeof LAB_VIEW_KEYS>
    | IdOf<typeof SETTINGS_KEYS>
    | IdOf<typeof BATCH_KEYS>
    | IdOf<typeof CURATE_KEYS>
    | IdOf<typeof TRAINING_KEYS>
    | IdOf<typeof COMPARE_KEYS>
    | IdOf<typeof ENDPOINT_KEYS>
    | IdOf<typeof HELP_KEYS>
    | IdOf<typeof GLOBAL_KEYS>;

/** A binding of the lab's keymap (the generic shape is views/keys/types.ts). */
export type KeyBinding = Binding<KeyId>;

/**
 * The one keymap: the help bar, the help overlay and input dispatch are all built from it. Order is
 * precedence (matchKey takes the first match): the global keys come last, so batchStop takes q on
 * the batch screen before quit does.
 */
export const KEYMAP: KeyBinding[] = [...LAB_KEYS, ...LAB_VIEW_KEYS, ...SETTINGS_KEYS, ...BATCH_KEYS, ...CURATE_KEYS, ...TRAINING_KEYS, ...COMPARE_KEYS, ...ENDPOINT_KEYS, ...HELP_KEYS, ...GLOBAL_KEYS];

export function activeOn(b: Pick<KeyBinding, "when">, screen: Screen): boolean {
    return !b.when || b.when.includes(screen);
}

/**
 * Whether a key press triggers a binding. A ctrl chord triggers only a binding that shows one: Ink
 * reports ctrl+c as input "c", which would otherwise open curation from the lab.
 */
export function triggers(b: Binding, input: string, key: Key): boolean {
    return (!key.ctrl || b.keys.includes("ctrl+")) && b.match(input, key);
}

/** The binding a key press triggers on a screen, if any (the first in KEYMAP order). */
export function matchKey(screen: Screen, input: string, key: Key): KeyBinding | undefined {
    return KEYMAP.find((b) => activeOn(b, screen) && triggers(b, input, key));
}

/** The help bar: the most important keys of a screen, in keymap order. */
export function helpBarItems(screen: Screen): { id: KeyId; keys: string; label: string }[] {
    // The first binding of a key wins (q stops a batch run before it quits), and the bar shows only that one.
    const seen = new Set<string>();
    return KEYMAP.filter((b) => b.bar && activeOn(b, screen))
        .map((b) => ({ id: b.id, keys: b.barKeys ?? b.keys, label: b.bar! }))
        .filter((b) => !seen.has(b.keys) && seen.add(b.keys));
}

type BarItem = ReturnType<typeof helpBarItems>[number];

/** Display width of a help bar as HelpBar draws it: "keys label" items joined by " · ". */
export function barWidth(items: readonly BarItem[]): number {
    return stringWidth(items.map((i) => `${i.keys} ${i.label}`).join(" · "));
}

/** The way out and the way to every other key: the bar keeps them whatever the width. */
const essential = (i: BarItem) => i.id === "help" || i.id === "quit" || i.keys === "esc";

/**
 * The bar items that fit the width: the last of the other items go first (keymap order is
 * importance), so help, quit and esc stay visible and the overlay lists what was dropped.
 */
export function fitBarItems<T extends BarItem>(items: readonly T[], columns: number): T[] {
    const kept = [...items];
    while (barWidth(kept) > columns) {
        const drop = kept.map((i) => !essential(i)).lastIndexOf(true);
        if (drop < 0) break;
        kept.splice(drop, 1);
    }
    return kept;
}

const SECTIONS: [Screen, string][] = [
    ["lab", "lab"],
    ["settings", "settings"],
    ["batchForm", "batch form"],
    ["batch", "batch run"],
    ["curate", "curation"],
    ["train", "training"],
    ["compare", "compare"],
    ["endpoints", "endpoints"],
    ["endpointForm", "endpoint form"],
    ["help", "help overlay"]
];

/** The help overlay: every binding, grouped by where it works (`screen` lets the overlay open at one). */
export function helpOverlaySections(): (HelpSection & { rows: KeyBinding[] })[] {
    const only = (s: Screen) => KEYMAP.filter((b) => b.when?.length === 1 && b.when[0] === s);
    return [...SECTIONS.map(([screen, title]) => ({ title, screen, rows: only(screen) })), { title: "everywhere", rows: KEYMAP.filter((b) => !b.when || b.when.length > 1) }];
}
