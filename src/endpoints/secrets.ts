import { chmodSync, existsSync } from "node:fs";
import { resolve } from "node:path";
import type Conf from "conf";
import { ConfigFileError, confFilePath, openConfFile, shownName, typeName, withFileErrors } from "../configFile.js";
import { configDir } from "../paths.js";
import { registerSecret } from "./redact.js";
import type { Endpoint } from "./types.js";

/** Owner read/write only: the file holds API keys in clear text. */
export const SECRET_FILE_MODE = 0o600;

/**
 * Stored API keys, in their own file beside the settings (mode 0600), so the endpoints file, which
 * is safe to show and copy, never holds one. Keys are registered for redaction as they are read.
 */
const KEYS_FIX = "repair it by hand, or move it away and store the keys again with `reflect-lab endpoints add <name> --key-stdin`";

export class SecretStore {
    readonly path: string;
    private readonly dir: string;
    private confFile: Conf<{ keys: Record<string, string> }> | null = null;

    /** Reads nothing until a key is asked for: a broken key file only fails what needs a key. */
    constructor(cwd?: string) {
        this.dir = cwd ? resolve(cwd) : configDir();
        this.path = confFilePath(this.dir, "endpoint-keys");
    }

    private get conf(): Conf<{ keys: Record<string, string> }> {
        if (!this.confFile) {
            this.confFile = openConfFile<{ keys: Record<string, string> }>({ dir: this.dir, name: "endpoint-keys", fileMode: SECRET_FILE_MODE, dotNotation: false, defaults: { keys: {} }, fix: KEYS_FIX });
            this.tighten();
        }
        return this.confFile;
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
        const conf = this.conf;
        withFileErrors(this.path, () => conf.set("keys", keys));
        this.tighten();
    }

    /** The stored keys; a wrong shape is refused naming the file and the endpoint, never quoting a key. */
    private all(): Record<string, string> {
        const conf = this.conf;
        const keys = (withFileErrors(this.path, () => conf.store) as { keys?: unknown }).keys;
        if (keys === undefined) return {};
        if (typeName(keys) !== "object") throw new ConfigFileError(`${this.path}: "keys" is a ${typeName(keys)}, not an object of endpoint name: key; ${KEYS_FIX}`, this.path);
        for (const [n, k] of Object.entries(keys as Record<string, unknown>))
            if (typeof k !== "string") throw new ConfigFileError(`${this.path}: the key of endpoint "${shownName(n)}" is a ${typeName(k)}, not a string; store it again with \`reflect-lab endpoints add ${shownName(n)} --key-stdin\` (or repair the file by hand)`, this.path);
        return keys as Record<string, string>;
    }

    /** A file made before (or by hand) with looser permissions is tightened, not trusted. */
    private tighten(): void {
        if (existsSync(this.path)) withFileErrors(this.path, () => chmodSync(this.path, SECRET_FILE_MODE));
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
