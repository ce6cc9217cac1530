// Why a curated set came out empty and what to change: printed by `curate` before it writes, shown
// by the curate screen, and the reason `evolve` gives when it stops. Pure: counts in, text out.
import { SET_LABEL } from "./options.js";
import type { PlannedSummary } from "./summary.js";
import type { CuratedSet } from "./types.js";

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

/** The requested sets without a training row (eval rows alone cannot train). */
export function emptySets(summary: Pick<PlannedSummary, "counts">, sets: readonly CuratedSet[]): CuratedSet[] {
    return sets.filter((set) => (summary.counts[set]?.train ?? 0) === 0);
}

/**
 * Null when any requested set has training rows (there is something to train on: ask about one
 * set to hear about it alone); otherwise three lines: which sets are empty,
 * why (items, failed turn-1 attempts, sampled and correct corrections, D± groups with both a right
 * and a wrong correction, what the options dropped) and what to change. Older curation.json files
 * lack some counts; the parts they cannot support are left out.
 */
export function emptyCurationAdvice(summary: PlannedSummary, sets: readonly CuratedSet[]): string | null {
    const empty = emptySets(summary, sets);
    if (!empty.length || empty.length < sets.length) return null;
    const s = summary.samples as Partial<PlannedSummary["samples"]> | undefined;
    const items = num(s?.items);
    const solved = num(s?.solved_first);
    const failed = num(s?.failed_attempts);
    const corrections = num(s?.corrections);
    const correct = num(s?.correct_corrections);
    const groups = num(s?.prompt_groups);
    const mixed = num(s?.mixed_groups);
    const imported = summary.sources.length > 0 && summary.sources.every((x) => x.kind === "reflectevo");
    const why: string[] = [];
    const change: string[] = [];

    if (imported) {
        const records = summary.sources.reduce((n, x) => n + (x.records ?? 0), 0);
        const skipped = summary.sources.reduce((n, x) => n + (x.skipped ?? 0), 0);
        why.push(`${plural(records, "record")} read from ${plural(summary.sources.length, "file")}${skipped ? `, ${skipped} skipped as invalid` : ""}, ${plural(corrections ?? 0, "sampled correction")}, ${correct ?? 0} correct`);
        change.push(`give files of these sets (D+ files give D+, pair files D± or D_pref by --reflectevo-set, raw files D+ and D±) or choose other sets with --set`);
    } else {
        if (items !== null) why.push(`${plural(items, "item")}${solved !== null && failed !== null ? `: ${solved} right at turn 1, ${failed} failed` : ""}`);
        if (corrections !== null) why.push(`${plural(corrections, "correction")} sampled after a reflection, ${correct ?? 0} correct`);
        if (items === 0) change.push("the runs hold no finished item: run `reflect-lab batch` first");
        else if (failed === 0) change.push("every item was right at turn 1: use harder items or another task family");
        else if (corrections === 0) change.push("no correction was sampled: make the runs with --mode reflect and --max-turns 2 or more");
    }
    if (empty.includes("dpm") && groups !== null && mixed !== null) why.push(`${mixed} of ${plural(groups, "D± group")} (one failed attempt, one instruction) had both a correct and an incorrect correction`);
    if (empty.includes("dpref") && summary.judge) {
        const j = summary.judge;
        why.push(`the judge ${j.model} kept ${j.kept} of ${plural(j.candidates, "pair")} (${j.ties} ties, ${j.disagreements} disagreements)`);
        if (j.candidates > 0) change.push("judge with another teacher model, or curate more pairs");
    }

    for (const set of empty) {
        const d = summary.dropped[set];
        const c = summary.counts[set];
        const parts: string[] = [];
        if (d?.filter) parts.push(`${d.filter} by the instruction filter`);
        if (d?.identical) parts.push(`${d.identical} pairs of identical reflections`);
        if (d?.dedup) parts.push(`${d.dedup} duplicates`);
        if (d?.cap) parts.push(`${d.cap} by the cap`);
        if (parts.length) why.push(`${SET_LABEL[set]} dropped ${parts.join(", ")}`);
        if (c && c.eval > 0) why.push(`all ${plural(c.eval, `${SET_LABEL[set]} row`)} fell into the eval split`);
    }
    if (empty.some((set) => summary.dropped[set]?.filter)) change.push("widen --instructions (or leave it out)");
    if (empty.some((set) => (summary.counts[set]?.eval ?? 0) > 0)) change.push(`lower --eval-fraction (now ${summary.options.eval_fraction}) or curate more questions`);

    const dplusStarved = empty.includes("dplus") && correct === 0;
    const dpmStarved = empty.includes("dpm") && mixed === 0;
    const dprefStarved = empty.includes("dpref") && (summary.judge?.candidates ?? summary.counts.dpref?.total ?? 0) === 0;
    if (!imported && (failed ?? 1) > 0 && (corrections ?? 1) > 0 && (dplusStarved || dpmStarved || dprefStarved)) {
        if (dpmStarved && !dplusStarved && (correct ?? 0) > 0) change.push("D± needs a right and a wrong correction on one prompt: sample more per instruction (batch --k 4)");
        if (dprefStarved) change.push("D_pref needs two reflections on one prompt: batch --k 2 or more");
        change.push("batch more items (more task files, a higher --limit), more samples per instruction (--k 4), more instructions (--instructions random:12 or all), or another model or task family (a stronger reflector: --reflector-model or --trained)");
    }
    if (!change.length) change.push("curate more runs or items");
    return [`no training rows for ${empty.map((x) => SET_LABEL[x]).join(", ")}`, `why: ${why.length ? why.join("; ") : "the counts are not recorded"}`, `change: ${[...new Set(change)].join("; or ")}`].join("\n");
}
