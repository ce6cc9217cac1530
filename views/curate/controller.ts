// The curate screen's effects around its pure reducer: listing runs, scanning and planning (the counts
// follow every change of runs and options), loading the shown example, exporting. Core calls only, no React.
import { createStore, type StoreApi } from "zustand/vanilla";
import { exportCuration } from "../../src/curate/export.js";
import { resolveOptions, scanRuns, selectRows, type CurationPlan, type CurationScan } from "../../src/curate/plan.js";
import { exampleAt, type Example } from "../../src/curate/preview.js";
import { closeSources, listBatchRuns, openSources } from "../../src/curate/source.js";
import type { CuratedSet } from "../../src/curate/types.js";
import { withCurationLock } from "../../src/curate/writer.js";
import { curateReducer, initialCurateState, planKey, type CurateAction, type CurateState } from "./curateState.js";
import { defaultValues, toCurateOptions } from "./optionsModel.js";

/** What the input hook drives: the reducer's actions, and the two commands that do I/O. */
export interface CurateDriver {
    readonly state: CurateState;
    dispatch(a: CurateAction): void;
    /** Scans the sessions folder again and recounts (also the first count, once the screen is shown). */
    refresh(): void;
    /** Resolves with the folder written, or null (refused, failed: the status says why). */
    exportNow(): Promise<string | null>;
}

/** A scan blocks until done: the "reading the runs" frame is drawn first. */
const SCAN_DELAY_MS = 10;
/** Lets the "exporting" line render before the (synchronous) writing starts. */
const EXPORT_DELAY_MS = 20;

export class CurateController implements CurateDriver {
    readonly store: StoreApi<CurateState>;
    /** The last scan and the runs it read: options change often, the runs rarely, and only a scan reads records. */
    private cached: { key: string; scan: CurationScan } | null = null;
    private scanTimer: NodeJS.Timeout | null = null;
    private rescan = false;

    constructor(readonly sessionsDir: string) {
        this.store = createStore<CurateState>()(() => initialCurateState(listBatchRuns(sessionsDir), defaultValues(sessionsDir)));
    }

    get state(): CurateState {
        return this.store.getState();
    }

    dispatch(a: CurateAction): void {
        const prev = this.state;
        let next = curateReducer(prev, a);
        if (next.counting) this.scanSoon();
        else if (planKey(next) !== planKey(prev)) next = this.counted(next);
        else if (next.plan !== prev.plan || next.exampleSet !== prev.exampleSet || next.exampleIndex !== prev.exampleIndex) next = this.withExample(next);
        if (next !== prev) this.store.setState(next, true);
    }

    refresh(): void {
        this.rescan = true;
        this.dispatch({ type: "runsListed", runs: listBatchRuns(this.sessionsDir) });
    }

    async exportNow(): Promise<string | null> {
        if (this.state.status.kind === "exporting") return null;
        this.dispatch({ type: "exportStart" });
        const s = this.state;
        if (s.status.kind !== "exporting") return null;
        await new Promise((r) => setTimeout(r, EXPORT_DELAY_MS));
        const out = s.values.out;
        try {
            const options = toCurateOptions(s.values);
            // The folder's lock: a CLI curate into the same folder is refused (and the other way round).
            const summary = await withCurationLock(out, false, (force) => exportCuration({ runs: s.selected, sessionsDir: this.sessionsDir, options, out, force }));
            this.dispatch({ type: "exported", summary, usedOut: out, freshOut: defaultValues(this.sessionsDir).out });
            return summary.out;
        } catch (e) {
            this.dispatch({ type: "exportFailed", message: (e as Error).message });
            return null;
        }
    }

    /** The screen is gone: no scan may land in it. */
    dispose(): void {
        if (this.scanTimer) clearTimeout(this.scanTimer);
        this.scanTimer = null;
    }

    /** One pending scan reads the latest runs and options when it fires. */
    private scanSoon(): void {
        if (this.scanTimer) return;
        this.scanTimer = setTimeout(() => {
            this.scanTimer = null;
            this.store.setState(this.counted(this.state), true);
        }, SCAN_DELAY_MS);
    }

    private scanOf(selected: string[]): CurationScan {
        const key = selected.join("\u0000");
        if (this.rescan) this.cached = null;
        this.rescan = false;
        if (this.cached?.key === key) return this.cached.scan;
        const sources = openSources(selected, this.sessionsDir);
        try {
            this.cached = { key, scan: scanRuns(sources) };
        } finally {
            closeSources(sources);
        }
        return this.cached.scan;
    }

    /** Plans with the state's runs and options, then loads the example the reducer picked. */
    private counted(s: CurateState): CurateState {
        let plan: CurationPlan | null = null;
        let error: string | null = null;
        if (s.selected.length) {
            try {
                const scan = this.scanOf(s.selected);
                plan = selectRows(scan, resolveOptions(scan.sources[0]?.seed, toCurateOptions(s.values)));
            } catch (e) {
                error = (e as Error).message;
            }
        }
        return this.withExample(curateReducer(s, { type: "counted", plan, error }));
    }

    private withExample(s: CurateState): CurateState {
        return curateReducer(s, { type: "exampleLoaded", example: loadExample(s.plan, s.exampleSet, s.exampleIndex) });
    }
}

function loadExample(plan: CurationPlan | null, set: CuratedSet, index: number): Example | null {
    if (!plan?.rows[set]?.length) return null;
    try {
        return exampleAt(plan, set, index);
    } catch {
        return null; // the run changed under us; counts are refreshed on the next change
    }
}
