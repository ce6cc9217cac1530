import { OpenAIHost } from "../backend/openai.js";
import type { Backend } from "../backend/types.js";
import { resolveEndpoint } from "../endpoints/resolve.js";
import { EndpointStore } from "../endpoints/store.js";
import type { BackoffEvent } from "../endpoints/types.js";

/** A teacher ready to use: one Backend on an endpoint, and what summaries and records name it by. */
export interface OpenedTeacher {
    backend: Backend;
    /** The model name the endpoint serves (recorded as the judge / tagger / verifier model). */
    model: string;
    /** The endpoint's name as the user gave it. */
    endpoint: string;
    /** Requests the endpoint allows in flight (the default for --concurrency). */
    concurrency: number;
    dispose(): Promise<void>;
}

export interface OpenTeacherOptions {
    /** Default: the user's stored endpoints. */
    store?: EndpointStore;
    /** Retries the host makes (429, 5xx, timeouts), for a progress line. */
    onBackoff?: (ev: BackoffEvent) => void;
}

/**
 * `--teacher <endpoint>` in one call: the stored endpoint by name and its key (environment
 * variable or secret store; never written anywhere), opened as one Backend. The single backend
 * takes concurrent requests (the host caps them at the endpoint's concurrency), so judge, tagger
 * and verifier calls can overlap on it.
 */
export async function openTeacher(name: string, opts: OpenTeacherOptions = {}): Promise<OpenedTeacher> {
    const { endpoint, apiKey } = resolveEndpoint(name, opts.store ?? new EndpointStore());
    const host = await OpenAIHost.open(endpoint, apiKey, { slots: 1, onBackoff: opts.onBackoff });
    return {
        // Disposing the single backend disposes the host.
        backend: host.single(),
        model: endpoint.model,
        endpoint: endpoint.name,
        concurrency: endpoint.concurrency,
        dispose: () => host.dispose()
    };
}
