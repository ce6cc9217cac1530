// The curate screen's reducer alone: no Ink, no disk. Runs and plans are the few fields it reads.
import { describe, expect, it } from "vitest";
import type { CurationSummary } from "../src/curate/export.js";
import type { CurationPlan } from "../src/curate/plan.js";
import type { Example } from "../src/curate/preview.js";
import type { BatchRunInfo } from "../src/curate/source.js";
import type { CuratedSet } from "../src/curate/types.js";
import { curateReducer, initialCurateState, planKey, type CurateAction, type CurateState } from "../views/curate/curateState.js";
import { defaultValues, OPTION_ROWS } from "../views/curate/optionsModel.js";

const run = (id: string, mode: "reflect" | "retry" = "reflect"): BatchRunInfo => ({
    dir: `/s/${id}`, id, createdAt: "2025-01-01T00:00:00Z", tasks: "tiny", items: 6, done: 6, samples: 12, model: "m.gguf", mode, verifier: "oracle", seed: 5, reflector: "base model", trained: false
});
/** A plan with `n` rows per set: the reducer reads only the rows and the sets. */
const plan = (sets: Partial<Record<CuratedSet, number>>): CurationPlan =>
    ({ options: { sets: Object.keys(sets) }, rows: Object.fromEntries(Object.entries(sets).map(([k, n]) => [k, Array.from({ length: n }, () => ({}))])) }) as unknown as CurationPlan;

const values = defaultValues("/s", new Date(2025, 0, 1, 12, 0, 0));
const start = (runs = [run("retry-run", "retry"), run("a"), run("b")]) => initialCurateState(runs, values);
const apply = (s: CurateState, ...actions: CurateAction[]) => actions.reduce(curateReducer, s);
const optRow = (id: string) => OPTION_ROWS.findIndex((r) => r.id === id);

describe("curate reducer", () => {
    it("preselects the newest run with reflections and puts the cursor on it", () => {
        const s = start();
        expect(s.selected).toEqual(["/s/a"]);
        expect(s.runCursor).toBe(1);
        expect(s.panel).toBe("runs");
        expect(s.counting).toBe(false);
        expect(start([]).selected).toEqual([]);
    });

    it("moves the cursor of the focused panel, wrapping", () => {
        const s = start();
        expect(apply(s, { type: "move", step: 1 }, { type: "move", step: 1 }).runCursor).toBe(0);
        const o = apply(s, { type: "switchPanel" }, { type: "move", step: -1 });
        expect(o.panel).toBe("options");
        expect(o.optCursor).toBe(OPTION_ROWS.length - 1);
        expect(o.runCursor).toBe(1);
        expect(apply(start([]), { type: "move", step: 1 }).runCursor).toBe(0);
    });

    it("space picks and unpicks the run under the cursor in choosing order, and asks for a scan", () => {
        const s = apply(start(), { type: "move", step: 1 }, { type: "toggle" });
        expect(s.selected).toEqual(["/s/a", "/s/b"]);
        expect(s.counting).toBe(true);
        expect(planKey(s)).not.toBe(planKey(start()));
        const t = apply(s, { type: "move", step: -1 }, { type: "edit" });
        expect(t.selected).toEqual(["/s/b"]);
        // No run: nothing to pick.
        expect(apply(start([]), { type: "toggle" })).toEqual(start([]));
    });

    it("switches a set or dedup with space or enter, and edits a text option only with enter/space on it", () => {
        const s = apply(start(), { type: "switchPanel" });
        expect(s.values.sets).toEqual(["dplus", "dpm"]);
        const off = apply(s, { type: "toggle" });
        expect(off.values.sets).toEqual(["dpm"]);
        expect(off.counting).toBe(false);
        expect(planKey(off)).not.toBe(planKey(s));
        const dedup = apply(s, ...Array.from({ length: optRow("dedup") }, () => ({ type: "move", step: 1 }) as const), { type: "edit" });
        expect(dedup.values.dedup).toBe(false);
        expect(dedup.editing).toBeNull();
        const cap = apply(s, ...Array.from({ length: optRow("cap") }, () => ({ type: "move", step: 1 }) as const), { type: "toggle" });
        expect(cap.editing).toBe("");
        expect(cap.values).toEqual(s.values);
    });

    it("types into the option (no newlines or tabs), backspaces, accepts trimmed, cancels without a change", () => {
        const s = apply(start(), { type: "switchPanel" }, ...Array.from({ length: optRow("cap") }, () => ({ type: "move", step: 1 }) as const), { type: "edit" });
        const typed = apply(s, { type: "type", text: " 1\r\n2\t" }, { type: "type", text: "x" }, { type: "backspace" });
        expect(typed.editing).toBe(" 12");
        expect(apply(typed, { type: "cancel" })).toMatchObject({ editing: null, values: s.values });
        const accepted = apply(typed, { type: "accept" });
        expect(accepted.editing).toBeNull();
        expect(accepted.values.cap).toBe("12");
        // Not editing: typing does nothing.
        expect(apply(accepted, { type: "type", text: "3" }, { type: "backspace" }, { type: "accept" })).toEqual(accepted);
    });

    it("leaves the out folder out of the plan's key: changing it needs no recount", () => {
        const s = start();
        const out = apply(s, { type: "switchPanel" }, ...Array.from({ length: optRow("out") }, () => ({ type: "move", step: 1 }) as const), { type: "edit" }, { type: "type", text: "-x" }, { type: "accept" });
        expect(out.values.out).toBe(`${values.out}-x`);
        expect(planKey(out)).toBe(planKey(s));
    });

    it("keeps the shown set and row across recounts while they exist, and pages and switches sets, wrapping", () => {
        const s = apply(start(), { type: "counted", plan: plan({ dplus: 3, dpm: 2 }), error: null });
        expect(s).toMatchObject({ counting: false, exampleSet: "dplus", exampleIndex: 0, planError: null });
        const last = apply(s, { type: "page", step: -1 });
        expect(last.exampleIndex).toBe(2);
        expect(apply(last, { type: "page", step: 1 }).exampleIndex).toBe(0);
        // Fewer rows now: the index stays within them.
        expect(apply(last, { type: "counted", plan: plan({ dplus: 2, dpm: 2 }), error: null }).exampleIndex).toBe(1);
        const dpm = apply(last, { type: "nextSet" });
        expect(dpm).toMatchObject({ exampleSet: "dpm", exampleIndex: 0 });
        expect(apply(dpm, { type: "nextSet" }).exampleSet).toBe("dplus");
        // The shown set is no longer curated: the first one that is.
        expect(apply(dpm, { type: "counted", plan: plan({ dplus: 1 }), error: null })).toMatchObject({ exampleSet: "dplus", exampleIndex: 0 });
        // No rows: paging does nothing.
        const none = apply(s, { type: "counted", plan: null, error: "run retry-run was made in retry mode" });
        expect(none.planError).toContain("retry mode");
        expect(apply(none, { type: "page", step: 1 })).toEqual(none);
    });

    it("keeps the picks that still exist after a refresh and clamps the cursor", () => {
        const s = apply(start(), { type: "move", step: 1 });
        expect(s.runCursor).toBe(2);
        const r = apply(s, { type: "runsListed", runs: [run("a")] });
        expect(r).toMatchObject({ selected: ["/s/a"], runCursor: 0, counting: true });
        expect(apply(s, { type: "runsListed", runs: [] })).toMatchObject({ selected: [], runCursor: 0 });
    });

    it("checks an export before it starts: a run, valid options, one at a time", () => {
        expect(apply(start([]), { type: "exportStart" }).status).toEqual({ kind: "error", message: "choose at least one run (space in the runs list)" });
        const bad = apply(start(), { type: "switchPanel" }, ...Array.from({ length: optRow("evalFraction") }, () => ({ type: "move", step: 1 }) as const), { type: "edit" }, ...Array.from({ length: 8 }, () => ({ type: "backspace" }) as const), { type: "type", text: "1" }, { type: "accept" });
        expect(bad.values.evalFraction).toBe("1");
        expect(apply(bad, { type: "exportStart" }).status).toEqual({ kind: "error", message: "eval fraction: a number in [0, 1)" });
        const going = apply(start(), { type: "exportStart" });
        expect(going.status).toEqual({ kind: "exporting" });
        expect(apply(going, { type: "exportStart" })).toBe(going);
        expect(apply(going, { type: "exportFailed", message: "D_pref needs a teacher model" }).status).toEqual({ kind: "error", message: "D_pref needs a teacher model" });
    });

    it("after an export into the default folder offers a fresh one, distinct even within the same second", () => {
        const summary = { out: values.out, files: [] } as unknown as CurationSummary;
        const going = apply(start(), { type: "exportStart" });
        const done = apply(going, { type: "exported", summary, usedOut: values.out, freshOut: `${values.out}-later` });
        expect(done.status).toEqual({ kind: "done", summary });
        expect(done.values.out).toBe(`${values.out}-later`);
        expect(done.defaultOut).toBe(`${values.out}-later`);
        expect(apply(going, { type: "exported", summary, usedOut: values.out, freshOut: values.out }).values.out).toBe(`${values.out}-2`);
        // A folder the user typed stays.
        expect(apply(going, { type: "exported", summary, usedOut: "/elsewhere", freshOut: "/new" }).values.out).toBe(values.out);
    });

    it("any later change of runs or options clears a finished export's line", () => {
        const summary = { out: values.out, files: [] } as unknown as CurationSummary;
        const done = apply(start(), { type: "exportStart" }, { type: "exported", summary, usedOut: "/x", freshOut: "/y" });
        expect(apply(done, { type: "toggle" }).status).toEqual({ kind: "idle" });
        expect(apply(done, { type: "switchPanel" }, { type: "toggle" }).status).toEqual({ kind: "idle" });
        // Looking around does not.
        expect(apply(done, { type: "move", step: 1 }, { type: "exampleLoaded", example: {} as Example }, { type: "help", on: true }).status.kind).toBe("done");
    });
});
