// Math verifier: mathematical equivalence via Hugging Face's math-verify (Python), run in ONE
// long-lived worker because importing sympy costs seconds. The worker is started lazily,
// shared by all callers, restarted after a timeout or crash, and never keeps Node alive.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { answerValues, boxedContents, finalExpression, listOrStep, markedAnswer, valueKey } from "./extract.js";
import { reasonLine, shown } from "./line.js";
import type { Verdict } from "./types.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const PROJECT_ROOT = join(HERE, "..", "..");
const WORKER_SCRIPT = join(HERE, "py", "math_worker.py");

/** Per-request budget once the worker is ready (sympy can hang on adversarial input). */
export const MATH_TIMEOUT_MS = 5000;
/** Budget for starting Python and importing math-verify. */
const STARTUP_TIMEOUT_MS = 60_000;

export function mathPython(): string {
    return process.env.REFLECT_LAB_PYTHON ?? join(PROJECT_ROOT, ".venv", "bin", "python");
}

interface WorkerReply {
    id?: number;
    correct?: boolean;
    gold_parsed?: string | null;
    /** Null when the answer did not parse (sympy's reading of prose is never reported). */
    answer_parsed?: string | null;
    /** The gold is a set, tuple or interval. */
    gold_compound?: boolean;
    /** The answer names several different values and the gold is one value. */
    ambiguous?: boolean;
    error?: string;
}

interface Job {
    gold: string;
    answer: string;
    parts: string[];
    timeoutMs: number;
    resolve: (r: WorkerReply) => void;
}

class MathWorker {
    private child: ChildProcessWithoutNullStreams | null = null;
    private ready: Promise<void> | null = null;
    private queue: Job[] = [];
    private current: { id: number; job: Job; timer: NodeJS.Timeout } | null = null;
    private onLine: ((r: WorkerReply & { ready?: boolean }) => void) | null = null;
    private nextId = 1;
    private abortStart: ((e: Error) => void) | null = null;
    /** One request at a time: the worker is sequential and the timeout must measure only its own work. */
    private busy = false;

    check(gold: string, answer: string, parts: string[], timeoutMs: number): Promise<WorkerReply> {
        return new Promise((resolve) => {
            this.queue.push({ gold, answer, parts, timeoutMs, resolve });
            void this.pump();
        });
    }

    close(): void {
        const pending = this.queue.splice(0);
        this.kill(); // also aborts a start in progress; its job then resolves with the error
        this.finishCurrent({ error: "math worker closed" });
        for (const job of pending) job.resolve({ error: "math worker closed" });
    }

    private start(): Promise<void> {
        const python = mathPython();
        if (!process.env.REFLECT_LAB_PYTHON && !existsSync(python)) {
            return Promise.reject(new Error(`no Python environment at ${python}; run \`npm run setup\``));
        }
        const child = spawn(python, ["-u", WORKER_SCRIPT], { stdio: ["pipe", "pipe", "pipe"] });
        this.child = child;
        let stderr = "";
        child.stderr.on("data", (d: Buffer) => {
            stderr = (stderr + d.toString()).slice(-2000);
        });
        createInterface({ input: child.stdout }).on("line", (line) => {
            let msg: WorkerReply & { ready?: boolean };
            try {
                msg = JSON.parse(line);
            } catch {
                return; // stray output from a library; replies are always JSON
            }
            this.onLine?.(msg);
        });
        child.stdin.on("error", () => {}); // a dead worker is handled by the "exit" event
        return new Promise<void>((resolve, reject) => {
            const timer = setTimeout(() => fail(new Error("math worker did not start in time")), STARTUP_TIMEOUT_MS);
            const fail = (e: Error): void => {
                clearTimeout(timer);
                this.abortStart = null;
                this.kill();
                reject(e);
            };
            this.abortStart = fail;
            this.onLine = (msg) => {
                if (!msg.ready) return;
                clearTimeout(timer);
                this.abortStart = null;
                this.onLine = (m) => this.reply(m);
                resolve();
            };
            child.on("error", (e) => fail(new Error(`could not start ${python}: ${e.message}`)));
            child.on("exit", (code, signal) => {
                if (this.child !== child) return;
                this.child = null;
                this.ready = null;
                const why = `math worker exited (${signal ?? `code ${code}`})${stderr ? `: ${stderr.trim().split("\n").pop()}` : ""}`;
                clearTimeout(timer);
                this.abortStart = null;
                reject(new Error(why));
                this.finishCurrent({ error: why });
            });
        });
    }

    private async pump(): Promise<void> {
        if (this.busy || this.queue.length === 0) return;
        this.busy = true;
        const job = this.queue.shift()!;
        try {
            this.ready ??= this.start();
            this.setRef(true);
            await this.ready;
        } catch (e) {
            this.ready = null;
            this.busy = false;
            job.resolve({ error: (e as Error).message });
            void this.pump();
            return;
        }
        const id = this.nextId++;
        const timer = setTimeout(() => {
            this.kill(); // the only way to stop a runaway sympy computation
            this.finishCurrent({ error: "timed out" });
        }, job.timeoutMs);
        this.current = { id, job, timer };
        this.child!.stdin.write(JSON.stringify({ id, gold: job.gold, answer: job.answer, ...(job.parts.length > 1 ? { parts: job.parts } : {}) }) + "\n");
    }

    private reply(msg: WorkerReply): void {
        if (this.current && msg.id === this.current.id) this.finishCurrent(msg);
    }

    private finishCurrent(msg: WorkerReply): void {
        const cur = this.current;
        if (!cur) return;
        clearTimeout(cur.timer);
        this.current = null;
        this.busy = false;
        cur.job.resolve(msg);
        if (this.queue.length === 0) this.setRef(false);
        void this.pump();
    }

    private kill(): void {
        const child = this.child;
        const abort = this.abortStart;
        this.abortStart = null;
        abort?.(new Error("math worker closed"));
        this.child = null;
        this.ready = null;
        this.onLine = null;
        if (child) {
            child.stdin.destroy();
            child.stdout.destroy();
            child.stderr.destroy();
            child.kill("SIGKILL");
            child.unref();
        }
    }

    /** Keeps the event loop alive only while a request is in flight. */
    private setRef(on: boolean): void {
        const c = this.child;
        if (!c) return;
        for (const s of [c.stdin, c.stdout, c.stderr] as unknown as { ref?: () => void; unref?: () => void }[]) {
            if (on) s.ref?.();
            else s.unref?.();
        }
        if (on) c.ref();
        else c.unref();
    }
}

let shared: MathWorker | null = null;

/** Stops the shared worker (tests, CLI exit). A later verifyMath starts a new one. */
export function closeMathWorker(): void {
    shared?.close();
    shared = null;
}

/**
 * The gold's final value: the \boxed{} answers when the gold is a full worked solution. Several
 * different boxes ("... \boxed{2} and \boxed{3}") are all kept, as the set "2, 3", so that an
 * answer must give all of them; a single box (or no box) is the value itself.
 */
export function goldValue(gold: string): string {
    const boxes = [...new Set(boxedContents(gold).filter((b) => b !== ""))];
    if (boxes.length === 0) return gold.trim();
    return boxes.join(", ");
}

export interface MathOptions {
    /** Per-request budget; default MATH_TIMEOUT_MS. */
    timeoutMs?: number;
    /** The generation stopped at maxTokens: without a final-answer marker it has no answer. */
    truncated?: boolean;
}

/**
 * The answer is the marked one (last \boxed{}, "Final answer:" line, "the answer is X"), else
 * (unless the output was cut off) a standalone expression on the last line. An answer naming
 * several different values is ambiguous (wrong) unless the gold is a set, tuple or interval.
 */
export async function verifyMath(output: string, gold: string, opts: MathOptions = {}): Promise<Verdict> {
    const g = goldValue(gold);
    const marked = markedAnswer(output);
    // "Final answer: 3. Plan the correction" marks a list item, not an answer.
    const item = marked && marked.rule !== "boxed" ? listOrStep(marked.value) : null;
    if (marked && item) {
        const none = { extracted: null, rule: "none" };
        return { correct: false, ...none, reason: reasonLine(none, g, `the ${marked.rule} ${shown(marked.value)} is ${item}`) };
    }
    let extracted: string;
    let rule: string;
    if (marked) {
        extracted = marked.value;
        rule = marked.rule;
    } else if (opts.truncated) {
        const none = { extracted: null, rule: "cut off" };
        return { correct: false, ...none, reason: reasonLine(none, g, "cut off before a final answer") };
    } else {
        const fe = finalExpression(output);
        if (fe.value === null || fe.value === "") {
            const none = { extracted: null, rule: "none" };
            return { correct: false, ...none, reason: reasonLine(none, g, fe.why ?? "no final answer") };
        }
        extracted = fe.value;
        rule = "final expression";
    }
    const got = { extracted, rule };
    const values = answerValues(extracted);
    const distinct = new Set(values.map(valueKey)).size > 1;
    // One value: compare just it ("7. I hope it is correct." -> "7"); several: the worker decides.
    const answer = values.length === 0 ? extracted : distinct ? values.join(", ") : values[0]!;
    shared ??= new MathWorker();
    const r = await shared.check(g, answer, distinct ? values : [], opts.timeoutMs ?? MATH_TIMEOUT_MS);
    const details: Record<string, unknown> = { goldParsed: r.gold_parsed ?? null, answerParsed: r.answer_parsed ?? null };
    if (answer !== extracted) details.compared = answer;
    if (distinct) details.values = values;
    if (r.error) details.error = r.error;
    // The answer as written, with the part compared when it differs; never sympy's reading of it.
    const line = (why: string) => reasonLine(got, g, why, answer !== extracted ? { as: answer } : {});
    if (r.error === "timed out") return { correct: false, ...got, reason: line("the equivalence check timed out"), details };
    if (r.correct === undefined) {
        return { correct: false, ...got, reason: line(`math verifier unavailable: ${r.error ?? "no reply"}`), details };
    }
    if (r.ambiguous) {
        const none = { extracted: null, rule: "ambiguous" };
        return {
            correct: false,
            ...none,
            reason: reasonLine(none, g, `ambiguous: ${shown(extracted)} (${rule}) names several values`),
            details: { ...details, candidate: extracted, candidateRule: rule }
        };
    }
    let why: string;
    if (r.correct) why = "equivalent";
    else if (r.gold_parsed === null && /gold/.test(r.error ?? "")) why = "the gold is not readable as math";
    else if (r.answer_parsed === null || /could not parse/.test(r.error ?? "")) why = "not readable as math";
    else why = r.gold_compound && !distinct ? "not equivalent (the gold has several values)" : "not equivalent";
    return { correct: r.correct, ...got, reason: line(why), details };
}
