// The training screen's pure reducer: form navigation and typing, defaults that follow the setting, modes, run patches.
import { describe, expect, it } from "vitest";
import type { TrainingRunListing } from "../src/training/runs.js";
import { formDefaults, visibleFields } from "../views/training/formModel.js";
import { newLiveRun } from "../views/training/liveRun.js";
import { initialTrainingState, trainingReducer, type TrainingAction, type TrainingViewState } from "../views/training/trainingState.js";
import { commandRows } from "../views/training/commandRows.js";
import { formRows, monitorRows } from "../views/training/layout.js";
import { windowStart } from "../views/windowStart.js";

const ctx = { curated: ["/s/curated-b", "/s/curated-a"] };
const start = () => initialTrainingState(formDefaults({ out: "/s/train-1" }, ctx), []);
const apply = (s: TrainingViewState, ...as: TrainingAction[]) => as.reduce(trainingReducer, s);
const listing = (id: string): TrainingRunListing => ({ dir: `/s/${id}`, id } as TrainingRunListing);

describe("training reducer: the form", () => {
    it("moves over the visible fields and the start row, wrapping both ways", () => {
        const s = start();
        const n = visibleFields(s.form.values).length;
        expect(n).toBe(22);
        expect(apply(s, { type: "move", delta: -1 }).form.sel).toBe(n);
        expect(apply(s, { type: "move", delta: -1 }, { type: "move", delta: 1 }).form.sel).toBe(0);
        expect(apply(s, { type: "move", delta: 1 }, { type: "move", delta: 1 }).form.sel).toBe(2);
    });

    it("cycles a choice and the curated folders; the hyperparameters follow the setting unless typed by hand", () => {
        let s = apply(start(), { type: "cycle", dir: 1, ctx });
        expect(s.form.values.setting).toBe("two-stage");
        s = apply(s, { type: "cycle", dir: 1, ctx }, { type: "cycle", dir: 1, ctx });
        expect(s.form.values).toMatchObject({ setting: "dpo-pm", lr: "5e-7", beta: "0.01", gradAccum: "32" });
        expect(visibleFields(s.form.values).some((f) => f.key === "beta")).toBe(true);
        // lr typed by hand stays when the setting moves on.
        const lr = visibleFields(s.form.values).findIndex((f) => f.key === "lr");
        s = apply({ ...s, form: { ...s.form, sel: lr } }, { type: "edit.begin" }, { type: "edit.backspace" }, { type: "edit.input", text: "8 " }, { type: "edit.accept" });
        expect(s.form).toMatchObject({ editing: null, edited: ["setting", "lr"] });
        expect(s.form.values.lr).toBe("5e-8");
        s = apply({ ...s, form: { ...s.form, sel: 0 } }, { type: "cycle", dir: 1, ctx });
        expect(s.form.values).toMatchObject({ setting: "one-stage", lr: "5e-8", gradAccum: "2" });
        // The data field cycles through the curated folders; a text field does not cycle.
        s = apply({ ...s, form: { ...s.form, sel: 1 } }, { type: "cycle", dir: 1, ctx });
        expect(s.form.values.data).toBe("/s/curated-a");
        const base = apply({ ...s, form: { ...s.form, sel: 2 } }, { type: "cycle", dir: 1, ctx });
        expect(base.form.values.base).toBe("default");
    });

    it("types into a field, cancels, and keeps typing out of the other modes", () => {
        const s = apply({ ...start(), form: { ...start().form, sel: 2 } }, { type: "edit.begin" }, { type: "edit.input", text: "q?" });
        expect(s.form.editing).toBe("defaultq?");
        expect(apply(s, { type: "edit.cancel" }).form).toMatchObject({ editing: null, values: { base: "default" } });
        const runs = apply(start(), { type: "runs.toggle" });
        expect(apply(runs, { type: "edit.begin" })).toBe(runs);
    });

    it("goes back to the form for another run, with a fresh out folder when the last one was used", () => {
        const s = apply({ ...start(), mode: "monitor" as const }, { type: "move", delta: 1 }, { type: "form.error", error: "no" });
        expect(s.form.error).toBe("no");
        expect(apply(s, { type: "form.again", out: "/s/train-2" })).toMatchObject({ mode: "form", form: { sel: 0, error: null, values: { out: "/s/train-2" } } });
        expect(apply(s, { type: "form.again", out: null }).form.values.out).toBe("/s/train-1");
    });
});

describe("training reducer: modes and runs", () => {
    it("toggles the past runs (back to the live run when there is one), clamps the selection, opens runs", () => {
        let s = apply(start(), { type: "runs.toggle" });
        expect(s.mode).toBe("runs");
        expect(apply(s, { type: "runs.toggle" }).mode).toBe("form");
        s = apply(s, { type: "runs.loaded", runs: [listing("a"), listing("b"), listing("c")] }, { type: "move", delta: 1 }, { type: "move", delta: 1 }, { type: "move", delta: 1 });
        expect(s.runSel).toBe(2);
        expect(apply(s, { type: "runs.loaded", runs: [listing("a")] }).runSel).toBe(0);
        // Nothing launched: "the live run" opens nothing.
        expect(apply(s, { type: "run.open", run: null })).toBe(s);
        const live = newLiveRun("/s/train-1", "one-stage", "cmd", null);
        s = apply({ ...s, notice: "x", confirmBack: true }, { type: "run.started", run: live });
        expect(s).toMatchObject({ mode: "monitor", notice: null, confirmBack: false });
        expect(apply(s, { type: "runs.toggle" }, { type: "runs.toggle" }).mode).toBe("monitor");
        expect(apply(s, { type: "run.patch", patch: { state: "aborted" } }).run?.state).toBe("aborted");
        expect(apply(start(), { type: "run.patch", patch: { state: "aborted" } }).run).toBeNull();
    });

    it("sets help, the leave question, notices and quitting", () => {
        const s = apply(start(), { type: "help", open: true }, { type: "confirmBack", open: true }, { type: "notice", text: "hi" });
        expect(s).toMatchObject({ help: true, confirmBack: true, notice: "hi" });
        expect(apply(s, { type: "notice", text: "hi" })).toBe(s);
        expect(apply(s, { type: "quitting" }).quitting).toBe(true);
    });
});

describe("training layout helpers", () => {
    it("breaks the command between arguments, a flag beside its value, and cuts what does not fit", () => {
        const argv = ["python3", "/t/train.py", "--setting", "one-stage", "--max-steps", "6", "--full", "--out", "/o"];
        const rows = commandRows(argv, 24);
        expect(rows).toEqual(["python3 /t/train.py", "--setting one-stage", "--max-steps 6 --full", "--out /o"]);
        expect(rows.join(" ")).toBe(argv.join(" "));
        // An argument longer than a line is cut across lines.
        const long = commandRows(["--out", "/a/very/long/folder/name/that/goes/on"], 24);
        expect(long).toEqual(["--out /a/very/long/folde", "r/name/that/goes/on"]);
        const cut = commandRows(argv, 24, 2);
        expect(cut).toHaveLength(2);
        expect(cut[1]!.endsWith("…")).toBe(true);
        expect(commandRows(["p", "it's"], 40)).toEqual([`p 'it'\\''s'`]);
    });

    it("shares the rows: every field and the whole command when they fit, a window otherwise", () => {
        expect(formRows(40, 22, 3, 4)).toEqual({ fields: 22, command: 3 });
        expect(formRows(20, 22, 5, 4)).toEqual({ fields: 13, command: 3 });
        expect(formRows(20, 10, 8, 4)).toEqual({ fields: 10, command: 6 });
        expect(monitorRows(11, 2, 6)).toEqual({ chart: 5, lines: 4 });
        expect(monitorRows(40, 2, 6)).toEqual({ chart: 6, lines: 6 });
        expect([windowStart(0, 22, 10), windowStart(15, 22, 10), windowStart(21, 22, 10), windowStart(3, 5, 10)]).toEqual([0, 10, 12, 0]);
    });
});
