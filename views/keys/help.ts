import { defineKeys } from "./types.js";

/** Keys of the help overlay itself (it dispatches them; ? and esc close it as everywhere). */
export const HELP_KEYS = defineKeys([
    { id: "help.up", keys: "up", description: "help: scroll up a line", bar: "scroll", barKeys: "↑↓", when: ["help"], match: (_i, k) => k.upArrow },
    { id: "help.down", keys: "down", description: "help: scroll down a line", when: ["help"], match: (_i, k) => k.downArrow },
    { id: "help.pageUp", keys: "pgup", description: "help: scroll up a page", when: ["help"], match: (_i, k) => k.pageUp },
    { id: "help.pageDown", keys: "pgdn", description: "help: scroll down a page", bar: "page", barKeys: "pgup/pgdn", when: ["help"], match: (_i, k) => k.pageDown },
    { id: "help.home", keys: "home", description: "help: back to the top (this screen's keys)", when: ["help"], match: (_i, k) => k.home },
    { id: "help.end", keys: "end", description: "help: to the bottom", when: ["help"], match: (_i, k) => k.end }
]);
