import { join, resolve } from "node:path";
import { SESSIONS_DIR, folderStamp } from "../paths.js";
import type { ExtractedSample } from "./extract.js";
import { judgeBothOrders, noJudgeError, type PreferenceJudge } from "./judge.js";
import { validateOptions, type CurateOptions } from "./options.js";
import { CuratedOutput } from "./output.js";
import { countRows, extractGroup, planCuration, type RowRef } from "./plan.js";
import { closeSources, itemGroups, openSources } from "./source.js";
import { CURATION_SCHEMA, plannedSummary, type CurationSummary, type PlannedSummary } from "./summary.js";

// Where these always were: callers import them from here.
export { CURATION_FILE, CURATION_SCHEMA, optionsJson, type CurationSummary, type PlannedSummary } from "./summary.js";
export { setFiles } from "./output.js";

export interface ExportRequest {
    /** Run folders or run ids under `sessionsDir`. */
    runs: string[];
    sessionsDir?: string;
    options: CurateOptions;
    out: string;
    /** Write into a non-empty folder (its earlier curated files are replaced). */
    force?: boolean;
    /** The teacher for D_pref. */
    judge?: PreferenceJudge;
    /** Questions with rows written so far, of all. */
    onProgress?: (done: number, total: number) => void;
}

/** `<sessionsDir>/curated-<time>`, like batch runs' `batch-<time>`. */
export function defaultCuratedDir(sessionsDir: string = SESSIONS_DIR, now = new Date()): string {
    return join(sessionsDir, `curated-${folderStamp(now)}`);
}

/**
 * Curates the runs into `out`: plans first (`onPlan` sees the counts before any file exists, e.g.
 * to warn about an empty set), then writes the plan's rows, re-read one question at a time, as TRL
 * SFT/preference JSONL (train and eval) and ReflectEvo records; curation.json last.
 */
export async function exportCuration(req: ExportRequest & { onPlan?: (planned: PlannedSummary) => void }): Promise<CurationSummary> {
    validateOptions(req.options);
    if (req.options.sets.includes("dpref") && !req.judge) throw noJudgeError();
    const out = resolve(req.out);
    const sources = openSources(req.runs, req.sessionsDir ?? SESSIONS_DIR);
    let output: CuratedOutput | null = null;
    try {
        const plan = planCuration(sources, req.options);
        const planned = plannedSummary(plan);
        req.onPlan?.(planned);
        const o = plan.options;
        output = new CuratedOutput(out, o.sets, o.dedup, req.force ?? false);

        // Which rows each question of each run gives, so the second pass touches only those.
        const wanted = new Map<string, RowRef[]>();
        for (const set of o.sets) {
            for (const r of plan.rows[set]!) {
                const k = `${r.run}\u0000${r.itemId}`;
                let l = wanted.get(k);
                if (!l) wanted.set(k, (l = []));
                l.push(r);
            }
        }
        const judged = { candidates: plan.rows.dpref?.length ?? 0, kept: 0, ties: 0, disagreements: 0 };
        const keptPref: RowRef[] = [];
        let done = 0;
        for (let run = 0; run < sources.length; run++) {
            const src = sources[run]!;
            for (const g of itemGroups(src.store)) {
                const refs = wanted.get(`${run}\u0000${g.itemId}`);
                if (!refs) continue;
                const { samples } = extractGroup(g.records, src.id);
                const byId = new Map(samples.map((s) => [`${s.instructionKey}#${s.sampleIndex}`, s]));
                const get = (r: RowRef, i: number): ExtractedSample => {
                    const s = byId.get(`${r.key}#${r.samples[i]}`);
                    if (!s) throw new Error(`run ${src.id} changed while curating: sample ${r.itemId} ${r.key}#${r.samples[i]} is gone`);
                    return s;
                };
                for (const r of refs) {
                    if (r.set === "dplus") output.dplus(get(r, 0), r.split);
                    else if (r.set === "dpm") output.pair("dpm", get(r, 0), get(r, 1), r.split);
                    else {
                        const [a, b] = [get(r, 0), get(r, 1)];
                        const verdict = await judgeBothOrders(req.judge!, a.reflection.messages, { role: "assistant", content: a.reflection.output }, { role: "assistant", content: b.reflection.output });
                        if (verdict.kind !== "winner") {
                            if (verdict.kind === "tie") judged.ties++;
                            else judged.disagreements++;
                        } else {
                            const [c, w] = verdict.winner === "a" ? [a, b] : [b, a];
                            output.pair("dpref", c, w, r.split, { model: req.judge!.model, reason: verdict.reason });
                            judged.kept++;
                            keptPref.push(r);
                        }
                    }
                }
                req.onProgress?.(++done, wanted.size);
            }
        }

        if (o.sets.includes("dpref")) {
            planned.counts.dpref = countRows(keptPref);
            planned.dropped.dpref = { ...plan.dropped.dpref!, judge_tie: judged.ties, judge_disagree: judged.disagreements };
        }
        return output.commit({
            schema: CURATION_SCHEMA,
            created_at: new Date().toISOString(),
            out,
            options: planned.options,
            sources: planned.sources,
            counts: planned.counts,
            questions: planned.questions,
            dropped: planned.dropped,
            samples: planned.samples,
            ...(o.sets.includes("dpref") ? { judge: { model: req.judge!.model, ...judged } } : {})
        });
    } catch (e) {
        output?.abort();
        throw e;
    } finally {
        closeSources(sources);
    }
}

/**
 * The counts `exportCuration` would write (rows per set, drops, what the runs held), without
 * writing anything: for deciding before curating, e.g. with emptyCurationAdvice.
 */
export function planRuns(req: Pick<ExportRequest, "runs" | "sessionsDir" | "options">): PlannedSummary {
    const sources = openSources(req.runs, req.sessionsDir ?? SESSIONS_DIR);
    try {
        return plannedSummary(planCuration(sources, req.options));
    } finally {
        closeSources(sources);
    }
}
