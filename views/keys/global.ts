import { defineKeys } from "./types.js";

/** Keys that work on more than one screen; assembled last, so a screen's own binding of the same key wins. */
export const GLOBAL_KEYS = defineKeys([
    { id: "help", keys: "?", description: "help: every key (? or esc closes)", bar: "help", match: (i) => i === "?" },
    { id: "back", keys: "esc", description: "back to the lab (from a batch run once it has ended)", bar: "back", when: ["settings", "help", "batchForm", "batch"], match: (_i, k) => k.escape },
    { id: "quit", keys: "q/ctrl+c", description: "quit at any moment (aborts a running generation; every step is already saved)", bar: "quit", barKeys: "q", match: (i, k) => i === "q" || (k.ctrl && i === "c") }
]);
