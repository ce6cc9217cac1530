// The bare lockstep driver of bench/bare-driver.ts, on a model the caller loaded (here: the fully
// offloaded CUDA model of the offload check). bench/bare-driver.ts picks its own backend (gpu "auto")
// and takes no model, so this file repeats its method rather than trusting "auto" to choose CUDA:
// P sequences of one context read a prompt of `promptTokens` tokens, then their evaluate() iterators
// are stepped together (Promise.all, sequence-id order), greedy, EOG tokens yielded so each sequence
// makes exactly `genTokens` tokens; genTokensPerSecond = P * (genTokens - 1) / generation wall time.
import type { LlamaModel, Token } from "node-llama-cpp";

export interface BareOnOptions {
    P: number;
    promptTokens: number;
    genTokens: number;
    threads: number;
    runs: number;
    /** Tokens of KV cache per sequence. */
    contextSize: number;
}

const PROMPT_TEXT =
    "You are a careful assistant. Read the question, think step by step, and then answer briefly. " +
    "Question: a farmer has seventeen sheep, and all but nine run away. How many sheep are left, " +
    "and why do people often get this puzzle wrong on their first try? Explain your reasoning in " +
    "plain words, check the arithmetic twice, and state the final number on its own line. ";

function promptFor(model: LlamaModel, seq: number, n: number): Token[] {
    const tokens: Token[] = [];
    let text = `Sequence ${seq}. ${PROMPT_TEXT}`;
    while (tokens.length < n) {
        tokens.push(...model.tokenize(text));
        text = PROMPT_TEXT;
    }
    return tokens.slice(0, n);
}

const median = (xs: number[]): number => {
    const s = [...xs].sort((a, b) => a - b);
    const m = s.length >> 1;
    return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export async function bareOn(model: LlamaModel, o: BareOnOptions): Promise<{ P: number; genTokensPerSecond: number; runs: number[] }> {
    if (!Number.isInteger(o.P) || o.P < 1) throw new Error(`P must be a positive integer, got ${o.P}`);
    if (o.genTokens < 2) throw new Error("genTokens must be at least 2");
    if (o.promptTokens + o.genTokens + 1 > o.contextSize) throw new Error(`contextSize ${o.contextSize} too small for ${o.promptTokens}+${o.genTokens} tokens`);
    const context = await model.createContext({ sequences: o.P, contextSize: o.contextSize, threads: o.threads });
    try {
        const sequences = Array.from({ length: o.P }, () => context.getSequence());
        const prompts = sequences.map((_, i) => promptFor(model, i, o.promptTokens));
        const once = async (steps: number): Promise<number> => {
            for (const s of sequences) await s.clearHistory();
            const iters = sequences.map((s, i) => s.evaluate(prompts[i]!, { temperature: 0, yieldEogToken: true }));
            try {
                const first = await Promise.all(iters.map((it) => it.next())); // prefill, untimed
                if (first.some((r) => r.done)) throw new Error("a sequence stopped during prefill");
                const t0 = performance.now();
                for (let step = 1; step < steps; step++) {
                    const res = await Promise.all(iters.map((it) => it.next()));
                    if (res.some((r) => r.done)) throw new Error(`a sequence stopped at token ${step + 1}`);
                }
                return (o.P * (steps - 1)) / ((performance.now() - t0) / 1000);
            } finally {
                await Promise.all(iters.map((it) => it.return()));
            }
        };
        await once(Math.min(8, o.genTokens)); // warm-up: graph allocation, CUDA kernels' first launch
        const figures: number[] = [];
        for (let r = 0; r < o.runs; r++) figures.push(await once(o.genTokens));
        const round = (x: number) => Math.round(x * 10) / 10;
        return { P: o.P, genTokensPerSecond: round(median(figures)), runs: figures.map(round) };
    } finally {
        await context.dispose();
    }
}
