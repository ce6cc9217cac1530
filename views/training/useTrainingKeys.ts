// Key dispatch of the training screen through the one keymap; state is read from the store, never a render closure.
import { useInput } from "ink";
import { existsSync, readdirSync } from "node:fs";
import { defaultTrainingOut, readTrainingRun } from "../../src/training/runs.js";
import { matchKey } from "../keymap.js";
import type { TrainingController } from "./controller.js";
import { cycle, formRequest, refill, visibleFields, type FieldKey, type FormContext, type TrainingFormValues } from "./formModel.js";
import { pastRun, type FormState, type TrainingViewState } from "./store.js";

/** Fields whose change moves the defaults of the hyperparameters not edited by hand (refill ignores non-hyper keys in `edited`). */
const DRIVERS: FieldKey[] = ["setting", "full", "processes", "batchSize"];

export function useTrainingKeys(opts: { controller: TrainingController; ctx: () => FormContext; onBack: () => void; onQuit: () => void }) {
    const { controller, onBack, onQuit } = opts;
    const store = controller.store;
    const set = (patch: Partial<TrainingViewState>) => store.setState(patch);
    const setForm = (patch: Partial<FormState>) => set({ form: { ...store.getState().form, ...patch } });

    /** A new value for a field; hyperparameters follow the setting unless edited by hand. */
    const setValue = (key: FieldKey, value: string, byHand: boolean) => {
        const f = store.getState().form;
        const edited = byHand ? [...new Set([...f.edited, key])] : f.edited;
        let values: TrainingFormValues = { ...f.values, [key]: value };
        if (DRIVERS.includes(key)) values = refill(values, new Set(edited));
        const n = visibleFields(values).length;
        setForm({ values, edited, sel: Math.min(f.sel, n), error: null });
    };

    const quit = async () => {
        if (store.getState().quitting) return;
        set({ quitting: true });
        await controller.dispose();
        onQuit();
    };

    const startForm = () => {
        const f = store.getState().form;
        let err: string | null;
        try {
            err = controller.start(formRequest(f.values));
        } catch (e) {
            err = (e as Error).message;
        }
        setForm({ error: err });
    };

    /** Back to the form for another run; a used out folder gets a fresh default. */
    const newRun = () => {
        const f = store.getState().form;
        const used = existsSync(f.values.out) && readdirSync(f.values.out).length > 0;
        set({ mode: "form", form: { ...f, values: used ? { ...f.values, out: defaultTrainingOut(controller.sessionsDir) } : f.values, error: null, sel: 0 } });
    };

    const resume = (out: string) => {
        const err = controller.resume(out);
        if (err) set({ notice: err });
    };

    useInput((input, key) => {
        const s = store.getState();
        if (s.quitting) return;
        const f = s.form;
        const fields = visibleFields(f.values);
        const field = fields[f.sel];
        // Typing into a text field: q and ? are characters here.
        if (s.mode === "form" && f.editing !== null && field) {
            if (key.return) {
                setForm({ editing: null });
                setValue(field.key, f.editing.trim(), true);
            } else if (key.escape) setForm({ editing: null });
            else if (key.backspace || key.delete) setForm({ editing: f.editing.slice(0, -1) });
            else if (input && !key.ctrl && !key.meta && !key.tab) setForm({ editing: f.editing + input });
            return;
        }
        const b = matchKey("train", input, key);
        if (s.confirmBack) {
            set({ confirmBack: false });
            if (b?.id === "train.confirm") void controller.abort().then(onBack);
            return;
        }
        if (!b) return;
        if (s.help) {
            if (b.id === "help" || b.id === "train.back") set({ help: false });
            else if (b.id === "quit") void quit();
            return;
        }
        if (s.notice && b.id !== "help") set({ notice: null });
        switch (b.id) {
            case "help":
                return set({ help: true });
            case "quit":
                return void quit();
            case "train.back":
                if (controller.running) return set({ confirmBack: true });
                return onBack();
            case "train.runs":
                if (s.mode === "runs") return set({ mode: s.run ? "monitor" : "form" });
                controller.refreshRuns();
                return set({ mode: "runs" });
        }
        if (s.mode === "form") {
            const n = fields.length + 1;
            switch (b.id) {
                case "train.up":
                    return setForm({ sel: (f.sel - 1 + n) % n });
                case "train.down":
                    return setForm({ sel: (f.sel + 1) % n });
                case "train.edit":
                    if (!field) return startForm();
                    if (field.kind === "choice") return setValue(field.key, cycle(field, f.values[field.key], 1, opts.ctx()), true);
                    return setForm({ editing: f.values[field.key] });
                case "train.prev":
                case "train.next":
                    if (field && field.kind !== "text") setValue(field.key, cycle(field, f.values[field.key], b.id === "train.next" ? 1 : -1, opts.ctx()), true);
                    return;
                case "train.start":
                    return startForm();
            }
        } else if (s.mode === "monitor" && s.run) {
            const ended = s.run.state === "done" || s.run.state === "failed" || s.run.state === "aborted";
            switch (b.id) {
                case "train.abort":
                    if (controller.running) void controller.abort();
                    return;
                case "train.resume":
                    if (ended && s.run.state !== "done") resume(s.run.out);
                    return;
                case "train.new":
                    if (ended) newRun();
                    return;
            }
        } else if (s.mode === "runs") {
            const cur = s.runs[s.runSel];
            switch (b.id) {
                case "train.up":
                    return set({ runSel: Math.max(0, s.runSel - 1) });
                case "train.down":
                    return set({ runSel: Math.min(Math.max(0, s.runs.length - 1), s.runSel + 1) });
                case "train.edit":
                    if (!cur) return;
                    if (s.run?.out === cur.dir) return set({ mode: "monitor" });
                    if (controller.running) return set({ notice: "a trainer is running: abort it first to open another run" });
                    if (cur.status === "running") return set({ notice: `${cur.id} is running in another process; its curves are shown here` });
                    return set({ mode: "monitor", run: pastRun(readTrainingRun(cur.dir) ?? cur) });
                case "train.resume":
                    if (!cur) return;
                    if (!cur.resumable) return set({ notice: `${cur.id} is ${cur.status}: nothing to resume` });
                    return resume(cur.dir);
                case "train.new":
                    if (!controller.running) newRun();
                    return;
            }
        }
    });
}
