import { createStore, type StoreApi } from "zustand/vanilla";
import { exportCuration, type CurationSummary } from "../../src/curate/export.js";
import { withCurationLock } from "../../src/curate/writer.js";
import { resolveOptions, scanRuns, selectRows, type CurationPlan, type CurationScan } from "../../src/curate/plan.js";
import { exampleAt, type Example } from "../../src/curate/preview.js";
import { closeSources, listBatchRuns, openSources, type BatchRunInfo } from "../../src/curate/source.js";
import type { CuratedSet } from "../../src/curate/types.js";
import { defaultValues, OPTION_ROWS, toCurateOptions, toggled, type OptionValues } from "./optionsModel.js";

export type CuratePanel = "runs" | "options";

export type ExportStatus = { kind: "idle" } | { kind: "exporting" } | { kind: "done"; summary: CurationSummary } | { kind: "error"; message: string };

export interface CurateState {
    sessionsDir: string;
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
    /** Runs are being read (a scan of a big run takes seconds). */
    counting: boolean;
    exampleSet: CuratedSet;
    exampleIndex: number;
    example: Example | null;
    status: ExportStatus;
    help: boolean;

    /** Scans the sessions folder again and recounts (also the first count, once the screen is shown). */
    refresh(): void;
    move(step: 1 | -1): void;
    switchPanel(): void;
    /** Space: use or leave out a run; switch a set or dedup. */
    toggle(): void;
    /** Enter: start editing a text option (or toggle the others). */
    edit(): void;
    type(text: string): void;
    backspace(): void;
    accept(): void;
    cancel(): void;
    page(step: 1 | -1): void;
    nextSet(): void;
    exportNow(): Promise<string | null>;
    setHelp(on: boolean): void;
}

export type CurateStore = StoreApi<CurateState>;

/** Counts and the shown example follow every change of runs and options; core calls only, no React. */
export function createCurateStore(sessionsDir: string): CurateStore {
    const runs = listBatchRuns(sessionsDir);
    // The newest run that has reflections is preselected: the usual next step after a batch run.
    const first = runs.find((r) => r.mode === "reflect");
    const values = defaultValues(sessionsDir);
    const store = createStore<CurateState>()((set, get) => {
        /** The last scan and the runs it read: options change often, the runs rarely, and only a scan reads records. */
        let cached: { key: string; scan: CurationScan } | null = null;
        const scanOf = (selected: string[], dir: string): CurationScan => {
            const key = selected.join("\u0000");
            if (cached?.key === key) return cached.scan;
            const sources = openSources(selected, dir);
            try {
                cached = { key, scan: scanRuns(sources) };
            } finally {
                closeSources(sources);
            }
            return cached.scan;
        };

        /** Plans with the current runs and options, then reloads the example. */
        const recount = (patch: Partial<CurateState> = {}, rescan = false) => {
            const s = { ...get(), ...patch };
            if (rescan) cached = null;
            let plan: CurationPlan | null = null;
            let planError: string | null = null;
            if (s.selected.length) {
                try {
                    const scan = scanOf(s.selected, s.sessionsDir);
                    plan = selectRows(scan, resolveOptions(scan.sources[0]?.seed, toCurateOptions(s.values)));
                } catch (e) {
                    planError = (e as Error).message;
                }
            }
            const sets = plan?.options.sets ?? s.values.sets;
            const exampleSet = sets.includes(s.exampleSet) ? s.exampleSet : (sets[0] ?? "dplus");
            const total = plan?.rows[exampleSet]?.length ?? 0;
            const exampleIndex = Math.max(0, Math.min(exampleSet === s.exampleSet ? s.exampleIndex : 0, total - 1));
            set({ ...patch, plan, planError, counting: false, exampleSet, exampleIndex, example: loadExample(plan, exampleSet, exampleIndex) });
        };
        /** A recount that reads runs: shown as "counting" first, since the scan blocks until done. */
        const rescanLater = (patch: Partial<CurateState>, rescan: boolean) => {
            set({ ...patch, counting: true });
            setTimeout(() => recount({}, rescan), 10);
        };

        return {
            sessionsDir,
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
            counting: false,
            exampleSet: values.sets[0]!,
            exampleIndex: 0,
            example: null,
            status: { kind: "idle" },
            help: false,

            refresh() {
                const list = listBatchRuns(get().sessionsDir);
                const dirs = new Set(list.map((r) => r.dir));
                rescanLater({ runs: list, selected: get().selected.filter((d) => dirs.has(d)), runCursor: Math.min(get().runCursor, Math.max(0, list.length - 1)) }, true);
            },
            move(step) {
                const s = get();
                if (s.panel === "runs") set({ runCursor: wrap(s.runCursor + step, s.runs.length) });
                else set({ optCursor: wrap(s.optCursor + step, OPTION_ROWS.length) });
            },
            switchPanel() {
                set({ panel: get().panel === "runs" ? "options" : "runs" });
            },
            toggle() {
                const s = get();
                if (s.panel === "runs") {
                    const run = s.runs[s.runCursor];
                    if (!run) return;
                    rescanLater({ selected: s.selected.includes(run.dir) ? s.selected.filter((d) => d !== run.dir) : [...s.selected, run.dir], status: { kind: "idle" } }, false);
                    return;
                }
                const row = OPTION_ROWS[s.optCursor]!;
                if (row.kind === "text") return get().edit();
                recount({ values: toggled(row, s.values), status: { kind: "idle" } });
            },
            edit() {
                const s = get();
                if (s.panel === "runs") return get().toggle();
                const row = OPTION_ROWS[s.optCursor]!;
                if (row.kind === "text") set({ editing: s.values[row.id] });
                else get().toggle();
            },
            type(text) {
                const e = get().editing;
                // Pasted or typed newlines end nothing here: enter arrives as its own key.
                if (e !== null) set({ editing: e + text.replace(/[\r\n]/g, "") });
            },
            backspace() {
                const e = get().editing;
                if (e !== null) set({ editing: e.slice(0, -1) });
            },
            accept() {
                const s = get();
                const row = OPTION_ROWS[s.optCursor]!;
                if (s.editing === null || row.kind !== "text") return;
                recount({ values: { ...s.values, [row.id]: s.editing.trim() }, editing: null, status: { kind: "idle" } });
            },
            cancel() {
                set({ editing: null });
            },
            page(step) {
                const s = get();
                const total = s.plan?.rows[s.exampleSet]?.length ?? 0;
                if (!total) return;
                const exampleIndex = wrap(s.exampleIndex + step, total);
                set({ exampleIndex, example: loadExample(s.plan, s.exampleSet, exampleIndex) });
            },
            nextSet() {
                const s = get();
                const sets = s.plan?.options.sets ?? s.values.sets;
                if (!sets.length) return;
                const exampleSet = sets[wrap(sets.indexOf(s.exampleSet) + 1, sets.length)]!;
                set({ exampleSet, exampleIndex: 0, example: loadExample(s.plan, exampleSet, 0) });
            },
            async exportNow() {
                const s = get();
                if (s.status.kind === "exporting") return null;
                if (!s.selected.length) {
                    set({ status: { kind: "error", message: "choose at least one run (space in the runs list)" } });
                    return null;
                }
                let options;
                try {
                    options = toCurateOptions(s.values);
                } catch (e) {
                    set({ status: { kind: "error", message: (e as Error).message } });
                    return null;
                }
                set({ status: { kind: "exporting" } });
                // Let the "exporting" line render before the (synchronous) writing starts.
                await new Promise((r) => setTimeout(r, 20));
                try {
                    // The folder's lock: a CLI curate into the same folder is refused (and the other way round).
                    const summary = await withCurationLock(s.values.out, false, (force) => exportCuration({ runs: s.selected, sessionsDir: s.sessionsDir, options, out: s.values.out, force }));
                    const patch: Partial<CurateState> = { status: { kind: "done", summary } };
                    if (s.values.out === s.defaultOut) {
                        // The next export gets a fresh default folder instead of "not empty".
                        const out = defaultValues(s.sessionsDir).out;
                        patch.values = { ...get().values, out: out === s.defaultOut ? `${out}-2` : out };
                        patch.defaultOut = patch.values.out;
                    }
                    set(patch);
                    return summary.out;
                } catch (e) {
                    set({ status: { kind: "error", message: (e as Error).message } });
                    return null;
                }
            },
            setHelp(on) {
                set({ help: on });
            }
        };
    });
    return store;
}

function loadExample(plan: CurationPlan | null, set: CuratedSet, index: number): Example | null {
    if (!plan?.rows[set]?.length) return null;
    try {
        return exampleAt(plan, set, index);
    } catch {
        return null; // the run changed under us; counts are refreshed on the next change
    }
}

const wrap = (i: number, n: number) => (n ? ((i % n) + n) % n : 0);
