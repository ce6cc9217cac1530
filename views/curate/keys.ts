import { defineKeys } from "../keys/types.js";

/**
 * Keys of the curate screen; part of the one keymap (views/keymap.ts spreads them in). The screen
 * dispatches them itself: while an option is being edited every key is text, so q and ? type.
 */
export const CURATE_KEYS = defineKeys([
    { id: "curate.up", keys: "up", description: "curate: select the previous run or option", when: ["curate"], match: (_i, k) => k.upArrow },
    { id: "curate.down", keys: "down", description: "curate: select the next run or option", when: ["curate"], match: (_i, k) => k.downArrow },
    { id: "curate.panel", keys: "tab", description: "curate: switch between the runs and the options", bar: "panel", when: ["curate"], match: (_i, k) => k.tab },
    { id: "curate.toggle", keys: "space", description: "curate: use or leave out the selected run; switch the selected set or dedup on/off", bar: "toggle", when: ["curate"], match: (i) => i === " " },
    { id: "curate.edit", keys: "enter", description: "curate: edit the selected option (type, backspace, enter accepts, esc cancels) or toggle it", bar: "edit", when: ["curate"], match: (_i, k) => k.return },
    { id: "curate.nextExample", keys: "n", description: "curate: next example row of the shown set", bar: "example", barKeys: "n/p", when: ["curate"], match: (i) => i === "n" },
    { id: "curate.prevExample", keys: "p", description: "curate: previous example row", when: ["curate"], match: (i) => i === "p" },
    { id: "curate.set", keys: "s", description: "curate: show examples of the next set (D+, D±, D_pref)", bar: "set", when: ["curate"], match: (i) => i === "s" },
    { id: "curate.export", keys: "e", description: "curate: export the sets to the out folder (TRL JSONL, ReflectEvo records, curation.json)", bar: "export", when: ["curate"], match: (i) => i === "e" },
    { id: "curate.refresh", keys: "r", description: "curate: scan the sessions folder for batch runs again", when: ["curate"], match: (i) => i === "r" },
    { id: "curate.back", keys: "esc", description: "curate: back to the lab", bar: "back", when: ["curate"], match: (_i, k) => k.escape }
]);
