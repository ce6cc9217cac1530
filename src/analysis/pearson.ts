// Pearson's r with a Fisher-z interval: the paper's Fig. 6-7 correlate reflection–correction
// similarity with turn-2 correctness (0/1), i.e. a point-biserial r, which is Pearson's r.

export interface Correlation {
    n: number;
    /** null when undefined: fewer than 2 pairs, or either variable constant (`reason` says which). */
    r: number | null;
    /** 95% interval via Fisher's z, only when r is defined and n > 3 (its standard error is 1/√(n−3)). */
    ci95: [number, number] | null;
    reason?: string;
}

/** Pearson's r of paired samples (two-pass: means first, for accuracy), or null when undefined. */
export function pearson(x: readonly number[], y: readonly number[]): number | null {
    if (x.length !== y.length) throw new Error(`pearson: ${x.length} x values but ${y.length} y values`);
    const n = x.length;
    if (n < 2) return null;
    let mx = 0;
    let my = 0;
    for (let i = 0; i < n; i++) {
        mx += x[i]!;
        my += y[i]!;
    }
    mx /= n;
    my /= n;
    let sxy = 0;
    let sxx = 0;
    let syy = 0;
    for (let i = 0; i < n; i++) {
        const dx = x[i]! - mx;
        const dy = y[i]! - my;
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    if (sxx === 0 || syy === 0) return null;
    // Rounding can push |r| a hair past 1 for perfectly linear data.
    return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

/** 95% (z = 1.96) interval of r through Fisher's z = atanh(r), se = 1/√(n−3); null for n <= 3. */
export function fisherInterval(r: number, n: number, z = 1.96): [number, number] | null {
    if (n <= 3) return null;
    const zr = Math.atanh(r);
    const se = 1 / Math.sqrt(n - 3);
    return [Math.tanh(zr - z * se), Math.tanh(zr + z * se)];
}

/** r, N and the interval, with the reason when r is undefined. */
export function correlate(x: readonly number[], y: readonly number[]): Correlation {
    const n = x.length;
    const r = pearson(x, y);
    if (r !== null) return { n, r, ci95: fisherInterval(r, n) };
    const constant = (v: readonly number[]) => v.every((a) => a === v[0]);
    const reason = n < 2 ? "fewer than 2 pairs" : constant(y) ? "every turn-2 answer has the same correctness" : constant(x) ? "every pair has the same similarity" : "undefined";
    return { n, r: null, ci95: null, reason };
}
