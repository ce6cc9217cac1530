import Conf from "conf";
import { KeyStore } from "./keys.js";
import { registerSecret } from "./redact.js";
import type { Endpoint, Role, RoleAssignment } from "./types.js";
import { ROLES } from "./types.js";
import { endpointFrom, isRole, validateEndpoint } from "./validate.js";

interface StoredEndpoints {
    endpoints: Endpoint[];
    roles: RoleAssignment;
}

/**
 * The user's endpoints and role assignments, persisted with `conf` beside the settings
 * (REFLECT_LAB_CONFIG_DIR or the user's config dir) in endpoints.json; keys live in KeyStore's
 * separate 0600 file.
 */
export class EndpointStore {
    private readonly conf: Conf<StoredEndpoints>;
    private readonly keys: KeyStore;

    constructor(opts: { cwd?: string } = {}) {
        const cwd = opts.cwd ?? process.env.REFLECT_LAB_CONFIG_DIR;
        this.conf = new Conf<StoredEndpoints>({
            projectName: "reflect-lab",
            cwd,
            configName: "endpoints",
            // Endpoint names may contain dots ("gpt-4.1"): keys are never paths.
            accessPropertiesByDotNotation: false,
            defaults: { endpoints: [], roles: {} }
        });
        this.keys = new KeyStore(cwd);
    }

    get path(): string {
        return this.conf.path;
    }

    get keysPath(): string {
        return this.keys.path;
    }

    /** Stored endpoints; a hand-edited entry that no longer validates is left out. */
    list(): Endpoint[] {
        const raw = this.conf.get("endpoints");
        if (!Array.isArray(raw)) return [];
        const out: Endpoint[] = [];
        for (const r of raw) {
            if (!r || typeof r !== "object" || typeof r.name !== "string" || typeof r.baseURL !== "string" || typeof r.model !== "string") continue;
            const e = endpointFrom(r);
            if (validateEndpoint(e) === null) out.push(e);
        }
        return out.sort((a, b) => a.name.localeCompare(b.name));
    }

    get(name: string): Endpoint | undefined {
        return this.list().find((e) => e.name === name);
    }

    /** Adds or replaces the endpoint of that name; throws a one-line reason when it is invalid. */
    upsert(e: Endpoint): void {
        const clean = endpointFrom(e);
        const err = validateEndpoint(clean);
        if (err) throw new Error(err);
        this.conf.set("endpoints", [...this.list().filter((x) => x.name !== clean.name), clean]);
    }

    /** Removes the endpoint, the roles it played and its stored key. */
    remove(name: string): void {
        if (!this.get(name)) throw new Error(`no endpoint named "${name}"`);
        this.conf.set("endpoints", this.list().filter((x) => x.name !== name));
        const roles = this.rawRoles();
        for (const r of ROLES) if (roles[r] === name) delete roles[r];
        this.conf.set("roles", roles);
        this.keys.set(name, null);
    }

    /** Role -> endpoint name, for roles whose endpoint still exists. */
    roles(): RoleAssignment {
        const names = new Set(this.list().map((e) => e.name));
        const out: RoleAssignment = {};
        for (const [r, n] of Object.entries(this.rawRoles())) if (isRole(r) && typeof n === "string" && names.has(n)) out[r] = n;
        return out;
    }

    /** Gives `role` to the endpoint `name`, or back to the local model (null). */
    assign(role: Role, name: string | null): void {
        if (!isRole(role)) throw new Error(`unknown role "${role}"; roles: ${ROLES.join(", ")}`);
        if (name !== null && !this.get(name)) throw new Error(`no endpoint named "${name}"`);
        const roles = this.rawRoles();
        if (name === null) delete roles[role];
        else roles[role] = name;
        this.conf.set("roles", roles);
    }

    /** Stores (or with null, forgets) the endpoint's API key in the secret file. */
    setKey(name: string, key: string | null): void {
        if (!this.get(name)) throw new Error(`no endpoint named "${name}"`);
        if (key !== null) {
            key = key.trim();
            if (!key) throw new Error("the API key is empty");
            if (/\s/.test(key)) throw new Error("the API key contains whitespace; paste only the key");
        }
        this.keys.set(name, key);
    }

    hasStoredKey(name: string): boolean {
        return this.keys.has(name);
    }

    /** The key to send: the environment variable `e.apiKeyEnv` first, then the stored key; undefined = none. */
    apiKey(e: Endpoint): string | undefined {
        const env = e.apiKeyEnv ? process.env[e.apiKeyEnv]?.trim() : undefined;
        if (env) {
            registerSecret(env);
            return env;
        }
        return this.keys.get(e.name);
    }

    private rawRoles(): RoleAssignment {
        const r = this.conf.get("roles");
        return r && typeof r === "object" ? { ...r } : {};
    }
}
