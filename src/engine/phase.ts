import type { LoopMode, LoopPhase, LoopState } from "./types.js";

/** What the loop's next step does from `state`: the UI says it before the step runs. */
export function nextPhaseOf(state: LoopState, mode: LoopMode): LoopPhase {
    switch (state.kind) {
        case "start":
            return "answering";
        case "answered":
            return "verifying";
        case "judged":
            return mode === "retry" ? "correcting" : "reflecting";
        case "reflected":
            return "correcting";
        case "done":
            return "done";
    }
}
