// Code verifier. The answer runs in a sandbox (sandbox.ts, isolated by bubblewrap: see
// isolation.ts) that only evaluates the calls the tests make; the trusted judge (judge.ts)
// compares the returned values with the expected ones outside it. So the answer never sees
// what it is compared with, and nothing it prints, forges or patches can turn a fail into a pass.
import { snippet } from "../terminalText.js";
import { extractCode } from "./extract.js";
import { codeIsolation } from "./isolation.js";
import { Judge, JudgeRefusal, type Judgement } from "./judge.js";
import { runInSandbox, type SandboxRun } from "./sandbox.js";
import type { Verdict } from "./types.js";

export const CODE_TIMEOUT_MS = 10_000;
export const CODE_MEMORY_MB = 512;

export interface CodeOptions {
    timeoutMs?: number;
    memoryMb?: number;
}

/** What the answer produced, for a reason: one line, controls escaped, at most `n` characters. */
const excerpt = (s: string, n = 120): string => snippet(s.replace(/\s+/g, " ").trim(), n);

function ruleOf(output: string, code: string | null): string {
    if (code === null) return "no code";
    return /```/.test(output) ? "code block" : "whole output";
}

export async function verifyCode(output: string, tests: string[], setup: string | null, opts: CodeOptions = {}): Promise<Verdict> {
    const code = extractCode(output);
    const total = tests.length;
    const rule = ruleOf(output, code);
    if (code === null || !code.trim()) return { correct: false, reason: "no code found in the answer", extracted: null, rule, details: { passed: 0, total } };
    if (total === 0) return { correct: false, reason: "the task has no tests to run", extracted: code, rule, details: { passed: 0, total } };
    const isolation = codeIsolation();
    if (isolation.kind === "none") {
        return { correct: false, reason: `not run: ${isolation.summary} (${isolation.fix})`, extracted: code, rule, details: { passed: 0, total, error: isolation.summary, isolation: "none" } };
    }
    const timeoutMs = opts.timeoutMs ?? CODE_TIMEOUT_MS;
    const judge = new Judge();
    try {
        let steps;
        try {
            steps = await judge.plan(tests);
        } catch (e) {
            const why = e instanceof JudgeRefusal ? `cannot check the task's tests: ${e.message}` : (e as Error).message;
            return { correct: false, reason: why, extracted: code, rule, details: { passed: 0, total, error: why } };
        }
        const run = await runInSandbox({ code, setup, steps, timeoutMs, memoryMb: opts.memoryMb ?? CODE_MEMORY_MB });
        const j = await judge.judge(tests, run.lines);
        return verdictOf(j, run, code, rule, timeoutMs);
    } finally {
        judge.close();
    }
}

function verdictOf(j: Judgement, run: SandboxRun, code: string, rule: string, timeoutMs: number): Verdict {
    const v = judged(j, run, code, rule, timeoutMs);
    // An explicit --unsafe-code-exec run says so on every verdict it gives.
    return run.isolation.kind === "unsafe" ? { ...v, reason: `${v.reason} [ran UNSANDBOXED: --unsafe-code-exec]` } : v;
}

function judged(j: Judgement, run: SandboxRun, code: string, rule: string, timeoutMs: number): Verdict {
    const total = j.total;
    const passed = j.tampered ? 0 : j.passed;
    const details: Record<string, unknown> = { passed, total };
    if (run.isolation.kind !== "bubblewrap") details.isolation = run.isolation.kind;
    const first = j.tests.find((t) => !t.ok);
    if (first?.failing) details.failing = first.failing;
    const verdict = (reason: string, error?: string): Verdict => {
        if (error) details.error = error;
        return { correct: false, reason, extracted: code, rule, details };
    };
    const printed = (): string => {
        const text = excerpt(run.stderr.trim().split("\n").slice(-2).join(" ") || run.stdout, 120);
        return text ? `; it printed: ${text}` : "";
    };
    if (j.tampered) return verdict(`incorrect: ${j.tampered} (a forged result)`, j.tampered);
    if (j.stage_error) {
        const { stage, error, memory } = j.stage_error;
        if (stage === "refused") return verdict(`not run: ${error}`, error);
        const what = memory ? "memory limit exceeded" : `${stage === "setup" ? "the task's setup code" : "the answer"} raised ${excerpt(error, 200)}`;
        return verdict(`${what}; 0/${total} tests passed`, memory ? `memory limit exceeded (${excerpt(error, 80)})` : `${stage} raised ${excerpt(error, 200)}`);
    }
    if (run.timedOut || run.signal === "SIGXCPU") {
        details.timedOut = true;
        const error = run.timedOut ? `time limit exceeded (${timeoutMs} ms)` : "CPU time limit exceeded";
        return verdict(`${error}; ${passed}/${total} tests passed before it`, error);
    }
    if (run.flooded) return verdict(`the answer flooded the result channel; ${passed}/${total} tests passed`, "result channel flooded");
    if (j.not_loaded) {
        const how = run.signal ? `killed by ${run.signal}` : `exit code ${run.code}`;
        const memory = /MemoryError/.test(run.stderr);
        const error = memory ? "memory limit exceeded" : `the answer's process ended before its code had loaded (${how})`;
        return verdict(`${error}; 0/${total} tests passed${memory ? "" : printed()}`, error);
    }
    if (!first) return { correct: true, reason: `all ${total} tests passed`, extracted: code, rule, details };
    const missing = first.missing ? `the answer's process ended early (${run.signal ? `killed by ${run.signal}` : `exit code ${run.code}`})` : null;
    const error = first.memory ? `memory limit exceeded (${first.error})` : (missing ?? first.error ?? "failed");
    const got = first.got?.length ? `; got ${first.got.join(", ")}` : "";
    return verdict(`${passed}/${total} tests passed; first failure: ${excerpt(first.failing ?? "", 160)} -> ${excerpt(error, 200)}${got}${missing ? printed() : ""}`, error);
}
