import type { BatchRunInfo } from "../../src/batch/runs.js";

/** The compare screen as a pure reducer: pick runs (space; o adds one by path), then the Tab. 2 table (enter). */
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
    /** Run folders opened by path (they may lie outside the sessions folder): listed again on every reload. */
    added: string[];
    /** The path being typed after o, or null. */
    input: string | null;
    /** Why the typed path was refused, shown under it. */
    inputError: string | null;
    /** The table's first row shown. */
    scroll: number;
    /** The help overlay is open. */
    help: boolean;
}

export type CompareAction =
    | { type: "up" }
    | { type: "down" }
    | { type: "toggle" }
    | { type: "choose" }
    /** Table → picking (leaving the screen from picking is the key hook's). */
    | { type: "back" }
    | { type: "reference" }
    | { type: "help"; open: boolean }
    | { type: "reload"; runs: BatchRunInfo[] }
    /** The table by `delta` rows, within 0..max. */
    | { type: "scroll"; delta: number; max: number }
    | { type: "input.open" }
    | { type: "input.type"; text: string }
    | { type: "input.backspace" }
    | { type: "input.cancel" }
    | { type: "input.refused"; error: string }
    /** The typed path is a batch run: listed (once) and selected. */
    | { type: "input.opened"; run: BatchRunInfo };

export function initialCompareState(runs: BatchRunInfo[]): CompareState {
    return {
        runs,
        sel: 0,
        picked: [],
        reference: null,
        phase: "pick",
        message: runs.length < 2 ? "comparing needs two runs (o opens one by path; one alone shows its rows)" : null,
        version: 0,
        added: [],
        input: null,
        inputError: null,
        scroll: 0,
        help: false
    };
}

/** The reference actually used: the chosen one while it is picked, else the first picked. */
export const referenceOf = (s: CompareState): string | null => (s.reference && s.picked.includes(s.reference) ? s.reference : (s.picked[0] ?? null));

/** Runs of both lists once each (a folder's newer reading wins), newest first as the sessions list is. */
export function mergeRuns(base: BatchRunInfo[], extra: BatchRunInfo[]): BatchRunInfo[] {
    const byDir = new Map(base.map((r) => [r.dir, r]));
    for (const r of extra) byDir.set(r.dir, r);
    return [...byDir.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id));
}

function reduceInput(s: CompareState, a: CompareAction): CompareState {
    switch (a.type) {
        case "input.open":
            return s.phase === "pick" ? { ...s, input: "", inputError: null, message: null } : s;
        case "input.type":
            return s.input === null ? s : { ...s, input: s.input + a.text, inputError: null };
        case "input.backspace":
            return s.input === null ? s : { ...s, input: s.input.slice(0, -1), inputError: null };
        case "input.cancel":
            return { ...s, input: null, inputError: null };
        case "input.refused":
            return s.input === null ? s : { ...s, inputError: a.error };
        case "input.opened": {
            const runs = mergeRuns(s.runs, [a.run]);
            const known = s.runs.some((r) => r.dir === a.run.dir);
            return {
                ...s,
                runs,
                sel: runs.findIndex((r) => r.dir === a.run.dir),
                added: s.added.includes(a.run.dir) ? s.added : [...s.added, a.run.dir],
                input: null,
                inputError: null,
                message: known ? `${a.run.id} was already listed: selected` : `opened ${a.run.id}: space picks it`
            };
        }
        default:
            return s;
    }
}

export function compareReducer(s: CompareState, a: CompareAction): CompareState {
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
            return { ...s, picked, phase: "table", message: null, scroll: 0 };
        }
        case "back":
            return s.phase === "table" ? { ...s, phase: "pick", message: null } : s;
        case "reference": {
            if (s.phase !== "table" || s.picked.length < 2) return s;
            const i = s.picked.indexOf(referenceOf(s)!);
            return { ...s, reference: s.picked[(i + 1) % s.picked.length]!, version: s.version + 1 };
        }
        case "help":
            return { ...s, help: a.open };
        case "scroll":
            return s.phase === "table" ? { ...s, scroll: Math.max(0, Math.min(a.max, s.scroll + a.delta)) } : s;
        case "reload": {
            // Keep the picks that still exist; with none left the table goes back to picking.
            const picked = s.picked.filter((d) => a.runs.some((r) => r.dir === d));
            const selDir = s.runs[s.sel]?.dir ?? null;
            const sel = Math.max(0, a.runs.findIndex((r) => r.dir === selDir));
            const gone = s.picked.length - picked.length;
            return {
                ...s,
                runs: a.runs,
                sel,
                picked,
                phase: s.phase === "table" && picked.length ? "table" : "pick",
                message: gone ? `${gone} picked run${gone === 1 ? "" : "s"} vanished` : s.message,
                version: s.version + 1
            };
        }
        default:
            return reduceInput(s, a);
    }
}
