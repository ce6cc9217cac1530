import { defineKeys } from "./types.js";

/** Keys of the settings screen; SettingsScreen dispatches them (App only its way out: esc, ?, q). */
export const SETTINGS_KEYS = defineKeys([
    { id: "settingUp", keys: "up", description: "select the previous setting", bar: "select", when: ["settings"], match: (_i, k) => k.upArrow },
    { id: "settingDown", keys: "down", description: "select the next setting", when: ["settings"], match: (_i, k) => k.downArrow },
    { id: "settingDec", keys: "left/-", description: "decrease or cycle the selected setting back", when: ["settings"], match: (i, k) => k.leftArrow || i === "-" },
    { id: "settingInc", keys: "right/+", description: "increase or cycle the selected setting (saved at once)", bar: "change", when: ["settings"], match: (i, k) => k.rightArrow || i === "+" },
    { id: "endpoints", keys: "e", description: "endpoints: OpenAI-compatible servers, connection tests and the roles they play", bar: "endpoints", when: ["settings"], match: (i) => i === "e" }
]);
