// Reflection–correction similarity against turn-2 correctness (the paper's Fig. 6-7), computed
// from a stored run alone: per task and overall, Pearson's r with N, a Fisher-z 95% interval and
// the mean similarity of correct vs incorrect turn-2 answers. Nothing is written to the run.
import { readRunManifest } from "../batch/runs.js";
import { RunStore } from "../batch/store.js";
import { correlate, type Correlation } from "./pearson.js";
import { readPairs, type SkipReason } from "./pairs.js";
import { LEXICAL_MEASURE, TfIdf } from "./tfidf.js";
import { cosine, embeddingMeasureLabel, type Embedder } from "./embed.js";

/** How two texts are compared. `fit` (lexical measures) sees every text of the run first. */
export interface SimilarityMeasure {
    label: string;
    fit?(text: string): void;
    similarity(a: string, b: string): number | Promise<number>;
    /** Facts worth printing about the measure (model file, sha256, truncated texts...). */
    details?(): Record<string, unknown>;
}

export function lexicalMeasure(): SimilarityMeasure {
    const tfidf = new TfIdf();
    return { label: LEXICAL_MEASURE, fit: (t) => tfidf.addDocument(t), similarity: (a, b) => tfidf.similarity(a, b), details: () => ({ documents: tfidf.documents }) };
}

export function embeddingMeasure(e: Embedder): SimilarityMeasure {
    return {
        label: embeddingMeasureLabel(e.file),
        similarity: async (a, b) => cosine(await e.embed(a), await e.embed(b)),
        details: () => ({ model: e.file, sha256: e.sha256, compute: e.compute, threads: e.threads, truncatedTexts: e.truncated })
    };
}

export interface SampleSimilarity {
    itemId: string;
    task: string;
    instructionKey: string;
    sampleIndex: number;
    similarity: number;
    /** Turn-2 correctness (correct_by_turn[1]). */
    correct: boolean;
}

/** Acc@t2 of the pairs whose similarity falls in one quantile bin (lowest first). */
export interface SimilarityBin {
    from: number;
    to: number;
    n: number;
    accT2: number;
}

export interface SimilarityGroup extends Correlation {
    nCorrect: number;
    nIncorrect: number;
    accT2: number;
    meanSimilarity: number | null;
    meanSimilarityCorrect: number | null;
    meanSimilarityIncorrect: number | null;
    bins: SimilarityBin[];
}

export interface SimilarityReport {
    run: string;
    measure: string;
    measureDetails: Record<string, unknown>;
    /** Stored sample chains, the pairs made from them and the chains skipped by reason. */
    chains: number;
    pairs: number;
    skipped: Partial<Record<SkipReason, number>>;
    overall: SimilarityGroup;
    perTask: Record<string, SimilarityGroup>;
    samples: SampleSimilarity[];
}

const mean = (xs: number[]): number | null => (xs.length ? xs.reduce((a, x) => a + x, 0) / xs.length : null);

/** Up to `count` bins of (near) equal size by rank of similarity. */
export function quantileBins(samples: readonly SampleSimilarity[], count = 5): SimilarityBin[] {
    const sorted = [...samples].sort((a, b) => a.similarity - b.similarity);
    const k = Math.min(count, sorted.length);
    const bins: SimilarityBin[] = [];
    for (let b = 0; b < k; b++) {
        const part = sorted.slice(Math.floor((b * sorted.length) / k), Math.floor(((b + 1) * sorted.length) / k));
        bins.push({ from: part[0]!.similarity, to: part.at(-1)!.similarity, n: part.length, accT2: part.filter((s) => s.correct).length / part.length });
    }
    return bins;
}

export function summarize(samples: readonly SampleSimilarity[]): SimilarityGroup {
    const sims = samples.map((s) => s.similarity);
    const right = samples.filter((s) => s.correct).map((s) => s.similarity);
    const wrong = samples.filter((s) => !s.correct).map((s) => s.similarity);
    return {
        ...correlate(sims, samples.map((s) => (s.correct ? 1 : 0))),
        nCorrect: right.length,
        nIncorrect: wrong.length,
        accT2: samples.length ? right.length / samples.length : 0,
        meanSimilarity: mean(sims),
        meanSimilarityCorrect: mean(right),
        meanSimilarityIncorrect: mean(wrong),
        bins: quantileBins(samples)
    };
}

/** The analysis of one run folder with one measure; `onProgress(done)` after each pair. */
export async function analyzeSimilarity(runDir: string, measure: SimilarityMeasure, onProgress?: (done: number, chains: number) => void): Promise<SimilarityReport> {
    const manifest = readRunManifest(runDir);
    if (manifest.config.mode === "retry") throw new Error(`${runDir} is a retry-mode run (the paper's w/o reflection baseline): it has no reflections to compare`);
    const store = RunStore.open(runDir);
    try {
        const stored = store.counts().samples;
        // Lexical measures need the document frequencies of the whole run first: one extra pass.
        if (measure.fit) {
            for (const p of readPairs(store, new Map())) {
                measure.fit(p.reflection);
                measure.fit(p.answer);
            }
        }
        const skipped = new Map<SkipReason, number>();
        const samples: SampleSimilarity[] = [];
        for (const p of readPairs(store, skipped)) {
            const similarity = await measure.similarity(p.reflection, p.answer);
            samples.push({ itemId: p.itemId, task: p.task, instructionKey: p.instructionKey, sampleIndex: p.sampleIndex, similarity, correct: p.correct });
            onProgress?.(samples.length, stored);
        }
        const tasks = [...new Set(samples.map((s) => s.task))].sort();
        const chains = samples.length + [...skipped.values()].reduce((a, x) => a + x, 0);
        return {
            run: runDir,
            measure: measure.label,
            measureDetails: measure.details?.() ?? {},
            chains,
            pairs: samples.length,
            skipped: Object.fromEntries(skipped),
            overall: summarize(samples),
            perTask: Object.fromEntries(tasks.map((t) => [t, summarize(samples.filter((s) => s.task === t))])),
            samples
        };
    } finally {
        store.close();
    }
}
