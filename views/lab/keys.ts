import { defineKeys } from "../keys/types.js";

/** The lab's own view keys (the step area), beside the loop's keys; useLabKeys dispatches them. */
export const LAB_VIEW_KEYS = defineKeys([
    { id: "lab.scrollUp", keys: "up/pgup", description: "scroll the steps up a line (pgup: a page)", bar: "scroll", barKeys: "↑↓", when: ["lab"], match: (_i, k) => k.upArrow || k.pageUp },
    { id: "lab.scrollDown", keys: "down/pgdn", description: "scroll the steps down (at the bottom the view follows the text again)", when: ["lab"], match: (_i, k) => k.downArrow || k.pageDown },
    { id: "lab.earlier", keys: "e", description: "expand or fold the earlier turns and the re-rolled samples", bar: "earlier", when: ["lab"], match: (i) => i === "e" }
]);
