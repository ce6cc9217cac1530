// Key dispatch of the batch dashboard: key ids from the keymap to reducer actions and the host's callbacks.
import { useInput } from "ink";
import { useReducer, useRef } from "react";
import { matchKey } from "../keymap.js";
import { dashboardReducer, initialDashboardState, selectedLine, type DashboardAction, type DashboardState } from "./dashboardState.js";
import { loadItemDetail, type ItemDetail } from "./itemDetail.js";
import type { BatchStore, FinishedLine } from "./store.js";

export interface DashboardKeysOptions {
    store: BatchStore;
    onStop?: () => void;
    onBack?: () => void;
    onQuit?: () => void;
    /** Reads an item for the item view; default from the run store (tests inject). */
    loadItem?: (runDir: string, line: FinishedLine) => ItemDetail;
}

/** The dashboard's state (a ref: keys can arrive before the handler is re-subscribed) and its key handling. */
export function useDashboardKeys(o: DashboardKeysOptions): DashboardState {
    const ref = useRef<DashboardState>(initialDashboardState);
    const [, render] = useReducer((x: number) => x + 1, 0);
    const apply = (a: DashboardAction) => {
        const next = dashboardReducer(ref.current, a);
        if (next === "exit") {
            if (o.store.getState().status === "done") o.onBack?.();
            return;
        }
        if (next !== ref.current) {
            ref.current = next;
            render();
        }
    };

    useInput((input, key) => {
        const b = matchKey("batch", input, key);
        if (!b) return;
        const st = o.store.getState();
        // While the help overlay is open it scrolls with the arrows; only closing and stopping reach here.
        if (ref.current.help && b.id !== "help" && b.id !== "back" && b.id !== "batchStop") return;
        switch (b.id) {
            case "help":
                return apply({ type: "help" });
            case "back":
                return apply({ type: "back" });
            case "batchStop":
                if (st.status === "done") o.onQuit?.();
                else if (st.status !== "stopping") o.onStop?.();
                return;
            case "batchUp":
                return apply({ type: "up", lines: st.recent });
            case "batchDown":
                return apply({ type: "down", lines: st.recent });
            case "batchOpen": {
                if (ref.current.open) return;
                const line = selectedLine(ref.current, st.recent);
                if (!line || !st.runDir) return;
                return apply({ type: "open", detail: (o.loadItem ?? loadItemDetail)(st.runDir, line) });
            }
        }
    });

    return ref.current;
}
