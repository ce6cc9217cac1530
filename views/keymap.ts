import type { Key } from "ink";
import { COMPARE_KEYS } from "./compare/keys.js";
import { CURATE_KEYS } from "./curate/keys.js";
import { ENDPOINT_KEYS } from "./endpoints/keys.js";
import { TRAINING_KEYS } from "./training/keys.js";

export type Screen = "lab" | "settings" | "help" | "batchForm" | "batch" | "curate" | "train" | "compare" | "endpoints" | "endpointForm" | "teach";

export type KeyId =
    | "next"
    | "reroll"
    | "prevInstruction"
    | "nextInstruction"
    | "verifier"
    | "nextQuestion"
    | "prevQuestion"
    | "settings"
    | "help"
    | "back"
    | "settingUp"
    | "settingDown"
    | "settingDec"
    | "settingInc"
    | "batch"
    | "formUp"
    | "formDown"
    | "formEdit"
    | "formPrev"
    | "formNext"
    | "formStart"
    | "batchStop"
    | "curate"
    | "train"
    | "compare"
    | "teach"
    | `curate.${string}`
    | `train.${string}`
    | `compare.${string}`
    | "endpoints"
    | `endpoints.${string}`
    | "quit";

export interface KeyBinding {
    id: KeyId;
    /** How the key is shown to the user. */
    keys: string;
    description: string;
    /** Short label for the one-line help bar; bindings without one only appear in the overlay. */
    bar?: string;
    /** Keys as shown in the help bar when they differ (e.g. "[ ]" for the pair). */
    barKeys?: string;
    match: (input: string, key: Key) => boolean;
    /** Screens where the binding is active; absent = every screen. */
    when?: Screen[];
}

/** The one keymap: the help bar, the help overlay and input dispatch are all built from it. */
export const KEYMAP: KeyBinding[] = [
    { id: "next", keys: "space/enter", description: "next step (answer, verify, reflect, correct)", bar: "next", barKeys: "space", when: ["lab"], match: (i, k) => i === " " || k.return },
    { id: "reroll", keys: "r", description: "re-roll the reflection: a new sample from the same failed attempt", bar: "re-roll", when: ["lab"], match: (i) => i === "r" },
    { id: "prevInstruction", keys: "[", description: "previous reflection instruction", when: ["lab"], match: (i) => i === "[" },
    { id: "nextInstruction", keys: "]", description: "next reflection instruction", bar: "instr", barKeys: "[ ]", when: ["lab"], match: (i) => i === "]" },
    { id: "verifier", keys: "v", description: "switch verifier oracle/self (applies to the next question; saved)", bar: "verifier", when: ["lab"], match: (i) => i === "v" },
    { id: "nextQuestion", keys: "n", description: "next question", bar: "question", barKeys: "n/p", when: ["lab"], match: (i) => i === "n" },
    { id: "prevQuestion", keys: "p", description: "previous question", when: ["lab"], match: (i) => i === "p" },
    { id: "settings", keys: "s", description: "settings screen", bar: "settings", when: ["lab"], match: (i) => i === "s" },
    // No help-bar label: the lab bar is full at 100 columns; the overlay lists it.
    { id: "batch", keys: "b", description: "batch run: generate data over task files with live Acc@t1/Acc@t2/Δ", when: ["lab"], match: (i) => i === "b" },
    { id: "settingUp", keys: "up", description: "select the previous setting", bar: "select", when: ["settings"], match: (_i, k) => k.upArrow },
    { id: "settingDown", keys: "down", description: "select the next setting", when: ["settings"], match: (_i, k) => k.downArrow },
    { id: "settingDec", keys: "left/-", description: "decrease or cycle the selected setting back", when: ["settings"], match: (i, k) => k.leftArrow || i === "-" },
    { id: "settingInc", keys: "right/+", description: "increase or cycle the selected setting (saved at once)", bar: "change", when: ["settings"], match: (i, k) => k.rightArrow || i === "+" },
    { id: "endpoints", keys: "e", description: "endpoints: OpenAI-compatible servers, connection tests and the roles they play", bar: "endpoints", when: ["settings"], match: (i) => i === "e" },
    { id: "formUp", keys: "up", description: "batch form: select the previous field", bar: "select", barKeys: "↑↓", when: ["batchForm"], match: (_i, k) => k.upArrow },
    { id: "formDown", keys: "down", description: "batch form: select the next field", when: ["batchForm"], match: (_i, k) => k.downArrow },
    { id: "formEdit", keys: "enter", description: "batch form: edit a text field (type, backspace, enter accepts, esc cancels), cycle a choice, or start on the start row", bar: "edit", when: ["batchForm"], match: (_i, k) => k.return },
    { id: "formPrev", keys: "left", description: "batch form: previous choice", when: ["batchForm"], match: (_i, k) => k.leftArrow },
    { id: "formNext", keys: "right", description: "batch form: next choice", when: ["batchForm"], match: (_i, k) => k.rightArrow },
    { id: "formStart", keys: "s", description: "batch form: start the run", bar: "start", when: ["batchForm"], match: (i) => i === "s" },
    // Before "quit": on the batch screen q stops the run instead of quitting.
    { id: "batchStop", keys: "q/ctrl+c", description: "stop the batch run (items in flight run again on --resume)", bar: "stop", barKeys: "q", when: ["batch"], match: (i, k) => i === "q" || (k.ctrl && i === "c") },
    { id: "curate", keys: "c", description: "curate training sets (D+, D±, D_pref) from batch runs", when: ["lab"], match: (i) => i === "c" },
    { id: "train", keys: "t", description: "training: launch SFT/DPO, watch loss live, past training runs", when: ["lab"], match: (i) => i === "t" },
    { id: "teach", keys: "T", description: "teaching mode: this question's loop stage by stage with captions, for a class (the shipped examples in its gallery)", when: ["lab"], match: (i) => i === "T" },
    { id: "compare", keys: "m", description: "measure: batch runs (retry, reflect, trained) as the paper's Tab. 2, paired on identical turn 1", when: ["lab"], match: (i) => i === "m" },
    ...CURATE_KEYS,
    ...TRAINING_KEYS,
    ...COMPARE_KEYS,
    ...ENDPOINT_KEYS,
    { id: "help", keys: "?", description: "help: every key (? or esc closes)", bar: "help", match: (i) => i === "?" },
    { id: "back", keys: "esc", description: "back to the lab (from a batch run once it has ended)", bar: "back", when: ["settings", "help", "batchForm", "batch"], match: (_i, k) => k.escape },
    { id: "quit", keys: "q/ctrl+c", description: "quit at any moment (aborts a running generation; every step is already saved)", bar: "quit", barKeys: "q", match: (i, k) => i === "q" || (k.ctrl && i === "c") }
];

export function activeOn(b: KeyBinding, screen: Screen): boolean {
    return !b.when || b.when.includes(screen);
}

/** The binding a key press triggers on a screen, if any. */
export function matchKey(screen: Screen, input: string, key: Key): KeyBinding | undefined {
    return KEYMAP.find((b) => activeOn(b, screen) && b.match(input, key));
}

/** The help bar: the most important keys of a screen, in keymap order. */
export function helpBarItems(screen: Screen): { id: KeyId; keys: string; label: string }[] {
    // The first binding of a key wins (q stops a batch run before it quits), and the bar shows only that one.
    const seen = new Set<string>();
    return KEYMAP.filter((b) => b.bar && activeOn(b, screen))
        .map((b) => ({ id: b.id, keys: b.barKeys ?? b.keys, label: b.bar! }))
        .filter((b) => !seen.has(b.keys) && seen.add(b.keys));
}

/** The help overlay: every binding, grouped by where it works. */
export function helpOverlaySections(): { title: string; rows: KeyBinding[] }[] {
    const only = (s: Screen) => KEYMAP.filter((b) => b.when?.length === 1 && b.when[0] === s);
    return [
        { title: "lab", rows: only("lab") },
        { title: "settings", rows: only("settings") },
        { title: "batch form", rows: only("batchForm") },
        { title: "batch run", rows: only("batch") },
        { title: "curation", rows: only("curate") },
        { title: "training", rows: only("train") },
        { title: "compare", rows: only("compare") },
        { title: "endpoints", rows: only("endpoints") },
        { title: "endpoint form", rows: only("endpointForm") },
        { title: "everywhere", rows: KEYMAP.filter((b) => !b.when || b.when.length > 1) }
    ];
}
