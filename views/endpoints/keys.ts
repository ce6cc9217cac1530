import { defineKeys } from "../keys/types.js";

/**
 * Keys of the endpoints screen (reached with e from the settings screen); part of the one keymap
 * (views/keymap.ts spreads them in). The screen dispatches them itself: while the add/edit form is
 * open every key but the form's own is text, so q and ? type there. The form's keys are a screen
 * of their own ("endpointForm") because up/down/enter/esc mean something else in the list.
 */
export const ENDPOINT_KEYS = defineKeys([
    { id: "endpoints.up", keys: "up", description: "endpoints: select the previous endpoint", bar: "select", barKeys: "↑↓", when: ["endpoints"], match: (_i, k) => k.upArrow },
    { id: "endpoints.down", keys: "down", description: "endpoints: select the next endpoint", when: ["endpoints"], match: (_i, k) => k.downArrow },
    { id: "endpoints.test", keys: "t", description: "endpoints: test the selected endpoint's connection (model list, else a one-token request) and show the latency", bar: "test", when: ["endpoints"], match: (i) => i === "t" },
    { id: "endpoints.add", keys: "a", description: "endpoints: add an endpoint (name, URL, model, key variable or a stored key)", bar: "add", when: ["endpoints"], match: (i) => i === "a" },
    { id: "endpoints.edit", keys: "enter", description: "endpoints: edit the selected endpoint (its name stays)", bar: "edit", when: ["endpoints"], match: (_i, k) => k.return },
    { id: "endpoints.remove", keys: "d/delete", description: "endpoints: remove the selected endpoint and its stored key (asks first)", bar: "remove", barKeys: "d", when: ["endpoints"], match: (i, k) => i === "d" || k.delete },
    { id: "endpoints.forgetKey", keys: "x", description: "endpoints: forget the selected endpoint's stored key (asks first)", when: ["endpoints"], match: (i) => i === "x" },
    { id: "endpoints.generator", keys: "1", description: "endpoints: the selected endpoint generates answers (again: back to the local model)", when: ["endpoints"], match: (i) => i === "1" },
    { id: "endpoints.reflector", keys: "2", description: "endpoints: the selected endpoint writes reflections (again: back to the local model)", when: ["endpoints"], match: (i) => i === "2" },
    { id: "endpoints.verifier", keys: "3", description: "endpoints: the selected endpoint verifies answers (again: back to the local model)", when: ["endpoints"], match: (i) => i === "3" },
    { id: "endpoints.teacher", keys: "4", description: "endpoints: the selected endpoint is the teacher (again: no teacher)", bar: "role", barKeys: "1-4", when: ["endpoints"], match: (i) => i === "4" },
    { id: "endpoints.confirm", keys: "y", description: "endpoints: confirm a removal (any other key keeps it)", when: ["endpoints"], match: (i) => i === "y" },
    { id: "endpoints.back", keys: "esc", description: "endpoints: back to the settings", bar: "back", when: ["endpoints"], match: (_i, k) => k.escape },
    { id: "endpoints.formNext", keys: "tab/down", description: "endpoint form: next field (every other key types, q and ? too)", bar: "field", barKeys: "tab/↑↓", when: ["endpointForm"], match: (_i, k) => (k.tab && !k.shift) || k.downArrow },
    { id: "endpoints.formPrev", keys: "shift+tab/up", description: "endpoint form: previous field", when: ["endpointForm"], match: (_i, k) => (k.tab && k.shift) || k.upArrow },
    { id: "endpoints.formSave", keys: "enter", description: "endpoint form: save (a typed key goes to the key store, never to the config)", bar: "save", when: ["endpointForm"], match: (_i, k) => k.return },
    { id: "endpoints.formCancel", keys: "esc", description: "endpoint form: cancel", bar: "cancel", when: ["endpointForm"], match: (_i, k) => k.escape }
]);

/** The role each role key assigns, in the order the roles panel shows them. */
export const ROLE_KEYS = {
    "endpoints.generator": "generator",
    "endpoints.reflector": "reflector",
    "endpoints.verifier": "verifier",
    "endpoints.teacher": "teacher"
} as const;
