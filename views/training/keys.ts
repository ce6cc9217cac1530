import { defineKeys } from "../keys/types.js";

/**
 * Keys of the training screen; part of the one keymap (views/keymap.ts spreads them in, before the
 * global help and quit, which the screen handles too). The screen shows only the ones that apply to
 * what it shows (form, live run, past runs).
 */
export const TRAINING_KEYS = defineKeys([
    { id: "train.up", keys: "up", description: "training: previous field, or previous past run", bar: "select", barKeys: "↑↓", when: ["train"], match: (_i, k) => k.upArrow },
    { id: "train.down", keys: "down", description: "training: next field, or next past run", when: ["train"], match: (_i, k) => k.downArrow },
    { id: "train.edit", keys: "enter", description: "training form: edit a text field (type, backspace, enter accepts, esc cancels), cycle a choice, or start on the start row", bar: "edit", when: ["train"], match: (_i, k) => k.return },
    { id: "train.prev", keys: "left", description: "training form: previous choice (setting, curated folder, yes/no)", when: ["train"], match: (_i, k) => k.leftArrow },
    { id: "train.next", keys: "right", description: "training form: next choice", bar: "choose", barKeys: "←→", when: ["train"], match: (_i, k) => k.rightArrow },
    { id: "train.start", keys: "s", description: "training form: start the trainer with the command shown", bar: "start", when: ["train"], match: (i) => i === "s" },
    { id: "train.abort", keys: "a", description: "training: abort the running trainer (its whole process tree)", bar: "abort", when: ["train"], match: (i) => i === "a" },
    { id: "train.resume", keys: "r", description: "training: resume a failed or aborted run from its last checkpoint (offered only when it has one)", bar: "resume", when: ["train"], match: (i) => i === "r" },
    { id: "train.new", keys: "n", description: "training: a new run (back to the form) once the current one has ended", bar: "new run", when: ["train"], match: (i) => i === "n" },
    { id: "train.runs", keys: "tab", description: "training: switch between the form (or the live run) and the past runs with their curves", bar: "past runs", when: ["train"], match: (_i, k) => k.tab },
    { id: "train.confirm", keys: "y", description: "training: confirm (abort the running trainer and leave)", when: ["train"], match: (i) => i === "y" },
    { id: "train.back", keys: "esc", description: "training: back to the lab (asks first while a trainer runs)", bar: "back", when: ["train"], match: (_i, k) => k.escape }
]);
