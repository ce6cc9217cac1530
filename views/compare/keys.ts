import type { KeyBinding } from "../keymap.js";

/** Keys of the compare screen; part of the one keymap (views/keymap.ts spreads them in). q quits and ? helps as everywhere. */
export const COMPARE_KEYS: KeyBinding[] = [
    { id: "compare.up", keys: "up", description: "compare: select the previous run", bar: "select", barKeys: "↑↓", when: ["compare"], match: (_i, k) => k.upArrow },
    { id: "compare.down", keys: "down", description: "compare: select the next run", when: ["compare"], match: (_i, k) => k.downArrow },
    { id: "compare.choose", keys: "enter", description: "compare: choose the selected run as A, then as B (the table follows)", bar: "choose", when: ["compare"], match: (_i, k) => k.return },
    { id: "compare.swap", keys: "s", description: "compare: swap A and B in the table", bar: "swap", when: ["compare"], match: (i) => i === "s" },
    { id: "compare.reload", keys: "r", description: "compare: reload the runs (and the table: a run still going gains items)", bar: "reload", when: ["compare"], match: (i) => i === "r" },
    { id: "compare.back", keys: "esc", description: "compare: back one step (table → choose B → choose A → lab)", bar: "back", when: ["compare"], match: (_i, k) => k.escape }
];
