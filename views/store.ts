import { createStore, type StoreApi } from "zustand/vanilla";
import type { BackendInfo } from "../src/backend/types.js";
import type { ItemRecord, LoopPhase, StepKind, StepRecord } from "../src/engine/types.js";
import type { Settings } from "../src/settings.js";
import type { TaskItem, TaskSet } from "../src/tasks/types.js";
import type { Screen } from "./keymap.js";

/** The generation streaming now. */
export interface LiveStep {
    kind: StepKind;
    turn: number;
    text: string;
    instructionKey?: string;
    sampleIndex?: number;
}

export interface LoopView {
    nextPhase: LoopPhase;
    busy: boolean;
    canReroll: boolean;
    /** The loop has a reflection in effect (not superseded): a changed instruction then applies to a re-roll. */
    hasReflection: boolean;
    instructionKey: string;
    instructionText: string;
    /** The verifier mode of the running loop (settings.verifier may already differ: it applies to the next question). */
    verifier: Settings["verifier"];
}

export interface UiState extends LoopView {
    screen: Screen;
    /** The screen the help overlay was opened from (where ? and esc go back to). */
    helpFrom: Screen;
    backend: BackendInfo | null;
    /** The saved settings (what the settings screen edits). */
    settings: Settings;
    /** The settings in effect now: the model's from the start, the loop's from its question, the sampler's at once. */
    effective: Settings;
    tasks: TaskSet;
    index: number;
    item: TaskItem | null;
    /** Bumped for every new loop or recorded attempt shown: the lab's view state (scroll, expanded) starts over. */
    loopId: number;
    /** Steps of the current item as the record holds them, superseded ones flagged. */
    steps: StepRecord[];
    /** Set while the lab shows an earlier attempt at this question, read-only, instead of a running loop. */
    recorded: ItemRecord | null;
    live: LiveStep | null;
    phase: LoopPhase;
    turn: number;
    tokensPerSecond: number | null;
    status: string | null;
    error: string | null;
    sessionDir: string | null;

    setScreen(screen: Screen): void;
    setSettings(settings: Settings, effective?: Settings): void;
    setStatus(status: string | null, error?: string | null): void;
    beginItem(index: number, item: TaskItem, loop: LoopView): void;
    showRecorded(index: number, item: TaskItem, record: ItemRecord): void;
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

const IDLE_LOOP: LoopView = { nextPhase: "done", busy: false, canReroll: false, hasReflection: false, instructionKey: "", instructionText: "", verifier: "oracle" };

export function createUiStore(init: UiInit): UiStore {
    return createStore<UiState>()((set, get) => ({
        screen: "lab",
        helpFrom: "lab",
        backend: init.backend ?? null,
        settings: init.settings,
        effective: init.settings,
        tasks: init.tasks,
        index: init.index ?? 0,
        item: null,
        loopId: 0,
        steps: [],
        recorded: null,
        live: null,
        phase: "idle",
        turn: 0,
        nextPhase: "answering",
        busy: false,
        canReroll: false,
        hasReflection: false,
        instructionKey: "",
        instructionText: "",
        verifier: init.settings.verifier,
        tokensPerSecond: null,
        status: null,
        error: null,
        sessionDir: init.sessionDir ?? null,

        setScreen: (screen) => set(screen === "help" && get().screen !== "help" ? { screen, helpFrom: get().screen } : { screen }),
        setSettings: (settings, effective) => set({ settings, effective: effective ?? get().effective }),
        setStatus: (status, error = null) => set({ status, error }),
        beginItem: (index, item, loop) =>
            set({ index, item, loopId: get().loopId + 1, steps: [], recorded: null, live: null, phase: "idle", turn: 0, status: null, error: null, ...loop }),
        showRecorded: (index, item, record) =>
            set({
                index,
                item,
                loopId: get().loopId + 1,
                steps: record.steps.map((s) => ({ ...s })),
                recorded: record,
                live: null,
                phase: "done",
                turn: record.correct_by_turn.length,
                status: null,
                error: null,
                ...IDLE_LOOP,
                verifier: record.config.verifier
            }),
        setLoop: (loop) => set(loop),
        setPhase: (phase, turn) => set({ phase, turn }),
        setLive: (live) => set({ live }),
        appendLive: (text) => {
            const live = get().live;
            if (live) set({ live: { ...live, text: live.text + text } });
        },
        syncSteps: (steps) => {
            // The record's steps array only grows; a re-roll flags earlier steps superseded in place, so each is copied.
            const prev = get().steps;
            const last = steps[steps.length - 1];
            const tps = steps.length > prev.length && last?.tokens_per_second ? last.tokens_per_second : get().tokensPerSecond;
            set({ steps: steps.map((s) => ({ ...s })), tokensPerSecond: tps });
        }
    }));
}
