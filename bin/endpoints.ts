// `reflect-lab endpoints ...`: OpenAI-compatible servers as generator, reflector, verifier or teacher.
import { Command, InvalidArgumentError } from "commander";
import { keySourceLabel } from "../src/endpoints/secrets.js";
import { probeEndpoint } from "../src/endpoints/probe.js";
import { redact } from "../src/endpoints/redact.js";
import { EndpointStore } from "../src/endpoints/store.js";
import { ROLES, type Endpoint } from "../src/endpoints/types.js";
import { endpointFrom, isRole } from "../src/endpoints/validate.js";
import { printable } from "../src/terminalText.js";

const int = (name: string, min: number) => (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min}`);
    return n;
};
const seconds = (v: string) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError("--timeout must be a number of seconds > 0");
    return n;
};

/** The stored endpoints; entries left out of the listing for being invalid are named on stderr with the fix. */
function openStore(): EndpointStore {
    const store = new EndpointStore();
    for (const p of store.problems()) process.stderr.write(`reflect-lab: warning: ${printable(p)}\n`);
    return store;
}

export function addEndpointsCommands(program: Command, makeStore: () => EndpointStore = openStore): void {
    const cmd = program.command("endpoints").description("OpenAI-compatible endpoints (vLLM, llama-server, Ollama, hosted APIs) and the roles they play");

    cmd.command("list")
        .description("name, URL, model, concurrency, where the key comes from, and roles")
        .option("--json", "print JSON (never the keys)")
        .action((o) => {
            const store = makeStore();
            const roles = store.roles();
            const rows = store.list().map((e) => ({
                name: e.name,
                url: e.baseURL,
                model: e.model,
                concurrency: e.concurrency,
                key: keySourceLabel(e, store.hasStoredKey(e.name)),
                roles: ROLES.filter((r) => roles[r] === e.name)
            }));
            if (o.json) return void process.stdout.write(JSON.stringify({ path: store.path, endpoints: rows, roles }, null, 2) + "\n");
            if (!rows.length) return void process.stdout.write("no endpoints; add one with: reflect-lab endpoints add <name> --url http://127.0.0.1:8080/v1 --model <model>\n");
            const table = [["name", "url", "model", "conc", "key", "roles"], ...rows.map((r) => [r.name, r.url, r.model, String(r.concurrency), r.key, r.roles.join(",") || "-"])];
            const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
            process.stdout.write(table.map((row) => row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]!))).join("  ")).join("\n") + "\n");
        });

    cmd.command("add <name>")
        .description("add an endpoint, or change one (options not given keep their values)")
        .option("--url <url>", "base URL, e.g. http://127.0.0.1:8080/v1 (required for a new endpoint)")
        .option("--model <model>", "model name the server expects (required for a new endpoint)")
        .option("--key-env <VAR>", "environment variable holding the API key (read at request time)")
        .option("--key-stdin", "read the API key from stdin (hidden when typed) and store it in the 0600 key file")
        .option("--no-key", "forget the stored key and the key variable")
        .option("--concurrency <n>", "requests a batch keeps in flight on it (default 4)", int("--concurrency", 1))
        .option("--timeout <s>", "per-request timeout in seconds (default 120)", seconds)
        .option("--max-retries <n>", "retries after timeouts, connection errors, 429 and 5xx (default 8)", int("--max-retries", 0))
        .option("--sampler-extras", "send llama.cpp/vLLM sampler fields top_k, min_p, repeat_penalty (the default)")
        .option("--no-sampler-extras", "do not send them (servers that reject unknown fields, e.g. api.openai.com)")
        .action(async (name: string, o) => {
            const store = makeStore();
            const old = store.get(name);
            if (!old && (!o.url || !o.model)) fail(`a new endpoint needs --url and --model (e.g. reflect-lab endpoints add ${name} --url http://127.0.0.1:8080/v1 --model qwen2.5-1.5b-instruct)`);
            if (o.key === false && (o.keyEnv || o.keyStdin)) fail("--no-key cannot go with --key-env or --key-stdin");
            const e: Endpoint = endpointFrom({
                ...old,
                name,
                baseURL: o.url ?? old!.baseURL,
                model: o.model ?? old!.model,
                apiKeyEnv: o.key === false ? undefined : (o.keyEnv ?? old?.apiKeyEnv),
                concurrency: o.concurrency ?? old?.concurrency,
                timeoutMs: o.timeout !== undefined ? Math.round(o.timeout * 1000) : old?.timeoutMs,
                maxRetries: o.maxRetries ?? old?.maxRetries,
                samplerExtras: o.samplerExtras ?? old?.samplerExtras
            });
            // Read the key before storing anything: an empty read should change nothing.
            const key = o.keyStdin ? await readSecret(`API key for ${name}: `) : undefined;
            try {
                store.upsert(e);
                if (key !== undefined) store.setKey(name, key);
                if (o.key === false && store.hasStoredKey(name)) store.setKey(name, null);
            } catch (err) {
                fail(redact((err as Error).message, [key]));
            }
            process.stdout.write(`${old ? "updated" : "added"} ${name}: ${e.model} at ${e.baseURL} · key ${keySourceLabel(e, store.hasStoredKey(name))} · concurrency ${e.concurrency} · timeout ${e.timeoutMs / 1000} s · ${e.maxRetries} retries\n`);
        });

    cmd.command("remove <name>")
        .description("remove an endpoint, its roles and its stored key")
        .action((name: string) => {
            try {
                makeStore().remove(name);
            } catch (err) {
                fail((err as Error).message);
            }
            process.stdout.write(`removed ${name}\n`);
        });

    cmd.command("test <name>")
        .description("probe it: GET /models (or a one-token chat request), latency, models, or why it fails")
        .option("--json", "print JSON")
        .action(async (name: string, o) => {
            const store = makeStore();
            const e = store.get(name);
            if (!e) fail(`no endpoint named "${name}"`);
            const r = await probeEndpoint(e, store.apiKey(e));
            if (o.json) process.stdout.write(JSON.stringify({ name, ...r }, null, 2) + "\n");
            else if (r.ok) {
                const models = r.models?.length ? ` · models: ${r.models.slice(0, 10).join(", ")}${r.models.length > 10 ? ` (+${r.models.length - 10})` : ""}` : "";
                const missing = r.models?.length && !r.models.includes(e.model) ? `\nnote: the server does not list "${e.model}"; requests may fail with 404` : "";
                process.stdout.write(`ok · ${Math.round(r.latencyMs)} ms · via ${r.via === "models" ? "/models" : "a chat request"}${models}${missing}\n`);
            } else process.stderr.write(`reflect-lab: ${printable(r.error ?? "")}\n`);
            if (!r.ok) process.exitCode = 1;
        });

    cmd.command("role <role> <name>")
        .description(`give a role (${ROLES.join(", ")}) to an endpoint, or "none" for the local model`)
        .action((role: string, name: string) => {
            if (!isRole(role)) fail(`unknown role "${role}"; roles: ${ROLES.join(", ")}`);
            try {
                makeStore().assign(role, name === "none" ? null : name);
            } catch (err) {
                fail((err as Error).message);
            }
            process.stdout.write(name === "none" ? `${role}: local model\n` : `${role}: endpoint ${name}\n`);
        });
}

/** The key from piped stdin, or typed at a terminal without echo. */
async function readSecret(prompt: string): Promise<string> {
    const stdin = process.stdin;
    if (!stdin.isTTY) {
        let data = "";
        for await (const chunk of stdin) data += chunk;
        return data.trim();
    }
    process.stderr.write(prompt);
    return new Promise((resolve) => {
        let key = "";
        stdin.setRawMode(true);
        stdin.resume();
        stdin.setEncoding("utf8");
        const onData = (s: string) => {
            for (const ch of s) {
                if (ch === "\r" || ch === "\n") {
                    stdin.setRawMode(false);
                    stdin.pause();
                    stdin.off("data", onData);
                    process.stderr.write("\n");
                    return resolve(key.trim());
                }
                if (ch === "\u0003") {
                    stdin.setRawMode(false);
                    process.stderr.write("\n");
                    process.exit(130);
                }
                if (ch === "\u007f" || ch === "\b") key = key.slice(0, -1);
                else key += ch;
            }
        };
        stdin.on("data", onData);
    });
}

function fail(msg: string): never {
    process.stderr.write(`reflect-lab: ${printable(msg)}\n`);
    process.exit(2);
}
