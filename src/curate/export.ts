import { ensureDir } from "../fsDirs.js";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { SESSIONS_DIR } from "../paths.js";
import type { ExtractedSample } from "./extract.js";
import { judgeBothOrders, noJudgeError, type PreferenceJudge } from "./judge.js";
import { validateOptions, type CurateOptions } from "./options.js";
import { countRows, extractGroup, planCuration, type CurationPlan, type RowRef, type SetCounts, type SetDropped, type SourceSummary, type SplitCount } from "./plan.js";
import { reflectEvoPair, reflectEvoRecord } from "./reflectevo.js";
import { correctorRow, oneStageRow, preferenceRow, reflectorRow } from "./rows.js";
import { closeSources, itemGroups, openSources } from "./source.js";
import { SPLITS, type Split } from "./split.js";
import { CURATED_FILES, type CuratedSet } from "./types.js";
import { JsonlWriter } from "./writer.js";

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
    samples: { read: number; incomplete: number };
    judge?: { model: string; candidates: number; kept: number; ties: number; disagreements: number };
    /** Every data file written, in order, with its rows (and duplicates a file dropped on its own, e.g. equal reflector rows). */
    files: { name: string; rows: number; deduped: number }[];
}

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
    return join(sessionsDir, `curated-${now.toISOString().replace(/[-:]/g, "").replace(/\..+/, "").replace("T", "-")}`);
}

/** Data files of a set, in the order they are listed. */
export function setFiles(set: CuratedSet): string[] {
    const split = (name: string) => SPLITS.map((s) => `${name}.${s}.jsonl`);
    if (set === "dplus") return [...split(CURATED_FILES.oneStage), ...split(CURATED_FILES.reflector), ...split(CURATED_FILES.corrector), `reflectevo.${set}.jsonl`];
    return [...split(set === "dpm" ? CURATED_FILES.dpm : CURATED_FILES.dpref), `reflectevo.${set}.jsonl`];
}

const OWN_FILES = new Set([CURATION_FILE, ...(["dplus", "dpm", "dpref"] as CuratedSet[]).flatMap(setFiles)]);

/** Refuses a non-empty folder unless forced; forced, removes curation.json first, then earlier curated files. */
function prepareOut(out: string, force: boolean): void {
    if (!existsSync(out)) return void ensureDir(out, "curation folder", "choose another --out");
    if (!statSync(out).isDirectory()) throw new Error(`${out} is a file, not a folder`);
    const entries = readdirSync(out);
    if (!entries.length) return;
    if (!force) throw new Error(`${out} is not empty; choose another out folder, or force to replace its curated files`);
    rmSync(join(out, CURATION_FILE), { force: true });
    for (const e of entries) if (OWN_FILES.has(e) || (e.endsWith(".part") && OWN_FILES.has(e.slice(0, -5)))) rmSync(join(out, e), { force: true });
}

const digest = (v: unknown) => createHash("sha1").update(JSON.stringify(v)).digest("base64");

/**
 * Curates the runs into `out`: the plan's rows, re-read one question at a time and written as
 * TRL SFT/preference JSONL (train and eval) and ReflectEvo-compatible records; then curation.json.
 */
export async function exportCuration(req: ExportRequest): Promise<CurationSummary> {
    validateOptions(req.options);
    if (req.options.sets.includes("dpref") && !req.judge) throw noJudgeError();
    const out = resolve(req.out);
    const sources = openSources(req.runs, req.sessionsDir ?? SESSIONS_DIR);
    const writers: JsonlWriter[] = [];
    try {
        const plan = planCuration(sources, req.options);
        prepareOut(out, req.force ?? false);
        const o = plan.options;
        const open = (name: string, dedup = false) => {
            const w = new JsonlWriter(join(out, name), { dedup });
            writers.push(w);
            return w;
        };
        const bySplit = (name: string, dedup = false) => Object.fromEntries(SPLITS.map((s) => [s, open(`${name}.${s}.jsonl`, dedup)])) as Record<Split, JsonlWriter>;
        const files = {
            oneStage: o.sets.includes("dplus") ? bySplit(CURATED_FILES.oneStage) : null,
            // Two D+ samples may share a reflection (with different corrections): the reflector file keeps it once.
            reflector: o.sets.includes("dplus") ? bySplit(CURATED_FILES.reflector, o.dedup) : null,
            corrector: o.sets.includes("dplus") ? bySplit(CURATED_FILES.corrector) : null,
            dplusEvo: o.sets.includes("dplus") ? open("reflectevo.dplus.jsonl") : null,
            dpm: o.sets.includes("dpm") ? bySplit(CURATED_FILES.dpm) : null,
            dpmEvo: o.sets.includes("dpm") ? open("reflectevo.dpm.jsonl") : null,
            dpref: o.sets.includes("dpref") ? bySplit(CURATED_FILES.dpref) : null,
            dprefEvo: o.sets.includes("dpref") ? open("reflectevo.dpref.jsonl") : null
        };

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
                    if (r.set === "dplus") {
                        const s = get(r, 0);
                        files.oneStage![r.split].write(oneStageRow(s));
                        const refl = reflectorRow(s);
                        files.reflector![r.split].write(refl, digest(refl.messages));
                        files.corrector![r.split].write(correctorRow(s));
                        files.dplusEvo!.write(reflectEvoRecord(s, r.split));
                    } else if (r.set === "dpm") {
                        const [c, w] = [get(r, 0), get(r, 1)];
                        files.dpm![r.split].write(preferenceRow(c, w));
                        files.dpmEvo!.write(reflectEvoPair(c, w, r.split));
                    } else {
                        const [a, b] = [get(r, 0), get(r, 1)];
                        const verdict = await judgeBothOrders(req.judge!, a.reflection.messages, { role: "assistant", content: a.reflection.output }, { role: "assistant", content: b.reflection.output });
                        if (verdict.kind !== "winner") {
                            if (verdict.kind === "tie") judged.ties++;
                            else judged.disagreements++;
                        } else {
                            const [c, w] = verdict.winner === "a" ? [a, b] : [b, a];
                            const judge = { model: req.judge!.model, reason: verdict.reason };
                            files.dpref![r.split].write(preferenceRow(c, w, judge));
                            files.dprefEvo!.write(reflectEvoPair(c, w, r.split, judge));
                            judged.kept++;
                            keptPref.push(r);
                        }
                    }
                }
                req.onProgress?.(++done, wanted.size);
            }
        }

        for (const w of writers) w.close();
        for (const w of writers) w.commit();
        const counts = { ...plan.counts };
        const dropped: CurationSummary["dropped"] = { ...plan.dropped };
        if (o.sets.includes("dpref")) {
            counts.dpref = countRows(keptPref);
            dropped.dpref = { ...plan.dropped.dpref!, judge_tie: judged.ties, judge_disagree: judged.disagreements };
        }
        const summary: CurationSummary = {
            schema: CURATION_SCHEMA,
            created_at: new Date().toISOString(),
            out,
            options: optionsJson(plan),
            sources: plan.sources,
            counts,
            questions: plan.scanned.questions,
            dropped,
            samples: { read: plan.scanned.samples, incomplete: plan.scanned.incomplete },
            ...(o.sets.includes("dpref") ? { judge: { model: req.judge!.model, ...judged } } : {}),
            files: writers.map((w) => ({ name: w.path.slice(out.length + 1), rows: w.rows, deduped: w.deduped }))
        };
        const tmp = join(out, `${CURATION_FILE}.part`);
        writeFileSync(tmp, JSON.stringify(summary, null, 2) + "\n");
        renameSync(tmp, join(out, CURATION_FILE));
        return summary;
    } catch (e) {
        for (const w of writers) w.abort();
        throw e;
    } finally {
        closeSources(sources);
    }
}

export function optionsJson(plan: CurationPlan): CurationSummary["options"] {
    const o = plan.options;
    return { sets: o.sets, cap_per_task: o.capPerTask, instructions: o.instructions, dedup: o.dedup, eval_fraction: o.evalFraction, seed: o.seed };
}
