// Keys of the compare screen: key ids (views/compare/keys.ts) to reducer actions and effects; state is
// read from the store at the key press, never from a render closure.
import { useInput, type Key } from "ink";
import { listBatchRuns } from "../../src/batch/runs.js";
import { matchKey, type KeyId } from "../keymap.js";
import { typingKey } from "../keys/typing.js";
import { mergeRuns, type CompareAction, type CompareState } from "./compareState.js";
import { openRunPath } from "./openRun.js";
import { dispatchCompare, type CompareStore } from "./store.js";

/** What a key asks for beyond the state: the file system, leaving. */
export type CompareEffect = { effect: "reload" } | { effect: "submit" } | { effect: "exit" } | { effect: "quit" };

export type CompareIntent = CompareAction | CompareEffect;

/** While a path is typed every key is text (q and ? too) but enter, esc and backspace. */
export function typingIntent(input: string, key: Key): CompareIntent | null {
    return typingKey<CompareIntent>(input, key, { accept: { effect: "submit" }, cancel: { type: "input.cancel" }, backspace: { type: "input.backspace" }, text: (text) => ({ type: "input.type", text }) });
}

/** A key of the compare screen as what it does in this state; `tableMax` is the table's last scroll offset. */
export function compareIntents(s: CompareState, id: KeyId, tableMax: number): CompareIntent[] {
    if (s.help) {
        if (id === "help" || id === "compare.back") return [{ type: "help", open: false }];
        return id === "quit" ? [{ effect: "quit" }] : [];
    }
    const table = s.phase === "table";
    switch (id) {
        case "help":
            return [{ type: "help", open: true }];
        case "quit":
            return [{ effect: "quit" }];
        case "compare.up":
        case "compare.down":
            if (table) return [{ type: "scroll", delta: id === "compare.up" ? -1 : 1, max: tableMax }];
            return [{ type: id === "compare.up" ? "up" : "down" }];
        case "compare.toggle":
            return [{ type: "toggle" }];
        case "compare.choose":
            return [{ type: "choose" }];
        case "compare.reference":
            return [{ type: "reference" }];
        case "compare.reload":
            return [{ effect: "reload" }];
        case "compare.open":
            return table ? [] : [{ type: "input.open" }];
        case "compare.back":
            return table ? [{ type: "back" }] : [{ effect: "exit" }];
    }
    return [];
}

export function useCompareKeys(opts: { store: CompareStore; sessionsDir: string; cwd?: string; tableMax: () => number; onBack: () => void; onQuit: () => void }) {
    const { store } = opts;
    const dispatch = (a: CompareAction) => dispatchCompare(store, a);

    const run = (e: CompareEffect) => {
        const s = store.getState();
        switch (e.effect) {
            case "reload": {
                // The runs opened by path are read again too: a run still going gains items there as well.
                const added = s.added.map((d) => openRunPath(d)).filter((r) => typeof r !== "string");
                return dispatch({ type: "reload", runs: mergeRuns(listBatchRuns(opts.sessionsDir), added) });
            }
            case "submit": {
                const r = openRunPath(s.input ?? "", opts.cwd);
                return dispatch(typeof r === "string" ? { type: "input.refused", error: r } : { type: "input.opened", run: r });
            }
            case "exit":
                return opts.onBack();
            case "quit":
                return opts.onQuit();
        }
    };
    const apply = (i: CompareIntent) => ("effect" in i ? run(i) : dispatch(i));

    useInput((input, key) => {
        const s = store.getState();
        if (s.input !== null) {
            const i = typingIntent(input, key);
            if (i) apply(i);
            return;
        }
        const b = matchKey("compare", input, key);
        if (b) compareIntents(s, b.id, opts.tableMax()).forEach(apply);
    });
}
