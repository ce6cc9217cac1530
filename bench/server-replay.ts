// The runner's own finished run replayed on a plain llama-server: the peer "on the same items, prompts
// and parallelism" (issue 14). Every request the runner made (bench/replayChains.ts) is sent to
// /v1/chat/completions with the messages it sent, its step's sampler and max_tokens = the tokens the
// runner generated, `ignore_eos` so the server makes exactly as many. P workers share the items the
// way the runner's slots do: each takes the next item, sends its turn 1, then its chains one after
// another (a chain's requests in order); with no items left a worker helps with other items' chains.
// The server is started plainly (bench/plainServer.ts): default prompt cache, no id_slot.
// Figure: the recorded generated tokens over the replay's wall time, prefill included.
//
// Library: import { serverReplay } from "./server-replay.js";
// CLI:     npx tsx bench/server-replay.ts <runDir> <P> [--threads N] [--model F] [--json]
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startPlainServer } from "./plainServer.js";
import { readReplayPlan, type ReplayPlan, type ReplayRequest } from "./replayChains.js";

export interface ReplayOptions {
    /** a finished batch run folder (manifest.json + samples.sqlite) */
    runDir: string;
    P: number;
    threads?: number;
    /** the GGUF to serve; default the run's own model file (manifest.model.path) */
    model?: string;
}

export interface ReplayResult {
    P: number;
    seconds: number;
    /** tokens the runner generated in the run, which the server generated again */
    generated: number;
    genTokensPerSecond: number;
    requests: number;
}

/**
 * Sends every request of `plan` through `send` (which returns the tokens generated) with P workers
 * scheduled as the batch runner's slots are; resolves to the tokens generated in all.
 */
export async function runReplay(plan: ReplayPlan, P: number, send: (r: ReplayRequest, itemId: string) => Promise<number>): Promise<number> {
    const queue = [...plan.items];
    /** items whose turn 1 is done and whose chains are still being sent */
    const open: { itemId: string; pending: ReplayRequest[][] }[] = [];
    let answering = 0;
    let failed = false;
    let wake: (() => void)[] = [];
    const notify = () => {
        const w = wake;
        wake = [];
        w.forEach((f) => f());
    };
    let made = 0;
    const chain = async (itemId: string, requests: ReplayRequest[]) => {
        for (const r of requests) {
            if (failed) return;
            const n = await send(r, itemId); // not `made += await`: that reads `made` before the wait
            made += n;
        }
    };
    const worker = async () => {
        try {
            while (!failed) {
                const next = queue.shift();
                if (next) {
                    answering++;
                    try {
                        await chain(next.itemId, next.turn1);
                    } finally {
                        answering--;
                    }
                    const job = { itemId: next.itemId, pending: [...next.chains] };
                    if (job.pending.length > 0) open.push(job);
                    notify();
                    // Its own chains first, like the runner's slot (the server's cache then holds their prefix).
                    while (job.pending.length > 0 && !failed) await chain(job.itemId, job.pending.shift()!);
                    continue;
                }
                const other = open.find((j) => j.pending.length > 0);
                if (other) await chain(other.itemId, other.pending.shift()!);
                else if (answering > 0) await new Promise<void>((r) => wake.push(r));
                else return;
            }
        } catch (e) {
            failed = true;
            notify();
            throw e;
        }
    };
    await Promise.all(Array.from({ length: P }, worker));
    return made;
}

async function post<T>(url: string, body: unknown): Promise<T> {
    const r = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    if (!r.ok) throw new Error(`${url}: HTTP ${r.status} ${(await r.text()).slice(0, 500)}`);
    return (await r.json()) as T;
}

/** The chat request a user would send for this step: the runner's messages and sampler, exactly `maxTokens` tokens. */
function chatBody(r: ReplayRequest): Record<string, unknown> {
    const s = r.sampler;
    // llama-server makes at least one token even when asked for none; such steps (the model stopped at once) cost it one token.
    return {
        messages: r.messages, max_tokens: Math.max(1, r.maxTokens), ignore_eos: true,
        temperature: s.temperature, top_k: s.topK, top_p: s.topP, min_p: s.minP, repeat_penalty: s.repeatPenalty, seed: s.seed
    };
}

const round = (x: number) => Math.round(x * 10) / 10;

export async function serverReplay(o: ReplayOptions): Promise<ReplayResult> {
    if (!Number.isInteger(o.P) || o.P < 1) throw new Error(`P must be a positive integer, got ${o.P}`);
    const threads = o.threads ?? os.availableParallelism();
    if (!Number.isInteger(threads) || threads < 1) throw new Error(`threads must be a positive integer, got ${threads}`);
    const { manifest, plan } = readReplayPlan(o.runDir);
    const model = o.model ?? manifest.model.path;
    if (!existsSync(model)) throw new Error(`the model file ${model} (the run's model) does not exist; pass the GGUF to serve (--model F on the command line)`);
    // The runner's own context per sequence, so no request fits there that does not fit here.
    const server = await startPlainServer({ model, P: o.P, ctxPerSlot: manifest.config.contextSize ?? 2048, threads });
    try {
        const url = `${server.url}/v1/chat/completions`;
        // One short untimed request (not one of the run's prompts, so it primes no cache), as server-driver.ts does.
        await post(url, { messages: [{ role: "user", content: "Say hello." }], max_tokens: 4, ignore_eos: true });
        const send = async (r: ReplayRequest, itemId: string) => {
            const n = (await post<{ usage: { completion_tokens: number } }>(url, chatBody(r))).usage.completion_tokens;
            const want = Math.max(1, r.maxTokens);
            if (n !== want) throw new Error(`llama-server generated ${n} tokens for item ${itemId}'s ${r.kind} (turn ${r.turn}), not the ${want} asked for`);
            return n;
        };
        const t0 = performance.now();
        const made = await runReplay(plan, o.P, send);
        const seconds = (performance.now() - t0) / 1000;
        const zeroSteps = plan.items.flatMap((it) => [...it.turn1, ...it.chains.flat()]).filter((r) => r.maxTokens === 0).length;
        if (made !== plan.tokens + zeroSteps)
            throw new Error(`llama-server generated ${made} tokens in all, not the run's ${plan.tokens}${zeroSteps ? ` (+${zeroSteps} for steps that made none)` : ""}`);
        // The runner's token count over the server's time: the same work, so the ratio to the runner's figure is a ratio of times.
        return { P: o.P, seconds: round(seconds), generated: plan.tokens, genTokensPerSecond: round(plan.tokens / seconds), requests: plan.requests };
    } catch (e) {
        throw new Error(`${(e as Error).message}\nllama-server's last output:\n${server.log()}`);
    } finally {
        await server.stop();
    }
}

function parseCli(argv: string[]): ReplayOptions & { json: boolean } {
    const usage = "usage: server-replay.ts <runDir> <P> [--threads N] [--model F] [--json]";
    const pos: string[] = [];
    let threads: number | undefined;
    let model: string | undefined;
    let json = false;
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i]!;
        if (a === "--json") json = true;
        else if (a === "--threads") {
            const v = argv[++i];
            if (v == null || !/^\d+$/.test(v)) throw new Error(`--threads needs a positive integer (${usage})`);
            threads = Number(v);
        } else if (a === "--model") {
            model = argv[++i];
            if (!model) throw new Error(`--model needs a GGUF file (${usage})`);
            model = path.resolve(model);
        } else if (a.startsWith("--")) throw new Error(`unknown argument ${a} (${usage})`);
        else pos.push(a);
    }
    if (pos.length !== 2 || !/^\d+$/.test(pos[1]!)) throw new Error(`expected a run folder and P (${usage})`);
    return { runDir: path.resolve(pos[0]!), P: Number(pos[1]), threads, model, json };
}

if (process.argv[1] != null && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
    const { json, ...opts } = parseCli(process.argv.slice(2));
    const r = await serverReplay(opts);
    if (json) console.log(JSON.stringify(r));
    else console.log(`llama-server replay of ${opts.runDir} · P=${r.P}: ${r.requests} requests, ${r.generated} tokens in ${r.seconds.toFixed(1)} s = ${r.genTokensPerSecond.toFixed(1)} gen tok/s (prefill included)`);
}
