// npm run bench:threads (also the last part of npm run bench): two model contexts in ONE process,
// as when the lab starts a batch or a trained reflector loads beside the base. With one shared
// thread budget (one Llama per process, src/backend/llama.ts) the two together should generate
// at >= 0.8x one context alone; two separate budgets oversubscribe the cores. A script, not a
// test: figures depend on the machine; run it with nothing else computing.
import { availableParallelism } from "node:os";
import { LlamaHost } from "../src/backend/llama.js";
import type { Backend } from "../src/backend/types.js";

const threads = availableParallelism();
const TOKENS = Number(process.env.BENCH_TOKENS ?? 96);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const sampler = { temperature: 0, topK: 1, topP: 1, minP: 0, repeatPenalty: 1, seed: 1, maxTokens: TOKENS };
const prompt = (i: number) => [{ role: "user" as const, content: `Count from ${i} upwards, one number per line, and never stop.` }];

async function tokensPerSecond(backends: Backend[]): Promise<number> {
    let best = 0;
    for (let r = 0; r < ROUNDS; r++) {
        const t0 = performance.now();
        const results = await Promise.all(backends.map((b, i) => b.generate({ messages: prompt(i + r * 10), sampler })));
        const s = (performance.now() - t0) / 1000;
        best = Math.max(best, results.reduce((n, x) => n + x.outputTokens, 0) / s);
    }
    return best;
}

const a = await LlamaHost.load({ contextSize: 1024, sequences: 1, threads });
const b = await LlamaHost.load({ contextSize: 1024, sequences: 1, threads });
try {
    const one = await tokensPerSecond([a.single()]);
    const two = await tokensPerSecond([a.single(), b.single()]);
    const log = (s: string) => process.stdout.write(s + "\n");
    log(`two contexts in one process (${threads} threads budget, ${TOKENS} tokens each, best of ${ROUNDS}):`);
    log(`  one context alone:          ${one.toFixed(1)} tok/s`);
    log(`  two contexts, concurrently: ${two.toFixed(1)} tok/s combined`);
    log(`  ratio two/one: ${(two / one).toFixed(2)} (target >= 0.80) ${two / one >= 0.8 ? "met" : "MISSED"}`);
} finally {
    await b.dispose();
    await a.dispose();
}
