// The training screen's key hook: key ids to reducer actions and effects, by mode; and the hook itself
// driving a store and a fake controller through real key presses.
import { describe, expect, it } from "vitest";
import type { Key } from "ink";
import { Text } from "ink";
import { render } from "ink-testing-library";
import { useStore } from "zustand";
import type { TrainingRunListing } from "../src/training/runs.js";
import type { TrainingEffects } from "../views/training/controller.js";
import { formDefaults } from "../views/training/formModel.js";
import { newLiveRun } from "../views/training/liveRun.js";
import { createTrainingStore } from "../views/training/store.js";
import { initialTrainingState, type LiveRun, type TrainingViewState } from "../views/training/trainingState.js";
import { trainingIntents, typingAction, useTrainingKeys, type KeyContext } from "../views/training/useTrainingKeys.js";

const form = { curated: [] };
const ctx = (over: Partial<KeyContext> = {}): KeyContext => ({ running: false, form, resumeOf: () => null, ...over });
const base = (): TrainingViewState => initialTrainingState(formDefaults({ out: "/s/train-1" }, form), []);
const ended = (state: LiveRun["state"], resume: LiveRun["resume"] = null): LiveRun => ({ ...newLiveRun("/s/train-1", "one-stage", "cmd", null), state, resume });
const listing = (over: Partial<TrainingRunListing>): TrainingRunListing => ({ dir: "/s/train-0", id: "train-0", status: "aborted", resumable: true, ...over }) as TrainingRunListing;
const none: Key = { upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false, return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false, super: false, hyper: false, capsLock: false, numLock: false };

describe("training keys: ids to intents", () => {
    it("maps the form's keys to moves, cycles, typing and the start", () => {
        const s = base();
        expect(trainingIntents(s, "train.down", ctx())).toEqual([{ type: "move", delta: 1 }]);
        expect(trainingIntents(s, "train.prev", ctx())).toEqual([{ type: "cycle", dir: -1, ctx: form }]);
        // enter: a choice cycles, a text field is typed into, the start row starts.
        expect(trainingIntents(s, "train.edit", ctx())).toEqual([{ type: "cycle", dir: 1, ctx: form }]);
        expect(trainingIntents({ ...s, form: { ...s.form, sel: 2 } }, "train.edit", ctx())).toEqual([{ type: "edit.begin" }]);
        expect(trainingIntents({ ...s, form: { ...s.form, sel: 22 } }, "train.edit", ctx())).toEqual([{ effect: "start" }]);
        expect(trainingIntents(s, "train.start", ctx())).toEqual([{ effect: "start" }]);
        // Monitor keys mean nothing on the form.
        expect(trainingIntents(s, "train.abort", ctx())).toEqual([]);
        expect(trainingIntents(s, "train.runs", ctx())).toEqual([{ effect: "refreshRuns" }, { type: "runs.toggle" }]);
    });

    it("while typing, every key is text but enter, esc and backspace", () => {
        expect(typingAction("q", none)).toEqual({ type: "edit.input", text: "q" });
        expect(typingAction("?", none)).toEqual({ type: "edit.input", text: "?" });
        expect(typingAction("", { ...none, return: true })).toEqual({ type: "edit.accept" });
        expect(typingAction("", { ...none, escape: true })).toEqual({ type: "edit.cancel" });
        expect(typingAction("", { ...none, backspace: true })).toEqual({ type: "edit.backspace" });
        expect(typingAction("c", { ...none, ctrl: true })).toBeNull();
    });

    it("resumes only an ended run with something to resume from; says why otherwise", () => {
        const mon = (run: LiveRun): TrainingViewState => ({ ...base(), mode: "monitor", run });
        const point = { checkpoint: { stage: "sft", step: 2, path: "/p" }, finished: [] };
        expect(trainingIntents(mon(ended("aborted", point)), "train.resume", ctx())).toEqual([{ effect: "resume", out: "/s/train-1" }]);
        expect(trainingIntents(mon(ended("failed")), "train.resume", ctx())).toEqual([{ type: "notice", text: "no checkpoint in train-1 yet: nothing to resume from (n starts a new run)" }]);
        expect(trainingIntents(mon(ended("done")), "train.resume", ctx())).toEqual([]);
        expect(trainingIntents(mon(ended("running", point)), "train.resume", ctx({ running: true }))).toEqual([]);
        expect(trainingIntents(mon(ended("running")), "train.abort", ctx({ running: true }))).toEqual([{ effect: "abort" }]);
        expect(trainingIntents(mon(ended("running")), "train.new", ctx({ running: true }))).toEqual([]);
        expect(trainingIntents(mon(ended("aborted")), "train.new", ctx())).toEqual([{ effect: "again" }]);

        const runs = (r: TrainingRunListing): TrainingViewState => ({ ...base(), mode: "runs", runs: [r] });
        expect(trainingIntents(runs(listing({})), "train.resume", ctx({ resumeOf: () => point }))).toEqual([{ effect: "resume", out: "/s/train-0" }]);
        expect(trainingIntents(runs(listing({})), "train.resume", ctx())).toEqual([{ type: "notice", text: "no checkpoint in train-0 yet: nothing to resume from (n starts a new run)" }]);
        expect(trainingIntents(runs(listing({ status: "done", resumable: false })), "train.resume", ctx({ resumeOf: () => point }))).toEqual([{ type: "notice", text: "train-0 is done: nothing to resume" }]);
        expect(trainingIntents(runs(listing({})), "train.edit", ctx())).toEqual([{ effect: "open", dir: "/s/train-0" }]);
        expect(trainingIntents(runs(listing({})), "train.edit", ctx({ running: true }))).toEqual([{ type: "notice", text: "a trainer is running: abort it first to open another run" }]);
        expect(trainingIntents({ ...runs(listing({ dir: "/s/train-1" })), run: ended("aborted") }, "train.edit", ctx())).toEqual([{ type: "run.open", run: null }]);
    });

    it("asks before leaving a running trainer; help and the question take every key first; a notice goes at the next key", () => {
        const s = base();
        expect(trainingIntents(s, "train.back", ctx())).toEqual([{ effect: "back" }]);
        expect(trainingIntents(s, "train.back", ctx({ running: true }))).toEqual([{ type: "confirmBack", open: true }]);
        const asking = { ...s, confirmBack: true };
        expect(trainingIntents(asking, "train.confirm", ctx({ running: true }))).toEqual([{ type: "confirmBack", open: false }, { effect: "abortAndBack" }]);
        expect(trainingIntents(asking, null, ctx({ running: true }))).toEqual([{ type: "confirmBack", open: false }]);
        const help = { ...s, help: true };
        expect(trainingIntents(help, "train.back", ctx())).toEqual([{ type: "help", open: false }]);
        expect(trainingIntents(help, "train.down", ctx())).toEqual([]);
        expect(trainingIntents(help, "quit", ctx())).toEqual([{ effect: "quit" }]);
        expect(trainingIntents({ ...s, notice: "x" }, "train.down", ctx())).toEqual([{ type: "notice", text: null }, { type: "move", delta: 1 }]);
        expect(trainingIntents({ ...s, quitting: true }, "train.down", ctx())).toEqual([]);
        expect(trainingIntents(s, null, ctx())).toEqual([]);
    });
});

describe("useTrainingKeys", () => {
    it("dispatches the reducer's actions and calls the controller for the effects", async () => {
        const calls: string[] = [];
        const store = createTrainingStore(formDefaults({ out: "/s/train-1", data: "/s/curated-1" }, form), []);
        const effects: TrainingEffects = {
            store,
            sessionsDir: "/s",
            running: false,
            start: (req) => (calls.push(`start ${req.hyper.maxSteps}`), "the trainer script is missing"),
            resume: (out) => (calls.push(`resume ${out}`), null),
            abort: async () => void calls.push("abort"),
            refreshRuns: () => void calls.push("refresh"),
            dispose: async () => void calls.push("dispose")
        };
        let quit = 0;
        function Probe() {
            useTrainingKeys({ effects, ctx: () => form, onBack: () => calls.push("back"), onQuit: () => quit++ });
            const s = useStore(store);
            return <Text>{`${s.mode} sel ${s.form.sel} maxSteps ${s.form.values.maxSteps || "-"} error ${s.form.error}`}</Text>;
        }
        const ui = render(<Probe />);
        const press = async (k: string) => {
            ui.stdin.write(k);
            await new Promise((r) => setTimeout(r, 20));
        };
        try {
            for (let i = 0; i < 6; i++) await press("\x1B[B");
            expect(ui.lastFrame()).toContain("form sel 6");
            // Typing: q is a character here, not quit.
            await press("\r");
            await press("4");
            await press("q");
            await press("\x7f");
            await press("\r");
            expect(ui.lastFrame()).toContain("maxSteps 4");
            expect(quit).toBe(0);
            await press("s");
            expect(calls).toEqual(["start 4"]);
            expect(ui.lastFrame()).toContain("error the trainer script is missing");
            await press("\t");
            expect(ui.lastFrame()).toContain("runs sel");
            expect(calls.at(-1)).toBe("refresh");
            await press("\x1B");
            expect(calls.at(-1)).toBe("back");
            await press("q");
            await new Promise((r) => setTimeout(r, 20));
            expect(calls.at(-1)).toBe("dispose");
            expect(quit).toBe(1);
        } finally {
            ui.unmount();
        }
    });
});
