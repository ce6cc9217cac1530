// `reflect-lab similarity <run>`: the paper's reflection–correction correlation (Fig. 6-7) from a
// stored batch run, read-only. Semantic with --embedding-model, else a lexical score labelled so.
import { Command, InvalidArgumentError, Option } from "commander";
import { openEmbedder, type Embedder } from "../src/analysis/embed.js";
import { analyzeSimilarity, embeddingMeasure, lexicalMeasure } from "../src/analysis/similarity.js";
import { formatSimilarity, similarityJson } from "../src/analysis/similarityFormat.js";
import { resolveRun } from "../src/batch/runs.js";
import { SESSIONS_DIR } from "../src/paths.js";
import { printable } from "../src/terminalText.js";

const positive = (name: string) => (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be an integer >= 1`);
    return n;
};

interface SimilarityOptions {
    embeddingModel?: string;
    json?: boolean;
    threads?: number;
    gpu?: "auto" | "cuda" | "vulkan" | "metal" | "cpu";
    contextSize?: number;
}

/** The similarity report of a run (folder or id under `sessionsDir`), as the command prints it. */
export async function similarityOutput(run: string, o: SimilarityOptions, sessionsDir = SESSIONS_DIR, log: (m: string) => void = () => {}): Promise<string> {
    const dir = resolveRun(run, sessionsDir);
    let embedder: Embedder | null = null;
    try {
        if (o.embeddingModel) embedder = await openEmbedder({ model: o.embeddingModel, gpu: o.gpu, threads: o.threads, contextSize: o.contextSize, onProgress: log });
        const measure = embedder ? embeddingMeasure(embedder) : lexicalMeasure();
        let last = Date.now();
        const report = await analyzeSimilarity(dir, measure, (done, total) => {
            // Embedding hundreds of texts takes a while on a CPU: a line every few seconds.
            if (embedder && Date.now() - last > 3000) {
                last = Date.now();
                log(`embedded ${done} pairs (of ${total} sample chains)`);
            }
        });
        return o.json ? similarityJson(report) + "\n" : formatSimilarity(report);
    } finally {
        await embedder?.dispose();
    }
}

export function addAnalyzeCommands(program: Command): void {
    program
        .command("similarity <run>")
        .description("reflection–correction similarity vs turn-2 correctness (ReflectEvo Fig. 6-7): Pearson r per task and overall, with N and a Fisher-z 95% interval; read-only (runs by folder or id under sessions/)")
        .option("--embedding-model <gguf>", "a local GGUF (or \"default\") whose embeddings give a semantic cosine; without it the measure is lexical (tf-idf cosine), and says so")
        .addOption(new Option("--gpu <backend>", "compute backend for the embedding model").choices(["auto", "cuda", "vulkan", "metal", "cpu"]).default("auto"))
        .option("--threads <n>", "CPU threads for the embedding model (default: one per core)", positive("--threads"))
        .option("--context-size <n>", "tokens per embedded text; longer texts are cut (default 2048)", positive("--context-size"))
        .option("--json", "print JSON (with every pair's similarity)")
        .action(async (run: string, o: SimilarityOptions) => {
            try {
                process.stdout.write(await similarityOutput(run, o, SESSIONS_DIR, (m) => process.stderr.write(`${printable(m)}\n`)));
            } catch (e) {
                process.stderr.write(`reflect-lab similarity: ${printable((e as Error).message)}\n`);
                process.exitCode = 2;
            }
        });
}
