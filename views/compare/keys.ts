import { defineKeys } from "../keys/types.js";

/** Keys of the compare screen; part of the one keymap (views/keymap.ts spreads them in). q quits and ? helps as everywhere. */
export const COMPARE_KEYS = defineKeys([
    { id: "compare.up", keys: "up", description: "compare: select the previous run (at the table: scroll up)", bar: "select", barKeys: "↑↓", when: ["compare"], match: (_i, k) => k.upArrow },
    { id: "compare.down", keys: "down", description: "compare: select the next run (at the table: scroll down)", when: ["compare"], match: (_i, k) => k.downArrow },
    { id: "compare.toggle", keys: "space", description: "compare: pick or unpick the selected run (rows follow the picking order; the first picked is the reference)", bar: "pick", when: ["compare"], match: (i) => i === " " },
    { id: "compare.choose", keys: "enter", description: "compare: show the picked runs as the paper's Tab. 2 (nothing picked: the selected run alone)", bar: "compare", when: ["compare"], match: (_i, k) => k.return },
    { id: "compare.reference", keys: "s", description: "compare: make the next picked run the reference of the paired differences", bar: "reference", when: ["compare"], match: (i) => i === "s" },
    { id: "compare.reload", keys: "r", description: "compare: reload the runs (and the table: a run still going gains items)", bar: "reload", when: ["compare"], match: (i) => i === "r" },
    { id: "compare.open", keys: "o", description: "compare: open a run folder by its path (absolute or relative to the working folder), e.g. one outside sessions/", bar: "open path", when: ["compare"], match: (i) => i === "o" },
    { id: "compare.back", keys: "esc", description: "compare: back one step (table → picking → lab)", bar: "back", when: ["compare"], match: (_i, k) => k.escape }
]);
