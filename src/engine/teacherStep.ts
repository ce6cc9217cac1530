import type { Backend } from "../backend/types.js";
import type { TaskItem } from "../tasks/types.js";
import type { TeacherTemplates } from "../teacher/templates.js";
import { runTeacherVerify, teacherVerifyCall, teacherVerifySampler } from "../verify/teacher.js";
import type { Verdict } from "../verify/types.js";
import type { EngineEvent, StepRecord } from "./types.js";

export interface TeacherStepInput {
    teacher: Backend;
    templates: TeacherTemplates;
    item: TaskItem;
    attempt: string;
    turn: number;
    sampleIndex: number;
    /** The step's seed (from the loop's per-step seeds). */
    seed: number;
    /** The ground truth, stored beside the teacher's verdict for metrics only. */
    oracle: Verdict;
    t0: number;
    started: string;
    stream: boolean;
    emit: (e: EngineEvent) => void;
    signal: AbortSignal;
}

/**
 * `teacher` mode's verify step: the teacher reads the question and the attempt (never the gold answer)
 * and only its binary verdict steers the loop; the step keeps the teacher's prompt and output, names the
 * teacher in `model`, and stores the ground truth beside it for metrics, as `self` does.
 */
export async function teacherVerifyStep(x: TeacherStepInput): Promise<StepRecord> {
    const call = teacherVerifyCall(x.teacher, x.templates, x.item, x.attempt);
    const sampler = teacherVerifySampler(x.seed);
    x.emit({ type: "prompt", kind: "verify", turn: x.turn, sample_index: x.sampleIndex, messages: call.messages, prompt: call.prompt });
    const { verdict, result } = await runTeacherVerify(x.teacher, call, sampler, x.stream ? (text) => x.emit({ type: "text", kind: "verify", turn: x.turn, text }) : undefined, x.signal);
    const t = x.teacher.info;
    return {
        kind: "verify", turn: x.turn, sample_index: x.sampleIndex, messages: call.messages, prompt: call.prompt, output: result.text,
        verdict: { ...verdict, mode: "teacher" }, oracle_verdict: x.oracle, sampler, seed: sampler.seed,
        prompt_tokens: result.promptTokens, output_tokens: result.outputTokens, tokens_per_second: result.tokensPerSecond,
        stop_reason: result.stopReason, ms: performance.now() - x.t0, started_at: x.started, model: { file: t.modelFile, sha256: t.modelSha256, adapters: t.adapters }
    };
}
