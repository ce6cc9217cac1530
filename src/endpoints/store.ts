import { resolve } from "node:path";
import type Conf from "conf";
import { ConfigFileError, confFilePath, openConfFile, quoteValue, shownName, typeName, withFileErrors } from "../configFile.js";
import { configDir } from "../paths.js";
import { SecretStore } from "./secrets.js";
import { registerSecret } from "./redact.js";
import type { Endpoint, EndpointRole, RoleAssignment } from "./types.js";
import { ROLES } from "./types.js";
import { endpointFrom, isRole, storedEndpointProblem, validateEndpoint } from "./validate.js";

interface StoredEndpoints {
    /** Raw entries: hand-edited ones may be anything (see storedEndpointProblem). */
    endpoints: unknown[];
    roles: RoleAssignment;
}

const ENDPOINTS_FIX = "repair it by hand, or move it away to start with no endpoints (and add them again with `reflect-lab endpoints add`)";

/**
 * The user's endpoints and role assignments, persisted with `conf` beside the settings
 * (REFLECT_LAB_CONFIG_DIR or the user's config dir) in endpoints.json; keys live in SecretStore's
 * separate 0600 file.
 */
export class EndpointStore {
    readonly path: string;
    private readonly dir: string;
    private confFile: Conf<StoredEndpoints> | null = null;
    private readonly keys: SecretStore;

    /** Reads nothing until asked: a broken endpoints.json only fails commands that use endpoints. */
    constructor(opts: { cwd?: string } = {}) {
        const cwd = opts.cwd ?? process.env.REFLECT_LAB_CONFIG_DIR;
        this.dir = cwd ? resolve(cwd) : configDir();
        this.path = confFilePath(this.dir, "endpoints");
        this.keys = new SecretStore(this.dir);
    }

    private get conf(): Conf<StoredEndpoints> {
        return (this.confFile ??= openConfFile<StoredEndpoints>({
            dir: this.dir,
            name: "endpoints",
            // Endpoint names may contain dots ("gpt-4.1"): keys are never paths.
            dotNotation: false,
            defaults: { endpoints: [], roles: {} },
            fix: ENDPOINTS_FIX
        }));
    }

    get keysPath(): string {
        return this.keys.path;
    }

    /** Stored endpoints; a hand-edited entry that no longer validates is left out (problems() names it). */
    list(): Endpoint[] {
        const out: Endpoint[] = [];
        for (const r of this.rawEndpoints()) if (storedEndpointProblem(r) === null) out.push(endpointFrom(r as Endpoint));
        return out.sort((a, b) => a.name.localeCompare(b.name));
    }

    /** One line per entry of endpoints.json that list() leaves out: the file, the entry, the field and the fix. */
    problems(): string[] {
        return this.rawEndpoints().flatMap((r, i) => {
            const problem = storedEndpointProblem(r);
            return problem === null ? [] : [this.entryProblem(r, i, problem)];
        });
    }

    /**
     * The endpoint of that name; undefined if there is none. A stored entry of that name that does
     * not validate throws, naming the field: a run must not quietly fall back to the local model.
     */
    get(name: string): Endpoint | undefined {
        const raw = this.rawEndpoints();
        const i = raw.findIndex((x) => sameName(x, name));
        if (i < 0) return undefined;
        const problem = storedEndpointProblem(raw[i]);
        if (problem !== null) throw new ConfigFileError(this.entryProblem(raw[i], i, problem), this.path);
        return endpointFrom(raw[i] as Endpoint);
    }

    private entryProblem(r: unknown, i: number, problem: string): string {
        const name = r && typeof r === "object" && typeof (r as { name?: unknown }).name === "string" ? shownName((r as { name: string }).name) : null;
        return name !== null
            ? `${this.path}: endpoint "${name}" is invalid: ${problem}; repair it in the file, or run \`reflect-lab endpoints remove ${name}\` and add it again`
            : `${this.path}: entry ${i + 1} of "endpoints" is invalid: ${problem}; repair or delete it in the file`;
    }

    /** Adds or replaces the endpoint of that name; throws a one-line reason when it is invalid. */
    upsert(e: Endpoint): void {
        const clean = endpointFrom(e);
        const err = validateEndpoint(clean);
        if (err) throw new Error(err);
        // Other entries are written back as they were, invalid ones too: never dropped unseen.
        this.write("endpoints", [...this.rawEndpoints().filter((x) => !sameName(x, clean.name)), clean]);
    }

    /** Removes the endpoint, the roles it played and its stored key. */
    remove(name: string): void {
        // An invalid entry can be removed too (problems() suggests it).
        const raw = this.rawEndpoints();
        if (!raw.some((x) => sameName(x, name))) throw new Error(`no endpoint named "${name}"`);
        this.write("endpoints", raw.filter((x) => !sameName(x, name)));
        const roles = this.rawRoles();
        for (const r of ROLES) if (roles[r] === name) delete roles[r];
        this.write("roles", roles);
        this.keys.set(name, null);
    }

    /** Role -> endpoint name, for roles whose endpoint still exists (an invalid one too: get() then names its problem). */
    roles(): RoleAssignment {
        const names = new Set(this.rawEndpoints().flatMap((x) => (x && typeof x === "object" && typeof (x as { name?: unknown }).name === "string" ? [(x as { name: string }).name] : [])));
        const out: RoleAssignment = {};
        for (const [r, n] of Object.entries(this.rawRoles())) if (isRole(r) && typeof n === "string" && names.has(n)) out[r] = n;
        return out;
    }

    /** Gives `role` to the endpoint `name`, or back to the local model (null). */
    assign(role: EndpointRole, name: string | null): void {
        if (!isRole(role)) throw new Error(`unknown role "${role}"; roles: ${ROLES.join(", ")}`);
        if (name !== null && !this.get(name)) throw new Error(`no endpoint named "${name}"`);
        const roles = this.rawRoles();
        if (name === null) delete roles[role];
        else roles[role] = name;
        this.write("roles", roles);
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

    private read(): Record<string, unknown> {
        const conf = this.conf;
        return withFileErrors(this.path, () => conf.store) as unknown as Record<string, unknown>;
    }

    private write<K extends keyof StoredEndpoints>(key: K, value: StoredEndpoints[K]): void {
        const conf = this.conf;
        withFileErrors(this.path, () => conf.set(key, value));
    }

    /** The "endpoints" list as stored; anything but a list is refused naming the file. */
    private rawEndpoints(): unknown[] {
        const raw = this.read().endpoints;
        if (raw === undefined) return [];
        if (!Array.isArray(raw)) throw new ConfigFileError(`${this.path}: "endpoints" is ${typeName(raw) === "object" ? "an object" : `a ${typeName(raw)}`} (${quoteValue(raw)}), not a list; ${ENDPOINTS_FIX}`, this.path);
        return raw;
    }

    private rawRoles(): RoleAssignment {
        const r = this.read().roles;
        if (r === undefined) return {};
        if (typeName(r) !== "object") throw new ConfigFileError(`${this.path}: "roles" is a ${typeName(r)} (${quoteValue(r)}), not an object of role: endpoint name; ${ENDPOINTS_FIX}`, this.path);
        return { ...(r as RoleAssignment) };
    }
}

const sameName = (x: unknown, name: string): boolean => !!x && typeof x === "object" && (x as { name?: unknown }).name === name;
