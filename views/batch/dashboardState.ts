import type { ItemDetail } from "./itemDetail.js";
import type { FinishedLine } from "./store.js";

/**
 * The batch dashboard's own state as a pure reducer (the run's state is the batch store's): the help
 * overlay, the selected finished item, and the item view opened on it.
 */
export interface DashboardState {
    help: boolean;
    /** The selected finished line by its key (stable while new items arrive); null = none selected. */
    selected: number | null;
    /** The item view: the item read back from the run store, and which of its chains is shown. */
    open: { detail: ItemDetail; chain: number } | null;
}

export type DashboardAction =
    | { type: "help" }
    /** Towards older items (in the item view: the previous chain). */
    | { type: "up"; lines: readonly FinishedLine[] }
    /** Towards newer items, past the newest back to no selection (in the item view: the next chain). */
    | { type: "down"; lines: readonly FinishedLine[] }
    | { type: "open"; detail: ItemDetail }
    | { type: "back" };

export const initialDashboardState: DashboardState = { help: false, selected: null, open: null };

/** The selected line, if it is still among `lines`. */
export function selectedLine(s: DashboardState, lines: readonly FinishedLine[]): FinishedLine | undefined {
    return s.selected === null ? undefined : lines.find((l) => l.key === s.selected);
}

/** The next state, or "exit" when back has nothing left to close (the host leaves the screen if it may). */
export function dashboardReducer(s: DashboardState, a: DashboardAction): DashboardState | "exit" {
    switch (a.type) {
        case "help":
            return { ...s, help: !s.help };
        case "up":
        case "down": {
            if (s.open) {
                const n = s.open.detail.chains.length;
                if (n < 2) return s;
                return { ...s, open: { ...s.open, chain: (s.open.chain + (a.type === "down" ? 1 : -1) + n) % n } };
            }
            const lines = a.lines;
            if (!lines.length) return s;
            const i = lines.findIndex((l) => l.key === s.selected);
            if (a.type === "up") return { ...s, selected: lines[i < 0 ? lines.length - 1 : Math.max(0, i - 1)]!.key };
            if (i < 0) return s;
            return { ...s, selected: i + 1 < lines.length ? lines[i + 1]!.key : null };
        }
        case "open":
            return { ...s, open: { detail: a.detail, chain: 0 } };
        case "back":
            if (s.help) return { ...s, help: false };
            if (s.open) return { ...s, open: null };
            if (s.selected !== null) return { ...s, selected: null };
            return "exit";
    }
}
