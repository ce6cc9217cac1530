import type { CuratedSet } from "./types.js";

/** What to curate and how: the same options drive `reflect-lab curate`, the TUI and curation.json. */
export interface CurateOptions {
    sets: CuratedSet[];
    /** Max rows per task and set (null = no cap), chosen deterministically by the seed. */
    capPerTask: number | null;
    /** Keep only samples reflected with these instruction keys (null = all). */
    instructions: string[] | null;
    /** Keep identical rows (same prompt and target) once. */
    dedup: boolean;
    /** Share of questions (not samples) held out for evaluation. */
    evalFraction: number;
    /** Seed of the split and the cap; null = the first run's sampler seed. */
    seed: number | null;
}

export const ALL_SETS: readonly CuratedSet[] = ["dplus", "dpm", "dpref"];
export const DEFAULT_SETS: readonly CuratedSet[] = ["dplus", "dpm"];
export const DEFAULT_EVAL_FRACTION = 0.1;

/** How each set is named to people (the paper's notation). */
export const SET_LABEL: Record<CuratedSet, string> = { dplus: "D+", dpm: "D±", dpref: "D_pref" };

export function defaultOptions(over: Partial<CurateOptions> = {}): CurateOptions {
    return { sets: [...DEFAULT_SETS], capPerTask: null, instructions: null, dedup: true, evalFraction: DEFAULT_EVAL_FRACTION, seed: null, ...over };
}

const ALIASES: Record<string, CuratedSet> = { dplus: "dplus", "d+": "dplus", dpm: "dpm", "d±": "dpm", "d+-": "dpm", dpref: "dpref", d_pref: "dpref" };

/** Set names from repeated and/or comma-separated values ("dplus,dpm", "d+", "dpref"); order kept, duplicates dropped. */
export function parseSets(values: string | string[]): CuratedSet[] {
    const out: CuratedSet[] = [];
    for (const raw of (Array.isArray(values) ? values : [values]).flatMap((v) => v.split(","))) {
        const name = raw.trim().toLowerCase();
        if (!name) continue;
        const set = ALIASES[name];
        if (!set) throw new Error(`unknown set "${raw.trim()}": use dplus (D+), dpm (D±) or dpref (D_pref)`);
        if (!out.includes(set)) out.push(set);
    }
    if (!out.length) throw new Error("no set given: use dplus, dpm and/or dpref");
    return out;
}

/** Instruction keys from a comma list; empty or "all" = no filter. */
export function parseInstructionFilter(spec: string): string[] | null {
    const keys = spec.split(/[,\s]+/).map((k) => k.trim()).filter(Boolean);
    if (!keys.length || (keys.length === 1 && keys[0] === "all")) return null;
    for (const k of keys) if (!/^\d+-\d+-\d+$/.test(k)) throw new Error(`bad instruction key "${k}": keys are a-b-c, e.g. 1-3-2`);
    return [...new Set(keys)];
}

/** Throws a one-line message naming the bad option. */
export function validateOptions(o: CurateOptions): void {
    if (!o.sets.length) throw new Error("no set given: use dplus, dpm and/or dpref");
    if (!(o.evalFraction >= 0 && o.evalFraction < 1)) throw new Error(`eval fraction must be in [0, 1), got ${o.evalFraction}`);
    if (o.capPerTask !== null && !(Number.isInteger(o.capPerTask) && o.capPerTask >= 1)) throw new Error(`cap per task must be an integer >= 1, got ${o.capPerTask}`);
    if (o.seed !== null && !Number.isInteger(o.seed)) throw new Error(`seed must be an integer, got ${o.seed}`);
    if (o.instructions !== null && !o.instructions.length) throw new Error("the instruction filter is empty: give keys or none");
}
