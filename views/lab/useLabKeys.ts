import { useInput, type Key } from "ink";
import type { RefObject } from "react";
import type { LabController } from "../controller.js";
import { matchKey, type KeyId } from "../keymap.js";
import type { UiStore } from "../store.js";
import type { LabViewAction } from "./viewState.js";

/** What a lab key does: an operation of the controller (the loop), or a change of the view. */
export type LabKeyAction =
    | { to: "loop"; op: "step" | "reroll" | "prevInstruction" | "nextInstruction" | "verifier" | "nextQuestion" | "prevQuestion" }
    | { to: "view"; scroll: "line" | "page"; dir: 1 | -1 }
    | { to: "view"; toggle: "earlier" };

/** The lab's keys as actions; other ids (screens, help, quit) are App's and give null. */
export function labKeyAction(id: KeyId, key: Pick<Key, "pageUp" | "pageDown">): LabKeyAction | null {
    switch (id) {
        case "next":
            return { to: "loop", op: "step" };
        case "reroll":
        case "prevInstruction":
        case "nextInstruction":
        case "verifier":
        case "nextQuestion":
        case "prevQuestion":
            return { to: "loop", op: id };
        case "lab.scrollUp":
            return { to: "view", scroll: key.pageUp ? "page" : "line", dir: -1 };
        case "lab.scrollDown":
            return { to: "view", scroll: key.pageDown ? "page" : "line", dir: 1 };
        case "lab.earlier":
            return { to: "view", toggle: "earlier" };
        default:
            return null;
    }
}

function runLoopOp(controller: LabController, op: Extract<LabKeyAction, { to: "loop" }>["op"]): void {
    switch (op) {
        case "step":
            return void controller.step();
        case "reroll":
            return void controller.reroll();
        case "prevInstruction":
        case "nextInstruction":
            return controller.cycleInstruction(op === "nextInstruction" ? 1 : -1);
        case "verifier":
            return controller.toggleVerifier();
        case "nextQuestion":
            return void controller.nextQuestion();
        case "prevQuestion":
            return void controller.prevQuestion();
    }
}

export interface LabKeysDeps {
    store: UiStore;
    controller: LabController;
    dispatch: (a: LabViewAction) => void;
    /** The window's limits at the last render (keys may come before the next one). */
    limits: RefObject<{ maxTop: number; page: number }>;
}

/** The lab screen's input: loop keys go to the controller, view keys to the view reducer. */
export function useLabKeys({ store, controller, dispatch, limits }: LabKeysDeps): void {
    useInput((input, key) => {
        // The store, not this render: a key right after one that left the lab is not the lab's.
        if (store.getState().screen !== "lab") return;
        const b = matchKey("lab", input, key);
        const a = b ? labKeyAction(b.id, key) : null;
        if (!a) return;
        if (a.to === "loop") return runLoopOp(controller, a.op);
        if ("toggle" in a) return dispatch({ type: "toggleEarlier" });
        const { maxTop, page } = limits.current;
        dispatch({ type: "scroll", by: a.dir * (a.scroll === "page" ? page : 1), max: maxTop });
    });
}
