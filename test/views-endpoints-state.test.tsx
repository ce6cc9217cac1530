// The endpoints screen's reducer alone: no Ink, no endpoint store. Listings are what the controller would read back.
import { describe, expect, it } from "vitest";
import { ENDPOINT_DEFAULTS, type Endpoint } from "../src/endpoints/types.js";
import { endpointsReducer, initialEndpointsState, selectedEndpoint, type EndpointsAction, type EndpointsState, type Listing } from "../views/endpoints/endpointsState.js";
import { FORM_FIELDS } from "../views/endpoints/formModel.js";
import type { TestState } from "../views/endpoints/format.js";

const ep = (name: string): Endpoint => ({ name, baseURL: `http://127.0.0.1:8080/${name}/v1`, model: "m1", ...ENDPOINT_DEFAULTS });
const listing = (names: string[], stored: string[] = [], roles: Listing["roles"] = {}): Listing => ({ endpoints: names.map(ep), roles, storedKey: Object.fromEntries(names.map((n) => [n, stored.includes(n)])) });
const apply = (s: EndpointsState, ...actions: EndpointsAction[]) => actions.reduce(endpointsReducer, s);
const ok: TestState & { kind: "done" } = { kind: "done", result: { ok: true, latencyMs: 12, via: "models", models: ["m1"] }, at: 0 };

describe("endpoints reducer", () => {
    it("moves the selection, wrapping, and clears the message", () => {
        const s = initialEndpointsState(listing(["a", "b", "c"]));
        expect(apply(s, { type: "move", step: -1 }).sel).toBe(2);
        const m = apply(s, { type: "noSelection" }, { type: "move", step: 1 });
        expect(m).toMatchObject({ sel: 1, message: null });
        const none = initialEndpointsState(listing([]));
        expect(apply(none, { type: "move", step: 1 })).toBe(none);
    });

    it("needs a selection to edit, remove or forget a key, and says so", () => {
        const none = initialEndpointsState(listing([]));
        for (const a of [{ type: "openEdit" }, { type: "ask", kind: "remove" }, { type: "noSelection" }] as const) expect(apply(none, a).message).toEqual({ text: "no endpoint yet: a adds one", tone: "warn" });
        expect(apply(none, { type: "openEdit" }).form).toBeNull();
    });

    it("opens the add form empty and the edit form on the selected endpoint with its key empty, and types into the field under the cursor", () => {
        const s = initialEndpointsState(listing(["a", "b"], ["b"]));
        const add = apply(s, { type: "openAdd" }, { type: "formType", text: "new\n" }, { type: "formBackspace" }, { type: "formType", text: "er" });
        expect(add.form!.values.name).toBe("neer");
        expect(add.form!.editing).toBeNull();
        const edit = apply(s, { type: "move", step: 1 }, { type: "openEdit" });
        expect(edit.form!.editing!.name).toBe("b");
        expect(edit.form!.values.key).toBe("");
        // The name is fixed once saved: the cursor starts past it and never comes back to it.
        expect(FORM_FIELDS[edit.form!.cursor]!.id).toBe("baseURL");
        const round = apply(edit, ...Array.from({ length: FORM_FIELDS.length - 1 }, () => ({ type: "formMove", step: 1 }) as const));
        expect(FORM_FIELDS[round.form!.cursor]!.id).toBe("baseURL");
        expect(apply(edit, { type: "formError", error: "bad URL" }).form!.error).toBe("bad URL");
        // Typing clears the error.
        expect(apply(edit, { type: "formError", error: "bad URL" }, { type: "formType", text: "x" }).form!.error).toBeNull();
        expect(apply(edit, { type: "formCancel" }).form).toBeNull();
    });

    it("after a save closes the form, keeps the selection on the saved endpoint and forgets its stale test", () => {
        const s = apply(initialEndpointsState(listing(["b", "c"])), { type: "testDone", name: "c", test: ok }, { type: "testDone", name: "b", test: ok }, { type: "move", step: 1 }, { type: "openEdit" });
        const saved = apply(s, { type: "saved", listing: listing(["a", "b", "c"]), name: "c", added: false });
        expect(saved).toMatchObject({ form: null, sel: 2, message: { text: "saved c", tone: "ok" } });
        expect(Object.keys(saved.tests)).toEqual(["b"]);
        expect(apply(s, { type: "saved", listing: listing(["a", "b", "c"]), name: "a", added: true }).message!.text).toBe("added a");
    });

    it("keeps the form on a saved endpoint whose key could not be stored", () => {
        const s = apply(initialEndpointsState(listing([])), { type: "openAdd" }, { type: "formType", text: "x" });
        const r = apply(s, { type: "savedWithoutKey", listing: listing(["x"]), endpoint: ep("x"), error: "x is saved, but not its key: locked" });
        expect(r.form).toMatchObject({ editing: { name: "x" }, error: "x is saved, but not its key: locked" });
        expect(r.endpoints.map((e) => e.name)).toEqual(["x"]);
    });

    it("asks before removing; anything but yes keeps it; forgetting a key needs a stored key", () => {
        const s = initialEndpointsState(listing(["a", "b"], ["a"]));
        const asked = apply(s, { type: "ask", kind: "remove" });
        expect(asked.confirm).toEqual({ kind: "remove", name: "a" });
        expect(apply(asked, { type: "keep" })).toMatchObject({ confirm: null, message: { text: "kept", tone: "muted" } });
        expect(apply(s, { type: "move", step: 1 }, { type: "ask", kind: "forgetKey" })).toMatchObject({ confirm: null, message: { text: "b has no stored key", tone: "muted" } });
        expect(apply(s, { type: "ask", kind: "forgetKey" }).confirm).toEqual({ kind: "forgetKey", name: "a" });
        const tested = apply(asked, { type: "testDone", name: "a", test: ok });
        const removed = apply(tested, { type: "removed", listing: listing(["b"]), name: "a" });
        expect(removed).toMatchObject({ confirm: null, sel: 0, tests: {}, message: { text: "removed a", tone: "ok" } });
        expect(apply(tested, { type: "keyForgotten", listing: listing(["a", "b"]), name: "a" })).toMatchObject({ confirm: null, message: { text: "forgot the stored key of a" } });
        expect(apply(asked, { type: "failed", message: "disk full" })).toMatchObject({ confirm: null, message: { text: "disk full", tone: "bad" } });
    });

    it("names a role's new player, or its default when handed back", () => {
        const s = initialEndpointsState(listing(["a"]));
        expect(apply(s, { type: "roleSet", listing: listing(["a"], [], { reflector: "a" }), name: "a", role: "reflector", to: "a" })).toMatchObject({ roles: { reflector: "a" }, message: { text: "reflector → a" } });
        expect(apply(s, { type: "roleSet", listing: listing(["a"]), name: "a", role: "reflector", to: null }).message!.text).toBe("reflector → local model");
        expect(apply(s, { type: "roleSet", listing: listing(["a"]), name: "a", role: "teacher", to: null }).message!.text).toBe("teacher → none");
    });

    it("tracks a test from testing to its result, per endpoint; the selection follows a shrinking list", () => {
        const s = apply(initialEndpointsState(listing(["a", "b"])), { type: "move", step: 1 }, { type: "testStarted", name: "b", since: 5 });
        expect(s.tests.b).toEqual({ kind: "testing", since: 5 });
        expect(apply(s, { type: "testDone", name: "b", test: ok }).tests.b).toEqual(ok);
        const shrunk = apply(s, { type: "removed", listing: listing(["a"]), name: "b" });
        expect(shrunk.sel).toBe(0);
        expect(selectedEndpoint(shrunk)!.name).toBe("a");
    });
});
