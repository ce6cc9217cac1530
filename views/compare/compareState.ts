import type { BatchRunInfo } from "../../src/batch/runs.js";

/** The compare screen as a pure reducer: choose A, choose B, then the table. */
export type ComparePhase = "pickA" | "pickB" | "table";

export interface CompareState {
    runs: BatchRunInfo[];
    /** Selected row of the run list. */
    sel: number;
    a: string | null;
    b: string | null;
    phase: ComparePhase;
    /** A hint for the user (e.g. why a choice was refused). */
    message: string | null;
    /** Bumped by reload, so the table is computed again. */
    version: number;
}

export type CompareAction =
    | { type: "up" }
    | { type: "down" }
    | { type: "choose" }
    | { type: "back" }
    | { type: "swap" }
    | { type: "reload"; runs: BatchRunInfo[] };

export function initialCompareState(runs: BatchRunInfo[]): CompareState {
    return { runs, sel: 0, a: null, b: null, phase: "pickA", message: runs.length < 2 ? "comparing needs two batch runs" : null, version: 0 };
}

const indexOf = (s: CompareState, dir: string | null) => Math.max(0, s.runs.findIndex((r) => r.dir === dir));

/** The next state, or "exit" when back leaves the screen. */
export function compareReducer(s: CompareState, a: CompareAction): CompareState | "exit" {
    const n = s.runs.length;
    switch (a.type) {
        case "up":
            return s.phase === "table" || !n ? s : { ...s, sel: (s.sel - 1 + n) % n, message: null };
        case "down":
            return s.phase === "table" || !n ? s : { ...s, sel: (s.sel + 1) % n, message: null };
        case "choose": {
            const run = s.runs[s.sel];
            if (s.phase === "table" || !run) return s;
            if (s.phase === "pickA") return { ...s, a: run.dir, phase: "pickB", sel: (s.sel + 1) % n, message: null };
            if (run.dir === s.a) return { ...s, message: "choose another run than A" };
            return { ...s, b: run.dir, phase: "table", message: null };
        }
        case "back":
            if (s.phase === "table") return { ...s, phase: "pickB", b: null, sel: indexOf(s, s.b) };
            if (s.phase === "pickB") return { ...s, phase: "pickA", a: null, sel: indexOf(s, s.a), message: null };
            return "exit";
        case "swap":
            return s.phase === "table" ? { ...s, a: s.b, b: s.a } : s;
        case "reload": {
            // Keep the choices that still exist; a vanished run sends the user back to choosing.
            const has = (d: string | null) => d !== null && a.runs.some((r) => r.dir === d);
            const keepA = has(s.a);
            const keepB = keepA && has(s.b);
            const phase: ComparePhase = s.phase === "table" && keepB ? "table" : s.phase !== "pickA" && keepA ? "pickB" : "pickA";
            const selDir = s.runs[s.sel]?.dir ?? null;
            const sel = Math.max(0, a.runs.findIndex((r) => r.dir === selDir));
            return { ...s, runs: a.runs, sel, a: keepA ? s.a : null, b: keepB && phase === "table" ? s.b : null, phase, version: s.version + 1 };
        }
    }
}
