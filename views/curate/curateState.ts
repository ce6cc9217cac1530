// The curate screen as a pure reducer: runs chosen, options typed, the counts and the example shown.
// Reading runs, planning and exporting are the controller's (controller.ts); their results come back
// here as actions, so every state the screen can be in is reachable from a test without a disk.
import type { CurationSummary } from "../../src/curate/export.js";
import type { CurationPlan } from "../../src/curate/plan.js";
import type { Example } from "../../src/curate/preview.js";
import type { BatchRunInfo } from "../../src/curate/source.js";
import type { CuratedSet } from "../../src/curate/types.js";
import { OPTION_ROWS, toCurateOptions, toggled, type OptionValues } from "./optionsModel.js";

export type CuratePanel = "runs" | "options";

export type ExportStatus = { kind: "idle" } | { kind: "exporting" } | { kind: "done"; summary: CurationSummary } | { kind: "error"; message: string };

export interface CurateState {
    runs: BatchRunInfo[];
    /** Run folders in use, in the order they were chosen (the first one's seed is the default seed). */
    selected: string[];
    panel: CuratePanel;
    runCursor: number;
    optCursor: number;
    /** The text being typed into the selected option, or null. */
    editing: string | null;
    values: OptionValues;
    /** The default out folder offered; renewed after an export that used it. */
    defaultOut: string;
    plan: CurationPlan | null;
    /** Why there are no counts: a bad option, a run that cannot be curated. */
    planError: string | null;
    /** Runs are being read (a scan of a big run takes seconds): the controller recounts soon. */
    counting: boolean;
    exampleSet: CuratedSet;
    exampleIndex: number;
    example: Example | null;
    status: ExportStatus;
    help: boolean;
}

export type CurateAction =
    | { type: "move"; step: 1 | -1 }
    | { type: "switchPanel" }
    /** Space: use or leave out a run; switch a set or dedup (a text option starts editing). */
    | { type: "toggle" }
    /** Enter: start editing a text option (toggles the others, and runs). */
    | { type: "edit" }
    | { type: "type"; text: string }
    | { type: "backspace" }
    | { type: "accept" }
    | { type: "cancel" }
    | { type: "page"; step: 1 | -1 }
    | { type: "nextSet" }
    | { type: "help"; on: boolean }
    /** The sessions folder read again (refresh): a scan follows. */
    | { type: "runsListed"; runs: BatchRunInfo[] }
    /** The plan for the current runs and options, or why there is none. */
    | { type: "counted"; plan: CurationPlan | null; error: string | null }
    | { type: "exampleLoaded"; example: Example | null }
    /** Checks what an export needs; the controller exports once the status says "exporting". */
    | { type: "exportStart" }
    /** `freshOut` is a new default folder: the next export gets it instead of "not empty". */
    | { type: "exported"; summary: CurationSummary; usedOut: string; freshOut: string }
    | { type: "exportFailed"; message: string };

export function initialCurateState(runs: BatchRunInfo[], values: OptionValues): CurateState {
    // The newest run that has reflections is preselected: the usual next step after a batch run.
    const first = runs.find((r) => r.mode === "reflect");
    return {
        runs,
        selected: first ? [first.dir] : [],
        panel: "runs",
        runCursor: first ? runs.indexOf(first) : 0,
        optCursor: 0,
        editing: null,
        values,
        defaultOut: values.out,
        plan: null,
        planError: null,
        // The first count follows the first frame (the controller's refresh).
        counting: false,
        exampleSet: values.sets[0] ?? "dplus",
        exampleIndex: 0,
        example: null,
        status: { kind: "idle" },
        help: false
    };
}

const wrap = (i: number, n: number) => (n ? ((i % n) + n) % n : 0);

/** The sets the examples page through: the plan's, else the chosen ones. */
const exampleSets = (s: CurateState): CuratedSet[] => s.plan?.options.sets ?? s.values.sets;

/** Rows of the shown set in the plan. */
export const exampleTotal = (s: CurateState): number => s.plan?.rows[s.exampleSet]?.length ?? 0;

/** What the plan depends on: a change here needs a recount (the out folder does not count). */
export function planKey(s: CurateState): string {
    const { out: _out, ...rest } = s.values;
    return JSON.stringify([s.selected, rest]);
}

function toggleRun(s: CurateState): CurateState {
    const run = s.runs[s.runCursor];
    if (!run) return s;
    const selected = s.selected.includes(run.dir) ? s.selected.filter((d) => d !== run.dir) : [...s.selected, run.dir];
    return { ...s, selected, status: { kind: "idle" }, counting: true };
}

function toggleOption(s: CurateState): CurateState {
    const row = OPTION_ROWS[s.optCursor]!;
    if (row.kind === "text") return { ...s, editing: s.values[row.id] };
    return { ...s, values: toggled(row, s.values), status: { kind: "idle" } };
}

export function curateReducer(s: CurateState, a: CurateAction): CurateState {
    switch (a.type) {
        case "move":
            return s.panel === "runs" ? { ...s, runCursor: wrap(s.runCursor + a.step, s.runs.length) } : { ...s, optCursor: wrap(s.optCursor + a.step, OPTION_ROWS.length) };
        case "switchPanel":
            return { ...s, panel: s.panel === "runs" ? "options" : "runs" };
        case "toggle":
        case "edit":
            return s.panel === "runs" ? toggleRun(s) : toggleOption(s);
        case "type":
            // Pasted or typed newlines end nothing here: enter arrives as its own key.
            return s.editing === null ? s : { ...s, editing: s.editing + a.text.replace(/[\r\n\t]/g, "") };
        case "backspace":
            return s.editing === null ? s : { ...s, editing: [...s.editing].slice(0, -1).join("") };
        case "accept": {
            const row = OPTION_ROWS[s.optCursor]!;
            if (s.editing === null || row.kind !== "text") return s;
            return { ...s, values: { ...s.values, [row.id]: s.editing.trim() }, editing: null, status: { kind: "idle" } };
        }
        case "cancel":
            return { ...s, editing: null };
        case "page": {
            const total = exampleTotal(s);
            return total ? { ...s, exampleIndex: wrap(s.exampleIndex + a.step, total) } : s;
        }
        case "nextSet": {
            const sets = exampleSets(s);
            if (!sets.length) return s;
            return { ...s, exampleSet: sets[wrap(sets.indexOf(s.exampleSet) + 1, sets.length)]!, exampleIndex: 0 };
        }
        case "help":
            return { ...s, help: a.on };
        case "runsListed": {
            const dirs = new Set(a.runs.map((r) => r.dir));
            return { ...s, runs: a.runs, selected: s.selected.filter((d) => dirs.has(d)), runCursor: Math.min(s.runCursor, Math.max(0, a.runs.length - 1)), counting: true };
        }
        case "counted": {
            const next = { ...s, plan: a.plan, planError: a.error, counting: false };
            // The shown set stays while it is still curated; its row stays while the set has it.
            const sets = exampleSets(next);
            const exampleSet = sets.includes(s.exampleSet) ? s.exampleSet : (sets[0] ?? "dplus");
            const total = a.plan?.rows[exampleSet]?.length ?? 0;
            const exampleIndex = Math.max(0, Math.min(exampleSet === s.exampleSet ? s.exampleIndex : 0, total - 1));
            return { ...next, exampleSet, exampleIndex };
        }
        case "exampleLoaded":
            return { ...s, example: a.example };
        case "exportStart": {
            if (s.status.kind === "exporting") return s;
            if (!s.selected.length) return { ...s, status: { kind: "error", message: "choose at least one run (space in the runs list)" } };
            try {
                toCurateOptions(s.values);
            } catch (e) {
                return { ...s, status: { kind: "error", message: (e as Error).message } };
            }
            return { ...s, status: { kind: "exporting" } };
        }
        case "exported": {
            const done: CurateState = { ...s, status: { kind: "done", summary: a.summary } };
            if (a.usedOut !== s.defaultOut) return done;
            // The default folder is used now: offer a fresh one (distinct even within the same second).
            const out = a.freshOut === s.defaultOut ? `${a.freshOut}-2` : a.freshOut;
            return { ...done, values: { ...s.values, out }, defaultOut: out };
        }
        case "exportFailed":
            return { ...s, status: { kind: "error", message: a.message } };
    }
}
