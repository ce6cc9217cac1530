// llama-server driven the plain way, the peer a user would pick instead of reflect-lab: the project's
// own CPU build (scripts/llama-server.mjs) on the GGUF with `-np P -c P*ctx -t threads`, and P
// concurrent `/completion` requests, each a different prompt of exactly `promptTokens` tokens of real
// text (sent as token ids), `n_predict` genTokens with `ignore_eos` (so each makes exactly genTokens
// tokens), no prompt cache, temperature 0. Figure: aggregate generated tokens/s over the requests'
// wall time, prefill included (unlike the bare driver and llama-batched-bench). Median over `runs`,
// after one short untimed warm-up per server.
//
// serverChatShape() drives it with the batch runner's own shape instead: P workers, each sending
// `items` sequential /v1/chat/completions with the runner's sampler and the server's prompt cache on.
//
// Library: import { serverPlain, serverChatShape } from "./server-driver.js";
// CLI:     npx tsx bench/server-driver.ts [P...] [--runs 3] [--pp 64] [--tg 128] [--threads N] [--chat ITEMS] [--json]
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_MODEL } from "./bare-driver.js";
import { startPlainServer } from "./plainServer.js";

export interface ServerOptions {
    model?: string;
    P: number;
    promptTokens?: number;
    genTokens?: number;
    threads?: number;
    runs?: number;
}

export interface ServerResult {
    P: number;
    genTokensPerSecond: number;
    /** every run's figure, in run order */
    runs: number[];
}

interface Running {
    url: string;
    stop(): Promise<void>;
}

/** The plain server (bench/plainServer.ts); it is killed on stop(), on SIGINT and when this process exits. */
const startServer = (model: string, P: number, ctxPerSlot: number, threads: number): Promise<Running> => startPlainServer({ model, P, ctxPerSlot, threads });

async function post<T>(url: string, body: unknown): Promise<T> {
    const r = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    if (!r.ok) throw new Error(`${url}: HTTP ${r.status} ${(await r.text()).slice(0, 500)}`);
    return (await r.json()) as T;
}

// The bare driver's text, so the three drivers read the same kind of prompt.
const PROMPT_TEXT =
    "You are a careful assistant. Read the question, think step by step, and then answer briefly. " +
    "Question: a farmer has seventeen sheep, and all but nine run away. How many sheep are left, " +
    "and why do people often get this puzzle wrong on their first try? Explain your reasoning in " +
    "plain words, check the arithmetic twice, and state the final number on its own line. ";

/** Exactly `n` tokens of text that differs per `tag`, tokenized by the server itself. */
async function promptTokens(url: string, tag: string, n: number): Promise<number[]> {
    const unit = (await post<{ tokens: number[] }>(`${url}/tokenize`, { content: PROMPT_TEXT })).tokens;
    const head = (await post<{ tokens: number[] }>(`${url}/tokenize`, { content: `${tag}. ` })).tokens;
    const out = [...head];
    while (out.length < n) out.push(...unit);
    return out.slice(0, n);
}

function median(xs: number[]): number {
    const s = [...xs].sort((a, b) => a - b);
    const m = s.length >> 1;
    return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const round = (x: number) => Math.round(x * 10) / 10;

function check(opts: ServerOptions): Required<ServerOptions> {
    const o = { model: DEFAULT_MODEL, promptTokens: 64, genTokens: 128, threads: os.availableParallelism(), runs: 3, ...opts };
    if (!Number.isInteger(o.P) || o.P < 1) throw new Error(`P must be a positive integer, got ${o.P}`);
    for (const k of ["promptTokens", "genTokens", "threads", "runs"] as const)
        if (!Number.isInteger(o[k]) || o[k] < 1) throw new Error(`${k} must be a positive integer, got ${o[k]}`);
    return o;
}

/** P concurrent /completion requests of promptTokens -> genTokens each; aggregate generated tokens/s, prefill included. */
export async function serverPlain(opts: ServerOptions): Promise<ServerResult> {
    const o = check(opts);
    const server = await startServer(o.model, o.P, o.promptTokens + o.genTokens + 64, o.threads);
    try {
        const prompts = await Promise.all(Array.from({ length: o.P }, (_, i) => promptTokens(server.url, `Sequence ${i}`, o.promptTokens)));
        const once = async (n: number): Promise<number> => {
            const t0 = performance.now();
            const res = await Promise.all(
                prompts.map((prompt) => post<{ tokens_predicted: number }>(`${server.url}/completion`, { prompt, n_predict: n, ignore_eos: true, cache_prompt: false, temperature: 0, stream: false }))
            );
            const seconds = (performance.now() - t0) / 1000;
            const made = res.reduce((a, r) => a + r.tokens_predicted, 0);
            if (made !== o.P * n) throw new Error(`llama-server generated ${made} tokens, not ${o.P} x ${n}`);
            return made / seconds;
        };
        await once(Math.min(8, o.genTokens)); // warm-up
        const figures: number[] = [];
        for (let r = 0; r < o.runs; r++) figures.push(await once(o.genTokens));
        return { P: o.P, genTokensPerSecond: round(median(figures)), runs: figures.map(round) };
    } finally {
        await server.stop();
    }
}

/**
 * The runner's shape: P workers, each sending `items` sequential chat completions (a different user
 * message of about promptTokens tokens each, genTokens with ignore_eos, the runner's sampler, prompt
 * cache on). Generated tokens/s over the whole wall time; one run.
 */
export async function serverChatShape(opts: ServerOptions & { items: number }): Promise<ServerResult> {
    const o = check(opts);
    if (!Number.isInteger(opts.items) || opts.items < 1) throw new Error(`items must be a positive integer, got ${opts.items}`);
    // Room for the chat template around the message.
    const server = await startServer(o.model, o.P, o.promptTokens + o.genTokens + 128, o.threads);
    try {
        const text = async (tag: string) => (await post<{ content: string }>(`${server.url}/detokenize`, { tokens: await promptTokens(server.url, tag, o.promptTokens) })).content;
        const messages = await Promise.all(Array.from({ length: o.P * opts.items }, (_, i) => text(`Item ${i}`)));
        const request = (content: string, n: number) =>
            post<{ usage: { completion_tokens: number } }>(`${server.url}/v1/chat/completions`, {
                messages: [{ role: "user", content }], max_tokens: n, ignore_eos: true,
                temperature: 0.8, top_k: 40, top_p: 0.95, min_p: 0.05, repeat_penalty: 1.1, repeat_last_n: 64, seed: 1
            });
        await Promise.all(messages.slice(0, o.P).map((m) => request(m, Math.min(8, o.genTokens)))); // warm-up
        const t0 = performance.now();
        const made = await Promise.all(
            Array.from({ length: o.P }, async (_, w) => {
                let n = 0;
                for (let i = 0; i < opts.items; i++) n += (await request(messages[w * opts.items + i]!, o.genTokens)).usage.completion_tokens;
                return n;
            })
        );
        const total = made.reduce((a, b) => a + b, 0);
        if (total !== o.P * opts.items * o.genTokens) throw new Error(`llama-server generated ${total} tokens, not ${o.P} x ${opts.items} x ${o.genTokens}`);
        const tps = round(total / ((performance.now() - t0) / 1000));
        return { P: o.P, genTokensPerSecond: tps, runs: [tps] };
    } finally {
        await server.stop();
    }
}

function parseCli(argv: string[]) {
    const Ps: number[] = [];
    const o: Omit<ServerOptions, "P"> & { json?: boolean; chat?: number } = {};
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i]!;
        const v = () => {
            const x = argv[++i];
            if (x == null) throw new Error(`missing value for ${a}`);
            return Number(x);
        };
        if (/^\d+$/.test(a)) Ps.push(Number(a));
        else if (a === "--runs") o.runs = v();
        else if (a === "--threads") o.threads = v();
        else if (a === "--pp") o.promptTokens = v();
        else if (a === "--tg") o.genTokens = v();
        else if (a === "--chat") o.chat = v();
        else if (a === "--json") o.json = true;
        else throw new Error(`unknown argument ${a} (usage: server-driver.ts [P...] [--runs N] [--pp N] [--tg N] [--threads N] [--chat ITEMS] [--json])`);
    }
    return { Ps: Ps.length > 0 ? Ps : [1, 2, 4, 8], o };
}

if (process.argv[1] != null && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
    const { Ps, o } = parseCli(process.argv.slice(2));
    const { json, chat, ...opts } = o;
    if (!json)
        console.log(`llama-server, ${chat ? `runner's shape (${chat} sequential chat requests per worker)` : "plain /completion"} · prompt ${opts.promptTokens ?? 64} · gen ${opts.genTokens ?? 128} · threads ${opts.threads ?? os.availableParallelism()}`);
    const results: ServerResult[] = [];
    for (const P of Ps) {
        const r = chat ? await serverChatShape({ ...opts, P, items: chat }) : await serverPlain({ ...opts, P });
        results.push(r);
        if (!json) console.log(`P=${P}: ${r.genTokensPerSecond.toFixed(1)} gen tok/s (runs ${r.runs.join(", ")})`);
    }
    if (json) console.log(JSON.stringify(results.map(({ P, genTokensPerSecond }) => ({ P, genTokensPerSecond }))));
}
