import { chmodSync, existsSync } from "node:fs";
import Conf from "conf";
import { registerSecret } from "./redact.js";
import type { Endpoint } from "./types.js";

/** Owner read/write only: the file holds API keys in clear text. */
export const SECRET_FILE_MODE = 0o600;

/**
 * Stored API keys, in their own file beside the settings (mode 0600), so the endpoints file, which
 * is safe to show and copy, never holds one. Keys are registered for redaction as they are read.
 */
export class KeyStore {
    private readonly conf: Conf<{ keys: Record<string, string> }>;

    constructor(cwd?: string) {
        this.conf = new Conf<{ keys: Record<string, string> }>({
            projectName: "reflect-lab",
            cwd,
            configName: "endpoint-keys",
            configFileMode: SECRET_FILE_MODE,
            accessPropertiesByDotNotation: false,
            defaults: { keys: {} }
        });
        this.tighten();
    }

    get path(): string {
        return this.conf.path;
    }

    get(name: string): string | undefined {
        const key = this.all()[name];
        registerSecret(key);
        return key;
    }

    has(name: string): boolean {
        return typeof this.all()[name] === "string";
    }

    set(name: string, key: string | null): void {
        const keys = { ...this.all() };
        if (key === null) delete keys[name];
        else {
            registerSecret(key);
            keys[name] = key;
        }
        this.conf.set("keys", keys);
        this.tighten();
    }

    private all(): Record<string, string> {
        const keys = this.conf.get("keys");
        return keys && typeof keys === "object" ? keys : {};
    }

    /** A file made before (or by hand) with looser permissions is tightened, not trusted. */
    private tighten(): void {
        if (existsSync(this.conf.path)) chmodSync(this.conf.path, SECRET_FILE_MODE);
    }
}

/** Where an endpoint's key comes from, for listings: "$VAR", "stored" or "none" (never the key). */
export function keySourceLabel(e: Endpoint, stored: boolean, env: NodeJS.ProcessEnv = process.env): string {
    if (e.apiKeyEnv && env[e.apiKeyEnv]) return `$${e.apiKeyEnv}`;
    if (stored) return e.apiKeyEnv ? `stored ($${e.apiKeyEnv} unset)` : "stored";
    return e.apiKeyEnv ? `none ($${e.apiKeyEnv} unset)` : "none";
}

/** The advice an HTTP 401/403 needs: which key was sent, by source, never by value. */
export function keyHint(e: Endpoint, apiKey: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
    if (apiKey && e.apiKeyEnv && env[e.apiKeyEnv] === apiKey) return `check the API key (from $${e.apiKeyEnv})`;
    if (apiKey) return "check the API key (the stored one; replace it with `reflect-lab endpoints add ... --key-stdin`)";
    if (e.apiKeyEnv) return `no API key was sent: $${e.apiKeyEnv} is not set and no key is stored`;
    return "no API key was sent: give one with `reflect-lab endpoints add ... --key-env VAR` or --key-stdin";
}
