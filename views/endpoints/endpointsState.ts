// The endpoints screen as a pure reducer: the list, the add/edit form, the removal question, the last
// connection test per endpoint. Writing to the endpoint store and probing are the controller's
// (controller.ts); what they did comes back here as actions with the store's fresh listing.
import type { Endpoint, EndpointRole, RoleAssignment } from "../../src/endpoints/types.js";
import type { Tone } from "../theme.js";
import { backspace, editForm, moveCursor, newForm, typeInto, type FormState } from "./formModel.js";
import { roleDefault, type TestState } from "./format.js";

export type Confirm = { kind: "remove" | "forgetKey"; name: string };

/** What the endpoint store holds, as the screen shows it (a yes/no per stored key: the key itself never reaches the UI). */
export interface Listing {
    endpoints: Endpoint[];
    roles: RoleAssignment;
    storedKey: Record<string, boolean>;
}

export interface EndpointsState extends Listing {
    sel: number;
    /** The last connection test per endpoint name, kept while the screen lives. */
    tests: Record<string, TestState>;
    form: FormState | null;
    confirm: Confirm | null;
    message: { text: string; tone: Tone } | null;
    help: boolean;
}

export type EndpointsAction =
    | { type: "move"; step: 1 | -1 }
    | { type: "openAdd" }
    | { type: "openEdit" }
    | { type: "formMove"; step: 1 | -1 }
    | { type: "formType"; text: string }
    | { type: "formBackspace" }
    | { type: "formCancel" }
    /** The store refused the form (a bad URL, a name that exists): shown under it, nothing saved. */
    | { type: "formError"; error: string }
    | { type: "ask"; kind: Confirm["kind"] }
    /** Any key but y at the removal question. */
    | { type: "keep" }
    | { type: "help"; on: boolean }
    /** A key that needs an endpoint, with none in the list. */
    | { type: "noSelection" }
    | { type: "testStarted"; name: string; since: number }
    | { type: "testDone"; name: string; test: TestState & { kind: "done" } }
    | { type: "saved"; listing: Listing; name: string; added: boolean }
    /** The endpoint was saved but its key was not: the form stays, now editing the saved endpoint. */
    | { type: "savedWithoutKey"; listing: Listing; endpoint: Endpoint; error: string }
    | { type: "removed"; listing: Listing; name: string }
    | { type: "keyForgotten"; listing: Listing; name: string }
    | { type: "roleSet"; listing: Listing; name: string; role: EndpointRole; to: string | null }
    /** A store write failed: the question (if any) closes, the reason shows. */
    | { type: "failed"; message: string };

export function initialEndpointsState(listing: Listing): EndpointsState {
    return { ...listing, sel: 0, tests: {}, form: null, confirm: null, message: null, help: false };
}

/** The endpoint under the cursor. */
export const selectedEndpoint = (s: EndpointsState): Endpoint | undefined => s.endpoints[s.sel];

const NO_SELECTION = { text: "no endpoint yet: a adds one", tone: "warn" } as const;

/** A fresh listing, the selection kept on `name` when given (it may have moved in the sorted list). */
function relisted(s: EndpointsState, l: Listing, name?: string): EndpointsState {
    const at = name ? l.endpoints.findIndex((e) => e.name === name) : -1;
    return { ...s, ...l, sel: at >= 0 ? at : Math.min(s.sel, Math.max(0, l.endpoints.length - 1)) };
}

const without = (tests: Record<string, TestState>, name: string) => Object.fromEntries(Object.entries(tests).filter(([k]) => k !== name));

export function endpointsReducer(s: EndpointsState, a: EndpointsAction): EndpointsState {
    switch (a.type) {
        case "move": {
            const n = s.endpoints.length;
            return n ? { ...s, sel: (s.sel + a.step + n) % n, message: null } : s;
        }
        case "openAdd":
            return { ...s, form: newForm(), message: null };
        case "openEdit": {
            const e = selectedEndpoint(s);
            return e ? { ...s, form: editForm(e), message: null } : { ...s, message: NO_SELECTION };
        }
        case "formMove":
            return s.form ? { ...s, form: moveCursor(s.form, a.step) } : s;
        case "formType":
            return s.form ? { ...s, form: typeInto(s.form, a.text) } : s;
        case "formBackspace":
            return s.form ? { ...s, form: backspace(s.form) } : s;
        case "formCancel":
            return { ...s, form: null };
        case "formError":
            return s.form ? { ...s, form: { ...s.form, error: a.error } } : s;
        case "ask": {
            const e = selectedEndpoint(s);
            if (!e) return { ...s, message: NO_SELECTION };
            if (a.kind === "forgetKey" && !s.storedKey[e.name]) return { ...s, message: { text: `${e.name} has no stored key`, tone: "muted" } };
            return { ...s, confirm: { kind: a.kind, name: e.name }, message: null };
        }
        case "keep":
            return s.confirm ? { ...s, confirm: null, message: { text: "kept", tone: "muted" } } : s;
        case "help":
            return { ...s, help: a.on };
        case "noSelection":
            return { ...s, message: NO_SELECTION };
        case "testStarted":
            return { ...s, tests: { ...s.tests, [a.name]: { kind: "testing", since: a.since } }, message: null };
        case "testDone":
            return { ...s, tests: { ...s.tests, [a.name]: a.test } };
        case "saved":
            // A changed URL, model or key makes the last test stale.
            return { ...relisted(s, a.listing, a.name), form: null, tests: without(s.tests, a.name), message: { text: `${a.added ? "added" : "saved"} ${a.name}`, tone: "ok" } };
        case "savedWithoutKey":
            return { ...relisted(s, a.listing, a.endpoint.name), form: s.form ? { ...s.form, editing: a.endpoint, error: a.error } : null };
        case "removed":
            return { ...relisted(s, a.listing), confirm: null, tests: without(s.tests, a.name), message: { text: `removed ${a.name}`, tone: "ok" } };
        case "keyForgotten":
            return { ...relisted(s, a.listing), confirm: null, message: { text: `forgot the stored key of ${a.name}`, tone: "ok" } };
        case "roleSet":
            return { ...relisted(s, a.listing, a.name), message: { text: `${a.role} → ${a.to ?? roleDefault(a.role)}`, tone: "ok" } };
        case "failed":
            return { ...s, confirm: null, message: { text: a.message, tone: "bad" } };
    }
}
