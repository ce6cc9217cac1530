// Endpoint store, keys, validation, redaction and the retry policy (no network; see openai-backend.test.ts for the protocol).
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { APIError } from "openai";
import { Command } from "commander";
import { EndpointStore } from "../src/endpoints/store.js";
import { keySourceLabel } from "../src/endpoints/secrets.js";
import { clearSecrets, redact, redactError, registerSecret } from "../src/endpoints/redact.js";
import { backoffDelay, withRetries } from "../src/endpoints/retry.js";
import { AbortedError, EndpointError, retryAfterMs } from "../src/endpoints/errors.js";
import { endpointFrom, validateEndpoint } from "../src/endpoints/validate.js";
import { resolveEndpoint, resolveRef } from "../src/endpoints/resolve.js";
import { backoffLine } from "../src/endpoints/backoffLine.js";
import type { BackoffEvent, Endpoint } from "../src/endpoints/types.js";
import { addEndpointsCommands } from "../bin/endpoints.js";

const dirs: string[] = [];
const tempStore = () => {
    const d = mkdtempSync(join(tmpdir(), "rl-endpoints-"));
    dirs.push(d);
    return { dir: d, store: new EndpointStore({ cwd: d }) };
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
afterEach(() => {
    delete process.env.RL_TEST_KEY;
    clearSecrets();
});

const vllm = (over: Partial<Endpoint> = {}): Endpoint => endpointFrom({ name: "vllm", baseURL: "http://h:8000/v1", model: "qwen", ...over });

describe("EndpointStore", () => {
    it("round-trips endpoints and roles in its config dir", () => {
        const { dir, store } = tempStore();
        store.upsert(vllm({ apiKeyEnv: "RL_TEST_KEY", concurrency: 6 }));
        store.upsert(endpointFrom({ name: "local.server", baseURL: "http://127.0.0.1:8080/v1/", model: "smol" }));
        store.assign("generator", "vllm");
        store.assign("reflector", "local.server");
        const again = new EndpointStore({ cwd: dir });
        expect(again.list().map((e) => e.name)).toEqual(["local.server", "vllm"]);
        expect(again.get("vllm")).toEqual({ name: "vllm", baseURL: "http://h:8000/v1", model: "qwen", apiKeyEnv: "RL_TEST_KEY", concurrency: 6, timeoutMs: 120_000, maxRetries: 8 });
        // The trailing slash is dropped, and a dotted name is one key, not a path.
        expect(again.get("local.server")!.baseURL).toBe("http://127.0.0.1:8080/v1");
        expect(again.roles()).toEqual({ generator: "vllm", reflector: "local.server" });
        again.assign("generator", null);
        expect(again.roles()).toEqual({ reflector: "local.server" });
        expect(again.path.startsWith(dir)).toBe(true);
    });

    it("refuses invalid endpoints and unknown names with one-line reasons", () => {
        const { store } = tempStore();
        expect(() => store.upsert(vllm({ name: "Bad Name" }))).toThrow(/endpoint name "Bad Name" must be/);
        expect(() => store.upsert(vllm({ name: "none" }))).toThrow(/reserved/);
        expect(() => store.upsert(vllm({ baseURL: "ftp://h/v1" }))).toThrow(/http:\/\/ or https:\/\//);
        expect(() => store.upsert(vllm({ baseURL: "not a url" }))).toThrow(/is not a URL/);
        expect(() => store.upsert(vllm({ baseURL: "http://user:pw@h/v1" }))).toThrow(/must not carry credentials/);
        expect(() => store.upsert(vllm({ model: " " }))).toThrow(/model must name/);
        expect(() => store.upsert(vllm({ concurrency: 0 }))).toThrow(/concurrency must be an integer/);
        expect(() => store.upsert(vllm({ maxRetries: -1 }))).toThrow(/maxRetries/);
        expect(() => store.upsert(vllm({ apiKeyEnv: "1BAD" }))).toThrow(/not a valid variable name/);
        expect(store.list()).toEqual([]);
        expect(() => store.assign("generator", "nope")).toThrow('no endpoint named "nope"');
        expect(() => store.assign("judge" as never, null)).toThrow(/unknown role "judge"/);
        expect(() => store.setKey("nope", "k")).toThrow('no endpoint named "nope"');
        expect(() => store.remove("nope")).toThrow('no endpoint named "nope"');
        expect(validateEndpoint(vllm())).toBeNull();
        expect(() => resolveEndpoint("nope", store)).toThrow(/no endpoint named "nope"; add one with/);
    });

    it("reads the key from the environment first, then the secret file (mode 0600), never from endpoints.json", () => {
        const { dir, store } = tempStore();
        store.upsert(vllm({ apiKeyEnv: "RL_TEST_KEY" }));
        expect(store.apiKey(store.get("vllm")!)).toBeUndefined();
        expect(keySourceLabel(store.get("vllm")!, false)).toBe("none ($RL_TEST_KEY unset)");
        store.setKey("vllm", "stored-secret-123");
        expect(store.hasStoredKey("vllm")).toBe(true);
        expect(store.apiKey(store.get("vllm")!)).toBe("stored-secret-123");
        expect(keySourceLabel(store.get("vllm")!, true)).toBe("stored ($RL_TEST_KEY unset)");
        process.env.RL_TEST_KEY = "env-secret-456";
        expect(store.apiKey(store.get("vllm")!)).toBe("env-secret-456");
        expect(keySourceLabel(store.get("vllm")!, true)).toBe("$RL_TEST_KEY");
        expect(statSync(store.keysPath).mode & 0o777).toBe(0o600);
        expect(readFileSync(store.keysPath, "utf8")).toContain("stored-secret-123");
        expect(readFileSync(store.path, "utf8")).not.toContain("stored-secret-123");
        expect(new EndpointStore({ cwd: dir }).apiKey(vllm())).toBe("stored-secret-123");
        expect(() => store.setKey("vllm", "  ")).toThrow("the API key is empty");
        store.setKey("vllm", null);
        expect(store.hasStoredKey("vllm")).toBe(false);
    });

    it("remove drops the endpoint, its roles and its stored key", () => {
        const { store } = tempStore();
        store.upsert(vllm());
        store.upsert(vllm({ name: "other" }));
        store.setKey("vllm", "gone-secret-789");
        store.assign("generator", "vllm");
        store.assign("teacher", "vllm");
        store.assign("reflector", "other");
        store.remove("vllm");
        expect(store.get("vllm")).toBeUndefined();
        expect(store.roles()).toEqual({ reflector: "other" });
        expect(store.hasStoredKey("vllm")).toBe(false);
        expect(readFileSync(store.keysPath, "utf8")).not.toContain("gone-secret-789");
        // Re-adding the name does not bring the key back.
        store.upsert(vllm());
        expect(store.apiKey(store.get("vllm")!)).toBeUndefined();
    });

    it("refuses to resume against an endpoint whose URL or model changed", () => {
        const { store } = tempStore();
        store.upsert(vllm());
        expect(resolveRef({ name: "vllm", baseURL: "http://h:8000/v1", model: "qwen" }, store).endpoint.model).toBe("qwen");
        expect(() => resolveRef({ name: "vllm", baseURL: "http://h:8000/v1", model: "llama" }, store)).toThrow(/now points at qwen .* but this run used llama/);
    });
});

describe("redact", () => {
    it("blanks registered secrets, extra ones and credential patterns", () => {
        registerSecret("reg-secret-abc");
        expect(redact("key reg-secret-abc in text")).toBe("key *** in text");
        expect(redact("x extra-secret-1 y", ["extra-secret-1"])).toBe("x *** y");
        expect(redact("Authorization: Bearer abc.def-ghi")).toBe("Authorization: Bearer ***");
        expect(redact("Incorrect API key provided: sk-proj-abcdefghijklmnop")).toBe("Incorrect API key provided: ***");
        expect(redact("GET http://h/v1/models?api_key=zzz&x=1")).toBe("GET http://h/v1/models?api_key=***&x=1");
        expect(redact("http://me:pw@h/v1")).toBe("http://***@h/v1");
        // Too short to be a key: left alone rather than blanking every "abc".
        registerSecret("abc");
        expect(redact("abc")).toBe("abc");
        expect(redactError(new Error("failed with reg-secret-abc"))).toBe("failed with ***");
    });
});

describe("retry policy", () => {
    it("parses Retry-After as seconds, HTTP date and retry-after-ms", () => {
        const now = Date.parse("2026-01-01T00:00:00Z");
        expect(retryAfterMs(new Headers({ "retry-after": "3" }), now)).toBe(3000);
        expect(retryAfterMs(new Headers({ "retry-after": "Thu, 01 Jan 2026 00:00:05 GMT" }), now)).toBe(5000);
        expect(retryAfterMs(new Headers({ "retry-after-ms": "250", "retry-after": "9" }), now)).toBe(250);
        expect(retryAfterMs(new Headers({}), now)).toBeUndefined();
        expect(retryAfterMs(new Headers({ "retry-after": "soon" }), now)).toBeUndefined();
    });

    it("backs off exponentially from 0.5 s to a 30 s cap, with jitter in the upper half", () => {
        expect([1, 2, 3, 4].map((n) => backoffDelay(n, () => 1))).toEqual([500, 1000, 2000, 4000]);
        expect(backoffDelay(1, () => 0)).toBe(250);
        expect(backoffDelay(20, () => 1)).toBe(30_000);
        expect(backoffDelay(20, () => 0)).toBe(15_000);
    });

    it("retries 429/5xx with events, fails 401 at once with a key-free message", async () => {
        const e = vllm({ apiKeyEnv: "VLLM_KEY", maxRetries: 3 });
        const events: BackoffEvent[] = [];
        let calls = 0;
        const status = (s: number, headers: Record<string, string> = {}) => APIError.generate(s, { error: { message: `boom sk-live-abcdefghijklmnopq` } }, undefined, new Headers(headers));
        const out = await withRetries(
            async () => {
                calls++;
                if (calls === 1) throw status(429, { "retry-after-ms": "5" });
                if (calls === 2) throw status(503);
                return "ok";
            },
            { endpoint: e, keyHint: "check the API key (from $VLLM_KEY)", onBackoff: (ev) => events.push(ev), random: () => 0 }
        );
        expect(out).toBe("ok");
        expect(events).toEqual([
            { endpoint: "vllm", attempt: 1, maxRetries: 3, delayMs: 5, reason: "HTTP 429" },
            { endpoint: "vllm", attempt: 2, maxRetries: 3, delayMs: 500, reason: "HTTP 503" }
        ]);
        expect(backoffLine({ ...events[0]!, delayMs: 4000, attempt: 2, maxRetries: 8 })).toBe("backing off 4.0 s: HTTP 429 (attempt 2/8) · vllm");

        calls = 0;
        const err = await withRetries(
            async () => {
                calls++;
                throw status(401);
            },
            { endpoint: e, keyHint: "check the API key (from $VLLM_KEY)" }
        ).catch((x: Error) => x);
        expect(calls).toBe(1);
        expect(err).toBeInstanceOf(EndpointError);
        expect((err as Error).message).toBe("endpoint vllm (http://h:8000/v1): HTTP 401 unauthorized: check the API key (from $VLLM_KEY)");

        const bad = await withRetries(() => Promise.reject(status(400)), { endpoint: e, keyHint: "" }).catch((x: Error) => x);
        expect((bad as Error).message).toBe("endpoint vllm (http://h:8000/v1): HTTP 400 bad request: boom ***");

        const gaveUp = await withRetries(() => Promise.reject(status(500)), { endpoint: { ...e, maxRetries: 1 }, keyHint: "", random: () => 0 }).catch((x: Error) => x);
        expect((gaveUp as Error).message).toMatch(/HTTP 500 server error: boom \*\*\*; gave up after 1 retry$/);
    });

    it("an abort cancels the wait at once", async () => {
        const ac = new AbortController();
        const t0 = performance.now();
        const p = withRetries(() => Promise.reject(APIError.generate(429, undefined, undefined, new Headers({ "retry-after": "30" }))), { endpoint: vllm(), keyHint: "", signal: ac.signal, onBackoff: () => setTimeout(() => ac.abort(), 20) });
        await expect(p).rejects.toBeInstanceOf(AbortedError);
        expect(performance.now() - t0).toBeLessThan(2000);
    });
});

describe("reflect-lab endpoints", () => {
    async function cli(store: EndpointStore, ...args: string[]): Promise<string> {
        const program = new Command("reflect-lab").exitOverride();
        addEndpointsCommands(program, () => store);
        let out = "";
        const write = process.stdout.write.bind(process.stdout);
        process.stdout.write = ((s: string) => ((out += s), true)) as typeof process.stdout.write;
        try {
            await program.parseAsync(["node", "reflect-lab", "endpoints", ...args]);
        } finally {
            process.stdout.write = write;
        }
        return out;
    }

    it("adds, lists (key source, never the key), assigns roles and removes", async () => {
        const { store } = tempStore();
        expect(await cli(store, "add", "vllm", "--url", "http://h:8000/v1", "--model", "qwen", "--key-env", "RL_TEST_KEY", "--concurrency", "6", "--timeout", "30")).toMatch(/^added vllm: qwen at http:\/\/h:8000\/v1 · key none \(\$RL_TEST_KEY unset\) · concurrency 6 · timeout 30 s · 8 retries/);
        // Changing one field keeps the others.
        await cli(store, "add", "vllm", "--max-retries", "2", "--no-sampler-extras");
        expect(store.get("vllm")).toMatchObject({ model: "qwen", concurrency: 6, timeoutMs: 30_000, maxRetries: 2, samplerExtras: false, apiKeyEnv: "RL_TEST_KEY" });
        store.setKey("vllm", "listed-secret-000");
        expect(await cli(store, "role", "generator", "vllm")).toBe("generator: endpoint vllm\n");
        const list = await cli(store, "list");
        expect(list).toMatch(/^name\s+url\s+model\s+conc\s+key\s+roles\nvllm\s+http:\/\/h:8000\/v1\s+qwen\s+6\s+stored \(\$RL_TEST_KEY unset\)\s+generator\n$/);
        expect(list).not.toContain("listed-secret-000");
        expect(await cli(store, "list", "--json")).not.toContain("listed-secret-000");
        expect(await cli(store, "role", "generator", "none")).toBe("generator: local model\n");
        expect(await cli(store, "remove", "vllm")).toBe("removed vllm\n");
        expect(store.list()).toEqual([]);
    });
});
