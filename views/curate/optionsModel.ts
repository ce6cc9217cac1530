import { basename, join } from "node:path";
import { defaultCuratedDir } from "../../src/curate/export.js";
import { ALL_SETS, DEFAULT_EVAL_FRACTION, DEFAULT_SETS, defaultOptions, parseInstructionFilter, SET_LABEL, type CurateOptions } from "../../src/curate/options.js";
import type { CuratedSet } from "../../src/curate/types.js";

/** The curate screen's options as typed: text fields stay strings until they are parsed. */
export interface OptionValues {
    sets: CuratedSet[];
    cap: string;
    evalFraction: string;
    instructions: string;
    dedup: boolean;
    seed: string;
    out: string;
}

export type OptionRow =
    | { id: CuratedSet; kind: "set"; label: string; hint: string }
    | { id: "dedup"; kind: "flag"; label: string; hint: string }
    | { id: "cap" | "evalFraction" | "instructions" | "seed" | "out"; kind: "text"; label: string; hint: string };

export const OPTION_ROWS: OptionRow[] = [
    { id: "dplus", kind: "set", label: SET_LABEL.dplus, hint: "samples whose correction is right" },
    { id: "dpm", kind: "set", label: SET_LABEL.dpm, hint: "right/wrong pairs on one attempt and instruction" },
    { id: "dpref", kind: "set", label: SET_LABEL.dpref, hint: "teacher-judged pairs (needs a teacher model)" },
    { id: "cap", kind: "text", label: "cap per task", hint: "max rows per task and set (empty = none)" },
    { id: "evalFraction", kind: "text", label: "eval fraction", hint: "share of questions held out" },
    { id: "instructions", kind: "text", label: "instructions", hint: "keys to keep, e.g. 1-1-1,2-3-2 (empty = all)" },
    { id: "dedup", kind: "flag", label: "dedup", hint: "identical prompt + target kept once" },
    { id: "seed", kind: "text", label: "seed", hint: "split and cap (empty = first run's)" },
    { id: "out", kind: "text", label: "out", hint: "export folder (must be empty)" }
];

export const LABEL_WIDTH = Math.max(...OPTION_ROWS.map((r) => r.label.length)) + 2;

export function defaultValues(sessionsDir: string, now = new Date()): OptionValues {
    return { sets: [...DEFAULT_SETS], cap: "", evalFraction: String(DEFAULT_EVAL_FRACTION), instructions: "", dedup: true, seed: "", out: join(sessionsDir, basename(defaultCuratedDir(sessionsDir, now))) };
}

/** The value a row shows. */
export function shown(row: OptionRow, v: OptionValues, defaultSeed: number | null): string {
    switch (row.kind) {
        case "set":
            return v.sets.includes(row.id) ? "on" : "off";
        case "flag":
            return v.dedup ? "on" : "off";
        case "text": {
            const t = v[row.id];
            if (t.trim()) return t;
            if (row.id === "cap") return "none";
            if (row.id === "instructions") return "all";
            if (row.id === "seed") return defaultSeed === null ? "first run's" : `${defaultSeed} (first run's)`;
            return t;
        }
    }
}

/** Space/enter on a set or flag row: switches it (the set order stays the canonical one). */
export function toggled(row: OptionRow, v: OptionValues): OptionValues {
    if (row.kind === "flag") return { ...v, dedup: !v.dedup };
    if (row.kind === "set") return { ...v, sets: ALL_SETS.filter((s) => (s === row.id ? !v.sets.includes(s) : v.sets.includes(s))) };
    return v;
}

/** The typed values as core options; throws a one-line message naming the field. */
export function toCurateOptions(v: OptionValues): CurateOptions {
    const num = (label: string, text: string, ok: (n: number) => boolean, what: string): number => {
        const n = Number(text.trim());
        if (!text.trim() || !ok(n)) throw new Error(`${label}: ${what}`);
        return n;
    };
    if (!v.sets.length) throw new Error("sets: switch on D+, D± or D_pref");
    let instructions: string[] | null;
    try {
        instructions = parseInstructionFilter(v.instructions);
    } catch (e) {
        throw new Error(`instructions: ${(e as Error).message}`);
    }
    return defaultOptions({
        sets: v.sets,
        capPerTask: v.cap.trim() ? num("cap per task", v.cap, (n) => Number.isInteger(n) && n >= 1, "an integer >= 1, or empty for none") : null,
        evalFraction: num("eval fraction", v.evalFraction, (n) => n >= 0 && n < 1, "a number in [0, 1)"),
        instructions,
        dedup: v.dedup,
        seed: v.seed.trim() ? num("seed", v.seed, (n) => Number.isInteger(n) && n >= 0, "an integer >= 0, or empty for the first run's") : null
    });
}
