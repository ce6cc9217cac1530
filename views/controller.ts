import { dirname } from "node:path";
import type { ParallelBackend } from "../src/backend/types.js";
import { startLoop, type Lab } from "../src/lab.js";
import type { ReflectionLoop } from "../src/engine/loop.js";
import type { ItemRecord, VerifierMode } from "../src/engine/types.js";
import { EndpointStore } from "../src/endpoints/store.js";
import type { Settings, SettingsStore } from "../src/settings.js";
import { validateSetting } from "../src/settings.js";
import type { TaskSet } from "../src/tasks/types.js";
import { LabBatch } from "./batch/labBatch.js";
import { createBridge } from "./bridge.js";
import { appliesOf } from "./settingsModel.js";
import type { LoopView, UiStore } from "./store.js";

export interface ControllerOptions {
    lab: Lab;
    tasks: TaskSet;
    store: UiStore;
    settingsStore: SettingsStore;
    /** The batch screen's backend; default: startBatch loads its own model instance. Injected in tests. */
    batchBackend?: () => ParallelBackend;
}

/**
 * The glue between keys and the engine (no React): owns the current ReflectionLoop and runs one
 * operation at a time; keys pressed while a generation runs are ignored, except moving and quitting,
 * which abort it first.
 */
export class LabController {
    readonly lab: Lab;
    readonly tasks: TaskSet;
    private readonly store: UiStore;
    private readonly settingsStore: SettingsStore;
    /** The batch screen's run (the lab's own loop is untouched by it). */
    readonly batch: LabBatch;
    private current: ReflectionLoop | null = null;
    private running: Promise<void> | null = null;
    /** Events of a loop we moved away from are dropped. */
    private generation = 0;
    private quitting: Promise<void> | null = null;
    /** Set when we abort on purpose (moving, quitting), so the resulting abort error is not shown as a failure. */
    private aborting = false;
    /** The last attempt at each question visited in this session (by index): shown, read-only, when the lab returns to it. */
    private readonly records = new Map<number, ItemRecord>();
    /** The attempt on screen while no loop runs (a question revisited); null while a loop runs. */
    private shown: ItemRecord | null = null;
    /** What the model was loaded with, and what the current loop started with: the settings in effect. */
    private readonly bootSettings: Settings;
    private loopSettings: Settings;

    constructor(opts: ControllerOptions) {
        this.lab = opts.lab;
        this.tasks = opts.tasks;
        this.store = opts.store;
        this.settingsStore = opts.settingsStore;
        this.bootSettings = { ...opts.lab.settings };
        this.loopSettings = { ...opts.lab.settings };
        this.batch = new LabBatch({ lab: opts.lab, sessionsDir: dirname(opts.lab.recorder.dir), backend: opts.batchBackend });
    }

    get loop(): ReflectionLoop | null {
        return this.current;
    }

    /** The attempt the lab shows: the running loop's record, or a recorded one; null before any. */
    get record(): ItemRecord | null {
        return this.shown ?? this.current?.record ?? null;
    }

    /** The settings in effect now (see UiState.effective). */
    effective(): Settings {
        const out = { ...this.lab.settings };
        for (const key of Object.keys(out) as (keyof Settings)[]) {
            const applies = appliesOf(key);
            const from = applies === "start" ? this.bootSettings : applies === "question" ? this.loopSettings : this.lab.settings;
            (out as Record<string, unknown>)[key] = from[key];
        }
        return out;
    }

    get busy(): boolean {
        return this.running !== null;
    }

    /** Resolves when the running operation (if any) has finished. */
    async idle(): Promise<void> {
        while (this.running) await this.running.catch(() => {});
    }

    /** Starts a fresh loop on item `index` (clamped to the task set). */
    start(index: number): void {
        const n = this.tasks.items.length;
        if (n === 0) return this.store.getState().setStatus(null, "the task set has no items");
        const i = Math.max(0, Math.min(n - 1, index));
        const item = this.tasks.items[i]!;
        const gen = ++this.generation;
        this.aborting = false;
        const bridge = createBridge(this.store);
        this.shown = null;
        this.loopSettings = { ...this.lab.settings };
        this.current = startLoop(this.lab, item, (e) => {
            if (gen === this.generation) bridge(e);
        });
        const s = this.store.getState();
        s.setSettings(this.lab.settings, this.effective());
        s.beginItem(i, item, this.view());
    }

    /** Shows the recorded attempt at item `index` (no loop runs until `again`). */
    private showRecorded(index: number, record: ItemRecord): void {
        ++this.generation;
        this.current = null;
        this.shown = record;
        this.store.getState().showRecorded(index, this.tasks.items[index]!, record);
    }

    /** From a recorded attempt: a fresh attempt at the same question. */
    again(): void {
        if (this.shown) this.start(this.store.getState().index);
    }

    step(): Promise<void> {
        if (this.shown) {
            this.again();
            return Promise.resolve();
        }
        const loop = this.current;
        if (!loop) return Promise.resolve();
        if (loop.isDone) {
            this.store.getState().setStatus("this question is done: r re-rolls the reflection, n goes to the next question");
            return Promise.resolve();
        }
        return this.run(() => loop.next());
    }

    reroll(): Promise<void> {
        if (this.shown) return this.recordedOnly("r re-rolls");
        const loop = this.current;
        if (!loop || this.busy) return Promise.resolve();
        if (!loop.canReroll) {
            this.store.getState().setStatus("nothing to re-roll yet: re-roll replaces the reflection of the current turn");
            return Promise.resolve();
        }
        return this.run(() => {
            const p = loop.reroll();
            // reroll() flags the replaced steps synchronously; show that before the new sample streams.
            this.store.getState().syncSteps(loop.record.steps);
            return p;
        });
    }

    cycleInstruction(dir: 1 | -1): void {
        if (this.shown) return void this.recordedOnly("[ ] pick its instruction");
        const loop = this.current;
        if (!loop) return;
        loop.setInstruction(this.lab.pool.step(loop.instruction, dir));
        this.sync();
    }

    private recordedOnly(what: string): Promise<void> {
        this.store.getState().setStatus(`this is a recorded attempt: space starts a fresh one, where ${what}`);
        return Promise.resolve();
    }

    private teacherAssigned(): boolean {
        try {
            return new EndpointStore().roles().teacher !== undefined;
        } catch {
            return false;
        }
    }

    /** Cycles oracle -> self -> teacher (when a teacher endpoint is assigned) for the next question and saves it. */
    toggleVerifier(): void {
        const order: VerifierMode[] = this.teacherAssigned() ? ["oracle", "self", "teacher"] : ["oracle", "self"];
        const next = order[(order.indexOf(this.lab.settings.verifier) + 1) % order.length]!;
        const err = this.updateSetting("verifier", next);
        if (!err) this.store.getState().setStatus(`verifier ${next}: applies from the next question`);
    }

    /** Moves to another question, aborting a running generation first. */
    async goto(index: number): Promise<void> {
        if (index < 0 || index >= this.tasks.items.length) {
            this.store.getState().setStatus(index < 0 ? "already at the first question" : "already at the last question");
            return;
        }
        this.abortRunning();
        await this.idle();
        const from = this.store.getState().index;
        if (this.current && this.current.record.steps.length > 0) this.records.set(from, structuredClone(this.current.record));
        const recorded = this.records.get(index);
        if (recorded) this.showRecorded(index, recorded);
        else this.start(index);
    }

    nextQuestion(): Promise<void> {
        return this.goto(this.store.getState().index + 1);
    }

    prevQuestion(): Promise<void> {
        return this.goto(this.store.getState().index - 1);
    }

    /** Validates, saves and applies one setting; returns an error message or null. */
    updateSetting<K extends keyof Settings>(key: K, value: Settings[K]): string | null {
        const err = validateSetting(key, value);
        if (err) {
            this.store.getState().setStatus(null, err);
            return err;
        }
        this.settingsStore.set(key, value);
        // startLoop reads lab.settings, so loop settings apply from the next question on; the sampler's
        // reach the running loop at once (its next generation: a re-roll uses them).
        this.lab.settings = { ...this.lab.settings, [key]: value };
        if (appliesOf(key) === "generation") this.current?.setSampler({ [key]: value });
        this.store.getState().setSettings(this.lab.settings, this.effective());
        return null;
    }

    /** Aborts a running generation and waits for it (its steps are already recorded). Idempotent. */
    quit(): Promise<void> {
        this.quitting ??= (async () => {
            this.abortRunning();
            await Promise.all([this.idle(), this.batch.stop()]);
        })();
        return this.quitting;
    }

    private run(op: () => Promise<void>): Promise<void> {
        if (this.running || this.quitting) return Promise.resolve();
        this.store.getState().setStatus(null);
        const p = (async () => {
            try {
                await op();
            } catch (e) {
                // The real backend can throw (rather than return "abort") when aborted during prompt evaluation.
                if (this.aborting) this.store.getState().setStatus("generation aborted");
                else this.store.getState().setStatus(null, (e as Error).message);
            } finally {
                this.running = null;
                this.sync();
            }
        })();
        this.running = p;
        this.sync();
        return p;
    }

    private abortRunning(): void {
        if (!this.running) return;
        this.aborting = true;
        this.current?.abort();
    }

    private view(): LoopView {
        const loop = this.current!;
        return {
            nextPhase: loop.nextPhase,
            busy: this.running !== null,
            canReroll: loop.canReroll,
            hasReflection: loop.record.steps.some((st) => st.kind === "reflect" && !st.superseded),
            instructionKey: loop.instruction,
            instructionText: this.lab.pool.get(loop.instruction).text,
            verifier: loop.config.verifier
        };
    }

    private sync(): void {
        if (this.current) this.store.getState().setLoop(this.view());
    }
}
