// The presenter's state: where the teacher is in the walkthrough and how it is paced. The
// walkthrough itself stays a prop (the live driver replaces it as the model streams), so every
// action that depends on it is given what it needs.
import { createStore, type StoreApi } from "zustand/vanilla";

export type SpeedLevel = "instant" | "fast" | "readable" | "slow";

/** Slowest first: `-` moves left, `+` moves right. Characters per second (instant: all at once). */
export const SPEEDS: readonly { level: SpeedLevel; cps: number }[] = [
    { level: "slow", cps: 20 },
    { level: "readable", cps: 60 },
    { level: "fast", cps: 200 },
    { level: "instant", cps: Infinity }
];

export const cpsOf = (level: SpeedLevel): number => SPEEDS.find((s) => s.level === level)!.cps;

/** What `space` did: completed the stage's typing, revealed its verdict, moved on, or hit the end. */
export type NextResult = "completed" | "revealed" | "advanced" | "waiting" | "end";

/** The facts about the walkthrough that `next` needs. */
export interface NextContext {
    count: number;
    /** The current stage still types (streamed, not done, fewer chars typed than it has). */
    typing: boolean;
    /** The current stage is a verdict that is hidden now. */
    hiddenVerdict: boolean;
    /** Live mode with the model still working: more stages will come. */
    more: boolean;
}

export interface TeachState {
    index: number;
    /** Stages whose verdict was revealed (hideVerdicts on), by index. */
    revealed: Record<number, true>;
    /** Stages shown in full once (completed or left): going back to one does not retype it. */
    done: Record<number, true>;
    hideVerdicts: boolean;
    paused: boolean;
    speed: SpeedLevel;
    /** Characters of the current stage typed so far. */
    typed: number;
    /** Lines the current stage's body is scrolled down. */
    scroll: number;
    /** The message line (export results, "waiting for the model"); cleared by the next move. */
    message: string | null;
    /** `space` pressed on the last stage while the model works: the next stage opens as it arrives. */
    armed: boolean;
    help: boolean;

    next(ctx: NextContext): NextResult;
    back(): void;
    /** Moves to the stage (clamped), e.g. when the walkthrough shrank. */
    goto(index: number, count: number): void;
    type(chars: number, length: number): void;
    scrollBy(delta: number, max: number): void;
    reveal(): void;
    toggleHide(): void;
    togglePause(): void;
    changeSpeed(step: 1 | -1): void;
    setMessage(message: string | null): void;
    toggleHelp(open?: boolean): void;
    /** A different walkthrough: back to its first stage, nothing revealed or typed. */
    reset(): void;
}

export type TeachStore = StoreApi<TeachState>;

export interface TeachInit {
    hideVerdicts?: boolean;
    speed?: SpeedLevel;
}

export function createTeachStore(init: TeachInit = {}): TeachStore {
    return createStore<TeachState>((set, get) => {
        // Leaving a stage marks it done, so a look back shows it whole instead of typing it again.
        const moveTo = (index: number) => {
            const s = get();
            set({ index, typed: 0, scroll: 0, message: null, armed: false, done: { ...s.done, [s.index]: true } });
        };
        return {
            index: 0,
            revealed: {},
            done: {},
            hideVerdicts: init.hideVerdicts ?? false,
            paused: false,
            speed: init.speed ?? "readable",
            typed: 0,
            scroll: 0,
            message: null,
            armed: false,
            help: false,

            next(ctx) {
                const s = get();
                if (ctx.typing) {
                    set({ done: { ...s.done, [s.index]: true }, scroll: 0, message: null });
                    return "completed";
                }
                if (ctx.hiddenVerdict) {
                    set({ revealed: { ...s.revealed, [s.index]: true }, message: null });
                    return "revealed";
                }
                if (s.index < ctx.count - 1) {
                    moveTo(s.index + 1);
                    return "advanced";
                }
                if (ctx.more) {
                    set({ armed: true, message: "waiting for the model: the next stage opens as soon as it starts" });
                    return "waiting";
                }
                set({ message: "the end of this walkthrough" });
                return "end";
            },
            back() {
                const s = get();
                if (s.index > 0) moveTo(s.index - 1);
                else set({ message: "this is the first stage", armed: false });
            },
            goto(index, count) {
                const i = Math.max(0, Math.min(index, count - 1));
                if (i !== get().index) moveTo(i);
            },
            type(chars, length) {
                const s = get();
                const typed = Math.min(length, s.typed + chars);
                if (typed !== s.typed) set({ typed });
            },
            scrollBy(delta, max) {
                const s = get();
                const scroll = Math.max(0, Math.min(max, s.scroll + delta));
                if (scroll !== s.scroll) set({ scroll });
            },
            reveal() {
                set((s) => ({ revealed: { ...s.revealed, [s.index]: true } }));
            },
            toggleHide() {
                const hideVerdicts = !get().hideVerdicts;
                set({ hideVerdicts, message: hideVerdicts ? "verdicts hidden: each one waits for v" : "verdicts shown" });
            },
            togglePause() {
                set((s) => ({ paused: !s.paused }));
            },
            changeSpeed(step) {
                const i = SPEEDS.findIndex((x) => x.level === get().speed);
                const j = Math.max(0, Math.min(SPEEDS.length - 1, i + step));
                set({ speed: SPEEDS[j]!.level });
            },
            setMessage(message) {
                set({ message });
            },
            toggleHelp(open) {
                set((s) => ({ help: open ?? !s.help }));
            },
            reset() {
                set({ index: 0, revealed: {}, done: {}, typed: 0, scroll: 0, message: null, armed: false, help: false });
            }
        };
    });
}
