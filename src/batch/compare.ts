import { computeMetrics, wilson } from "./metrics.js";
import { describeReflector } from "./reflector.js";
import { readRunManifest, type RunManifest } from "./runs.js";
import { RunStore } from "./store.js";
import type { ItemOutcome } from "./types.js";

/**
 * Two batch runs on the same questions side by side (base vs trained reflector, paper Tab. 2/3).
 *
 * Per run: N, Acc@t1..Acc@t_max with 95% Wilson intervals (metrics.ts, over the aligned items only)
 * and Δ(t1,t2) = Acc@t2 - Acc@t1. Δ's interval: Wilson when no question lost accuracy between turn 1
 * and 2 (the oracle case: Δ is then the share of questions fixed by turn 2, a proportion like Acc);
 * otherwise (self verifier, flips) the paired normal interval below, over the per-question differences.
 *
 * B - A (Acc@t2, and Δ): paired over questions. Each question's score is its own Acc@t by
 * metrics.ts's definition (the mean over its sampled chains of the answer standing at turn t);
 * d_i = score_B(i) - score_A(i); the interval is the normal approximation mean(d) ± 1.96·sd(d)/√n
 * (sd with n-1; none for n < 2). Deterministic; rough for small N.
 *
 * This is the two-run primitive over every item done in both (kept for library callers). The CLI and
 * the compare screen use compareMany.ts: any number of runs in the paper's Tab. 2 layout, with the
 * difference paired only over items whose turn 1 is byte-identical (pairing.ts) and a bootstrap interval.
 */
export interface CompareSide {
    dir: string;
    id: string;
    model: { file: string; sha256: string };
    /** "base model" or the trained reflector's description. */
    reflector: string;
    manifest: RunManifest;
    maxTurns: number;
    /** Items stored as done in this run, and items in its task set. */
    done: number;
    items: number;
}

export interface RunMetrics {
    n: number;
    /** accByTurn[t-1] = Acc@t, t = 1..maxTurns of this run. */
    accByTurn: number[];
    ciByTurn: [number, number][];
    /** Δ(t1,t2) = Acc@t2 − Acc@t1 (0 when the run has one turn): the paper's Δ, the one compared. */
    delta12: number;
    /** Δ(t1,t_last) = Acc@t_max − Acc@t1, as `report` names it (equal to delta12 up to two turns). */
    deltaLast: number;
    /** Alias of delta12, kept for `compare --json` readers from before the two names. */
    delta: number;
    /** The 95% interval of delta12, and how it was made. */
    deltaCi: [number, number] | null;
    deltaCiMethod: "wilson" | "paired-normal";
}

export interface PairedDifference {
    /** mean over questions of B - A. */
    mean: number;
    ci: [number, number] | null;
    n: number;
}

export interface CompareRow {
    task: string;
    n: number;
    a: RunMetrics;
    b: RunMetrics;
    /** B - A of Acc@t2 and of Δ(t1,t2), paired over questions. */
    acc2: PairedDifference;
    delta: PairedDifference;
}

export interface CompareResult {
    a: CompareSide;
    b: CompareSide;
    /** Items done in both runs (the ones compared), and done in only one. */
    aligned: number;
    onlyA: number;
    onlyB: number;
    perTask: CompareRow[];
    overall: CompareRow;
    /** Differences that make the comparison unfair or partial; never printed by compareRuns itself. */
    warnings: string[];
    /** How the intervals were computed, for the printout. */
    intervals: string;
}

export const INTERVALS_NOTE = "95% intervals: Acc@t and Δ Wilson (Δ paired-normal when answers flip); B−A paired over questions, normal approximation mean ± 1.96·sd/√n";

const Z = 1.96;

/** A question's own Acc@t for t = 1..maxTurns: metrics.ts's definition applied to one item. */
export function itemScores(o: ItemOutcome, maxTurns: number): number[] {
    return computeMetrics([o], maxTurns).overall.accByTurn;
}

/** Score at turn 2 (turn 1 for a one-turn run: nothing can change after it). */
export const at2 = (scores: number[]) => scores[Math.min(1, scores.length - 1)]!;

export function pairedInterval(d: number[]): PairedDifference {
    const n = d.length;
    if (n === 0) return { mean: 0, ci: null, n };
    const mean = d.reduce((a, x) => a + x, 0) / n;
    if (n < 2) return { mean, ci: null, n };
    const sd = Math.sqrt(d.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1));
    const half = (Z * sd) / Math.sqrt(n);
    return { mean, ci: [Math.max(-1, mean - half), Math.min(1, mean + half)], n };
}

function side(dir: string, store: RunStore): LoadedSide {
    const manifest = readRunManifest(dir);
    const outcomes = store.outcomes();
    return {
        side: {
            dir,
            id: manifest.id,
            model: { file: manifest.model.file, sha256: manifest.model.sha256 },
            reflector: describeReflector(manifest.config.reflector),
            manifest,
            maxTurns: manifest.config.maxTurns,
            done: outcomes.length,
            items: manifest.tasks.items
        },
        outcomes
    };
}

/** Acc@t with Wilson intervals and Δ(t1,t2) with its interval, over the given items (`scores` = their itemScores). */
export function runMetrics(outcomes: ItemOutcome[], scores: number[][], maxTurns: number): RunMetrics {
    const m = computeMetrics(outcomes, maxTurns).overall;
    const d = scores.map((s) => at2(s) - s[0]!);
    const monotone = d.every((x) => x >= 0);
    return {
        n: m.n,
        accByTurn: m.accByTurn,
        ciByTurn: m.ciByTurn,
        delta12: m.delta12,
        deltaLast: m.deltaLast,
        delta: m.delta12,
        deltaCi: m.n === 0 ? null : monotone ? wilson(m.delta12, m.n) : pairedInterval(d).ci,
        deltaCiMethod: monotone ? "wilson" : "paired-normal"
    };
}

interface Pair {
    task: string;
    a: ItemOutcome;
    b: ItemOutcome;
    sa: number[];
    sb: number[];
}

function row(task: string, pairs: Pair[], maxA: number, maxB: number): CompareRow {
    return {
        task,
        n: pairs.length,
        a: runMetrics(
            pairs.map((p) => p.a),
            pairs.map((p) => p.sa),
            maxA
        ),
        b: runMetrics(
            pairs.map((p) => p.b),
            pairs.map((p) => p.sb),
            maxB
        ),
        acc2: pairedInterval(pairs.map((p) => at2(p.sb) - at2(p.sa))),
        delta: pairedInterval(pairs.map((p) => at2(p.sb) - p.sb[0]! - (at2(p.sa) - p.sa[0]!)))
    };
}

/**
 * What differs between two runs' configs that makes comparing them unfair (not the item alignment).
 * `names` label the runs in the messages; `mode` is left out when `skipMode` (Tab. 2 compares modes on purpose);
 * `afterTasks` is put after the task-set line (compareRuns' task-name mismatch).
 */
export function configDifferences(a: CompareSide, b: CompareSide, o: { names?: { a: string; b: string }; skipMode?: boolean; afterTasks?: string[] } = {}): string[] {
    const { names = { a: "A", b: "B" }, skipMode = false, afterTasks = [] } = o;
    const w: string[] = [];
    const [A, B] = [names.a, names.b];
    const ca = a.manifest.config;
    const cb = b.manifest.config;
    const differ = (x: unknown, y: unknown) => JSON.stringify(x) !== JSON.stringify(y);
    if (a.manifest.model.sha256 !== b.manifest.model.sha256) w.push(`base models differ: ${A} ${a.model.file} (${a.model.sha256.slice(0, 12)}), ${B} ${b.model.file} (${b.model.sha256.slice(0, 12)})`);
    if (ca.sampler.seed !== cb.sampler.seed) w.push(`seeds differ: ${A} ${ca.sampler.seed}, ${B} ${cb.sampler.seed}`);
    const sampler = (Object.keys(ca.sampler) as (keyof typeof ca.sampler)[]).filter((k) => k !== "seed" && differ(ca.sampler[k], cb.sampler[k]));
    if (sampler.length) w.push(`sampler settings differ: ${sampler.map((k) => `${k} ${ca.sampler[k]} vs ${cb.sampler[k]}`).join(", ")}`);
    if (a.manifest.tasks.ids_sha256 !== b.manifest.tasks.ids_sha256 || differ(ca.limit, cb.limit))
        w.push(`task sets differ: ${A} ${a.manifest.tasks.name} (${a.items} items), ${B} ${b.manifest.tasks.name} (${b.items} items)`);
    w.push(...afterTasks);
    if (ca.maxTurns !== cb.maxTurns) w.push(`maxTurns differ: ${A} ${ca.maxTurns}, ${B} ${cb.maxTurns}`);
    if (ca.verifier !== cb.verifier) w.push(`verifiers differ: ${A} ${ca.verifier}, ${B} ${cb.verifier}`);
    if (!skipMode && ca.mode !== cb.mode) w.push(`modes differ: ${A} ${ca.mode}, ${B} ${cb.mode}`);
    if (ca.k !== cb.k) w.push(`k differs: ${A} ${ca.k}, ${B} ${cb.k}`);
    // A retry run has no instructions to differ in.
    if (ca.mode !== "retry" && cb.mode !== "retry" && differ(ca.instructions, cb.instructions)) w.push(`instruction plans differ: ${A} ${JSON.stringify(ca.instructions)}, ${B} ${JSON.stringify(cb.instructions)}`);
    return w;
}

function warningsOf(a: CompareSide, b: CompareSide, aligned: number, onlyA: number, onlyB: number, taskMismatch: number): string[] {
    const w = configDifferences(a, b, { afterTasks: taskMismatch ? [`${taskMismatch} aligned items have another task name in B (A's is used)`] : [] });
    if (onlyA || onlyB) w.push(`only the ${aligned} items done in both runs are compared: ${onlyA} done only in A, ${onlyB} done only in B`);
    return w;
}

/** A run loaded for comparing: what it used, and its done items' outcomes in run order. */
export interface LoadedSide {
    side: CompareSide;
    outcomes: ItemOutcome[];
}

/** Opens a run folder (checked to be a batch run), reads its side and outcomes, and closes it. */
export function loadSide(dir: string): LoadedSide {
    if (!RunStore.exists(dir)) throw new Error(`${dir} is not a batch run (no manifest.json)`);
    const store = RunStore.open(dir);
    try {
        return side(dir, store);
    } finally {
        store.close();
    }
}

/** Compares two batch runs on the items done in both. */
export function compareRuns(dirA: string, dirB: string): CompareResult {
    for (const d of [dirA, dirB]) if (!RunStore.exists(d)) throw new Error(`${d} is not a batch run (no manifest.json)`);
    const A = loadSide(dirA);
    const B = loadSide(dirB);
    const byId = new Map(B.outcomes.map((o) => [o.itemId, o]));
    const pairs: Pair[] = [];
    let taskMismatch = 0;
    for (const a of A.outcomes) {
        const b = byId.get(a.itemId);
        if (!b) continue;
        if (b.task !== a.task) taskMismatch++;
        pairs.push({ task: a.task, a, b: { ...b, task: a.task }, sa: itemScores(a, A.side.maxTurns), sb: itemScores(b, B.side.maxTurns) });
    }
    const onlyA = A.outcomes.length - pairs.length;
    const onlyB = B.outcomes.length - pairs.length;
    const tasks = [...new Set(pairs.map((p) => p.task))].sort((x, y) => x.localeCompare(y));
    return {
        a: A.side,
        b: B.side,
        aligned: pairs.length,
        onlyA,
        onlyB,
        perTask: tasks.map((t) =>
            row(
                t,
                pairs.filter((p) => p.task === t),
                A.side.maxTurns,
                B.side.maxTurns
            )
        ),
        overall: row("overall", pairs, A.side.maxTurns, B.side.maxTurns),
        warnings: warningsOf(A.side, B.side, pairs.length, onlyA, onlyB, taskMismatch),
        intervals: INTERVALS_NOTE
    };
}
