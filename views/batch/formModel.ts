import { basename, join } from "node:path";
import { defaultParallel } from "../../src/batch/parallel.js";
import { parseInstructionPlan } from "../../src/batch/plan.js";
import { defaultRunDir } from "../../src/batch/session.js";
import type { BatchConfig } from "../../src/batch/types.js";
import { reflectorFromTraining } from "../../src/batch/reflector.js";
import { EndpointStore } from "../../src/endpoints/store.js";
import { endpointRef } from "../../src/endpoints/types.js";
import type { InstructionPool } from "../../src/prompts/pool.js";
import { validateSetting, type Settings } from "../../src/settings.js";
import type { BatchRunInfo as RunListing } from "../../src/batch/runs.js";

export interface BatchFormValues {
    tasks: string;
    limit: string;
    parallel: string;
    k: string;
    instructions: string;
    maxTurns: string;
    /** Tokens per generation; the stored setting by default. */
    maxTokens: string;
    /** Sampling temperature; the stored setting by default. */
    temperature: string;
    mode: string;
    verifier: string;
    seed: string;
    out: string;
    /** "" = a new run, else the folder of the run to resume. */
    resume: string;
    /** A finished training run folder whose reflector/corrector the run uses; "" = the base model. */
    trained: string;
}

export interface FormField {
    key: keyof BatchFormValues;
    kind: "text" | "choice";
    hint: string;
    /** Choices of a choice field, given the form's context. */
    options?: (ctx: FormContext) => string[];
    format?: (value: string, ctx: FormContext) => string;
}

export interface FormContext {
    instructionKey: string;
    pool: InstructionPool;
    runs: RunListing[];
}

export const FORM_FIELDS: FormField[] = [
    { key: "tasks", kind: "text", hint: "space-separated task files, or demo" },
    { key: "limit", kind: "text", hint: "only the first N items (empty = all)" },
    { key: "parallel", kind: "text", hint: "parallel sequences" },
    { key: "k", kind: "text", hint: "reflections sampled per failed answer and instruction" },
    { key: "instructions", kind: "choice", hint: "which instructions each failed answer is reflected on", options: (c) => [`random:${Math.min(6, c.pool.keys.length)}`, "round-robin", "all", `fixed:${c.instructionKey}`] },
    { key: "maxTurns", kind: "text", hint: "turns per question" },
    { key: "maxTokens", kind: "text", hint: "tokens per generation at most (default: the settings')" },
    { key: "temperature", kind: "text", hint: "sampling temperature (paper: 0.8; default: the settings')" },
    { key: "mode", kind: "choice", hint: "reflect, or retry (no reflection baseline)", options: () => ["reflect", "retry"] },
    { key: "verifier", kind: "choice", hint: "oracle = ground truth, self = the model judges itself, teacher = the teacher endpoint", options: () => ["oracle", "self", "teacher"] },
    { key: "seed", kind: "text", hint: "run seed" },
    { key: "out", kind: "text", hint: "run folder (a new run)" },
    {
        key: "resume",
        kind: "choice",
        hint: "finish a stored run instead (its own config is used)",
        options: (c) => ["", ...c.runs.map((r) => r.dir)],
        format: (v, c) => {
            const r = c.runs.find((x) => x.dir === v);
            return r ? `${r.id} (${r.tasks}, ${r.items} items)` : c.runs.length ? `no: new run (${c.runs.length} stored)` : "no: new run";
        }
    },
    // Last, so the fields above keep their places.
    { key: "trained", kind: "text", hint: "training run folder: its trained reflector/corrector (empty = base model)", format: (v) => v || "base model" }
];

export function formDefaults(s: Settings, ctx: FormContext, sessionsDir: string): BatchFormValues {
    return {
        tasks: "demo",
        limit: "",
        parallel: String(defaultParallel()),
        k: "2",
        instructions: FORM_FIELDS.find((f) => f.key === "instructions")!.options!(ctx)[0]!,
        maxTurns: String(s.maxTurns),
        maxTokens: String(s.maxTokens),
        temperature: String(s.temperature),
        mode: "reflect",
        verifier: s.verifier,
        seed: String(s.seed),
        out: join(sessionsDir, basename(defaultRunDir())),
        resume: "",
        trained: ""
    };
}

export function cycleValue(field: FormField, value: string, dir: 1 | -1, ctx: FormContext): string {
    const opts = field.options?.(ctx) ?? [];
    if (!opts.length) return value;
    const i = opts.indexOf(value);
    return opts[(((i < 0 ? 0 : i + dir) % opts.length) + opts.length) % opts.length]!;
}

const int = (name: string, v: string, min: number): number => {
    const n = Number(v.trim());
    if (!v.trim() || !Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer >= ${min}`);
    return n;
};

/** A sampler setting typed into the form, checked by the same rule as the settings screen and the CLI. */
function setting<K extends "maxTokens" | "temperature">(key: K, v: string): number {
    const n = v.trim() === "" ? NaN : Number(v.trim());
    const err = validateSetting(key, n);
    if (err) throw new Error(err);
    return n;
}

const reflectorOf = (dir: string) => {
    try {
        return reflectorFromTraining(dir);
    } catch (e) {
        throw new Error(`trained: ${(e as Error).message}`);
    }
};

/** The stored endpoint roles a new run from the lab uses (as `reflect-lab batch` does without flags). */
function storedEndpoints(verifier: BatchConfig["verifier"]): Pick<BatchConfig, "endpoint" | "teacher"> {
    const store = new EndpointStore();
    const roles = store.roles();
    const ref = (name: string | undefined) => {
        const e = name ? store.get(name) : undefined;
        return e ? endpointRef(e) : null;
    };
    const teacher = verifier === "teacher" ? ref(roles.verifier ?? roles.teacher) : null;
    if (verifier === "teacher" && !teacher) throw new Error("verifier: teacher needs an endpoint with the verifier or teacher role (settings → e endpoints)");
    return { endpoint: ref(roles.generator), teacher };
}

/** The form as startBatch's request (config, out, resume); throws a message for the form on bad input. */
export function formRequest(v: BatchFormValues, s: Settings, pool: InstructionPool): { config: BatchConfig; out: string; resume: boolean } {
    const tasks = v.tasks.split(/\s+/).filter(Boolean);
    if (!tasks.length) throw new Error('tasks: give task files or "demo"');
    const config: BatchConfig = {
        tasks,
        format: "auto",
        limit: v.limit.trim() && v.limit.trim() !== "all" ? int("limit", v.limit, 1) : null,
        parallel: int("parallel", v.parallel, 1),
        k: int("k", v.k, 1),
        instructions: parseInstructionPlan(v.instructions, pool),
        maxTurns: int("maxTurns", v.maxTurns, 1),
        mode: v.mode === "retry" ? "retry" : "reflect",
        verifier: v.verifier === "self" || v.verifier === "teacher" ? v.verifier : "oracle",
        sampler: { temperature: setting("temperature", v.temperature), topK: s.topK, topP: s.topP, minP: s.minP, repeatPenalty: s.repeatPenalty, seed: int("seed", v.seed, 0), maxTokens: setting("maxTokens", v.maxTokens) },
        model: s.model,
        contextSize: s.contextSize,
        reflector: v.trained.trim() && !v.resume ? reflectorOf(v.trained.trim()) : null
    };
    if (v.resume) return { config, out: v.resume, resume: true };
    Object.assign(config, storedEndpoints(config.verifier));
    if (!v.out.trim()) throw new Error("out: give a run folder");
    return { config, out: v.out.trim(), resume: false };
}
