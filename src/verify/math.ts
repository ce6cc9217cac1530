// Math verifier: mathematical equivalence via Hugging Face's math-verify (Python), run in ONE
// long-lived worker because importing sympy costs seconds. The worker is started lazily,
// shared by all callers, restarted after a timeout or crash, and never keeps Node alive.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { boxedContents, extractFinalAnswer, lastLine } from "./extract.js";
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
    answer_parsed?: string | null;
    error?: string;
}

interface Job {
    gold: string;
    answer: string;
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

    check(gold: string, answer: string, timeoutMs: number): Promise<WorkerReply> {
        return new Promise((resolve) => {
            this.queue.push({ gold, answer, timeoutMs, resolve });
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
        this.child!.stdin.write(JSON.stringify({ id, gold: job.gold, answer: job.answer }) + "\n");
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

/** The gold's final value: the last \boxed{} when the gold is a full worked solution. */
export function goldValue(gold: string): string {
    const boxed = boxedContents(gold).pop();
    return (boxed ?? gold).trim();
}

export interface MathOptions {
    /** Per-request budget; default MATH_TIMEOUT_MS. */
    timeoutMs?: number;
}

export async function verifyMath(output: string, gold: string, opts: MathOptions = {}): Promise<Verdict> {
    const marked = extractFinalAnswer(output);
    const extracted = marked ?? lastLine(output);
    if (extracted === null || extracted === "") return { correct: false, reason: "no final answer found in the output", extracted: null };
    const g = goldValue(gold);
    shared ??= new MathWorker();
    const r = await shared.check(g, extracted, opts.timeoutMs ?? MATH_TIMEOUT_MS);
    const details = { goldParsed: r.gold_parsed ?? null, answerParsed: r.answer_parsed ?? null };
    if (r.error === "timed out") return { correct: false, reason: "timed out", extracted, details };
    if (r.correct === undefined) {
        return { correct: false, reason: `math verifier unavailable: ${r.error ?? "no reply"}`, extracted, details: { ...details, error: r.error } };
    }
    const shown = (s: string | null | undefined, raw: string): string => (s ? `${raw} (parsed ${s})` : raw);
    const where = marked === null ? "; no \"Final answer:\" line, used the last line" : "";
    const why = r.error ? `; ${r.error}` : "";
    return {
        correct: r.correct,
        reason: `${shown(r.answer_parsed, extracted)} is ${r.correct ? "" : "not "}equivalent to gold ${shown(r.gold_parsed, g)}${why}${where}`,
        extracted,
        details: r.error ? { ...details, error: r.error } : details
    };
}
