// The files of a curated folder, written the same way whether the rows come from runs or from
// ReflectEvo files: `.part` files renamed on commit, then curation.json last.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { ensureDir } from "../fsDirs.js";
import type { ExtractedSample } from "./extract.js";
import { reflectEvoPair, reflectEvoRecord } from "./reflectevo.js";
import { correctorRow, oneStageRow, preferenceRow, reflectorRow } from "./rows.js";
import { SPLITS, type Split } from "./split.js";
import { CURATION_FILE, writeSummary, type CurationSummary } from "./summary.js";
import { CURATED_FILES, type CuratedSet } from "./types.js";
import { JsonlWriter } from "./writer.js";

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
type BySplit = Record<Split, JsonlWriter>;

/** The open files of one export; `commit` names them and writes curation.json, `abort` drops them. */
export class CuratedOutput {
    private readonly writers: JsonlWriter[] = [];
    private readonly oneStage: BySplit | null;
    private readonly reflector: BySplit | null;
    private readonly corrector: BySplit | null;
    private readonly dplusEvo: JsonlWriter | null;
    private readonly pairs: Partial<Record<"dpm" | "dpref", { rows: BySplit; evo: JsonlWriter }>> = {};

    /** Prepares `out` (see prepareOut) and opens the files of `sets`, in setFiles order. */
    constructor(readonly out: string, sets: readonly CuratedSet[], dedup: boolean, force: boolean) {
        prepareOut(out, force);
        const open = (name: string, d = false) => {
            const w = new JsonlWriter(join(out, name), { dedup: d });
            this.writers.push(w);
            return w;
        };
        const bySplit = (name: string, d = false) => Object.fromEntries(SPLITS.map((s) => [s, open(`${name}.${s}.jsonl`, d)])) as BySplit;
        const plus = sets.includes("dplus");
        this.oneStage = plus ? bySplit(CURATED_FILES.oneStage) : null;
        // Two D+ samples may share a reflection (with different corrections): the reflector file keeps it once.
        this.reflector = plus ? bySplit(CURATED_FILES.reflector, dedup) : null;
        this.corrector = plus ? bySplit(CURATED_FILES.corrector) : null;
        this.dplusEvo = plus ? open("reflectevo.dplus.jsonl") : null;
        for (const set of ["dpm", "dpref"] as const) if (sets.includes(set)) this.pairs[set] = { rows: bySplit(set === "dpm" ? CURATED_FILES.dpm : CURATED_FILES.dpref), evo: open(`reflectevo.${set}.jsonl`) };
    }

    /** One D+ sample: its one-stage, reflector and corrector rows and its ReflectEvo record. */
    dplus(s: ExtractedSample, split: Split): void {
        if (!this.oneStage) throw new Error("this export has no D+ files");
        this.oneStage[split].write(oneStageRow(s));
        const refl = reflectorRow(s);
        this.reflector![split].write(refl, digest(refl.messages));
        this.corrector![split].write(correctorRow(s));
        this.dplusEvo!.write(reflectEvoRecord(s, split));
    }

    /** One D± or D_pref pair: the preference row (only the reflection is chosen/rejected) and its record. */
    pair(set: "dpm" | "dpref", chosen: ExtractedSample, rejected: ExtractedSample, split: Split, judge?: { model: string; reason: string }): void {
        const f = this.pairs[set];
        if (!f) throw new Error(`this export has no ${set} files`);
        f.rows[split].write(preferenceRow(chosen, rejected, judge));
        f.evo.write(reflectEvoPair(chosen, rejected, split, judge, set));
    }

    /** Names every data file, then writes curation.json (with the files' counts) last. */
    commit(summary: Omit<CurationSummary, "files">): CurationSummary {
        for (const w of this.writers) w.close();
        for (const w of this.writers) w.commit();
        const full: CurationSummary = { ...summary, files: this.writers.map((w) => ({ name: w.path.slice(this.out.length + 1), rows: w.rows, deduped: w.deduped })) };
        writeSummary(this.out, full);
        return full;
    }

    abort(): void {
        for (const w of this.writers) w.abort();
    }
}
