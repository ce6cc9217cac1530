import { ENDPOINT_DEFAULTS, type Endpoint } from "../../src/endpoints/types.js";

export type FieldId = "name" | "baseURL" | "model" | "apiKeyEnv" | "key" | "concurrency";

export interface FormField {
    id: FieldId;
    label: string;
    hint: string;
    /** Shown as bullets, never as typed. */
    masked?: boolean;
}

export const FORM_FIELDS: readonly FormField[] = [
    { id: "name", label: "name", hint: "your name for it: vllm, local-server" },
    { id: "baseURL", label: "URL", hint: "e.g. http://127.0.0.1:8080/v1" },
    { id: "model", label: "model", hint: "the model name the server expects" },
    { id: "apiKeyEnv", label: "key variable", hint: "variable with the key, e.g. OPENAI_API_KEY" },
    { id: "key", label: "key", hint: "or type it: key store only, shown as ••••", masked: true },
    { id: "concurrency", label: "concurrency", hint: "requests a batch keeps in flight" }
];

export type FormValues = Record<FieldId, string>;

export interface FormState {
    /** The endpoint being edited (its name cannot change), or null when adding. */
    editing: Endpoint | null;
    values: FormValues;
    cursor: number;
    /** The last validation error from the store, shown under the form. */
    error: string | null;
}

export function newForm(): FormState {
    return { editing: null, values: { name: "", baseURL: "", model: "", apiKeyEnv: "", key: "", concurrency: String(ENDPOINT_DEFAULTS.concurrency) }, cursor: 0, error: null };
}

/** The form for an existing endpoint; the key field starts empty (the stored key is never read back into the UI). */
export function editForm(e: Endpoint): FormState {
    const values = { name: e.name, baseURL: e.baseURL, model: e.model, apiKeyEnv: e.apiKeyEnv ?? "", key: "", concurrency: String(e.concurrency) };
    return { editing: e, values, cursor: 1, error: null };
}

/** Fields the cursor may visit: a name is the endpoint's identity (roles point to it), so it is fixed once saved. */
export function focusable(f: FormState): number[] {
    return FORM_FIELDS.map((_, i) => i).filter((i) => !(f.editing && FORM_FIELDS[i]!.id === "name"));
}

export function moveCursor(f: FormState, step: 1 | -1): FormState {
    const idx = focusable(f);
    const at = Math.max(0, idx.indexOf(f.cursor));
    return { ...f, cursor: idx[(at + step + idx.length) % idx.length]! };
}

export function typeInto(f: FormState, text: string): FormState {
    // Pasted text may carry a newline or other control characters; none belongs in a URL, name or key.
    const clean = text.replace(/[\u0000-\u001f\u007f]/g, "");
    if (!clean) return f;
    const id = FORM_FIELDS[f.cursor]!.id;
    return { ...f, values: { ...f.values, [id]: f.values[id] + clean }, error: null };
}

export function backspace(f: FormState): FormState {
    const id = FORM_FIELDS[f.cursor]!.id;
    return { ...f, values: { ...f.values, [id]: [...f.values[id]].slice(0, -1).join("") }, error: null };
}

/**
 * The endpoint the form describes. Text is only trimmed; checking it (URL, name, numbers) is the
 * store's job, so the CLI and the TUI reject the same things with the same messages.
 */
export function toEndpoint(f: FormState): Endpoint {
    const v = f.values;
    const conc = v.concurrency.trim();
    const env = v.apiKeyEnv.trim().replace(/^\$/, "");
    // Fields the form does not show (timeout, retries, sampler extras) keep what the endpoint had.
    const kept: Partial<Endpoint> = { ...f.editing };
    delete kept.apiKeyEnv;
    return {
        timeoutMs: ENDPOINT_DEFAULTS.timeoutMs,
        maxRetries: ENDPOINT_DEFAULTS.maxRetries,
        ...kept,
        name: f.editing?.name ?? v.name.trim(),
        baseURL: v.baseURL.trim(),
        model: v.model.trim(),
        ...(env ? { apiKeyEnv: env } : {}),
        concurrency: conc === "" ? ENDPOINT_DEFAULTS.concurrency : Number(conc)
    };
}

/** What a field shows: a key only as bullets, one per character typed (never the characters). */
export function shownValue(field: FormField, value: string): string {
    return field.masked ? "•".repeat([...value].length) : value;
}
