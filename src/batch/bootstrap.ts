/**
 * The paired bootstrap of a mean difference over questions: resample the questions (with replacement),
 * take the mean of their differences each time, and read the 2.5% and 97.5% percentiles. Questions are
 * the unit because each one's score is already the mean over its sampled chains (metrics.ts), and
 * chains of one question are not independent. Seeded, so the same data always give the same interval.
 */
export interface BootstrapOptions {
    resamples?: number;
    seed?: number;
    /** Coverage, e.g. 0.95. */
    level?: number;
}

export interface PairedStat {
    /** Mean over questions of the difference. */
    mean: number;
    /** Percentile interval; null below two questions (nothing to resample). */
    ci: [number, number] | null;
    n: number;
}

export const BOOTSTRAP_DEFAULTS = { resamples: 2000, seed: 20250601, level: 0.95 } as const;

/** How the interval was made, for printouts and JSON `method`. */
export function bootstrapMethod(o: BootstrapOptions = {}): string {
    const { resamples, seed, level } = { ...BOOTSTRAP_DEFAULTS, ...o };
    return `paired bootstrap over questions (${Math.round(level * 100)}% percentile, ${resamples} resamples, seed ${seed})`;
}

/** mulberry32: a small, fast, well-mixed 32-bit PRNG; enough for resampling indices. */
export function mulberry32(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

/** Mean and percentile-bootstrap interval of per-question differences `d`. */
export function pairedBootstrap(d: number[], o: BootstrapOptions = {}): PairedStat {
    const { resamples, seed, level } = { ...BOOTSTRAP_DEFAULTS, ...o };
    const n = d.length;
    if (n === 0) return { mean: 0, ci: null, n };
    const mean = d.reduce((a, x) => a + x, 0) / n;
    if (n < 2) return { mean, ci: null, n };
    const rand = mulberry32(seed);
    const means = new Float64Array(resamples);
    for (let b = 0; b < resamples; b++) {
        let sum = 0;
        for (let i = 0; i < n; i++) sum += d[Math.floor(rand() * n)]!;
        means[b] = sum / n;
    }
    means.sort();
    const tail = (1 - level) / 2;
    const lo = means[Math.floor(tail * resamples)]!;
    const hi = means[Math.min(resamples - 1, Math.ceil((1 - tail) * resamples) - 1)]!;
    return { mean, ci: [lo, hi], n };
}
