import type { ItemRecord } from "../engine/types.js";
import { extractSample, type ExtractedSample } from "./extract.js";
import { ALL_SETS, validateOptions, type CurateOptions } from "./options.js";
import { promptGroups, rowIdentity, rowsOf } from "./sets.js";
import { itemGroups, type CurateSource } from "./source.js";
import { splitOf, unitHash, type Split } from "./split.js";
import type { CuratedSet, EvoShape } from "./types.js";

/** A selected row: which samples of which question of which run (the samples are re-read at export). */
export interface RowRef {
    set: CuratedSet;
    /** Index into the plan's sources. */
    run: number;
    itemId: string;
    task: string;
    key: string;
    /** Sample indexes: [s] for D+, [chosen, rejected] for D±, [a, b] for D_pref. */
    samples: number[];
    split: Split;
}

export interface SplitCount {
    train: number;
    eval: number;
}

export interface SetCounts extends SplitCount {
    total: number;
    per_task: Record<string, SplitCount>;
}

/** Rows each step removed, in the order they are applied: instruction filter, identical pair, dedup, per-task cap. */
export interface SetDropped {
    filter: number;
    /** D± and D_pref: pairs whose two reflections are the same text (nothing to prefer). */
    identical: number;
    dedup: number;
    cap: number;
}

/**
 * A run as curation.json names it. An imported ReflectEvo file (`curate --from-reflectevo`) is a
 * source too: `run` is its file name, `dir` its path, and `kind`, `shape`, `records`, `skipped` say more.
 */
export interface SourceSummary {
    run: string;
    dir: string;
    model_file: string;
    model_sha256: string;
    mode: string;
    verifier: string;
    seed: number;
    items: number;
    samples: number;
    /** Absent for batch runs. */
    kind?: "reflectevo";
    shape?: EvoShape;
    /** Records read (valid or not) and those skipped with --skip-invalid. */
    records?: number;
    skipped?: number;
}

/**
 * What the sources held on the way to rows, so an empty result can say why: questions, how many
 * were right at turn 1 and how many failed, the sampled corrections and the right ones, and the
 * D± candidate groups (one failed attempt and one instruction) with both a right and a wrong one.
 */
export interface SampleStats {
    items: number;
    solved_first: number;
    failed_attempts: number;
    corrections: number;
    correct_corrections: number;
    prompt_groups: number;
    mixed_groups: number;
}

export const emptyStats = (): SampleStats => ({ items: 0, solved_first: 0, failed_attempts: 0, corrections: 0, correct_corrections: 0, prompt_groups: 0, mixed_groups: 0 });

/** Adds one question's samples (already grouped by prompt) to the stats: corrections and groups. */
export function countSamples(stats: SampleStats, samples: ExtractedSample[]): void {
    stats.corrections += samples.length;
    for (const s of samples) if (s.correctness.correction) stats.correct_corrections++;
    for (const g of promptGroups(samples)) {
        stats.prompt_groups++;
        if (g.some((s) => s.correctness.correction) && g.some((s) => !s.correctness.correction)) stats.mixed_groups++;
    }
}

export type ResolvedOptions = CurateOptions & { seed: number };

export interface CurationPlan {
    options: ResolvedOptions;
    sources: SourceSummary[];
    rows: Partial<Record<CuratedSet, RowRef[]>>;
    counts: Partial<Record<CuratedSet, SetCounts>>;
    dropped: Partial<Record<CuratedSet, SetDropped>>;
    /** Samples read; those with no reflection or no turn-2 correction; questions with samples, by split; the stats. */
    scanned: { samples: number; incomplete: number; questions: SplitCount; stats: SampleStats };
}

/** Refuses runs that cannot give any set: retry-mode runs have no reflection. */
export function checkSources(sources: CurateSource[]): void {
    for (const s of sources) {
        if (s.manifest.config.mode === "retry") throw new Error(`run ${s.id} (${s.dir}) was made in retry mode: it has no reflections, so it gives no D+, D± or D_pref rows; curate runs made with --mode reflect`);
    }
}

/** Validated options with the seed settled: the given one, else the first run's sampler seed. */
export function resolveOptions(firstRunSeed: number | undefined, options: CurateOptions): ResolvedOptions {
    validateOptions(options);
    return { ...options, seed: options.seed ?? firstRunSeed ?? 0 };
}

/** One question's samples, parsed and reduced to what curation uses. */
export function extractGroup(records: { record: string }[], run: string): { samples: ExtractedSample[]; incomplete: number } {
    const samples: ExtractedSample[] = [];
    let incomplete = 0;
    for (const r of records) {
        const s = extractSample(JSON.parse(r.record) as ItemRecord, run);
        if (s) samples.push(s);
        else incomplete++;
    }
    return { samples, incomplete };
}

/** A row before the options apply: what selection needs, and no texts. */
export interface Candidate extends Omit<RowRef, "split"> {
    /** Dedup identity (prompt + target). */
    identity: string;
    /** D± / D_pref: both reflections are the same text. */
    identical: boolean;
}

/** The expensive part of planning: every record read once, reduced to candidates of the given sets. */
export interface CurationScan {
    sources: SourceSummary[];
    sets: CuratedSet[];
    candidates: Candidate[];
    /** Questions with at least one usable sample (the split is decided per question). */
    questions: { task: string; itemId: string }[];
    samples: number;
    incomplete: number;
    stats: SampleStats;
}

/**
 * First pass over the runs: reads every sample once, in run and store order, and forms the rows
 * of `sets`. Holds only references and hashes, not texts, so 100k-sample runs fit; the export
 * reads the samples again. The curate screen keeps a scan and re-selects as options change.
 */
export function scanRuns(sources: CurateSource[], sets: readonly CuratedSet[] = ALL_SETS): CurationScan {
    checkSources(sources);
    const candidates: Candidate[] = [];
    const questions: { task: string; itemId: string }[] = [];
    const seenQ = new Set<string>();
    let samplesRead = 0;
    let incompleteCount = 0;
    const stats = emptyStats();
    sources.forEach((src, run) => {
        // Turn 1 by ground truth, per finished item (items right at turn 1 have no samples to read).
        for (const o of src.store.outcomes()) {
            stats.items++;
            if (o.t1) stats.solved_first++;
            else stats.failed_attempts++;
        }
        for (const g of itemGroups(src.store)) {
            const { samples, incomplete } = extractGroup(g.records, src.id);
            samplesRead += g.records.length;
            incompleteCount += incomplete;
            if (!samples.length) continue;
            countSamples(stats, samples);
            const { task } = samples[0]!;
            const q = `${task}\u0000${g.itemId}`;
            if (!seenQ.has(q)) {
                seenQ.add(q);
                questions.push({ task, itemId: g.itemId });
            }
            for (const set of sets) {
                for (const row of rowsOf(set, samples)) {
                    const [a, b] = row.samples;
                    candidates.push({ set, run, itemId: g.itemId, task, key: row.key, samples: row.samples.map((s) => s.sampleIndex), identity: rowIdentity(row), identical: b !== undefined && a!.reflection.output === b.reflection.output });
                }
            }
        }
    });
    return { sources: sources.map(sourceSummary), sets: [...sets], candidates, questions, samples: samplesRead, incomplete: incompleteCount, stats };
}

/**
 * Applies the options to a scan: the instruction filter, drops pairs of identical reflections,
 * dedups (first occurrence in run and store order wins), caps each task (the rows with the lowest
 * seeded hash are kept) and splits by question.
 */
export function selectRows(scan: CurationScan, o: ResolvedOptions): CurationPlan {
    const missing = o.sets.filter((s) => !scan.sets.includes(s));
    if (missing.length) throw new Error(`the scan has no candidates for ${missing.join(", ")}`);
    const rows: Partial<Record<CuratedSet, RowRef[]>> = {};
    const dropped: Partial<Record<CuratedSet, SetDropped>> = {};
    const seen: Partial<Record<CuratedSet, Set<string>>> = {};
    for (const set of o.sets) {
        rows[set] = [];
        dropped[set] = { filter: 0, identical: 0, dedup: 0, cap: 0 };
        seen[set] = new Set();
    }
    const filter = o.instructions ? new Set(o.instructions) : null;
    const split = (task: string, itemId: string) => splitOf(task, itemId, o.seed, o.evalFraction);
    for (const c of scan.candidates) {
        const d = dropped[c.set];
        if (!d) continue;
        if (filter && !filter.has(c.key)) {
            d.filter++;
            continue;
        }
        if (c.identical) {
            d.identical++;
            continue;
        }
        if (o.dedup) {
            if (seen[c.set]!.has(c.identity)) {
                d.dedup++;
                continue;
            }
            seen[c.set]!.add(c.identity);
        }
        rows[c.set]!.push({ set: c.set, run: c.run, itemId: c.itemId, task: c.task, key: c.key, samples: c.samples, split: split(c.task, c.itemId) });
    }
    if (o.capPerTask !== null) {
        for (const set of o.sets) {
            const { kept, cut } = capPerTask(rows[set]!, o.capPerTask, (r) => unitHash("cap", o.seed, set, scan.sources[r.run]!.run, r.task, r.itemId, r.key, r.samples.join(",")));
            rows[set] = kept;
            dropped[set]!.cap = cut;
        }
    }
    const counts: Partial<Record<CuratedSet, SetCounts>> = {};
    for (const set of o.sets) counts[set] = countRows(rows[set]!);
    const questions = { train: 0, eval: 0 };
    for (const q of scan.questions) questions[split(q.task, q.itemId)]++;
    return { options: o, sources: scan.sources, rows, counts, dropped, scanned: { samples: scan.samples, incomplete: scan.incomplete, questions, stats: scan.stats } };
}

/** Scan and selection in one go (the CLI and the export). */
export function planCuration(sources: CurateSource[], options: CurateOptions): CurationPlan {
    const o = resolveOptions(sources[0]?.manifest.config.sampler.seed, options);
    return selectRows(scanRuns(sources, o.sets), o);
}

/** Keeps at most `cap` rows per task, those with the lowest rank; the kept rows stay in their order. */
export function capPerTask<T extends { task: string }>(rows: T[], cap: number, rank: (r: T) => number): { kept: T[]; cut: number } {
    const byTask = new Map<string, T[]>();
    for (const r of rows) {
        let l = byTask.get(r.task);
        if (!l) byTask.set(r.task, (l = []));
        l.push(r);
    }
    const keep = new Set<T>();
    for (const list of byTask.values()) {
        const ranked = list.length > cap ? list.map((r) => ({ r, k: rank(r) })).sort((a, b) => a.k - b.k).slice(0, cap).map((x) => x.r) : list;
        for (const r of ranked) keep.add(r);
    }
    const kept = rows.filter((r) => keep.has(r));
    return { kept, cut: rows.length - kept.length };
}

export function countRows(rows: { task: string; split: Split }[]): SetCounts {
    const c: SetCounts = { train: 0, eval: 0, total: 0, per_task: {} };
    for (const r of rows) {
        c[r.split]++;
        c.total++;
        (c.per_task[r.task] ??= { train: 0, eval: 0 })[r.split]++;
    }
    return c;
}

function sourceSummary(s: CurateSource): SourceSummary {
    const m = s.manifest;
    return { run: s.id, dir: s.dir, model_file: m.model.file, model_sha256: m.model.sha256, mode: m.config.mode, verifier: m.config.verifier, seed: m.config.sampler.seed, items: m.tasks.items, samples: s.store.counts().samples };
}
