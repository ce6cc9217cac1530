// The lexical fallback when no embedding model is given: TF-IDF cosine over word tokens. It
// measures shared wording, not meaning, so every output that uses it says so (LEXICAL_MEASURE).

export const LEXICAL_MEASURE = "lexical (tf-idf cosine)";

/** Lower-cased runs of letters and digits (Unicode-aware): "Final answer: 42." -> final, answer, 42. */
export function wordTokens(text: string): string[] {
    return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/**
 * Document frequencies over a corpus (every reflection and every turn-2 answer of a run, each one
 * document), then cosine similarity of raw term counts weighted by the smoothed idf
 * ln((1 + D) / (1 + df)) + 1 (scikit-learn's default): words every text shares weigh least.
 */
export class TfIdf {
    private readonly df = new Map<string, number>();
    private docs = 0;

    addDocument(text: string): void {
        this.docs++;
        for (const w of new Set(wordTokens(text))) this.df.set(w, (this.df.get(w) ?? 0) + 1);
    }

    get documents(): number {
        return this.docs;
    }

    idf(word: string): number {
        return Math.log((1 + this.docs) / (1 + (this.df.get(word) ?? 0))) + 1;
    }

    vector(text: string): Map<string, number> {
        const tf = new Map<string, number>();
        for (const w of wordTokens(text)) tf.set(w, (tf.get(w) ?? 0) + 1);
        for (const [w, c] of tf) tf.set(w, c * this.idf(w));
        return tf;
    }

    /** Cosine of the two texts' tf-idf vectors in [0, 1]; 0 when either has no word. */
    similarity(a: string, b: string): number {
        const va = this.vector(a);
        const vb = this.vector(b);
        let dot = 0;
        for (const [w, x] of va) dot += x * (vb.get(w) ?? 0);
        const norm = (v: Map<string, number>) => Math.sqrt([...v.values()].reduce((s, x) => s + x * x, 0));
        const d = norm(va) * norm(vb);
        return d === 0 ? 0 : Math.min(1, dot / d);
    }
}
