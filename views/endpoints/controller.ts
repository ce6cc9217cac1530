// The endpoints screen's effects around its pure reducer: every change is written to the endpoint
// store at once, connection tests run in the background (abandoned when the screen closes). No React.
import { createStore, type StoreApi } from "zustand/vanilla";
import { probeEndpoint, type ProbeResult } from "../../src/endpoints/probe.js";
import { redactError } from "../../src/endpoints/redact.js";
import type { EndpointStore } from "../../src/endpoints/store.js";
import type { EndpointRole } from "../../src/endpoints/types.js";
import { endpointsReducer, initialEndpointsState, selectedEndpoint, type EndpointsAction, type EndpointsState, type Listing } from "./endpointsState.js";
import { toEndpoint } from "./formModel.js";

/** What the input hook drives: the reducer's actions, and the commands that write or probe. */
export interface EndpointsDriver {
    readonly state: EndpointsState;
    dispatch(a: EndpointsAction): void;
    /** Tests the selected endpoint's connection (its latency, or why it failed). */
    test(): void;
    /** Saves the form: the endpoint to the config, a typed key to the key store. */
    save(): void;
    /** The answer to the removal (or forget-the-key) question. */
    answer(yes: boolean): void;
    /** The selected endpoint plays `role`; pressed again, the role goes back to its default. */
    toggleRole(role: EndpointRole): void;
}

export interface EndpointsDeps {
    endpoints: EndpointStore;
    /** The connection test; tests may pass their own. */
    probe?: typeof probeEndpoint;
}

// Messages may quote what the user typed (a URL with credentials in it): redacted like everything the lab prints.
const err = (e: unknown) => redactError(e);

export class EndpointsController implements EndpointsDriver {
    readonly store: StoreApi<EndpointsState>;
    private readonly es: EndpointStore;
    private readonly probe: typeof probeEndpoint;
    private readonly running = new Set<AbortController>();

    constructor({ endpoints, probe = probeEndpoint }: EndpointsDeps) {
        this.es = endpoints;
        this.probe = probe;
        this.store = createStore<EndpointsState>()(() => initialEndpointsState(this.listing()));
    }

    get state(): EndpointsState {
        return this.store.getState();
    }

    dispatch(a: EndpointsAction): void {
        this.store.setState(endpointsReducer(this.state, a), true);
    }

    test(): void {
        const e = selectedEndpoint(this.state);
        if (!e) return this.dispatch({ type: "noSelection" });
        if (this.state.tests[e.name]?.kind === "testing") return;
        const ac = new AbortController();
        this.running.add(ac);
        this.dispatch({ type: "testStarted", name: e.name, since: Date.now() });
        const finish = (result: ProbeResult) => {
            this.running.delete(ac);
            if (!ac.signal.aborted) this.dispatch({ type: "testDone", name: e.name, test: { kind: "done", result, at: Date.now() } });
        };
        let key: string | undefined;
        try {
            key = this.es.apiKey(e);
        } catch (x) {
            return finish({ ok: false, latencyMs: 0, via: "models", error: err(x) });
        }
        // The probe reports failures in its result; a throw is a bug or an abort, shown the same way.
        void this.probe(e, key, { signal: ac.signal }).then(finish, (x) => finish({ ok: false, latencyMs: 0, via: "models", error: err(x) }));
    }

    save(): void {
        const f = this.state.form;
        if (!f) return;
        const e = toEndpoint(f);
        // upsert would silently replace it: adding must not overwrite an endpoint (and its roles) by accident.
        if (!f.editing && this.es.get(e.name)) return this.dispatch({ type: "formError", error: `an endpoint named "${e.name}" exists already: choose another name, or edit it with enter` });
        try {
            this.es.upsert(e);
        } catch (x) {
            return this.dispatch({ type: "formError", error: err(x) });
        }
        const key = f.values.key.trim();
        if (key) {
            try {
                this.es.setKey(e.name, key);
            } catch (x) {
                // The endpoint is saved but its key is not: go on editing it (adding again would hit "exists already").
                return this.dispatch({ type: "savedWithoutKey", listing: this.listing(), endpoint: this.es.get(e.name) ?? e, error: `${e.name} is saved, but not its key: ${err(x)}` });
            }
        }
        this.dispatch({ type: "saved", listing: this.listing(), name: e.name, added: !f.editing });
    }

    answer(yes: boolean): void {
        const c = this.state.confirm;
        if (!c) return;
        if (!yes) return this.dispatch({ type: "keep" });
        try {
            if (c.kind === "remove") this.es.remove(c.name);
            else this.es.setKey(c.name, null);
        } catch (x) {
            return this.dispatch({ type: "failed", message: err(x) });
        }
        this.dispatch({ type: c.kind === "remove" ? "removed" : "keyForgotten", listing: this.listing(), name: c.name });
    }

    toggleRole(role: EndpointRole): void {
        const e = selectedEndpoint(this.state);
        if (!e) return this.dispatch({ type: "noSelection" });
        const to = this.state.roles[role] === e.name ? null : e.name;
        try {
            this.es.assign(role, to);
        } catch (x) {
            return this.dispatch({ type: "failed", message: err(x) });
        }
        this.dispatch({ type: "roleSet", listing: this.listing(), name: e.name, role, to });
    }

    /** Aborts tests still running (the screen is closing): none may land in a dead store. */
    dispose(): void {
        for (const ac of this.running) ac.abort();
        this.running.clear();
    }

    private listing(): Listing {
        const endpoints = this.es.list();
        return { endpoints, roles: this.es.roles(), storedKey: Object.fromEntries(endpoints.map((e) => [e.name, this.es.hasStoredKey(e.name)])) };
    }
}
