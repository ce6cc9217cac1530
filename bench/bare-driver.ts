// Throughput ceiling for node-llama-cpp itself: a bare driver with no pipeline work (no chat
// template, no sessions, no verification). P sequences of one context each read a prompt of
// `promptTokens` tokens, then their `sequence.evaluate()` iterators are stepped together in
// lockstep (`Promise.all(iters.map(it => it.next()))`, queued in sequence-id order), so every
// decode batch holds exactly one token of every sequence, in increasing sequence-id order.
//
// Counting: each sequence generates exactly `genTokens` tokens (EOG tokens are yielded and
// decoded like any other, so generation never stops early). The first one is sampled from the
// prompt's logits in the (untimed) prefill step; the timed generation phase is the remaining
// genTokens-1 lockstep steps, each decoding P tokens and sampling P new ones, so
// genTokensPerSecond = P * (genTokens - 1) / generation wall time (aggregate over sequences, like
// llama-batched-bench's S_TG column). Median over `runs`, after one short untimed warm-up per P.
//
// Same work (`prefillTokens`, CLI --prefill N): each sequence already holds the first
// promptTokens - N tokens (read untimed) and reads its last N in the timed phase, as a runner's call
// reads only its new prompt tokens on top of a reused prefix; then genTokensPerSecond =
// P * genTokens / (prefill + generation wall time), the ceiling for the runner's prefill and
// generation together with no pipeline work.
//
// Sampling: greedy by default; `sampling: RUNNER_SAMPLING` (CLI --sample) samples like the batch
// runner (temperature, top-k/p, min-p, repeat penalty over the last 64 tokens). The difference per
// token between the two is sampling's share of a decode step (the bench's time breakdown).
//
// Library: import {bareLockstep, disposeBare} from "./bare-driver.js";
// CLI:     npx tsx bench/bare-driver.ts [P...] [--runs 3] [--threads N] [--model FILE] [--pp 64] [--tg 128] [--sample] [--prefill N] [--json]
import { getLlama, type Llama, type LlamaModel, type Token } from "node-llama-cpp";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
export const DEFAULT_MODEL = path.resolve(here, "..", "models", "SmolLM2-135M-Instruct.Q4_1.gguf");

export interface BareOptions {
    model?: string;
    P: number;
    promptTokens?: number;
    genTokens?: number;
    /** defaults to os.availableParallelism(); never more than the core count on CPU */
    threads?: number;
    runs?: number;
    /** tokens of KV cache per sequence */
    contextSize?: number;
    /** default greedy */
    sampling?: BareSampling;
    /** timed prompt tokens per sequence, read on top of an untimed context of promptTokens - prefillTokens (default 0: prefill untimed) */
    prefillTokens?: number;
}

export interface BareSampling {
    temperature: number;
    topK: number;
    topP: number;
    minP: number;
    seed: number;
    repeatPenalty: number;
    /** tokens the repeat penalty looks back over (prompt and generated) */
    repeatWindow: number;
}

/** The batch runner's sampler (bench/batch.ts's config; src/backend/llama.ts's 64-token repeat window). */
export const RUNNER_SAMPLING: BareSampling = { temperature: 0.8, topK: 40, topP: 0.95, minP: 0.05, seed: 1, repeatPenalty: 1.1, repeatWindow: 64 };

export interface BareResult {
    P: number;
    genTokensPerSecond: number;
    /** every run's figure, in run order */
    runs: number[];
    threads: number;
}

let llamaPromise: Promise<Llama> | undefined;
const models = new Map<string, Promise<LlamaModel>>();

function loadLlama(): Promise<Llama> {
    llamaPromise ??= getLlama({ gpu: "auto", build: "never", maxThreads: os.availableParallelism() });
    return llamaPromise;
}

async function loadModel(modelPath: string): Promise<LlamaModel> {
    let p = models.get(modelPath);
    if (p == null) {
        p = loadLlama().then((llama) => llama.loadModel({ modelPath }));
        models.set(modelPath, p);
    }
    return p;
}

/** Free the models (and the llama instance) loaded by bareLockstep. */
export async function disposeBare(): Promise<void> {
    for (const p of models.values()) await (await p).dispose();
    models.clear();
    if (llamaPromise != null) await (await llamaPromise).dispose();
    llamaPromise = undefined;
}

const PROMPT_TEXT =
    "You are a careful assistant. Read the question, think step by step, and then answer briefly. " +
    "Question: a farmer has seventeen sheep, and all but nine run away. How many sheep are left, " +
    "and why do people often get this puzzle wrong on their first try? Explain your reasoning in " +
    "plain words, check the arithmetic twice, and state the final number on its own line. ";

/** Exactly `n` tokens of a prompt that differs per sequence. */
function promptTokensFor(model: LlamaModel, seq: number, n: number): Token[] {
    const tokens: Token[] = [];
    let text = `Sequence ${seq}. ${PROMPT_TEXT}`;
    while (tokens.length < n) {
        tokens.push(...model.tokenize(text));
        text = PROMPT_TEXT;
    }
    return tokens.slice(0, n);
}

/** Evaluate options sampling like the runner; the repeat penalty reads the live `generated` array. */
function sampled(o: BareSampling, prompt: Token[], generated: Token[]) {
    const last = () => (generated.length >= o.repeatWindow ? generated.slice(-o.repeatWindow) : prompt.slice(Math.max(0, prompt.length - (o.repeatWindow - generated.length))).concat(generated));
    return { temperature: o.temperature, topK: o.topK, topP: o.topP, minP: o.minP, seed: o.seed, yieldEogToken: true, repeatPenalty: { punishTokens: last, penalty: o.repeatPenalty } };
}

function median(xs: number[]): number {
    const s = [...xs].sort((a, b) => a - b);
    const m = s.length >> 1;
    return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * P sequences generate `genTokens` tokens each in lockstep; returns aggregate generation tokens/s
 * (median over `runs`). Loads the model once per path; disposes the context before returning.
 */
export async function bareLockstep(opts: BareOptions): Promise<BareResult> {
    const model = await loadModel(opts.model ?? DEFAULT_MODEL);
    return bareOnModel(model, opts);
}

/**
 * The same on a model the caller loaded (bench:gpu: the fully offloaded CUDA model of its offload
 * check, rather than trusting gpu "auto" to pick CUDA).
 */
export async function bareOnModel(model: LlamaModel, opts: Omit<BareOptions, "model">): Promise<BareResult> {
    const { P, promptTokens = 64, genTokens = 128, threads = os.availableParallelism(), runs = 3, contextSize = 512, sampling, prefillTokens = 0 } = opts;
    if (!Number.isInteger(P) || P < 1) throw new Error(`P must be a positive integer, got ${P}`);
    if (!Number.isInteger(prefillTokens) || prefillTokens < 0 || prefillTokens > promptTokens) throw new Error(`prefillTokens must be an integer from 0 to promptTokens (${promptTokens}), got ${prefillTokens}`);
    if (genTokens < 2) throw new Error("genTokens must be at least 2");
    if (promptTokens + genTokens + 1 > contextSize)
        throw new Error(`contextSize ${contextSize} too small for ${promptTokens}+${genTokens} tokens`);

    const context = await model.createContext({ sequences: P, contextSize, threads });
    try {
        const sequences = Array.from({ length: P }, () => context.getSequence());
        const prompts = sequences.map((_, i) => promptTokensFor(model, i, promptTokens));

        const once = async (steps: number): Promise<number> => {
            for (const s of sequences) await s.clearHistory();
            // Same-work mode: the reused context goes in untimed, the call's own prompt tokens are timed.
            const held = prefillTokens > 0 ? promptTokens - prefillTokens : 0;
            if (held > 0) await Promise.all(sequences.map((s, i) => s.evaluateWithoutGeneratingNewTokens(prompts[i]!.slice(0, held))));
            const generated: Token[][] = sequences.map(() => []);
            const iters = sequences.map((s, i) =>
                s.evaluate(prompts[i]!.slice(held), sampling == null ? { temperature: 0, yieldEogToken: true } : sampled(sampling, prompts[i]!, generated[i]!))
            );
            const keep = (res: IteratorResult<Token>[]) => res.forEach((r, i) => r.done || generated[i]!.push(r.value));
            try {
                // prefill: all prompts in one batch, first token sampled (untimed unless same-work mode)
                const tp = performance.now();
                const first = await Promise.all(iters.map((it) => it.next()));
                if (first.some((r) => r.done)) throw new Error("a sequence stopped during prefill");
                keep(first);
                const t0 = prefillTokens > 0 ? tp : performance.now();
                for (let step = 1; step < steps; step++) {
                    const res = await Promise.all(iters.map((it) => it.next()));
                    if (res.some((r) => r.done)) throw new Error(`a sequence stopped at token ${step + 1}`);
                    keep(res);
                }
                const seconds = (performance.now() - t0) / 1000;
                return (P * (prefillTokens > 0 ? steps : steps - 1)) / seconds;
            } finally {
                await Promise.all(iters.map((it) => it.return()));
            }
        };

        await once(Math.min(8, genTokens)); // warm-up (thread pool, caches, graph allocation)
        const figures: number[] = [];
        for (let r = 0; r < runs; r++) figures.push(await once(genTokens));
        const round = (x: number) => Math.round(x * 10) / 10;
        return { P, genTokensPerSecond: round(median(figures)), runs: figures.map(round), threads };
    } finally {
        await context.dispose();
    }
}

function parseCli(argv: string[]) {
    const Ps: number[] = [];
    const o: Omit<BareOptions, "P"> & { json?: boolean } = {};
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i]!;
        const v = () => {
            const x = argv[++i];
            if (x == null) throw new Error(`missing value for ${a}`);
            return x;
        };
        if (/^\d+$/.test(a)) Ps.push(Number(a));
        else if (a === "--runs") o.runs = Number(v());
        else if (a === "--threads") o.threads = Number(v());
        else if (a === "--model") o.model = path.resolve(v());
        else if (a === "--pp") o.promptTokens = Number(v());
        else if (a === "--tg") o.genTokens = Number(v());
        else if (a === "--ctx") o.contextSize = Number(v());
        else if (a === "--sample") o.sampling = RUNNER_SAMPLING;
        else if (a === "--prefill") o.prefillTokens = Number(v());
        else if (a === "--json") o.json = true;
        else throw new Error(`unknown argument ${a}`);
    }
    return { Ps: Ps.length > 0 ? Ps : [1, 2, 4, 8], o };
}

if (process.argv[1] != null && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
    const { Ps, o } = parseCli(process.argv.slice(2));
    const { json, ...opts } = o;
    const results: BareResult[] = [];
    if (!json) {
        console.log(`bare node-llama-cpp lockstep driver · ${path.basename(opts.model ?? DEFAULT_MODEL)} · ` +
            `prompt ${opts.promptTokens ?? 64}${opts.prefillTokens ? ` (last ${opts.prefillTokens} timed)` : ""} · gen ${opts.genTokens ?? 128} · ${opts.sampling ? "runner's sampler" : "greedy"} · threads ${opts.threads ?? os.availableParallelism()} · runs ${opts.runs ?? 3}`);
        console.log("|  P | gen tok/s (median) | runs");
        console.log("|----|--------------------|-----");
    }
    for (const P of Ps) {
        const r = await bareLockstep({ ...opts, P });
        results.push(r);
        if (!json) console.log(`| ${String(P).padStart(2)} | ${r.genTokensPerSecond.toFixed(1).padStart(18)} | ${r.runs.join(", ")}`);
    }
    if (json) console.log(JSON.stringify(results.map(({ P, genTokensPerSecond }) => ({ P, genTokensPerSecond }))));
    await disposeBare();
}
