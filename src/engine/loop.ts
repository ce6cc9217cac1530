import type { Backend, ChatMessage, GenerateResult, SamplerSettings } from "../backend/types.js";
import type { InstructionPool } from "../prompts/pool.js";
import type { TurnTemplates } from "../prompts/templates.js";
import type { TaskItem } from "../tasks/types.js";
import type { OutputMeta, Verdict } from "../verify/types.js";
import { runSelfVerify, selfVerifyCall } from "../verify/self.js";
import { teacherVerifyStep } from "./teacherStep.js";
import { defaultTeacherTemplates, type TeacherTemplates } from "../teacher/templates.js";
import { stepSeed } from "./seed.js";
import { RECORD_SCHEMA, type EngineEvent, type ItemRecord, type LoopConfig, type LoopPhase, type LoopState, type ModelRef, type StepKind, type StepRecord } from "./types.js";
export type { LoopState } from "./types.js";
import { formatSelection } from "../prompts/pool.js";
import { nextPhaseOf } from "./phase.js";

export type OracleFn = (item: TaskItem, output: string, meta?: OutputMeta) => Promise<Verdict>;

const modelRef = (b: Backend): ModelRef => ({ file: b.info.modelFile, sha256: b.info.modelSha256, adapters: b.info.adapters });

export interface LoopDeps {
    /** The generator: turn-1 answers and `self` verification; also every other step unless `roles` names another backend. */
    backend: Backend;
    /**
     * Backends for the reflector (reflect steps) and corrector (correct steps), e.g. the base model with a
     * trained LoRA adapter (the paper's evaluation); each falls back to `backend`.
     */
    roles?: { reflect?: Backend; correct?: Backend };
    templates: TurnTemplates;
    /** The `teacher` verifier's model: judges answers in that mode, never writes to the conversation. */
    teacher?: Backend;
    /** prompts/teacher/*.txt from the run's prompts folder (default: the project's). */
    teacherTemplates?: TeacherTemplates;
    pool: InstructionPool;
    oracle: OracleFn;
    runId: string;
    /** Index of this reflection in the run, for round-robin / random instruction selection. */
    selectionIndex?: number;
    onEvent?: (e: EngineEvent) => void;
    /** Emit "text" events while generating (the TUI streams them); batch runs switch it off to spare the main thread. */
    stream?: boolean;
}

/** The turn engine for one question: generator, verifier, reflector and corrector as a typed state machine. */
export class ReflectionLoop {
    readonly record: ItemRecord;
    private state: LoopState = { kind: "start" };
    /** The conversation the model sees next: the original question, then its attempts, verdict signals and reflections. */
    private conversation: ChatMessage[] = [];
    private busy = false;
    private abortController: AbortController | null = null;
    private instructionKey: string;
    private lastAttempt = "";
    /** Whether lastAttempt was cut off at maxTokens (the oracle treats an unmarked cut-off answer as none). */
    private lastTruncated = false;
    /**
     * Which sample of the reflection chain this is: every step after the turn-1 verdict carries it
     * and draws its seed from it, so K samples from one failed attempt differ but each is reproducible.
     */
    private sample = 0;

    constructor(
        readonly item: TaskItem,
        readonly config: LoopConfig,
        private readonly deps: LoopDeps
    ) {
        const b = deps.backend.info;
        this.record = {
            schema: RECORD_SCHEMA,
            run_id: deps.runId,
            item: { id: item.id, task: item.task, family: item.family, question: item.question, choices: item.choices, answer: item.answer },
            model: modelRef(deps.backend),
            backend: { kind: b.kind, compute: b.compute, gpuLayers: b.gpuLayers, totalLayers: b.totalLayers, contextSize: b.contextSize, threads: b.threads },
            config: { max_turns: config.maxTurns, verifier: config.verifier, mode: config.mode, seed: config.sampler.seed, sampler: config.sampler, instructions: formatSelection(config.instructions) },
            steps: [],
            correct_by_turn: [],
            status: "running",
            started_at: new Date().toISOString()
        };
        this.instructionKey = deps.pool.select(config.instructions, deps.selectionIndex ?? 0, config.sampler.seed).key;
    }

    get current(): LoopState {
        return this.state;
    }

    get isBusy(): boolean {
        return this.busy;
    }

    get isDone(): boolean {
        return this.state.kind === "done";
    }

    /** The instruction the next (or re-rolled) reflection will follow. */
    get instruction(): string {
        return this.instructionKey;
    }

    setInstruction(key: string): void {
        this.instructionKey = this.deps.pool.get(key).key;
    }

    /**
     * Changes the sampler from the next generation on (a running one keeps its own). The seed is left
     * out: it is the base every step's seed derives from, so changing it mid-question would break the
     * record's reproducibility. Each step records the sampler it used; the record's config keeps the
     * one the loop started with. The config object is replaced, not mutated: forks may share it.
     */
    setSampler(partial: Partial<Omit<SamplerSettings, "seed">>): void {
        const { seed: _seed, ...rest } = partial as Partial<SamplerSettings>;
        (this as { config: LoopConfig }).config = { ...this.config, sampler: { ...this.config.sampler, ...rest } };
    }

    /** What `next()` would do now, for the UI. */
    get nextPhase(): LoopPhase {
        return nextPhaseOf(this.state, this.config.mode);
    }

    /** Whether a re-roll is possible: the current turn has a reflection to replace. */
    get canReroll(): boolean {
        return this.config.mode === "reflect" && this.currentReflection() !== undefined && !this.busy;
    }

    abort(): void {
        this.abortController?.abort();
    }

    /** Runs the loop to the end (headless use). */
    async runToEnd(): Promise<ItemRecord> {
        while (!this.isDone) await this.next();
        return this.record;
    }

    /** Performs one step. */
    async next(): Promise<void> {
        if (this.busy) throw new Error("a step is already running");
        this.busy = true;
        try {
            // Checked before the first step, so no answer is generated for a loop that cannot be judged.
            if (this.config.verifier === "teacher" && !this.deps.teacher) throw new Error('verifier "teacher" needs a teacher model, and none is configured: pass a teacher endpoint (--teacher <endpoint>) or use the oracle or self verifier');
            const s = this.state;
            switch (s.kind) {
                case "start":
                    await this.answer(1, "answer");
                    break;
                case "answered":
                    await this.verify(s.turn);
                    break;
                case "judged":
                    // verify() already finished the loop on a correct verdict or at the last turn.
                    if (this.config.mode === "retry") await this.answer(s.turn + 1, "correct");
                    else await this.reflect(s.turn);
                    break;
                case "reflected":
                    await this.answer(s.turn + 1, "correct");
                    break;
                case "done":
                    break;
            }
        } catch (e) {
            this.record.status = "error";
            this.record.error = (e as Error).message;
            this.state = { kind: "done" };
            this.emit({ type: "error", error: e as Error, record: this.record });
            throw e;
        } finally {
            this.busy = false;
            this.abortController = null;
        }
    }

    /**
     * Replaces the current turn's reflection (and anything after it in this turn) with a new sample
     * from the same failed attempt, following the currently selected instruction.
     */
    async reroll(): Promise<void> {
        const refl = this.currentReflection();
        if (!refl || this.busy) throw new Error("nothing to re-roll: re-roll replaces the reflection of the current turn");
        this.busy = true;
        try {
            const turn = refl.turn;
            const samples = this.record.steps.filter((st) => st.kind === "reflect" && st.turn === turn).length;
            // Drop the reflection and whatever followed it from the conversation and the effective results.
            for (const st of this.record.steps.slice(this.record.steps.indexOf(refl))) st.superseded = true;
            this.record.correct_by_turn.length = turn;
            this.record.status = "running";
            delete this.record.finished_at;
            this.conversation = this.conversationUpTo(turn);
            this.state = { kind: "judged", turn, correct: false };
            this.sample = samples;
            await this.reflect(turn);
        } finally {
            this.busy = false;
            this.abortController = null;
        }
    }

    private currentReflection(): StepRecord | undefined {
        const live = this.record.steps.filter((st) => !st.superseded);
        return [...live].reverse().find((st) => st.kind === "reflect");
    }

    /** The conversation as it stood right after turn `turn`'s verdict. */
    private conversationUpTo(turn: number): ChatMessage[] {
        const answers = this.record.steps.filter((st) => (st.kind === "answer" || st.kind === "correct") && st.turn === turn && !st.superseded);
        const last = answers[answers.length - 1]!;
        return [...last.messages!, { role: "assistant", content: last.output ?? "" }];
    }

    /** Seeds depend on the step, the chain's instruction and sample, never on scheduling. */
    private sampler(kind: StepKind, turn: number, sampleIndex: number): SamplerSettings {
        const tag = kind === "answer" || (kind === "verify" && turn === 1) ? kind : `${kind}:${kind === "reflect" ? this.instructionKey : this.chainKey()}`;
        return { ...this.config.sampler, seed: stepSeed(this.config.sampler.seed, this.item.id, turn, tag, sampleIndex) };
    }

    /** The instruction of the chain's latest reflection ("retry" without reflections). */
    private chainKey(): string {
        return this.currentReflection()?.instruction_key ?? (this.config.mode === "retry" ? "retry" : this.instructionKey);
    }

    /**
     * A new chain from this loop's failed turn-1 attempt (reject sampling): the same answer and
     * verdict, then its own reflection following `instructionKey` as sample `sampleIndex`.
     * Valid right after a turn-1 verdict of "incorrect".
     */
    fork(instructionKey: string, sampleIndex: number, deps: Partial<LoopDeps> = {}): ReflectionLoop {
        const s = this.state;
        if (s.kind !== "judged" || s.turn !== 1 || s.correct) throw new Error("fork needs a loop that has just judged its turn-1 answer incorrect");
        const child = new ReflectionLoop(this.item, this.config, { ...this.deps, ...deps });
        const shared = structuredClone({ steps: this.record.steps, correct_by_turn: this.record.correct_by_turn });
        child.record.steps = shared.steps;
        child.record.correct_by_turn = shared.correct_by_turn;
        child.record.started_at = this.record.started_at;
        child.record.sample = { instruction_key: this.config.mode === "retry" ? null : instructionKey, sample_index: sampleIndex };
        child.conversation = structuredClone(this.conversation);
        child.lastAttempt = this.lastAttempt;
        child.lastTruncated = this.lastTruncated;
        child.state = { kind: "judged", turn: 1, correct: false };
        child.instructionKey = this.deps.pool.get(instructionKey).key;
        child.sample = sampleIndex;
        return child;
    }

    /**
     * A loop that continues from another run's stored turn 1 (the paper's protocol: turn 1 by the frozen
     * base, shared byte for byte between the runs compared): the stored answer and verify steps, the
     * ground truth and the conversation are taken as they are; no model call is made for them.
     */
    static fromStoredTurn1(item: TaskItem, config: LoopConfig, deps: LoopDeps, stored: ItemRecord): ReflectionLoop {
        const loop = new ReflectionLoop(item, config, deps);
        const answer = stored.steps.find((st) => st.kind === "answer" && st.turn === 1 && !st.superseded);
        const verify = stored.steps.find((st) => st.kind === "verify" && st.turn === 1 && !st.superseded);
        if (!answer?.messages || answer.output === undefined || !verify?.verdict || stored.correct_by_turn[0] === undefined) throw new Error(`the stored record of ${item.id} has no complete turn 1 (answer and verdict)`);
        const turn1 = structuredClone([answer, verify]);
        loop.record.steps = turn1;
        loop.record.correct_by_turn = [stored.correct_by_turn[0]];
        loop.record.started_at = stored.started_at;
        loop.lastAttempt = answer.output;
        loop.lastTruncated = answer.stop_reason === "maxTokens";
        loop.conversation = [...structuredClone(answer.messages), { role: "assistant", content: answer.output }];
        loop.state = { kind: "judged", turn: 1, correct: verify.verdict.correct };
        if (verify.verdict.correct || config.maxTurns <= 1) loop.finish();
        return loop;
    }

    private emit(e: EngineEvent): void {
        this.deps.onEvent?.(e);
    }

    /** The backend of a step's role: verification stays with the generator (it judges its own answers). */
    private backendFor(kind: StepKind): Backend {
        const role = kind === "reflect" ? this.deps.roles?.reflect : kind === "correct" ? this.deps.roles?.correct : undefined;
        return role ?? this.deps.backend;
    }

    private async generate(kind: StepKind, turn: number, sampleIndex: number, messages: ChatMessage[], extra: Partial<StepRecord> = {}): Promise<{ step: StepRecord; result: GenerateResult }> {
        const backend = this.backendFor(kind);
        // A step made by another model than the record's says which (file, hash, adapters), same names as record.model.
        const other = backend !== this.deps.backend ? { model: modelRef(backend) } : {};
        const prompt = backend.renderPrompt(messages);
        const sampler = this.sampler(kind, turn, sampleIndex);
        const started = new Date().toISOString();
        this.emit({ type: "prompt", kind, turn, sample_index: sampleIndex, messages, prompt, instruction_key: extra.instruction_key });
        this.abortController = new AbortController();
        const result = await backend.generate({
            messages,
            sampler,
            signal: this.abortController.signal,
            onText: this.deps.stream === false ? undefined : (text) => this.emit({ type: "text", kind, turn, text })
        });
        const step: StepRecord = {
            kind,
            turn,
            sample_index: sampleIndex,
            messages,
            prompt,
            output: result.text,
            sampler,
            seed: sampler.seed,
            prompt_tokens: result.promptTokens,
            cached_tokens: result.cachedTokens,
            output_tokens: result.outputTokens,
            tokens_per_second: result.tokensPerSecond,
            stop_reason: result.stopReason,
            ms: result.ms,
            started_at: started,
            ...other,
            ...extra
        };
        return { step, result };
    }

    private push(step: StepRecord): void {
        this.record.steps.push(step);
        this.emit({ type: "step", step, record: this.record });
        if (step.stop_reason === "abort") {
            this.record.status = "aborted";
            this.state = { kind: "done" };
            this.record.finished_at = new Date().toISOString();
            this.emit({ type: "done", record: this.record });
        }
    }

    private async answer(turn: number, kind: "answer" | "correct"): Promise<void> {
        this.emit({ type: "phase", phase: kind === "answer" ? "answering" : "correcting", turn });
        const { templates } = this.deps;
        let messages: ChatMessage[];
        if (kind === "answer") messages = [{ role: "user", content: templates.render("answer", this.item) }];
        else if (this.config.mode === "retry") messages = [...this.conversation, { role: "user", content: templates.render("retry", this.item) }];
        else messages = [...this.conversation, { role: "user", content: templates.render("correct", this.item) }];
        const { step } = await this.generate(kind, turn, kind === "answer" ? 0 : this.sample, messages);
        this.lastAttempt = step.output ?? "";
        this.lastTruncated = step.stop_reason === "maxTokens";
        this.conversation = [...messages, { role: "assistant", content: this.lastAttempt }];
        this.push(step);
        if (!this.isDone) this.state = { kind: "answered", turn };
    }

    private async verify(turn: number): Promise<void> {
        this.emit({ type: "phase", phase: "verifying", turn });
        const t0 = performance.now();
        const started = new Date().toISOString();
        const oracle = await this.deps.oracle(this.item, this.lastAttempt, { truncated: this.lastTruncated });
        let step: StepRecord;
        if (this.config.verifier === "self") {
            const call = selfVerifyCall(this.deps.backend, this.deps.templates, this.item, this.lastAttempt);
            const sampleIndex = turn === 1 ? 0 : this.sample;
            const sampler = this.sampler("verify", turn, sampleIndex);
            this.emit({ type: "prompt", kind: "verify", turn, sample_index: sampleIndex, messages: call.messages, prompt: call.prompt });
            this.abortController = new AbortController();
            const { verdict, result } = await runSelfVerify(this.deps.backend, call, sampler, this.deps.stream === false ? undefined : (text) => this.emit({ type: "text", kind: "verify", turn, text }), this.abortController.signal);
            step = {
                kind: "verify", turn, sample_index: sampleIndex, messages: call.messages, prompt: call.prompt, output: result.text,
                verdict: { ...verdict, mode: "self" }, oracle_verdict: oracle, sampler, seed: sampler.seed,
                prompt_tokens: result.promptTokens, output_tokens: result.outputTokens, tokens_per_second: result.tokensPerSecond,
                stop_reason: result.stopReason, ms: performance.now() - t0, started_at: started
            };
        } else if (this.config.verifier === "teacher") {
            step = await this.teacherVerify(turn, oracle, t0, started);
        } else {
            step = { kind: "verify", turn, sample_index: turn === 1 ? 0 : this.sample, verdict: { ...oracle, mode: "oracle" }, ms: performance.now() - t0, started_at: started };
        }
        this.record.correct_by_turn[turn - 1] = oracle.correct;
        this.push(step);
        if (this.isDone) return;
        this.state = { kind: "judged", turn, correct: step.verdict!.correct };
        // An answer judged correct (by the oracle, the model itself in `self` mode, or the teacher) ends the loop, as does the last turn.
        if (step.verdict!.correct || turn >= this.config.maxTurns) this.finish();
    }

    /** `teacher` mode (see teacherStep.ts): only the teacher's binary verdict steers the loop. */
    private async teacherVerify(turn: number, oracle: Verdict, t0: number, started: string): Promise<StepRecord> {
        const sampleIndex = turn === 1 ? 0 : this.sample;
        this.abortController = new AbortController();
        return teacherVerifyStep({
            teacher: this.deps.teacher!, templates: this.deps.teacherTemplates ?? defaultTeacherTemplates(), item: this.item, attempt: this.lastAttempt, turn, sampleIndex,
            seed: this.sampler("verify", turn, sampleIndex).seed, oracle, t0, started, stream: this.deps.stream !== false, emit: (e) => this.emit(e), signal: this.abortController.signal
        });
    }

    private async reflect(turn: number): Promise<void> {
        this.emit({ type: "phase", phase: "reflecting", turn });
        const instruction = this.deps.pool.get(this.instructionKey);
        const messages: ChatMessage[] = [...this.conversation, { role: "user", content: this.deps.templates.render("reflect", this.item, { instruction: instruction.text }) }];
        const { step } = await this.generate("reflect", turn, this.sample, messages, { instruction_key: instruction.key });
        this.conversation = [...messages, { role: "assistant", content: step.output ?? "" }];
        this.push(step);
        if (!this.isDone) this.state = { kind: "reflected", turn };
    }

    private finish(): void {
        this.state = { kind: "done" };
        this.record.status = "done";
        this.record.finished_at = new Date().toISOString();
        this.emit({ type: "phase", phase: "done", turn: this.record.correct_by_turn.length });
        this.emit({ type: "done", record: this.record });
    }
}
