// The trusted judge (py/judge.py), one short-lived process per verification: it plans the
// sandbox's steps from the tests, then decides each test from the values the sandbox returned.
// It runs outside the sandbox as the user, and reads only the tests and those values.
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { sandboxPython } from "./isolation.js";
import type { SandboxStep } from "./sandbox.js";

const JUDGE = join(dirname(fileURLToPath(import.meta.url)), "py", "judge.py");
const REPLY_TIMEOUT_MS = 10_000;

export interface TestOutcome {
    ok: boolean;
    error?: string;
    failing?: string;
    got?: string[];
    missing?: boolean;
    memory?: boolean;
}

export interface Judgement {
    total: number;
    passed: number;
    tests: TestOutcome[];
    tampered?: string;
    stage_error?: { stage: string; error: string; memory: boolean };
    not_loaded?: boolean;
}

/** One judge process: `plan` first, then `judge` with the sandbox's lines. Always `close()` it. */
export class Judge {
    private child = spawn(sandboxPython().executable, ["-I", "-S", JUDGE], { stdio: ["pipe", "pipe", "pipe"] });
    private replies: ((line: string | null) => void)[] = [];
    private stderr = "";
    private ended = false;

    constructor() {
        createInterface({ input: this.child.stdout }).on("line", (line) => this.replies.shift()?.(line));
        this.child.stderr.on("data", (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-1000)));
        const end = (): void => {
            this.ended = true;
            for (const r of this.replies.splice(0)) r(null);
        };
        this.child.on("exit", end);
        this.child.on("error", (e) => {
            this.stderr = e.message;
            end();
        });
        this.child.stdin.on("error", () => {});
    }

    private ask<T>(req: object): Promise<T> {
        return new Promise<T>((resolve, reject) => {
            if (this.ended) return reject(new Error(`the code judge is not running: ${this.stderr.trim() || "it exited"}`));
            const timer = setTimeout(() => {
                this.close();
                reject(new Error("the code judge did not answer in time"));
            }, REPLY_TIMEOUT_MS);
            this.replies.push((line) => {
                clearTimeout(timer);
                if (line === null) return reject(new Error(`the code judge exited: ${this.stderr.trim().split("\n").pop() ?? ""}`));
                const msg = JSON.parse(line) as T & { error?: string };
                if (msg.error) reject(new JudgeRefusal(msg.error));
                else resolve(msg);
            });
            this.child.stdin.write(JSON.stringify(req) + "\n");
        });
    }

    async plan(tests: string[]): Promise<SandboxStep[]> {
        return (await this.ask<{ steps: SandboxStep[] }>({ op: "plan", tests })).steps;
    }

    judge(tests: string[], lines: string[]): Promise<Judgement> {
        return this.ask<Judgement>({ op: "judge", tests, lines });
    }

    close(): void {
        this.child.stdin.end();
        this.child.kill("SIGKILL");
    }
}

/** The judge cannot check these tests (not asserts, syntax errors): the task's fault, not the answer's. */
export class JudgeRefusal extends Error {}
