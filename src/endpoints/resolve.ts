import { EndpointStore } from "./store.js";
import type { Endpoint, EndpointRef, EndpointRole } from "./types.js";

export interface ResolvedEndpoint {
    endpoint: Endpoint;
    apiKey: string | undefined;
}

/** A stored endpoint by name, with its key; a clear error when there is none. */
export function resolveEndpoint(name: string, store: EndpointStore = new EndpointStore()): ResolvedEndpoint {
    const endpoint = store.get(name);
    if (!endpoint) {
        const names = store.list().map((e) => e.name);
        throw new Error(`no endpoint named "${name}"; ${names.length ? `stored: ${names.join(", ")}` : "add one with `reflect-lab endpoints add <name> --url <url> --model <model>`"}`);
    }
    return { endpoint, apiKey: store.apiKey(endpoint) };
}

/** The endpoint assigned to `role`, or null (the local model plays it). */
export function roleEndpoint(role: EndpointRole, store: EndpointStore = new EndpointStore()): ResolvedEndpoint | null {
    const name = store.roles()[role];
    return name ? resolveEndpoint(name, store) : null;
}

/**
 * The stored endpoint a run's manifest names, for resuming: found by name, and refused when its URL
 * or model changed since (that would mix two models in one run).
 */
export function resolveRef(ref: EndpointRef, store: EndpointStore = new EndpointStore()): ResolvedEndpoint {
    const r = resolveEndpoint(ref.name, store);
    if (r.endpoint.baseURL !== ref.baseURL || r.endpoint.model !== ref.model)
        throw new Error(`endpoint ${ref.name} now points at ${r.endpoint.model} on ${r.endpoint.baseURL}, but this run used ${ref.model} on ${ref.baseURL}; restore it or start a new run`);
    return r;
}
