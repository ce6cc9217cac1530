// The lab screen's own view state as a pure reducer: where the step area is scrolled, and whether
// the earlier turns (and re-rolled samples) are expanded. What the loop does lives in the UI store.

export interface LabViewState {
    /** First row of the step area shown (when not following). */
    top: number;
    /** Keep the newest rows in view as text streams in (the view is at the bottom). */
    follow: boolean;
    expanded: boolean;
}

export type LabViewAction =
    /** `max`: the largest first row at the current size (the view knows it, the keys do not). */
    | { type: "scroll"; by: number; max: number }
    | { type: "toggleEarlier" }
    /** A new question or attempt: back to the bottom, collapsed. */
    | { type: "reset" };

export const INITIAL_VIEW: LabViewState = { top: 0, follow: true, expanded: false };

export function labViewReducer(state: LabViewState, action: LabViewAction): LabViewState {
    switch (action.type) {
        case "scroll": {
            const max = Math.max(0, action.max);
            const from = state.follow ? max : Math.min(state.top, max);
            const top = Math.max(0, Math.min(max, from + action.by));
            // Scrolling back to the bottom follows the text again.
            return { ...state, top, follow: top >= max };
        }
        case "toggleEarlier":
            // Expanded, the earlier turns are at the top of the area: show them; folded, back to the newest.
            return state.expanded ? { ...state, expanded: false, top: 0, follow: true } : { ...state, expanded: true, top: 0, follow: false };
        case "reset":
            return INITIAL_VIEW;
    }
}
