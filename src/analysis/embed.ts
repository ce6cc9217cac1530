// Semantic similarity by a local embedding model (node-llama-cpp's embedding context), for the
// paper's reflection–correction correlation (Fig. 6-7).
import type { LlamaEmbeddingContext } from "node-llama-cpp";
import { LlamaHost, type LlamaBackendOptions } from "../backend/llama.js";

export const embeddingMeasureLabel = (file: string): string => `embedding cosine (${file})`;

export interface EmbedderOptions {
    /** A GGUF path, an `hf:` URI, or "default" (the embedded SmolLM2-135M). */
    model: string;
    gpu?: LlamaBackendOptions["gpu"];
    /** Defaults to the core count (LlamaHost's default): never more threads than cores. */
    threads?: number;
    /** Tokens one text may take; longer texts are cut to it (and counted in `truncated`). */
    contextSize?: number;
    onProgress?: (msg: string) => void;
}

export interface Embedder {
    file: string;
    sha256: string;
    compute: string;
    threads: number;
    /** Texts cut to fit the embedding context so far. */
    readonly truncated: number;
    embed(text: string): Promise<number[]>;
    dispose(): Promise<void>;
}

/** Cosine similarity of two dense vectors; 0 when either is all zeros (or empty). */
export function cosine(a: readonly number[], b: readonly number[]): number {
    if (a.length !== b.length) throw new Error(`cosine: vectors of ${a.length} and ${b.length} dimensions`);
    let dot = 0;
    let na = 0;
    let nb = 0;
    for (let i = 0; i < a.length; i++) {
        dot += a[i]! * b[i]!;
        na += a[i]! * a[i]!;
        nb += b[i]! * b[i]!;
    }
    const d = Math.sqrt(na) * Math.sqrt(nb);
    return d === 0 ? 0 : Math.max(-1, Math.min(1, dot / d));
}

/**
 * Loads the model through LlamaHost, so it gets the project's shared Llama instance (explicit
 * threads, `build: "never"`, GPU fallback, GGUF header checks, no network for local files), then
 * adds an embedding context on that model. The host's own generation context is kept tiny: it is
 * only the price of reusing that loading path.
 */
export async function openEmbedder(opts: EmbedderOptions): Promise<Embedder> {
    const host = await LlamaHost.load({ model: opts.model, gpu: opts.gpu ?? "auto", threads: opts.threads, contextSize: 32, sequences: 1, onProgress: opts.onProgress });
    let ctx: LlamaEmbeddingContext;
    const size = Math.min(opts.contextSize ?? 2048, host.model.trainContextSize);
    try {
        ctx = await host.model.createEmbeddingContext({ contextSize: size, threads: host.info.threads });
    } catch (e) {
        await host.dispose();
        throw new Error(`cannot create an embedding context on ${host.info.modelFile}: ${(e as Error).message}`);
    }
    let truncated = 0;
    return {
        file: host.info.modelFile,
        sha256: host.info.modelSha256,
        compute: host.info.compute,
        threads: host.info.threads,
        get truncated() {
            return truncated;
        },
        async embed(text: string): Promise<number[]> {
            // getEmbeddingFor throws on inputs as long as the context; it adds BOS/EOS itself (2 tokens).
            let tokens = host.model.tokenize(text, false);
            if (tokens.length > size - 3) {
                tokens = tokens.slice(0, size - 3);
                truncated++;
            }
            return [...(await ctx.getEmbeddingFor(tokens)).vector];
        },
        async dispose() {
            await ctx.dispose();
            await host.dispose();
        }
    };
}
