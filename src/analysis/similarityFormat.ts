// What `reflect-lab similarity <run>` prints: which measure (always named: a lexical score is not
// a semantic one), the pairs, then per task and overall N, Acc@t2, mean similarity of correct vs
// incorrect turn-2 answers, Pearson's r with its Fisher-z interval, and Acc@t2 by similarity bin.
import type { SimilarityGroup, SimilarityReport } from "./similarity.js";
import { LEXICAL_MEASURE } from "./tfidf.js";

const num = (x: number | null, d = 3): string => (x === null ? "—" : x.toFixed(d));
const signed = (x: number | null): string => (x === null ? "—" : (x >= 0 ? "+" : "") + x.toFixed(3));
const pct = (x: number): string => (100 * x).toFixed(1);

function table(rows: string[][]): string {
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ")).join("\n");
}

function measureLine(r: SimilarityReport): string {
    if (r.measure === LEXICAL_MEASURE) return `measure: ${r.measure}: shared words, not meaning (give --embedding-model <gguf> for a semantic measure)`;
    const d = r.measureDetails;
    const sha = typeof d.sha256 === "string" ? ` · sha256 ${d.sha256.slice(0, 12)}` : "";
    const cut = typeof d.truncatedTexts === "number" && d.truncatedTexts > 0 ? ` · ${d.truncatedTexts} texts cut to the embedding context` : "";
    return `measure: ${r.measure}${sha} · ${String(d.compute ?? "?")} · ${String(d.threads ?? "?")} threads${cut}`;
}

export function formatSimilarity(r: SimilarityReport): string {
    const skips = Object.entries(r.skipped);
    const skipText = skips.length ? ` (${skips.reduce((a, [, n]) => a + (n ?? 0), 0)} skipped: ${skips.map(([why, n]) => `${n} ${why}`).join(", ")})` : "";
    const lines = [`${r.run}: ${r.chains} sample chains, ${r.pairs} reflection–turn-2 pairs${skipText}`, measureLine(r)];
    if (r.pairs === 0) return [...lines, "", "no pairs to correlate: the run has no sample chain with a turn-1 reflection and a turn-2 answer"].join("\n") + "\n";
    const head = ["task", "N", "Acc@t2", "mean sim", "sim if ✓", "sim if ✗", "Pearson r", "95% CI (Fisher z)"];
    const row = (name: string, g: SimilarityGroup) => [
        name,
        String(g.n),
        pct(g.accT2),
        num(g.meanSimilarity),
        num(g.meanSimilarityCorrect),
        num(g.meanSimilarityIncorrect),
        signed(g.r),
        g.ci95 ? `[${signed(g.ci95[0])}, ${signed(g.ci95[1])}]` : g.r === null ? "—" : "— (N ≤ 3)"
    ];
    const groups: [string, SimilarityGroup][] = [...Object.entries(r.perTask), ["overall", r.overall]];
    lines.push("", table([head, ...groups.map(([t, g]) => row(t, g))]));
    const undefinedR = groups.filter(([, g]) => g.r === null && g.reason);
    if (undefinedR.length) lines.push("", ...undefinedR.map(([t, g]) => `r undefined for ${t}: ${g.reason}`));
    lines.push("", "Acc@t2 by similarity quantile (overall):", table([["similarity", "N", "Acc@t2"], ...r.overall.bins.map((b) => [`${num(b.from)} – ${num(b.to)}`, String(b.n), pct(b.accT2)])]));
    return lines.join("\n") + "\n";
}

/** The --json form: the report as is (every per-sample similarity included, for plotting Fig. 7). */
export function similarityJson(r: SimilarityReport): string {
    return JSON.stringify(r, null, 2);
}
