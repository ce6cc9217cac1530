import { resolve } from "node:path";
import { BOOTSTRAP_DEFAULTS, bootstrapMethod, type BootstrapOptions } from "./bootstrap.js";
import { configDifferences, itemScores, runMetrics, type RunMetrics } from "./compare.js";
import { methodOf, uniqueLabels, type RunMethodKind } from "./compareLabel.js";
import { loadRun, pairLoaded, type LoadedRun, type PairedCell, type PairedResult } from "./pairing.js";
import type { ReflectorManifest } from "./reflector.js";
import type { BatchConfig, ItemOutcome } from "./types.js";
import type { TrainingSetting } from "../training/types.js";

/**
 * Any number of batch runs in the paper's Tab. 2 layout: one row per run (its method: retry, reflect,
 * a trained setting...) in each task's block and overall, with N, Acc@t1, Acc@t2, Δ(t1,t2) and 95%
 * intervals, plus each run's paired difference against a reference run (the first, or `baseline`).
 *
 * The columns of every run are over the items done in every run, so they line up. The paired
 * difference of a run is over the items it and the reference both finished with an identical turn 1
 * (pairing.ts), with a seeded paired bootstrap (bootstrap.ts); how many items share turn 1 is reported,
 * and a warning says when the two runs do not share it.
 */
export interface CompareManyOptions extends BootstrapOptions {
    /** The reference run's folder: added first when it is not among `dirs`. Default: dirs[0]. */
    baseline?: string;
}

export interface RunColumn {
    dir: string;
    id: string;
    /** Unique row label: the method ("retry", "reflect", "one-stage"...), "#2" on repeats. */
    label: string;
    method: RunMethodKind;
    /** The paper's wording of the method. */
    paper: string;
    setting: TrainingSetting | null;
    /** "base model" or the trained reflector's description. */
    reflector: string;
    model: { file: string; sha256: string };
    config: BatchConfig;
    reflector_files: ReflectorManifest | null;
    maxTurns: number;
    /** Items done in this run, and in its task set. */
    done: number;
    items: number;
}

/** Pairing of one run with the reference, overall (per task it is in each row's `paired`). */
export type RunPairing = Omit<PairedResult, "perTask">;

export interface Tab2Row {
    task: string;
    /** Items of this task done in every run. */
    n: number;
    /** Per run (the order of `runs`): its metrics over those items. */
    runs: RunMetrics[];
    /** Per run: its paired difference against the reference on this task; null for the reference itself. */
    paired: (PairedCell | null)[];
}

export interface CompareManyResult {
    runs: RunColumn[];
    /** Index of the reference run in `runs`. */
    reference: number;
    /** Items done in every run (the columns' overall N). */
    aligned: number;
    tasks: string[];
    /** Per task (sorted), then "overall". */
    rows: Tab2Row[];
    /** Per run: its pairing with the reference; null for the reference. */
    pairing: (RunPairing | null)[];
    /** Unfair or partial comparisons, pairing notes first; never printed by compareMany itself. */
    warnings: string[];
    /** What the "vs ref" columns are, and how their intervals were made. */
    paired: string;
    method: string;
    bootstrap: { resamples: number; seed: number; level: number };
    intervals: string;
}

export const MANY_INTERVALS_NOTE = "95% intervals: Acc@t2 Wilson; Δ Wilson (paired-normal when answers flip)";
export const PAIRED_NOTE = "vs ref: run − reference, over the questions with the same turn-1 answer and verdict in both";

function column(r: LoadedRun, label: string): RunColumn {
    const m = methodOf(r.side.manifest);
    return {
        dir: r.side.dir, id: r.side.id, label, method: m.kind, paper: m.paper, setting: m.setting, reflector: r.side.reflector, model: r.side.model,
        config: r.side.manifest.config, reflector_files: r.side.manifest.reflector ?? null, maxTurns: r.side.maxTurns, done: r.side.done, items: r.side.items
    };
}

/** The overall cell of a pairing, without the run-level fields (they are in `pairing`). */
const overallCell = (p: PairedResult): PairedCell => ({ task: p.task, n: p.n, sharedTurn1: p.sharedTurn1, sharedFailures: p.sharedFailures, acc2: p.acc2, delta: p.delta });

/** Compares the runs at `dirs` (folders), Tab. 2 style; see CompareManyOptions for the reference. */
export function compareMany(dirs: string[], o: CompareManyOptions = {}): CompareManyResult {
    if (dirs.length === 0) throw new Error("compare needs at least one batch run");
    const list = dirs.map((d) => resolve(d));
    const twice = list.find((d, i) => list.indexOf(d) !== i);
    if (twice) throw new Error(`the run ${twice} is given twice`);
    const base = o.baseline ? resolve(o.baseline) : list[0]!;
    if (!list.includes(base)) list.unshift(base);
    const ref = list.indexOf(base);
    const loaded = list.map(loadRun);
    const labels = uniqueLabels(loaded.map((r) => methodOf(r.side.manifest).label));
    const runs = loaded.map((r, i) => column(r, labels[i]!));
    const R = loaded[ref]!;

    // Items done in every run, in the reference's order and under its task names.
    const ids = loaded.map((r) => new Map(r.outcomes.map((x) => [x.itemId, x])));
    const aligned = R.outcomes.filter((x) => ids.every((m) => m.has(x.itemId)));
    const pairings = loaded.map((r, i) => (i === ref ? null : pairLoaded(R, r, o)));
    const tasks = [...new Set([...aligned.map((x) => x.task), ...pairings.flatMap((p) => p?.perTask.map((c) => c.task) ?? [])])].sort((x, y) => x.localeCompare(y));

    const row = (task: string, items: ItemOutcome[]): Tab2Row => ({
        task,
        n: items.length,
        runs: loaded.map((r, i) => {
            const own = items.map((x) => ({ ...ids[i]!.get(x.itemId)!, task: x.task }));
            return runMetrics(own, own.map((x) => itemScores(x, r.side.maxTurns)), r.side.maxTurns);
        }),
        paired: pairings.map((p) => (!p ? null : task === "overall" ? overallCell(p) : (p.perTask.find((c) => c.task === task) ?? null)))
    });

    const warnings: string[] = [];
    for (const p of pairings) if (p?.note) warnings.push(p.note);
    const names = (i: number) => ({ a: runs[ref]!.label, b: runs[i]!.label });
    loaded.forEach((r, i) => {
        if (i === ref) return;
        warnings.push(...configDifferences(R.side, r.side, { names: names(i), skipMode: true }));
        const renamed = aligned.filter((x) => ids[i]!.get(x.itemId)!.task !== x.task).length;
        if (renamed) warnings.push(`${renamed} items have another task name in ${runs[i]!.label} (${runs[ref]!.label}'s is used)`);
    });
    const extra = loaded.map((r, i) => ({ label: runs[i]!.label, n: r.outcomes.length - aligned.length })).filter((x) => x.n > 0);
    if (extra.length && loaded.length > 1) warnings.push(`the columns are over the ${aligned.length} items done in every run: ${extra.map((x) => `${x.label} has ${x.n} more`).join(", ")}`);

    const { resamples, seed, level } = { ...BOOTSTRAP_DEFAULTS, ...o };
    return {
        runs,
        reference: ref,
        aligned: aligned.length,
        tasks,
        rows: [...tasks.map((t) => row(t, aligned.filter((x) => x.task === t))), row("overall", aligned)],
        pairing: pairings.map((p) => {
            if (!p) return null;
            const { perTask: _perTask, ...rest } = p;
            return rest;
        }),
        warnings,
        paired: PAIRED_NOTE,
        method: bootstrapMethod(o),
        bootstrap: { resamples, seed, level },
        intervals: MANY_INTERVALS_NOTE
    };
}
