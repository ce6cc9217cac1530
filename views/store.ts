import { createStore, type StoreApi } from "zustand/vanilla";
import type { BackendInfo } from "../src/backend/types.js";
import type { LoopPhase, StepKind, StepRecord } from "../src/engine/types.js";
import type { Settings } from "../src/settings.js";
import type { TaskItem, TaskSet } from "../src/tasks/types.js";
import type { Screen } from "./keymap.js";

/** One line of the append-only history printed above the live area (Ink's <Static> never redraws it). */
export type LogEntry = { kind: "step"; step: StepRecord } | { kind: "note"; text: string };

export interface LiveStep {
    kind: StepKind;
    turn: number;
    text: string;
    instructionKey?: string;
}

export interface LoopView {
    nextPhase: LoopPhase;
    busy: boolean;
    canReroll: boolean;
    instructionKey: string;
    instructionText: string;
    /** The verifier mode of the running loop (settings.verifier may already differ: it applies to the next question). */
    verifier: Settings["verifier"];
}

export interface UiState extends LoopView {
    screen: Screen;
    backend: BackendInfo | null;
    settings: Settings;
    tasks: TaskSet;
    index: number;
    item: TaskItem | null;
    /** Bumped for every new loop: keys the <Static> history so a new question starts a fresh list. */
    loopId: number;
    /** Steps of the current item as the record holds them, superseded ones flagged. */
    steps: StepRecord[];
    log: LogEntry[];
    live: LiveStep | null;
    phase: LoopPhase;
    turn: number;
    tokensPerSecond: number | null;
    status: string | null;
    error: string | null;
    sessionDir: string | null;

    setScreen(screen: Screen): void;
    setSettings(settings: Settings): void;
    setStatus(status: string | null, error?: string | null): void;
    beginItem(index: number, item: TaskItem, loop: LoopView): void;
    setLoop(loop: Partial<LoopView>): void;
    setPhase(phase: LoopPhase, turn: number): void;
    setLive(live: LiveStep | null): void;
    appendLive(text: string): void;
    syncSteps(steps: StepRecord[]): void;
}

export type UiStore = StoreApi<UiState>;

export interface UiInit {
    settings: Settings;
    tasks: TaskSet;
    index?: number;
    backend?: BackendInfo | null;
    sessionDir?: string | null;
}

const label = (s: StepRecord) => (s.kind === "reflect" ? `reflection [${s.instruction_key ?? "?"}]` : s.kind === "verify" ? "verdict" : `turn ${s.turn} answer`);

export function createUiStore(init: UiInit): UiStore {
    return createStore<UiState>()((set, get) => ({
        screen: "lab",
        backend: init.backend ?? null,
        settings: init.settings,
        tasks: init.tasks,
        index: init.index ?? 0,
        item: null,
        loopId: 0,
        steps: [],
        log: [],
        live: null,
        phase: "idle",
        turn: 0,
        nextPhase: "answering",
        busy: false,
        canReroll: false,
        instructionKey: "",
        instructionText: "",
        verifier: init.settings.verifier,
        tokensPerSecond: null,
        status: null,
        error: null,
        sessionDir: init.sessionDir ?? null,

        setScreen: (screen) => set({ screen }),
        setSettings: (settings) => set({ settings }),
        setStatus: (status, error = null) => set({ status, error }),
        beginItem: (index, item, loop) =>
            set({ index, item, loopId: get().loopId + 1, steps: [], log: [], live: null, phase: "idle", turn: 0, status: null, error: null, ...loop }),
        setLoop: (loop) => set(loop),
        setPhase: (phase, turn) => set({ phase, turn }),
        setLive: (live) => set({ live }),
        appendLive: (text) => {
            const live = get().live;
            if (live) set({ live: { ...live, text: live.text + text } });
        },
        syncSteps: (steps) => {
            // The record's steps array only grows; a re-roll flags earlier steps superseded in place.
            const prev = get().steps;
            const log = [...get().log];
            const dropped = steps.slice(0, prev.length).filter((s, i) => s.superseded && !prev[i]!.superseded);
            if (dropped.length) log.push({ kind: "note", text: `↻ re-rolled: superseded ${dropped.map(label).join(", ")}` });
            for (const s of steps.slice(prev.length)) log.push({ kind: "step", step: { ...s } });
            const last = steps[steps.length - 1];
            const tps = steps.length > prev.length && last?.tokens_per_second ? last.tokens_per_second : get().tokensPerSecond;
            set({ steps: steps.map((s) => ({ ...s })), log, tokensPerSecond: tps });
        }
    }));
}
