// `curate --from-reflectevo`: ReflectEvo-460k files (D+, D±/D_pref pairs, raw reflection records)
// into a curated folder like one made from runs: the same selection (filter, dedup, cap, split by
// question), the same writer and curation.json, so `train --data` reads it unchanged.
import { createHash } from "node:crypto";
import { basename, resolve } from "node:path";
import { PROMPTS_DIR } from "../paths.js";
import { loadInstructionPool } from "../prompts/pool.js";
import { loadTurnTemplates } from "../prompts/templates.js";
import type { ExtractedSample } from "./extract.js";
import { ALL_SETS, type CurateOptions } from "./options.js";
import { CuratedOutput } from "./output.js";
import { countSamples, emptyStats, resolveOptions, selectRows, type Candidate, type CurationPlan, type RowRef, type SourceSummary } from "./plan.js";
import { EvoRecordError, readEvoFile } from "./reflectevoRead.js";
import { dplusRecord, pairRecord, rawRecord } from "./reflectevoRecords.js";
import { dplusSample, pairSamples, rawSamples, type EvoContext } from "./reflectevoSamples.js";
import { dpmRows, dplusRows, rowIdentity, type SetRow } from "./sets.js";
import { CURATION_SCHEMA, plannedSummary, type CurationSummary, type PlannedSummary } from "./summary.js";
import type { CuratedSet } from "./types.js";

export interface EvoImportRequest {
    files: string[];
    /** `sets: null` = every set the files give (D+ files: D+; pair files: D± or D_pref; raw files: D+ and D±). */
    options: Omit<CurateOptions, "sets"> & { sets: CuratedSet[] | null };
    /** What pair files are; default: what our own export's records say, else D±. */
    pairSet?: "dpm" | "dpref";
    /** Report (onSkipped) and skip broken records instead of stopping at the first. */
    skipInvalid?: boolean;
    onSkipped?: (e: EvoRecordError) => void;
    promptsDir?: string;
}

/** What the files give, selected: a plan like one of runs, and the rows it refers to. */
export interface EvoPlan {
    plan: CurationPlan;
    /** The rows by reference (rowKey), held in memory (the files were read whole anyway), with a pair's recorded judge. */
    rows: Map<string, { row: SetRow; judge?: { model: string; reason: string } }>;
    skipped: EvoRecordError[];
}

const rowKey = (set: CuratedSet, run: number, itemId: string, key: string, samples: number[]) => [set, run, itemId, key, samples.join(",")].join("\u0000");
const digest = (v: unknown) => createHash("sha1").update(JSON.stringify(v)).digest("base64");

/**
 * Reads and checks every file (a broken record throws, naming file, record, line and field, unless
 * skipInvalid), forms the rows of each and applies the options. Writes nothing.
 */
export async function planFromReflectEvo(req: EvoImportRequest): Promise<EvoPlan> {
    if (!req.files.length) throw new Error("no ReflectEvo file given");
    const promptsDir = req.promptsDir ?? PROMPTS_DIR;
    const templates = loadTurnTemplates(promptsDir);
    const pool = loadInstructionPool(promptsDir);
    const skipped: EvoRecordError[] = [];
    const skip = (e: unknown) => {
        if (!(e instanceof EvoRecordError) || !req.skipInvalid) throw e;
        skipped.push(e);
        req.onSkipped?.(e);
    };
    const rows: EvoPlan["rows"] = new Map();
    const candidates: Candidate[] = [];
    const sources: SourceSummary[] = [];
    const questions: { task: string; itemId: string }[] = [];
    const seenQ = new Set<string>();
    const stats = emptyStats();
    const given = new Set<CuratedSet>();
    let firstSeed: number | undefined;
    let total = 0;
    const seen = new Set<string>();
    for (const path of req.files) {
        const file = resolve(path);
        if (seen.has(file)) throw new Error(`ReflectEvo file ${file} is given twice`);
        seen.add(file);
    }

    for (const [run, path] of req.files.entries()) {
        const f = await readEvoFile(path);
        if (!f.records.length) throw new Error(`ReflectEvo file ${f.file} holds no records`);
        if (!f.shape) {
            const obj = f.records.find((r) => r.value);
            if (obj) throw new Error(`${f.file} is not a ReflectEvo-460k file: its first record has none of their fields (keys seen: ${Object.keys(obj.value!).slice(0, 12).join(", ")}); expected D+ (second_trial_reasoning, reflections), D±/D_pref (reflection_chosen, reflection_rejected) or raw records (output)`);
        }
        const ctx: EvoContext = { file: f.file, shape: f.shape ?? "dplus", templates, pool, counter: new Map() };
        const byQuestion = new Map<string, ExtractedSample[]>();
        const failedFirst = new Set<string>();
        let fileSkipped = 0;
        let fileSamples = 0;
        let fileSeed: number | undefined;
        let model: { file: string; sha256: string } | null = null;
        const take = (set: CuratedSet, row: SetRow, judge?: { model: string; reason: string }) => {
            const [a, b] = row.samples;
            const refs = row.samples.map((s) => s.sampleIndex);
            rows.set(rowKey(set, run, a!.itemId, row.key, refs), { row: { ...row, set }, ...(judge ? { judge } : {}) });
            candidates.push({ set, run, itemId: a!.itemId, task: a!.task, key: row.key, samples: refs, identity: rowIdentity({ ...row, set }), identical: b !== undefined && a!.reflection.output === b.reflection.output });
            given.add(set);
        };
        for (const r of f.records) {
            try {
                if (r.error) throw r.error;
                const at = { record: r.record, line: r.line };
                let samples: ExtractedSample[] = [];
                if (ctx.shape === "dplus") {
                    const s = dplusSample(ctx, dplusRecord(f.file, r), at);
                    samples = [s];
                    take("dplus", { set: "dplus", key: s.instructionKey, samples: [s] });
                } else if (ctx.shape === "pair") {
                    const rec = pairRecord(f.file, r);
                    const [c, w] = pairSamples(ctx, rec, at);
                    samples = [c, w];
                    const set = req.pairSet ?? rec.set ?? "dpm";
                    take(set, { set, key: c.instructionKey, samples: [c, w] }, set === "dpref" ? rec.provenance?.judge : undefined);
                } else {
                    const rec = rawRecord(f.file, r);
                    const got = rawSamples(ctx, rec, at);
                    if (got === null) stats.solved_first++;
                    else {
                        samples = got;
                        failedFirst.add(digest([rec.id, rec.trials.find((t) => t.trial === 1)!.reasoning]));
                        // Raw records give D+ and D± as runs do: the sets' own rules on one question's samples.
                        for (const row of dplusRows(got)) take("dplus", row);
                        for (const row of dpmRows(got)) take("dpm", row);
                        given.add("dplus").add("dpm");
                    }
                }
                for (const s of samples) {
                    const q = `${s.task}\u0000${s.itemId}`;
                    if (ctx.shape !== "raw") failedFirst.add(digest([q, s.attempt.output]));
                    const list = byQuestion.get(q) ?? byQuestion.set(q, []).get(q)!;
                    list.push(s);
                    if (!seenQ.has(q)) {
                        seenQ.add(q);
                        questions.push({ task: s.task, itemId: s.itemId });
                    }
                    // Our own export names its runs' seed: the default seed, so the split comes out as it was.
                    if (!s.provenance.run.startsWith("reflectevo:")) fileSeed ??= s.provenance.seed;
                    model ??= s.provenance.model_file ? { file: s.provenance.model_file, sha256: s.provenance.model_sha256 } : null;
                }
                fileSamples += samples.length;
            } catch (e) {
                skip(e);
                fileSkipped++;
            }
        }
        for (const list of byQuestion.values()) countSamples(stats, list);
        stats.items += byQuestion.size;
        stats.failed_attempts += failedFirst.size;
        total += fileSamples;
        firstSeed ??= fileSeed;
        sources.push({
            run: basename(f.file),
            dir: f.file,
            model_file: model?.file ?? "",
            model_sha256: model?.sha256 ?? "",
            mode: "reflectevo",
            verifier: "recorded",
            seed: fileSeed ?? 0,
            items: byQuestion.size,
            samples: fileSamples,
            kind: "reflectevo",
            ...(f.shape ? { shape: f.shape } : {}),
            records: f.records.length,
            skipped: fileSkipped
        });
    }
    // Raw records right at turn 1 are questions too, with nothing to curate.
    stats.items += stats.solved_first;

    const sets = req.options.sets ?? ALL_SETS.filter((s) => given.has(s));
    const o = resolveOptions(firstSeed, { ...req.options, sets: sets.length ? sets : ["dplus"] });
    const plan = selectRows({ sources, sets: [...ALL_SETS], candidates, questions, samples: total, incomplete: 0, stats }, o);
    return { plan, rows, skipped };
}

/** The row a plan's reference names. */
function rowOf(p: EvoPlan, r: RowRef): { row: SetRow; judge?: { model: string; reason: string } } {
    const row = p.rows.get(rowKey(r.set, r.run, r.itemId, r.key, r.samples));
    if (!row) throw new Error(`internal: no row for ${r.set} ${r.itemId} ${r.key}#${r.samples.join(",")}`);
    return row;
}

/**
 * Plans (`onPlan` sees the counts before any file exists), then writes the curated folder:
 * TRL SFT/preference JSONL per split, ReflectEvo records in the release's schema, curation.json last.
 */
export async function curateFromReflectEvo(req: EvoImportRequest & { out: string; force?: boolean; onPlan?: (planned: PlannedSummary) => void }): Promise<CurationSummary> {
    const out = resolve(req.out);
    const p = await planFromReflectEvo(req);
    const planned = plannedSummary(p.plan);
    req.onPlan?.(planned);
    const o = p.plan.options;
    const output = new CuratedOutput(out, o.sets, o.dedup, req.force ?? false);
    try {
        for (const set of o.sets) {
            for (const r of p.plan.rows[set]!) {
                const { row, judge } = rowOf(p, r);
                const [a, b] = row.samples as [ExtractedSample, ExtractedSample | undefined];
                if (set === "dplus") output.dplus(a, r.split);
                else output.pair(set, a, b!, r.split, judge);
            }
        }
        return output.commit({ schema: CURATION_SCHEMA, created_at: new Date().toISOString(), out, ...planned });
    } catch (e) {
        output.abort();
        throw e;
    }
}
