import type { Key } from "ink";

/**
 * The leaf of the keymap: the screens and the shape of a binding. The per-screen keys files import
 * only this, and views/keymap.ts assembles them, so nothing imports in a circle.
 */
export type Screen = "lab" | "settings" | "help" | "batchForm" | "batch" | "curate" | "train" | "compare" | "endpoints" | "endpointForm" | "teach";

export interface KeyBinding<Id extends string = string> {
    id: Id;
    /** How the key is shown to the user: alternatives separated by "/" ("space/enter", "q/ctrl+c"). */
    keys: string;
    description: string;
    /** Short label for the one-line help bar; bindings without one only appear in the overlay. */
    bar?: string;
    /** Keys as shown in the help bar when they differ (e.g. "[ ]" for the pair). */
    barKeys?: string;
    match: (input: string, key: Key) => boolean;
    /** Screens where the binding is active; absent = every screen. */
    when?: readonly Screen[];
}

/**
 * Declares a list of bindings keeping each id as its literal type (a const type parameter: the
 * list is checked against KeyBinding, and `typeof LIST[number]["id"]` is the union of its ids).
 */
export function defineKeys<const B extends readonly KeyBinding[]>(bindings: B): B {
    return bindings;
}

/** The ids of a list declared with defineKeys. */
export type IdOf<B extends readonly KeyBinding[]> = B[number]["id"];

/** A group of the help overlay; `screen` is where its keys work, so the overlay can open at it. */
export interface HelpSection {
    title: string;
    screen?: Screen;
    rows: readonly KeyBinding[];
}
