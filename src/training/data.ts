// Curated folders (`reflect-lab curate --out`) and which of their files each training setting reads.
import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { CURATED_FILES } from "../curate/types.js";
import { sessionFolders } from "../sessionFolders.js";
import type { TrainingSetting } from "./types.js";

/** The curated file names (without .train.jsonl / .eval.jsonl) a setting trains on. */
export const SETTING_FILES: Record<TrainingSetting, string[]> = {
    "one-stage": [CURATED_FILES.oneStage],
    "two-stage": [CURATED_FILES.reflector, CURATED_FILES.corrector],
    "dpo-pref": [CURATED_FILES.dpref],
    "dpo-pm": [CURATED_FILES.dpm]
};

export interface CuratedFolder {
    dir: string;
    name: string;
    mtimeMs: number;
}

/** Folders directly under `sessionsDir` that hold a curation.json, newest first. */
export function listCuratedFolders(sessionsDir: string): CuratedFolder[] {
    const out: CuratedFolder[] = [];
    for (const dir of sessionFolders(sessionsDir)) {
        try {
            if (existsSync(join(dir, "curation.json"))) out.push({ dir, name: basename(dir), mtimeMs: statSync(join(dir, "curation.json")).mtimeMs });
        } catch {
            // Vanished while listing.
        }
    }
    return out.sort((a, b) => b.mtimeMs - a.mtimeMs);
}

function countLines(file: string): number | null {
    try {
        const buf = readFileSync(file);
        let n = 0;
        for (let i = 0; i < buf.length; i++) if (buf[i] === 10) n++;
        // A last line without its newline still counts.
        if (buf.length && buf[buf.length - 1] !== 10) n++;
        return n;
    } catch {
        return null;
    }
}

export interface DataCheck {
    /** Rows per file, e.g. { "sft.one-stage": { train: 120, eval: 14 } }. */
    rows: Record<string, { train: number; eval: number }>;
    /** Why the setting cannot train on this folder, with the fix; null when it can. */
    problem: string | null;
}

/** Whether `dir` has what `setting` needs, and how many rows. */
export function checkCuratedData(setting: TrainingSetting, dir: string): DataCheck {
    const rows: DataCheck["rows"] = {};
    if (!existsSync(dir)) return { rows, problem: `data folder not found: ${dir}` };
    if (!statSync(dir).isDirectory()) return { rows, problem: `data must be a curated folder, not a file: ${dir}` };
    const missing: string[] = [];
    for (const f of SETTING_FILES[setting]) {
        const train = countLines(join(dir, `${f}.train.jsonl`));
        const ev = countLines(join(dir, `${f}.eval.jsonl`));
        if (!train) missing.push(`${f}.train.jsonl`);
        rows[f] = { train: train ?? 0, eval: ev ?? 0 };
    }
    if (missing.length) {
        const hint = setting === "dpo-pref" ? " (D_pref needs a teacher judge when curating)" : "";
        return { rows, problem: `${basename(dir)} has no ${setting} data: ${missing.join(", ")} missing or empty${hint}. Curate with \`reflect-lab curate\`, or pick another setting.` };
    }
    return { rows, problem: null };
}
