// `curation.json`: what a curated folder holds and how it was made (runs and ReflectEvo imports alike).
import { renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { CurationPlan, SampleStats, SetCounts, SetDropped, SourceSummary, SplitCount } from "./plan.js";
import type { CuratedSet } from "./types.js";

export const CURATION_FILE = "curation.json";
export const CURATION_SCHEMA = "reflect-lab/curation@1";

/** `curation.json`: written last, so a folder that has it holds a complete export. */
export interface CurationSummary {
    schema: typeof CURATION_SCHEMA;
    created_at: string;
    out: string;
    options: { sets: CuratedSet[]; cap_per_task: number | null; instructions: string[] | null; dedup: boolean; eval_fraction: number; seed: number };
    sources: SourceSummary[];
    /** Rows per set, per split and per task (D_pref: after judging). */
    counts: Partial<Record<CuratedSet, SetCounts>>;
    /** Questions with at least one usable sample, by split (the split is by question). */
    questions: SplitCount;
    dropped: Partial<Record<CuratedSet, SetDropped & { judge_tie?: number; judge_disagree?: number }>>;
    /** Samples read and those without reflection or correction, plus what they held (see SampleStats). */
    samples: { read: number; incomplete: number } & SampleStats;
    judge?: { model: string; candidates: number; kept: number; ties: number; disagreements: number };
    /** Every data file written, in order, with its rows (and duplicates a file dropped on its own, e.g. equal reflector rows). */
    files: { name: string; rows: number; deduped: number }[];
}

/** The summary's parts known once planned, before a file is written (the empty-curation advice reads these). */
export type PlannedSummary = Pick<CurationSummary, "options" | "sources" | "counts" | "questions" | "dropped" | "samples"> & { judge?: CurationSummary["judge"] };

export function optionsJson(plan: CurationPlan): CurationSummary["options"] {
    const o = plan.options;
    return { sets: o.sets, cap_per_task: o.capPerTask, instructions: o.instructions, dedup: o.dedup, eval_fraction: o.evalFraction, seed: o.seed };
}

/** What a plan will write, as the summary will name it (D_pref counts are candidates until judged). */
export function plannedSummary(plan: CurationPlan): PlannedSummary {
    return {
        options: optionsJson(plan),
        sources: plan.sources,
        counts: { ...plan.counts },
        questions: plan.scanned.questions,
        dropped: { ...plan.dropped },
        samples: { read: plan.scanned.samples, incomplete: plan.scanned.incomplete, ...plan.scanned.stats }
    };
}

/** Writes curation.json through a .part file, so it appears complete or not at all. */
export function writeSummary(out: string, summary: CurationSummary): void {
    const tmp = join(out, `${CURATION_FILE}.part`);
    writeFileSync(tmp, JSON.stringify(summary, null, 2) + "\n");
    renameSync(tmp, join(out, CURATION_FILE));
}
