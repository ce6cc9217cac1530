// Keys of the training screen: key ids (views/training/keys.ts) to reducer actions and effects; state is
// read from the store at the key press, never from a render closure.
import { useInput, type Key } from "ink";
import { existsSync, readdirSync } from "node:fs";
import { basename } from "node:path";
import { resumePoint, type ResumePoint } from "../../src/training/checkpoints.js";
import { defaultTrainingOut, readTrainingRun } from "../../src/training/runs.js";
import { matchKey, type KeyId } from "../keymap.js";
import { typingKey } from "../keys/typing.js";
import type { TrainingEffects } from "./controller.js";
import { formRequest, visibleFields, type FormContext } from "./formModel.js";
import { pastRun } from "./liveRun.js";
import { isLive } from "./monitorModel.js";
import { dispatchTraining } from "./store.js";
import type { TrainingAction, TrainingViewState } from "./trainingState.js";

/** What a key asks for beyond the state: the trainer, the file system, leaving. */
export type TrainingEffect =
    | { effect: "start" }
    | { effect: "abort" }
    | { effect: "abortAndBack" }
    | { effect: "resume"; out: string }
    /** Back to the form for another run (a used out folder gets a fresh default). */
    | { effect: "again" }
    | { effect: "open"; dir: string }
    | { effect: "refreshRuns" }
    | { effect: "back" }
    | { effect: "quit" };

export type TrainingIntent = TrainingAction | TrainingEffect;

export interface KeyContext {
    running: boolean;
    form: FormContext;
    /** What a resume of a run folder would continue from (reads the folder). */
    resumeOf: (dir: string) => ResumePoint | null;
}

const noCheckpoint = (out: string) => `no checkpoint in ${basename(out)} yet: nothing to resume from (n starts a new run)`;

/** While a text field is being typed into, every key is text (q and ? too) but enter, esc and backspace. */
export function typingAction(input: string, key: Key): TrainingAction | null {
    return typingKey<TrainingAction>(input, key, { accept: { type: "edit.accept" }, cancel: { type: "edit.cancel" }, backspace: { type: "edit.backspace" }, text: (text) => ({ type: "edit.input", text }) });
}

/** A key of the training screen (null: one bound to nothing) as what it does in this state, in order. */
export function trainingIntents(s: TrainingViewState, id: KeyId | null, c: KeyContext): TrainingIntent[] {
    if (s.quitting) return [];
    // Any key answers the question: y aborts and leaves, every other one stays.
    if (s.confirmBack) return [{ type: "confirmBack", open: false }, ...(id === "train.confirm" ? [{ effect: "abortAndBack" } as const] : [])];
    if (!id) return [];
    if (s.help) {
        if (id === "help" || id === "train.back") return [{ type: "help", open: false }];
        return id === "quit" ? [{ effect: "quit" }] : [];
    }
    const out: TrainingIntent[] = s.notice && id !== "help" ? [{ type: "notice", text: null }] : [];
    const add = (...x: TrainingIntent[]) => [...out, ...x];
    switch (id) {
        case "help":
            return add({ type: "help", open: true });
        case "quit":
            return add({ effect: "quit" });
        case "train.back":
            return add(c.running ? { type: "confirmBack", open: true } : { effect: "back" });
        case "train.runs":
            return add(...(s.mode === "runs" ? [] : [{ effect: "refreshRuns" } as const]), { type: "runs.toggle" });
    }
    if (s.mode === "form") {
        const field = visibleFields(s.form.values)[s.form.sel];
        switch (id) {
            case "train.up":
            case "train.down":
                return add({ type: "move", delta: id === "train.up" ? -1 : 1 });
            case "train.edit":
                if (!field) return add({ effect: "start" });
                return add(field.kind === "choice" ? { type: "cycle", dir: 1, ctx: c.form } : { type: "edit.begin" });
            case "train.prev":
            case "train.next":
                return add({ type: "cycle", dir: id === "train.next" ? 1 : -1, ctx: c.form });
            case "train.start":
                return add({ effect: "start" });
        }
    } else if (s.mode === "monitor" && s.run) {
        const ended = !isLive(s.run);
        switch (id) {
            case "train.abort":
                return add(...(c.running ? [{ effect: "abort" } as const] : []));
            case "train.resume":
                if (!ended || s.run.state === "done") return out;
                return add(s.run.resume ? { effect: "resume", out: s.run.out } : { type: "notice", text: noCheckpoint(s.run.out) });
            case "train.new":
                return add(...(ended ? [{ effect: "again" } as const] : []));
        }
    } else if (s.mode === "runs") {
        const cur = s.runs[s.runSel];
        switch (id) {
            case "train.up":
            case "train.down":
                return add({ type: "move", delta: id === "train.up" ? -1 : 1 });
            case "train.edit":
                if (!cur) return out;
                if (s.run?.out === cur.dir) return add({ type: "run.open", run: null });
                if (c.running) return add({ type: "notice", text: "a trainer is running: abort it first to open another run" });
                if (cur.status === "running") return add({ type: "notice", text: `${cur.id} is running in another process; its curves are shown here` });
                return add({ effect: "open", dir: cur.dir });
            case "train.resume":
                if (!cur) return out;
                if (!cur.resumable) return add({ type: "notice", text: `${cur.id} is ${cur.status}: nothing to resume` });
                return add(c.resumeOf(cur.dir) ? { effect: "resume", out: cur.dir } : { type: "notice", text: noCheckpoint(cur.dir) });
            case "train.new":
                return add(...(c.running ? [] : [{ effect: "again" } as const]));
        }
    }
    return out;
}

export function useTrainingKeys(opts: { effects: TrainingEffects; ctx: () => FormContext; onBack: () => void; onQuit: () => void }) {
    const { effects, onBack, onQuit } = opts;
    const store = effects.store;
    const dispatch = (a: TrainingAction) => dispatchTraining(store, a);

    const run = (e: TrainingEffect) => {
        const s = store.getState();
        switch (e.effect) {
            case "start": {
                let err: string | null;
                try {
                    err = effects.start(formRequest(s.form.values));
                } catch (x) {
                    err = (x as Error).message;
                }
                return dispatch({ type: "form.error", error: err });
            }
            case "abort":
                return void effects.abort();
            case "abortAndBack":
                return void effects.abort().then(onBack);
            case "resume": {
                const err = effects.resume(e.out);
                return err ? dispatch({ type: "notice", text: err }) : undefined;
            }
            case "again": {
                const out = s.form.values.out;
                const used = existsSync(out) && readdirSync(out).length > 0;
                return dispatch({ type: "form.again", out: used ? defaultTrainingOut(effects.sessionsDir) : null });
            }
            case "open": {
                const r = readTrainingRun(e.dir);
                return r ? dispatch({ type: "run.open", run: pastRun(r) }) : dispatch({ type: "notice", text: `${basename(e.dir)} is no longer a training run` });
            }
            case "refreshRuns":
                return effects.refreshRuns();
            case "back":
                return onBack();
            case "quit":
                if (store.getState().quitting) return;
                dispatch({ type: "quitting" });
                return void effects.dispose().then(onQuit);
        }
    };

    useInput((input, key) => {
        const s = store.getState();
        if (s.quitting) return;
        if (s.mode === "form" && s.form.editing !== null) {
            const a = typingAction(input, key);
            if (a) dispatch(a);
            return;
        }
        const id = matchKey("train", input, key)?.id ?? null;
        for (const i of trainingIntents(s, id, { running: effects.running, form: opts.ctx(), resumeOf: (d) => resumePoint(d) })) {
            if ("effect" in i) run(i);
            else dispatch(i);
        }
    });
}
