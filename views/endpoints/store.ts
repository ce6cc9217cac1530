import { createStore, type StoreApi } from "zustand/vanilla";
import { probeEndpoint } from "../../src/endpoints/probe.js";
import { redactError } from "../../src/endpoints/redact.js";
import type { EndpointStore } from "../../src/endpoints/store.js";
import type { Endpoint, Role, RoleAssignment } from "../../src/endpoints/types.js";
import type { Tone } from "../theme.js";
import { backspace, editForm, moveCursor, newForm, toEndpoint, typeInto, type FormState } from "./formModel.js";
import { roleDefault, type TestState } from "./format.js";

export type Confirm = { kind: "remove" | "forgetKey"; name: string };

export interface EndpointsState {
    endpoints: Endpoint[];
    roles: RoleAssignment;
    /** Which endpoints have a key in the key store (a yes/no: the key itself never reaches the UI). */
    storedKey: Record<string, boolean>;
    sel: number;
    /** The last connection test per endpoint name, kept while the screen lives. */
    tests: Record<string, TestState>;
    form: FormState | null;
    confirm: Confirm | null;
    message: { text: string; tone: Tone } | null;
    help: boolean;

    move(step: 1 | -1): void;
    test(): void;
    openAdd(): void;
    openEdit(): void;
    formMove(step: 1 | -1): void;
    formType(text: string): void;
    formBackspace(): void;
    formSave(): void;
    formCancel(): void;
    ask(kind: Confirm["kind"]): void;
    answer(yes: boolean): void;
    toggleRole(role: Role): void;
    setHelp(on: boolean): void;
    /** Aborts tests still running (the screen is closing). */
    dispose(): void;
}

export type EndpointsViewStore = StoreApi<EndpointsState>;

export interface EndpointsDeps {
    endpoints: EndpointStore;
    /** The connection test; tests may pass their own. */
    probe?: typeof probeEndpoint;
}

/** The endpoints screen's state over the endpoint store; every change is written to the store at once, no React here. */
export function createEndpointsViewStore({ endpoints: es, probe = probeEndpoint }: EndpointsDeps): EndpointsViewStore {
    const running = new Set<AbortController>();
    const read = () => {
        const list = es.list();
        return { endpoints: list, roles: es.roles(), storedKey: Object.fromEntries(list.map((e) => [e.name, es.hasStoredKey(e.name)])) };
    };
    // Messages may quote what the user typed (a URL with credentials in it): redacted like everything the lab prints.
    const err = (e: unknown) => ({ text: redactError(e), tone: "bad" as Tone });

    return createStore<EndpointsState>()((set, get) => {
        const selected = (): Endpoint | undefined => get().endpoints[get().sel];
        const needSelection = () => {
            const e = selected();
            if (!e) set({ message: { text: "no endpoint yet: a adds one", tone: "warn" } });
            return e;
        };
        /** Re-reads the store, keeping the selection on `name` when given (it may have moved in the sorted list). */
        const reload = (name?: string, patch: Partial<EndpointsState> = {}) => {
            const next = read();
            const at = name ? next.endpoints.findIndex((e) => e.name === name) : -1;
            const sel = at >= 0 ? at : Math.min(get().sel, Math.max(0, next.endpoints.length - 1));
            set({ ...next, sel, ...patch });
        };

        return {
            ...read(),
            sel: 0,
            tests: {},
            form: null,
            confirm: null,
            message: null,
            help: false,

            move(step) {
                const n = get().endpoints.length;
                if (n) set({ sel: (get().sel + step + n) % n, message: null });
            },

            test() {
                const e = needSelection();
                if (!e || get().tests[e.name]?.kind === "testing") return;
                const ac = new AbortController();
                running.add(ac);
                set({ tests: { ...get().tests, [e.name]: { kind: "testing", since: Date.now() } }, message: null });
                const finish = (result: TestState & { kind: "done" }) => {
                    running.delete(ac);
                    if (ac.signal.aborted) return;
                    set({ tests: { ...get().tests, [e.name]: result } });
                };
                let key: string | undefined;
                try {
                    key = es.apiKey(e);
                } catch (x) {
                    return finish({ kind: "done", result: { ok: false, latencyMs: 0, via: "models", error: err(x).text }, at: Date.now() });
                }
                // The probe reports failures in its result; a throw is a bug or an abort, shown the same way.
                void probe(e, key, { signal: ac.signal }).then(
                    (result) => finish({ kind: "done", result, at: Date.now() }),
                    (x) => finish({ kind: "done", result: { ok: false, latencyMs: 0, via: "models", error: err(x).text }, at: Date.now() })
                );
            },

            openAdd() {
                set({ form: newForm(), message: null });
            },

            openEdit() {
                const e = needSelection();
                if (e) set({ form: editForm(e), message: null });
            },

            formMove(step) {
                const f = get().form;
                if (f) set({ form: moveCursor(f, step) });
            },
            formType(text) {
                const f = get().form;
                if (f) set({ form: typeInto(f, text) });
            },
            formBackspace() {
                const f = get().form;
                if (f) set({ form: backspace(f) });
            },
            formCancel() {
                set({ form: null });
            },

            formSave() {
                const f = get().form;
                if (!f) return;
                const e = toEndpoint(f);
                if (!f.editing && es.get(e.name)) {
                    // upsert would silently replace it: adding must not overwrite an endpoint (and its roles) by accident.
                    return set({ form: { ...f, error: `an endpoint named "${e.name}" exists already: choose another name, or edit it with enter` } });
                }
                try {
                    es.upsert(e);
                } catch (x) {
                    return set({ form: { ...f, error: err(x).text } });
                }
                const key = f.values.key.trim();
                if (key) {
                    try {
                        es.setKey(e.name, key);
                    } catch (x) {
                        // The endpoint is saved but its key is not: go on editing it (adding again would hit "exists already").
                        const saved = es.get(e.name) ?? e;
                        return reload(e.name, { form: { ...f, editing: saved, error: `${e.name} is saved, but not its key: ${err(x).text}` } });
                    }
                }
                // A changed URL, model or key makes the last test stale.
                const { [e.name]: _stale, ...tests } = get().tests;
                reload(e.name, { form: null, tests, message: { text: `${f.editing ? "saved" : "added"} ${e.name}`, tone: "ok" } });
            },

            ask(kind) {
                const e = needSelection();
                if (!e) return;
                if (kind === "forgetKey" && !get().storedKey[e.name]) return set({ message: { text: `${e.name} has no stored key`, tone: "muted" } });
                set({ confirm: { kind, name: e.name }, message: null });
            },

            answer(yes) {
                const c = get().confirm;
                if (!c) return;
                if (!yes) return set({ confirm: null, message: { text: "kept", tone: "muted" } });
                try {
                    if (c.kind === "remove") es.remove(c.name);
                    else es.setKey(c.name, null);
                } catch (x) {
                    return set({ confirm: null, message: err(x) });
                }
                const tests = { ...get().tests };
                if (c.kind === "remove") delete tests[c.name];
                reload(undefined, { confirm: null, tests, message: { text: c.kind === "remove" ? `removed ${c.name}` : `forgot the stored key of ${c.name}`, tone: "ok" } });
            },

            toggleRole(role) {
                const e = needSelection();
                if (!e) return;
                // Pressing the key of a role the endpoint already plays hands the role back to its default.
                const to = get().roles[role] === e.name ? null : e.name;
                try {
                    es.assign(role, to);
                } catch (x) {
                    return set({ message: err(x) });
                }
                reload(e.name, { message: { text: `${role} → ${to ?? roleDefault(role)}`, tone: "ok" } });
            },

            setHelp(on) {
                set({ help: on });
            },

            dispose() {
                for (const ac of running) ac.abort();
                running.clear();
            }
        };
    });
}
