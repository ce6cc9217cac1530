import { endpointLabel } from "../../src/endpoints/errors.js";
import type { ProbeResult } from "../../src/endpoints/probe.js";
import type { Endpoint, EndpointRole } from "../../src/endpoints/types.js";
import type { Tone } from "../theme.js";

/** The last connection test of one endpoint: running, or its result and when it finished. */
export type TestState = { kind: "testing"; since: number } | { kind: "done"; result: ProbeResult; at: number };

/**
 * Where the key comes from, named but never shown: "$VAR" (the probe reads the variable first),
 * "stored key", or "no key" (fine for a local server).
 */
export function keySource(e: Endpoint, hasStoredKey: boolean, env: NodeJS.ProcessEnv = process.env): { text: string; tone?: Tone } {
    if (e.apiKeyEnv) {
        const set = Boolean(env[e.apiKeyEnv]);
        if (set) return { text: `$${e.apiKeyEnv}` };
        // An unset variable falls back to the stored key; say so rather than promise a key that is not there.
        return hasStoredKey ? { text: `$${e.apiKeyEnv} unset · stored key` } : { text: `$${e.apiKeyEnv} unset`, tone: "warn" };
    }
    return hasStoredKey ? { text: "stored key" } : { text: "no key", tone: "muted" };
}

/** What a role falls back to when no endpoint plays it (types.ts: the local model; no teacher). */
export function roleDefault(role: EndpointRole): string {
    return role === "teacher" ? "none" : "local model";
}

const clock = (t: number) => new Date(t).toTimeString().slice(0, 8);

/** "ok · 123 ms · via models · 3 models · 08:52:10", or "failed · ... · 08:52:10 · what went wrong". */
export function formatTest(t: TestState | undefined, e: Endpoint): { text: string; tone: Tone } {
    if (!t) return { text: "not tested (t tests it)", tone: "muted" };
    if (t.kind === "testing") return { text: "testing…", tone: "warn" };
    const r = t.result;
    const parts = [r.ok ? "ok" : "failed", `${Math.round(r.latencyMs)} ms`, `via ${r.via}`];
    if (r.ok && r.models) parts.push(`${r.models.length} model${r.models.length === 1 ? "" : "s"}`);
    parts.push(clock(t.at));
    // The row above already names the endpoint and its URL: the probe's prefix would only push the reason off the line.
    const label = `${endpointLabel(e)}: `;
    if (!r.ok && r.error) parts.push(r.error.startsWith(label) ? r.error.slice(label.length) : r.error);
    // A server that lists models but not the configured one will reject every request: worth a warning.
    const missing = r.ok && r.models && r.models.length > 0 && !r.models.includes(e.model);
    if (missing) parts.push(`"${e.model}" not among them`);
    return { text: parts.join(" · "), tone: !r.ok ? "bad" : missing ? "warn" : "ok" };
}
