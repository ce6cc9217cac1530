import type { EngineEvent, ItemRecord, StepKind, StepRecord } from "../engine/types.js";
import { startLoop, type Lab } from "../lab.js";
import { letterOf } from "../tasks/options.js";
import type { TaskFamily, TaskItem } from "../tasks/types.js";
import type { Walkthrough } from "./types.js";
import { buildWalkthrough, type TeachKit } from "./walkthrough.js";

/** What a live presenter shows: the walkthrough so far (the stage being written included), and what the model is doing. */
export interface LiveState {
    walkthrough: Walkthrough | null;
    pending: string | null;
    done: boolean;
    error: string | null;
}

const DOING: Record<StepKind, string> = {
    answer: "the model is writing its first answer…",
    verify: "the verifier is checking the answer…",
    reflect: "the model is writing its self-reflection…",
    correct: "the model is writing its corrected answer…"
};

/** A question the teacher typed, with its expected answer, as a task item (mc answers become a letter). */
export function typedItem(q: { question: string; answer: string; family: TaskFamily; choices: string[] | null }, n = 1): TaskItem {
    const question = q.question.trim();
    const answer = q.answer.trim();
    if (!question) throw new Error("the question is empty");
    if (!answer) throw new Error("the expected answer is empty");
    let answerIndex: number | null = null;
    let gold = answer;
    if (q.family === "mc") {
        const choices = q.choices ?? [];
        if (choices.length < 2) throw new Error("a multiple-choice question needs at least two choices");
        const letter = /^[A-Za-z]$/.test(answer) ? answer.toUpperCase().charCodeAt(0) - 65 : -1;
        answerIndex = letter >= 0 && letter < choices.length ? letter : choices.findIndex((c) => c.trim().toLowerCase() === answer.toLowerCase());
        if (answerIndex < 0) throw new Error(`the expected answer "${answer}" is neither a choice letter (A-${letterOf(choices.length - 1)}) nor one of the choices`);
        gold = letterOf(answerIndex);
    }
    // A code question's expected answer is its tests: assert lines, one per line.
    const tests = q.family === "code" ? answer.split("\n").map((l) => l.trim()).filter((l) => l.startsWith("assert")) : null;
    if (q.family === "code" && tests!.length === 0) throw new Error("a code question's expected answer is its tests: one or more `assert ...` lines");
    return { id: `typed-${n}`, task: "typed", family: q.family, question, choices: q.family === "mc" ? q.choices : null, answer: gold, answer_index: answerIndex, tests, test_setup: null };
}

/**
 * Runs one item through the lab's loop (recorded in the lab's session like any other) and rebuilds
 * the walkthrough as it goes: finished steps from the record, the step being streamed as a
 * provisional one. Rebuilds are throttled: a token each is more than a projector needs.
 */
export class LiveTeach {
    private state: LiveState = { walkthrough: null, pending: null, done: false, error: null };
    private streaming: { kind: StepKind; turn: number; text: string; instruction_key?: string } | null = null;
    private loop: ReturnType<typeof startLoop> | null = null;
    private timer: NodeJS.Timeout | null = null;
    private runs = 0;
    private running: Promise<unknown> | null = null;

    constructor(
        private readonly lab: Lab,
        private readonly kit: TeachKit,
        private readonly onChange: (s: LiveState) => void,
        private readonly throttleMs = 100
    ) {}

    get current(): LiveState {
        return this.state;
    }

    /** Runs the item to the end of its loop; resolves with the record (aborted ones too). */
    async run(item: TaskItem): Promise<ItemRecord> {
        const run = ++this.runs;
        // One sequence, one loop: the one running stops and lets go of the model before the next starts.
        await this.stop();
        if (run !== this.runs) throw new Error("replaced by a newer question");
        this.streaming = null;
        this.set({ walkthrough: null, pending: DOING.answer, done: false, error: null });
        const loop = startLoop(this.lab, item, (e) => run === this.runs && this.onEvent(e, loop.record));
        this.loop = loop;
        const ran = loop.runToEnd();
        this.running = ran;
        try {
            const record = await ran;
            if (run === this.runs) this.finish(record, record.status === "aborted" ? "stopped" : null);
            return record;
        } catch (e) {
            if (run === this.runs) this.finish(loop.record, (e as Error).message);
            throw e;
        }
    }

    abort(): void {
        this.loop?.abort();
    }

    /** Aborts the loop running (if any) and waits until it has let go of the model. */
    async stop(): Promise<void> {
        this.abort();
        await this.running?.catch(() => {});
    }

    private onEvent(e: EngineEvent, record: ItemRecord): void {
        switch (e.type) {
            case "prompt":
                this.streaming = { kind: e.kind, turn: e.turn, text: "", instruction_key: e.instruction_key };
                this.state = { ...this.state, pending: DOING[e.kind] };
                this.schedule(record, true);
                break;
            case "text":
                if (this.streaming) this.streaming.text += e.text;
                this.schedule(record, false);
                break;
            case "step":
                this.streaming = null;
                this.state = { ...this.state, pending: e.step.kind === "verify" ? DOING.verify : this.state.pending };
                this.schedule(record, true);
                break;
            default:
                break;
        }
    }

    private schedule(record: ItemRecord, now: boolean): void {
        if (now) {
            if (this.timer) clearTimeout(this.timer);
            this.timer = null;
            this.rebuild(record);
        } else if (!this.timer) {
            this.timer = setTimeout(() => {
                this.timer = null;
                this.rebuild(record);
            }, this.throttleMs);
        }
    }

    private rebuild(record: ItemRecord): void {
        const steps: StepRecord[] = [...record.steps];
        const s = this.streaming;
        // The step being written, as if it were done (verify prompts are the self verifier's: shown when judged).
        if (s && s.kind !== "verify") steps.push({ kind: s.kind, turn: s.turn, sample_index: 0, output: s.text, instruction_key: s.instruction_key, ms: 0, started_at: "" });
        const w = buildWalkthrough({ ...record, steps }, { kind: "live", path: this.lab.recorder.dir, itemId: record.item.id }, this.kit);
        // No summary before the loop is over: the outcome is not known yet.
        this.set({ ...this.state, walkthrough: { ...w, stages: w.stages.filter((st) => st.kind !== "summary") } });
    }

    private finish(record: ItemRecord, error: string | null): void {
        if (this.timer) clearTimeout(this.timer);
        this.timer = null;
        this.streaming = null;
        const w = record.steps.length ? buildWalkthrough(record, { kind: "live", path: this.lab.recorder.dir, itemId: record.item.id }, this.kit) : null;
        this.set({ walkthrough: w, pending: null, done: true, error });
    }

    private set(s: LiveState): void {
        this.state = s;
        this.onChange(s);
    }
}
