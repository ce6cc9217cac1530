import { defineKeys } from "./types.js";

/** Keys of the batch form and the batch dashboard; both screens dispatch their own. */
export const BATCH_KEYS = defineKeys([
    { id: "formUp", keys: "up", description: "batch form: select the previous field", bar: "select", barKeys: "↑↓", when: ["batchForm"], match: (_i, k) => k.upArrow },
    { id: "formDown", keys: "down", description: "batch form: select the next field", when: ["batchForm"], match: (_i, k) => k.downArrow },
    { id: "formEdit", keys: "enter", description: "batch form: edit a text field (type, backspace, enter accepts, esc cancels), cycle a choice, or start on the start row", bar: "edit", when: ["batchForm"], match: (_i, k) => k.return },
    { id: "formPrev", keys: "left", description: "batch form: previous choice", when: ["batchForm"], match: (_i, k) => k.leftArrow },
    { id: "formNext", keys: "right", description: "batch form: next choice", when: ["batchForm"], match: (_i, k) => k.rightArrow },
    { id: "formStart", keys: "s", description: "batch form: start the run", bar: "start", when: ["batchForm"], match: (i) => i === "s" },
    // Assembled before the global "quit": on the batch screen q stops the run instead of quitting.
    { id: "batchStop", keys: "q/ctrl+c", description: "stop the batch run (items in flight run again on --resume)", bar: "stop", barKeys: "q", when: ["batch"], match: (i, k) => i === "q" || (k.ctrl && i === "c") },
    { id: "batchUp", keys: "up", description: "batch run: select an older finished item (in an opened item: the previous chain)", bar: "items", barKeys: "↑↓", when: ["batch"], match: (_i, k) => k.upArrow },
    { id: "batchDown", keys: "down", description: "batch run: select a newer finished item, past the newest none (in an opened item: the next chain)", when: ["batch"], match: (_i, k) => k.downArrow },
    { id: "batchOpen", keys: "enter", description: "batch run: open the selected finished item: its turn-1 answer and each chain's reflection, correction and verdicts (esc back)", bar: "open", when: ["batch"], match: (_i, k) => k.return }
]);
