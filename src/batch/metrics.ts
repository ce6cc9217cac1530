import type { ItemOutcome } from "./types.js";

/**
 * Accuracy by turn, as the brief defines it. The answer "standing" at turn t is the chain's
 * answer of turn t, or its last answer when it stopped earlier (correct, or judged correct by
 * itself). Acc@t = mean over items of the item's standing correctness at t, an item with several
 * sampled chains scoring the mean over them. With the oracle a correct answer is never revisited,
 * so this is "correct at turn 1, or corrected by turn t" and Δ >= 0; with the self verifier
 * answers can flip either way, hence the flip counts.
 */
export interface Metrics {
    n: number;
    samples: number;
    /** accByTurn[t-1] = Acc@t, t = 1..maxTurns. */
    accByTurn: number[];
    /** 95% Wilson score interval of each Acc@t over n items. */
    ciByTurn: [number, number][];
    /** Δ(t1,t_last) = Acc@t_max − Acc@t1: what all the turns gained. */
    deltaLast: number;
    /** Δ(t1,t2) = Acc@t2 − Acc@t1: the first reflection's gain, the paper's Δ (0 for a one-turn run). */
    delta12: number;
    /** Alias of deltaLast, kept for `report --json` readers and audit.json written before the two names. */
    delta: number;
    /** Chains whose turn-1 answer was correct and whose last answer is not, and the reverse. */
    flips: { correctToIncorrect: number; incorrectToCorrect: number };
}

export interface MetricsReport {
    maxTurns: number;
    overall: Metrics;
    perTask: Record<string, Metrics>;
}

/** Standing correctness at turn t (1-based) of a chain. */
export function standing(chain: boolean[], t: number): boolean {
    return chain.length === 0 ? false : chain[Math.min(t, chain.length) - 1]!;
}

/** 95% Wilson score interval for a proportion p over n trials. */
export function wilson(p: number, n: number, z = 1.96): [number, number] {
    if (n === 0) return [0, 0];
    const z2 = z * z;
    const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
    const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
    return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

class Sums {
    n = 0;
    samples = 0;
    c2i = 0;
    i2c = 0;
    constructor(readonly acc: number[]) {}
}

/** Adds outcomes one by one (the live dashboard) and reports at any time; O(maxTurns) per item. */
export class MetricsAccumulator {
    private readonly overall: Sums;
    private readonly tasks = new Map<string, Sums>();

    constructor(readonly maxTurns: number) {
        this.overall = new Sums(new Array(maxTurns).fill(0));
    }

    add(o: ItemOutcome): void {
        let t = this.tasks.get(o.task);
        if (!t) this.tasks.set(o.task, (t = new Sums(new Array(this.maxTurns).fill(0))));
        for (const s of [this.overall, t]) {
            s.n++;
            s.samples += o.chains.length;
            for (let turn = 1; turn <= this.maxTurns; turn++) {
                const score = o.chains.length === 0 ? (o.t1 ? 1 : 0) : o.chains.reduce((a, c) => a + (standing(c, turn) ? 1 : 0), 0) / o.chains.length;
                s.acc[turn - 1]! += score;
            }
            for (const c of o.chains) {
                const last = standing(c, this.maxTurns);
                if (c[0] && !last) s.c2i++;
                if (!c[0] && last) s.i2c++;
            }
        }
    }

    private metrics(s: Sums): Metrics {
        const accByTurn = s.acc.map((a) => (s.n ? a / s.n : 0));
        return {
            n: s.n,
            samples: s.samples,
            accByTurn,
            ciByTurn: accByTurn.map((p) => wilson(p, s.n)),
            ...deltas(accByTurn),
            flips: { correctToIncorrect: s.c2i, incorrectToCorrect: s.i2c }
        };
    }

    report(): MetricsReport {
        const perTask: Record<string, Metrics> = {};
        for (const [task, s] of [...this.tasks.entries()].sort((a, b) => a[0].localeCompare(b[0]))) perTask[task] = this.metrics(s);
        return { maxTurns: this.maxTurns, overall: this.metrics(this.overall), perTask };
    }
}

export function computeMetrics(outcomes: Iterable<ItemOutcome>, maxTurns: number): MetricsReport {
    const acc = new MetricsAccumulator(maxTurns);
    for (const o of outcomes) acc.add(o);
    return acc.report();
}

/** Both deltas of an Acc@t series (and the old `delta` alias): compare.ts names them the same way. */
export function deltas(accByTurn: number[]): Pick<Metrics, "deltaLast" | "delta12" | "delta"> {
    const t1 = accByTurn[0] ?? 0;
    const deltaLast = (accByTurn.at(-1) ?? t1) - t1;
    return { deltaLast, delta12: (accByTurn[1] ?? t1) - t1, delta: deltaLast };
}

const pct = (x: number) => `${(100 * x).toFixed(1)}`;
const signedPct = (x: number) => (x >= 0 ? "+" : "") + pct(x);

/**
 * The plain-text table `report` and the headless batch print. Past two turns both deltas are shown:
 * Δ(t1,t2) is the paper's (what compare shows), Δ(t1,tN) what the later turns added to it.
 */
export function formatReport(r: MetricsReport): string {
    const turns = Array.from({ length: r.maxTurns }, (_, i) => `Acc@t${i + 1}`);
    const both = r.maxTurns > 2;
    // The intervals go in the table below (every turn's): a last-turn interval column here made a
    // two-turn run's table wrap on an 80-column terminal.
    const head = ["task", "N", "samples", ...turns, ...(both ? ["Δ(t1,t2)"] : []), `Δ(t1,t${r.maxTurns})`, "c→i", "i→c"];
    const row = (name: string, m: Metrics) => {
        const d = [...(both ? [signedPct(m.delta12)] : []), signedPct(m.deltaLast)];
        return [name, String(m.n), String(m.samples), ...m.accByTurn.map(pct), ...d, String(m.flips.correctToIncorrect), String(m.flips.incorrectToCorrect)];
    };
    const rows = [head, ...Object.entries(r.perTask).map(([t, m]) => row(t, m)), row("overall", r.overall)];
    return `${alignTable(rows)}\n\n${formatIntervals(r)}`;
}

/**
 * The 95% Wilson interval of every Acc@t, per task and overall, below the main table (which has no
 * room for them at 80 columns); a multi-turn run (the paper's Fig. 4, up to 6 turns) needs each turn's.
 */
export function formatIntervals(r: MetricsReport): string {
    const head = ["95% CI", ...Array.from({ length: r.maxTurns }, (_, i) => `Acc@t${i + 1}`)];
    const row = (name: string, m: Metrics) => [name, ...m.ciByTurn.map(([lo, hi]) => `[${pct(lo)}, ${pct(hi)}]`)];
    return alignTable([head, ...Object.entries(r.perTask).map(([t, m]) => row(t, m)), row("overall", r.overall)]);
}

/** First column left-aligned, the others right-aligned, two spaces apart. */
function alignTable(rows: string[][]): string {
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((x) => x[i]!.length)));
    return rows.map((x) => x.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ")).join("\n");
}
