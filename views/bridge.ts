import type { EngineEvent } from "../src/engine/types.js";
import type { UiStore } from "./store.js";

/** Turns engine events into store updates; the engine knows nothing of React (promptfoo's evalBridge idea). */
export function createBridge(store: UiStore): (e: EngineEvent) => void {
    return (e) => {
        const s = store.getState();
        switch (e.type) {
            case "phase":
                s.setPhase(e.phase, e.turn);
                break;
            case "prompt":
                s.setLive({ kind: e.kind, turn: e.turn, text: "", instructionKey: e.instruction_key, sampleIndex: e.sample_index });
                break;
            case "text":
                s.appendLive(e.text);
                break;
            case "step":
                s.syncSteps(e.record.steps);
                s.setLive(null);
                break;
            case "done":
                s.syncSteps(e.record.steps);
                s.setPhase("done", e.record.correct_by_turn.length);
                if (e.record.status === "aborted") s.setStatus("generation aborted");
                break;
            case "error":
                s.syncSteps(e.record.steps);
                s.setStatus(null, e.error.message);
                break;
        }
    };
}
