import type { BatchRunInfo } from "../../src/batch/runs.js";

/** The compare screen as a pure reducer: pick runs (space), then the Tab. 2 table (enter). */
export type ComparePhase = "pick" | "table";

export interface CompareState {
    runs: BatchRunInfo[];
    /** Selected row of the run list. */
    sel: number;
    /** Picked run folders, in picking order: the table's row order. */
    picked: string[];
    /** The reference run (paired differences are against it); null = the first picked. */
    reference: string | null;
    phase: ComparePhase;
    /** A hint for the user (e.g. why a choice was refused). */
    message: string | null;
    /** Bumped by reload, so the table is computed again. */
    version: number;
}

export type CompareAction =
    | { type: "up" }
    | { type: "down" }
    | { type: "toggle" }
    | { type: "choose" }
    | { type: "back" }
    | { type: "reference" }
    | { type: "reload"; runs: BatchRunInfo[] };

export function initialCompareState(runs: BatchRunInfo[]): CompareState {
    return { runs, sel: 0, picked: [], reference: null, phase: "pick", message: runs.length < 2 ? "comparing needs two batch runs (one alone shows its Tab. 2 rows)" : null, version: 0 };
}

/** The reference actually used: the chosen one while it is picked, else the first picked. */
export const referenceOf = (s: CompareState): string | null => (s.reference && s.picked.includes(s.reference) ? s.reference : (s.picked[0] ?? null));

/** The next state, or "exit" when back leaves the screen. */
export function compareReducer(s: CompareState, a: CompareAction): CompareState | "exit" {
    const n = s.runs.length;
    switch (a.type) {
        case "up":
            return s.phase === "table" || !n ? s : { ...s, sel: (s.sel - 1 + n) % n, message: null };
        case "down":
            return s.phase === "table" || !n ? s : { ...s, sel: (s.sel + 1) % n, message: null };
        case "toggle": {
            const run = s.runs[s.sel];
            if (s.phase === "table" || !run) return s;
            const picked = s.picked.includes(run.dir) ? s.picked.filter((d) => d !== run.dir) : [...s.picked, run.dir];
            // Moving on after a pick makes picking several runs in a row a matter of space, space, space.
            return { ...s, picked, sel: picked.length > s.picked.length ? (s.sel + 1) % n : s.sel, message: null };
        }
        case "choose": {
            if (s.phase === "table") return s;
            // Nothing picked: the selected run alone (its own rows, nothing to pair).
            const picked = s.picked.length ? s.picked : s.runs[s.sel] ? [s.runs[s.sel]!.dir] : [];
            if (!picked.length) return { ...s, message: "no batch run to compare" };
            return { ...s, picked, phase: "table", message: null };
        }
        case "back":
            return s.phase === "table" ? { ...s, phase: "pick", message: null } : "exit";
        case "reference": {
            if (s.phase !== "table" || s.picked.length < 2) return s;
            const i = s.picked.indexOf(referenceOf(s)!);
            return { ...s, reference: s.picked[(i + 1) % s.picked.length]!, version: s.version + 1 };
        }
        case "reload": {
            // Keep the picks that still exist; with none left the table goes back to picking.
            const picked = s.picked.filter((d) => a.runs.some((r) => r.dir === d));
            const selDir = s.runs[s.sel]?.dir ?? null;
            const sel = Math.max(0, a.runs.findIndex((r) => r.dir === selDir));
            const gone = s.picked.length - picked.length;
            return {
                ...s, runs: a.runs, sel, picked, phase: s.phase === "table" && picked.length ? "table" : "pick",
                message: gone ? `${gone} picked run${gone === 1 ? "" : "s"} vanished` : s.message, version: s.version + 1
            };
        }
    }
}
