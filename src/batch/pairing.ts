import type { ItemRecord } from "../engine/types.js";
import { bootstrapMethod, pairedBootstrap, type BootstrapOptions, type PairedStat } from "./bootstrap.js";
import { at2, itemScores, loadSide, type LoadedSide } from "./compare.js";
import { RunStore } from "./store.js";

/**
 * Exact pairing on turn 1. The paper's protocol reuses turn 1 from the frozen base model, so a
 * difference between two methods is only about reflection and correction when both runs started from
 * the same turn-1 attempt. That is decided from the stored records, never from a manifest field: an
 * item is paired when both runs finished it and its base record's turn-1 `answer` output is
 * byte-identical, with the same turn-1 verdict (the one that steered the loop, and the ground truth).
 */
export interface Turn1 {
    question: string;
    /** The turn-1 answer step's output text, as stored. */
    answer: string;
    /** The turn-1 verify step's verdict (the one that steered the loop), null when none was stored. */
    verdict: boolean | null;
    /** Ground truth of turn 1 (correct_by_turn[0]; follows `audit --write`). */
    correct: boolean;
}

/** The turn 1 of a base record, or null when it has no turn-1 answer (nothing to pair on). */
export function turn1Of(record: ItemRecord): Turn1 | null {
    const answer = record.steps.find((s) => s.kind === "answer" && s.turn === 1);
    if (answer?.output === undefined) return null;
    const verify = record.steps.find((s) => s.kind === "verify" && s.turn === 1);
    return { question: record.item.question, answer: answer.output, verdict: verify?.verdict?.correct ?? null, correct: record.correct_by_turn[0] === true };
}

export const sameTurn1 = (a: Turn1 | null | undefined, b: Turn1 | null | undefined): boolean =>
    !!a && !!b && a.question === b.question && a.answer === b.answer && a.verdict === b.verdict && a.correct === b.correct;

/** Turn 1 of every done item of a run (item id -> turn 1, null when unreadable). */
export function readTurn1(dir: string): Map<string, Turn1 | null> {
    const store = RunStore.open(dir);
    try {
        const out = new Map<string, Turn1 | null>();
        for (const { itemId } of store.doneItems()) {
            const json = store.baseRecord(itemId);
            let t: Turn1 | null = null;
            try {
                t = json ? turn1Of(JSON.parse(json) as ItemRecord) : null;
            } catch {
                // A broken record cannot prove it shares turn 1; it simply is not paired.
            }
            out.set(itemId, t);
        }
        return out;
    } finally {
        store.close();
    }
}

/** A run as comparing needs it: its side, outcomes and turn 1 per item. */
export interface LoadedRun extends LoadedSide {
    turn1: Map<string, Turn1 | null>;
}

export function loadRun(dir: string): LoadedRun {
    return { ...loadSide(dir), turn1: readTurn1(dir) };
}

/** The paired difference other − reference on one set of questions (a task, or all). */
export interface PairedCell {
    task: string;
    /** Items both runs finished. */
    n: number;
    /** Of those, items whose turn 1 is identical: the paired difference is over these. */
    sharedTurn1: number;
    /** Shared items whose turn-1 answer was wrong (where reflection and correction happen). */
    sharedFailures: number;
    /** other − reference of Acc@t2, per question; null when no item shares turn 1. */
    acc2: PairedStat | null;
    /** other − reference of Δ(t1,t2) (RunMetrics.delta12, not Δ(t1,t_last)), per question; null likewise. */
    delta: PairedStat | null;
}

export interface PairedResult extends PairedCell {
    reference: { dir: string; id: string };
    other: { dir: string; id: string };
    /** Items both finished whose turn 1 differs. */
    differ: number;
    perTask: PairedCell[];
    /** How the intervals were made. */
    method: string;
    /** Why the pairing is partial or absent (a warning to show), null when every item both finished shares turn 1. */
    note: string | null;
}

/** The name the evolve table imports: the same as PairedResult (`n` = items both finished, `acc2.n` = those paired). */
export type PairedSummary = PairedResult;

interface Pair {
    task: string;
    shared: boolean;
    failed: boolean;
    /** other − reference of Acc@t2 and of Δ, per question. */
    d2: number;
    dd: number;
}

function cell(task: string, pairs: Pair[], o: BootstrapOptions): PairedCell {
    const shared = pairs.filter((p) => p.shared);
    const boot = (xs: number[]) => (shared.length ? pairedBootstrap(xs, o) : null);
    return {
        task,
        n: pairs.length,
        sharedTurn1: shared.length,
        sharedFailures: shared.filter((p) => p.failed).length,
        acc2: boot(shared.map((p) => p.d2)),
        delta: boot(shared.map((p) => p.dd))
    };
}

/** The note to print when two runs do not share turn 1 on every item both finished. */
export function pairingNote(refId: string, otherId: string, n: number, shared: number): string | null {
    if (n === 0) return `runs ${refId} and ${otherId} have no item both finished: nothing to pair`;
    if (shared === n) return null;
    if (shared === 0) return `runs ${refId} and ${otherId} do not share turn 1 on any of the ${n} items both finished: no paired difference, only the unpaired side by side`;
    return `runs ${refId} and ${otherId} do not share turn 1: ${n - shared} of ${n} items differ; the paired difference is over the ${shared} that do`;
}

/** Pairs two loaded runs: per task (the reference's task names, sorted) and overall. */
export function pairLoaded(ref: LoadedRun, other: LoadedRun, o: BootstrapOptions = {}): PairedResult {
    const byId = new Map(other.outcomes.map((x) => [x.itemId, x]));
    const pairs: Pair[] = [];
    for (const a of ref.outcomes) {
        const b = byId.get(a.itemId);
        if (!b) continue;
        const sa = itemScores(a, ref.side.maxTurns);
        const sb = itemScores(b, other.side.maxTurns);
        const t1 = ref.turn1.get(a.itemId);
        pairs.push({ task: a.task, shared: sameTurn1(t1, other.turn1.get(a.itemId)), failed: t1?.correct === false, d2: at2(sb) - at2(sa), dd: at2(sb) - sb[0]! - (at2(sa) - sa[0]!) });
    }
    const tasks = [...new Set(pairs.map((p) => p.task))].sort((x, y) => x.localeCompare(y));
    const all = cell("overall", pairs, o);
    return {
        reference: { dir: ref.side.dir, id: ref.side.id },
        other: { dir: other.side.dir, id: other.side.id },
        ...all,
        differ: all.n - all.sharedTurn1,
        perTask: tasks.map((t) => cell(t, pairs.filter((p) => p.task === t), o)),
        method: bootstrapMethod(o),
        note: pairingNote(ref.side.id, other.side.id, all.n, all.sharedTurn1)
    };
}

/**
 * other − reference of Acc@t2 and Δ(t1,t2), paired over the items both runs finished with an identical
 * turn 1 (per task and overall), with a seeded paired-bootstrap interval. The library entry point for
 * callers comparing many runs against one (e.g. each evolve round's eval run against round 0's).
 */
export function pairedAgainst(referenceDir: string, otherDir: string, o: BootstrapOptions = {}): PairedResult {
    return pairLoaded(loadRun(referenceDir), loadRun(otherDir), o);
}
