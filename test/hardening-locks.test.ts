// One owner per run folder (batch, training, curation), honest exit codes, and resume from the manifest alone.
// Real child processes throughout: the lock through the real module, `reflect-lab batch` against a stub
// OpenAI-compatible endpoint (no model loads), `reflect-lab train` with the fake trainer.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { PROJECT_ROOT } from "../src/paths.js";
import { acquireRunLock, isLockFile, LOCK_FILE, RunLockedError, type LockInfo } from "../src/runLock.js";
import { startBatch, tasksDifference } from "../src/batch/session.js";
import { exitStatus } from "../bin/batch.js";
import { addCurateCommand } from "../bin/curate.js";
import { tinyConfig, tinyTasks, wrongThenRight } from "./helpers/batchTasks.js";
import { runCommand } from "./helpers/runCommand.js";
import { scriptedParallel } from "./helpers/scriptedBackend.js";
import type { ChatMessage } from "../src/backend/types.js";

const CLI = join(PROJECT_ROOT, "bin", "reflect-lab.js");
const HOLDER = join(PROJECT_ROOT, "test", "helpers", "lockHolder.ts");
const FAKE_TRAINER = join(PROJECT_ROOT, "test", "fixtures", "fake-trainer.py");
const root = mkdtempSync(join(tmpdir(), "rl-locks-"));
const conf = mkdtempSync(join(tmpdir(), "rl-locks-conf-"));
const env: NodeJS.ProcessEnv = { ...process.env, REFLECT_LAB_CONFIG_DIR: conf, RL_LOCK_KEY: "sk-stub" };
const hardware = { gpu: "cpu", gpuLayers: "auto", vramCapMiB: null, threads: null } as const;
const sleeper: number[] = [];

afterAll(() => {
    for (const pid of sleeper) {
        try {
            process.kill(pid, "SIGKILL");
        } catch {
            // gone
        }
    }
    rmSync(root, { recursive: true, force: true });
    rmSync(conf, { recursive: true, force: true });
});

interface Proc {
    child: ChildProcess;
    pid: number;
    readonly out: string;
    readonly err: string;
    exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
    /** Resolves with the first stdout line that `pred` accepts. */
    line(pred: (l: string) => boolean, timeoutMs?: number): Promise<string>;
}

function run(cmd: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}): Proc {
    const t0 = Date.now();
    const child = spawn(cmd, args, { env: { ...env, ...extraEnv }, stdio: ["pipe", "pipe", "pipe"], cwd: PROJECT_ROOT });
    let out = "";
    let err = "";
    const waiters: { pred: (l: string) => boolean; resolve: (l: string) => void }[] = [];
    let buf = "";
    child.stdout!.on("data", (d: Buffer) => {
        out += d.toString();
        buf += d.toString();
        let nl: number;
        while ((nl = buf.indexOf("\n")) >= 0) {
            const l = buf.slice(0, nl);
            buf = buf.slice(nl + 1);
            for (const w of [...waiters]) if (w.pred(l)) waiters.splice(waiters.indexOf(w), 1), w.resolve(l);
        }
    });
    child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
    const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>((r) => child.on("exit", (code, signal) => r({ code, signal, ms: Date.now() - t0 })));
    return {
        child,
        pid: child.pid!,
        get out() {
            return out;
        },
        get err() {
            return err;
        },
        exit,
        line: (pred, timeoutMs = 60_000) =>
            new Promise((res, rej) => {
                const t = setTimeout(() => rej(new Error(`no such line in ${timeoutMs} ms; stdout: ${out}\nstderr: ${err}`)), timeoutMs);
                waiters.push({ pred, resolve: (l) => (clearTimeout(t), res(l)) });
                void exit.then(() => setTimeout(() => rej(new Error(`exited first; stdout: ${out}\nstderr: ${err}`)), 50));
            })
    };
}

const holder = (dir: string, ...extra: string[]) => run(process.execPath, ["--import", "tsx", HOLDER, dir, ...extra]);
const cli = (args: string[], extraEnv: NodeJS.ProcessEnv = {}) => run(process.execPath, [CLI, ...args], extraEnv);
const readLock = (dir: string) => JSON.parse(readFileSync(join(dir, LOCK_FILE), "utf8")) as LockInfo;

describe("the run lock, between real processes", () => {
    it("a second process refuses at once naming the holder's pid; a SIGKILLed holder's lock is taken over, saying so", async () => {
        const dir = join(root, "two");
        const a = holder(dir);
        const held = JSON.parse(await a.line((l) => l.startsWith("{"))) as { held: number; tookOver: string | null };
        expect(held.held).toBe(a.pid);
        expect(held.tookOver).toBeNull();
        const info = readLock(dir);
        expect(info).toMatchObject({ schema: "reflect-lab/lock@1", pid: a.pid, host: hostname(), command: "lockHolder" });
        expect(Date.parse(info.started_at)).toBeGreaterThan(Date.now() - 120_000);

        const b = holder(dir);
        const be = await b.exit;
        expect(be.code).toBe(3);
        expect(b.err).toContain(`run folder ${dir} is in use by pid ${a.pid} (lockHolder, since ${info.started_at}); wait for it to finish, or stop it (kill ${a.pid})`);
        expect(readLock(dir).pid).toBe(a.pid);

        a.child.kill("SIGKILL");
        expect((await a.exit).signal).toBe("SIGKILL");
        expect(readLock(dir).pid).toBe(a.pid); // left behind

        const c = holder(dir);
        const took = JSON.parse(await c.line((l) => l.startsWith("{"))) as { held: number; tookOver: string };
        expect(took.held).toBe(c.pid);
        expect(took.tookOver).toBe(`took over the lock of run folder ${dir}: pid ${a.pid} (lockHolder, since ${info.started_at}), pid ${a.pid} is no longer running`);
        expect(readLock(dir).pid).toBe(c.pid);
        // Ended by a signal through process.exit (as the commands do): the exit hook drops the lock.
        c.child.kill("SIGTERM");
        expect((await c.exit).code).toBe(143);
        expect(existsSync(join(dir, LOCK_FILE))).toBe(false);

        const d = holder(dir);
        await d.line((l) => l.startsWith("{"));
        d.child.kill("SIGINT");
        expect((await d.exit).code).toBe(130);
        expect(existsSync(join(dir, LOCK_FILE))).toBe(false);

        const e = holder(dir);
        await e.line((l) => l.startsWith("{"));
        e.child.stdin!.end();
        expect((await e.exit).code).toBe(0);
        expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    }, 60_000);

    it("two processes finding the same stale lock: exactly one takes it, the other names the winner", async () => {
        const dir = join(root, "race");
        mkdirSync(dir);
        for (let round = 0; round < 3; round++) {
            const dead = holder(dir);
            await dead.line((l) => l.startsWith("{"));
            dead.child.kill("SIGKILL");
            await dead.exit;
            const racers = [holder(dir), holder(dir), holder(dir)];
            const results = await Promise.all(
                racers.map(async (p) => {
                    const first = await Promise.race([p.line((l) => l.startsWith("{")).then(() => "held" as const), p.exit.then(() => "refused" as const)]).catch(() => "refused" as const);
                    return { p, first };
                })
            );
            const winners = results.filter((r) => r.first === "held");
            expect(winners).toHaveLength(1);
            const w = winners[0]!.p;
            expect(readLock(dir).pid).toBe(w.pid);
            for (const r of results.filter((x) => x.first === "refused")) {
                expect((await r.p.exit).code).toBe(3);
                expect(r.p.err).toContain(`is in use by pid ${w.pid}`);
            }
            w.child.stdin!.end();
            await w.exit;
            expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
        }
    }, 90_000);

    it("holds while the holder's child still works in the folder, even after the holder was killed", async () => {
        const dir = join(root, "child");
        const a = holder(dir, "--child");
        const h = JSON.parse(await a.line((l) => l.startsWith("{"))) as { held: number; child: number };
        sleeper.push(h.child);
        expect(readLock(dir).child?.pid).toBe(h.child);
        a.child.kill("SIGKILL");
        await a.exit;
        const b = holder(dir);
        expect((await b.exit).code).toBe(3);
        expect(b.err).toContain(`is in use by pid ${a.pid}`);
        expect(b.err).toContain(`its process ${h.child} is still working in the folder`);
        process.kill(h.child, "SIGKILL");
        await new Promise((r) => setTimeout(r, 200));
        const c = holder(dir);
        const t = JSON.parse(await c.line((l) => l.startsWith("{"))) as { tookOver: string };
        expect(t.tookOver).toContain(`pid ${a.pid} is no longer running (nor its pid ${h.child})`);
        c.child.stdin!.end();
        await c.exit;
    }, 60_000);

    it("in process: another boot's lock is stale, another host's holds, the folder it made goes with it", () => {
        const dir = join(root, "inproc");
        const l = acquireRunLock(dir);
        expect(existsSync(dir)).toBe(true);
        expect(() => acquireRunLock(dir, { what: "curation folder" })).toThrow(new RegExp(`^curation folder ${dir} is in use by pid ${process.pid} `));
        l.release();
        expect(existsSync(dir)).toBe(false); // made only for the lock, still empty

        mkdirSync(dir);
        const base = { schema: "reflect-lab/lock@1", pid: process.pid, proc_start: null, started_at: "2020-01-01T00:00:00.000Z", command: "old", token: "t" };
        writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ ...base, host: hostname(), boot_id: "another-boot" }));
        const bootId = existsSync("/proc/sys/kernel/random/boot_id");
        if (bootId) {
            const m = acquireRunLock(dir);
            expect(m.tookOver).toContain("it is from before this machine's last boot");
            m.release();
            expect(existsSync(dir)).toBe(true); // not made by the lock: stays
        }
        writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ ...base, host: "elsewhere.example", boot_id: "x" }));
        let err: unknown;
        try {
            acquireRunLock(dir);
        } catch (e) {
            err = e;
        }
        expect(err).toBeInstanceOf(RunLockedError);
        expect((err as Error).message).toBe(`run folder ${dir} is in use by pid ${process.pid} on host elsewhere.example (old, since 2020-01-01T00:00:00.000Z); if that process is gone, delete ${join(dir, LOCK_FILE)}`);
        expect([".lock", ".lock.takeover", ".lock-1-a.tmp"].every(isLockFile)).toBe(true);
        expect(isLockFile(".locked-data")).toBe(false);
    });
});

describe("startBatch owns its run folder", () => {
    it("a second startBatch on the same folder refuses before writing anything; the first finishes", async () => {
        const tasks = tinyTasks(join(root, "inproc-tasks.jsonl"), 4);
        const out = join(root, "inproc-batch");
        const first = startBatch({ config: tinyConfig(tasks, { parallel: 2 }), out, hardware, backend: scriptedParallel(2, wrongThenRight, { chunkDelayMs: 5 }) });
        await new Promise((r) => setTimeout(r, 20));
        await expect(startBatch({ config: tinyConfig(tasks), out, hardware, backend: scriptedParallel(1, wrongThenRight), resume: true })).rejects.toThrow(`run folder ${out} is in use by pid ${process.pid}`);
        const s = await first;
        expect(s.done).toBe(4);
        expect(existsSync(join(out, LOCK_FILE))).toBe(false);
    });

    it("--tasks with --resume must be the run's own", () => {
        expect(tasksDifference(["a.jsonl"], ["./a.jsonl"])).toBeNull();
        expect(tasksDifference(["demo"], ["demo"])).toBeNull();
        expect(tasksDifference(["a.jsonl", "b.jsonl"], ["b.jsonl", "a.jsonl"])).toBe("--tasks b.jsonl a.jsonl differs from the run's tasks a.jsonl b.jsonl (the same files in another order); drop --tasks to resume with the run's own");
        expect(tasksDifference(["a.jsonl"], ["c.jsonl"])).toBe("--tasks c.jsonl differs from the run's tasks a.jsonl (not in the run: c.jsonl; missing: a.jsonl); drop --tasks to resume with the run's own");
    });

    it("exit status: 0 only when every item is stored done", () => {
        const r = { runDir: "/r", interrupted: false };
        expect(exitStatus(r, { items: 3, done: 3, errors: 0 })).toEqual({ code: 0, message: null });
        expect(exitStatus(r, { items: 0, done: 0, errors: 0 })).toEqual({ code: 1, message: "nothing was done: the tasks gave no items (run /r)" });
        expect(exitStatus(r, { items: 5, done: 2, errors: 0 })).toEqual({ code: 1, message: "3 of 5 items never ran (2 done). Run them with: reflect-lab batch --out /r --resume" });
        expect(exitStatus({ ...r, interrupted: true }, { items: 5, done: 2, errors: 0 }, 143)).toEqual({ code: 143, message: "interrupted: 2/5 items stored. Resume with: reflect-lab batch --out /r --resume" });
    });
});

/** An OpenAI-compatible stub: wrong at turn 1, right after reflecting; or refusing everything. */
class Stub {
    server!: Server;
    mode: "ok" | "fail" = "ok";
    delayMs = 0;
    /** Turn-1 answer requests per question: an item run twice shows here. */
    firstTurns = new Map<string, number>();
    baseURL = "";

    async start(): Promise<void> {
        this.server = createServer((req, res) => {
            let raw = "";
            req.on("data", (c) => (raw += c));
            req.on("end", () => {
                if (!req.url?.endsWith("/chat/completions")) return void res.writeHead(404).end();
                const body = JSON.parse(raw) as { messages: ChatMessage[]; stream?: boolean };
                if (this.mode === "fail") return void res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "stub refuses this request" } }));
                if (body.messages.length === 1) this.firstTurns.set(body.messages[0]!.content, (this.firstTurns.get(body.messages[0]!.content) ?? 0) + 1);
                const text = wrongThenRight(body.messages);
                setTimeout(() => {
                    if (res.destroyed) return;
                    if (body.stream) {
                        res.writeHead(200, { "content-type": "text/event-stream" });
                        res.write(`data: ${JSON.stringify({ id: "c", object: "chat.completion.chunk", choices: [{ index: 0, delta: { content: text }, finish_reason: null }] })}\n\n`);
                        res.write(`data: ${JSON.stringify({ id: "c", object: "chat.completion.chunk", choices: [{ index: 0, delta: {}, finish_reason: "stop" }] })}\n\n`);
                        return void res.end("data: [DONE]\n\n");
                    }
                    res.writeHead(200, { "content-type": "application/json" }).end(
                        JSON.stringify({ id: "c", object: "chat.completion", choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }], usage: { prompt_tokens: 5, completion_tokens: 5, total_tokens: 10 } })
                    );
                }, this.delayMs);
            });
        });
        await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
        this.baseURL = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
    }

    async close(): Promise<void> {
        this.server.closeAllConnections();
        await new Promise((r) => this.server.close(r));
    }
}

const stored = (out: string) => {
    const db = new Database(join(out, "samples.sqlite"), { readonly: true });
    try {
        return db.prepare("SELECT item_id, status FROM items ORDER BY idx").all() as { item_id: string; status: string }[];
    } finally {
        db.close();
    }
};

describe("reflect-lab batch: exit codes, resume from the manifest, one process per run", () => {
    const stub = new Stub();
    const tasks = join(root, "tasks.jsonl");
    const N = 6;
    const batchArgs = (out: string, extra: string[] = []) => ["batch", "--tasks", tasks, "--endpoint", "stub", "--out", out, "--json", "-P", "2", "--k", "1", "--instructions", "fixed:1-1-1", "--max-turns", "2", "--verifier", "oracle", "--seed", "3", ...extra];

    beforeAll(async () => {
        tinyTasks(tasks, N);
        await stub.start();
        const add = cli(["endpoints", "add", "stub", "--url", stub.baseURL, "--model", "stub-model", "--key-env", "RL_LOCK_KEY", "--max-retries", "0", "--concurrency", "2", "--timeout", "30"]);
        const e = await add.exit;
        expect(e.code, add.err).toBe(0);
    });
    afterAll(() => stub.close());

    it("every item errored: exit 1 with the count, the first error and --retry-errors; --retry-errors without --tasks completes it", async () => {
        const out = join(root, "all-errors");
        stub.mode = "fail";
        const a = cli(batchArgs(out));
        const ae = await a.exit;
        const rows = stored(out);
        expect(rows).toHaveLength(N);
        expect(rows.every((r) => r.status === "error")).toBe(true);
        expect(ae.code).toBe(1);
        expect(a.err).toContain(`${N} of ${N} items errored (0 done); first: q0: `);
        expect(a.err).toContain(`Rerun them with: reflect-lab batch --out ${out} --retry-errors`);
        expect(existsSync(join(out, LOCK_FILE))).toBe(false);

        stub.mode = "ok";
        const b = cli(["batch", "--out", out, "--retry-errors", "--json"]);
        const be = await b.exit;
        expect(be.code, b.err).toBe(0);
        const after = stored(out);
        expect(after).toHaveLength(N);
        expect(after.every((r) => r.status === "done")).toBe(true);
        expect(b.err).not.toContain("errored");
    }, 120_000);

    it("SIGTERM exits 143 and SIGINT 130 after storing what finished; two --resume at once: one refuses naming the other, nothing runs twice", async () => {
        const out = join(root, "signals");
        stub.mode = "ok";
        stub.delayMs = 300;
        const a = cli(batchArgs(out));
        await a.line((l) => l.includes('"type":"item"'));
        a.child.kill("SIGTERM");
        const ae = await a.exit;
        expect(ae.code, a.err).toBe(143);
        const afterA = stored(out).filter((r) => r.status === "done").length;
        expect(afterA).toBeGreaterThanOrEqual(1);
        expect(afterA).toBeLessThan(N);
        expect(a.err).toContain(`interrupted: ${afterA}/${N} items stored. Resume with: reflect-lab batch --out ${out} --resume`);
        expect(existsSync(join(out, LOCK_FILE))).toBe(false);

        // Resumed from the manifest alone (no --tasks), stopped by SIGINT.
        const b = cli(["batch", "--out", out, "--resume", "--json"]);
        await b.line((l) => l.includes('"type":"item"'));
        b.child.kill("SIGINT");
        const bexit = await b.exit;
        expect(bexit.code, b.err).toBe(130);
        const afterB = stored(out).length;
        expect(afterB).toBeGreaterThan(afterA);
        expect(afterB).toBeLessThan(N);

        // --tasks with --resume: the same is accepted (below); another is refused, naming the difference.
        const other = tinyTasks(join(root, "other.jsonl"), 2);
        const wrong = cli(["batch", "--out", out, "--resume", "--tasks", other]);
        expect((await wrong.exit).code).toBe(2);
        expect(wrong.err).toContain(`reflect-lab: --tasks ${other} differs from the run's tasks ${tasks} (not in the run: ${other}; missing: ${tasks}); drop --tasks to resume with the run's own`);

        const missing = N - afterB;
        stub.firstTurns.clear();
        stub.delayMs = 1500; // the owner outlives the other's start-up
        // Started at the same moment (one also passes its own --tasks, which is accepted).
        const [c, d] = [cli(["batch", "--out", out, "--resume", "--tasks", tasks, "--json"]), cli(["batch", "--out", out, "--resume", "--json"])];
        const [ce, de] = await Promise.all([c.exit, d.exit]);
        expect([ce.code, de.code].sort()).toEqual([0, 1]);
        const [owner, loser] = ce.code === 0 ? [c, d] : [d, c];
        const [ownerExit, loserExit] = ce.code === 0 ? [ce, de] : [de, ce];
        expect(loser.err).toContain(`reflect-lab: run folder ${out} is in use by pid ${owner.pid} (reflect-lab batch --out ${out} --resume`);
        expect(loser.out).toBe(""); // refused before it started anything
        expect(loserExit.ms).toBeLessThan(ownerExit.ms); // at once, not after waiting for the owner
        const start = JSON.parse(owner.out.split("\n").find((l) => l.includes('"type":"start"'))!) as { todo: number };
        expect(start.todo).toBe(missing);
        const final = stored(out);
        expect(final).toHaveLength(N);
        expect(final.every((r) => r.status === "done")).toBe(true);
        // Each missing item's first turn was asked once, by the one owner.
        expect([...stub.firstTurns.values()]).toHaveLength(missing);
        expect([...stub.firstTurns.values()].every((n) => n === 1)).toBe(true);
        stub.delayMs = 0;
    }, 180_000);

    it("a new run needs --tasks; --resume of a folder with no run says so", async () => {
        const a = cli(["batch", "--out", join(root, "none")]);
        expect((await a.exit).code).toBe(2);
        expect(a.err).toContain("--tasks is required for a new run");
        const b = cli(["batch", "--out", join(root, "none"), "--resume"]);
        expect((await b.exit).code).toBe(1);
        expect(b.err).toContain(`nothing to resume: ${join(root, "none")} holds no run`);
        expect(existsSync(join(root, "none"))).toBe(false);
    }, 60_000);
});

describe("reflect-lab train owns its run folder", () => {
    const data = join(root, "curated");
    beforeAll(() => {
        mkdirSync(data, { recursive: true });
        writeFileSync(join(data, "curation.json"), "{}");
        for (const f of ["sft.one-stage", "sft.reflector", "sft.corrector", "pref.dpm", "pref.dpref"]) for (const s of ["train", "eval"]) writeFileSync(join(data, `${f}.${s}.jsonl`), "{}\n");
    });
    const trainEnv = { REFLECT_LAB_TRAIN_SCRIPT: FAKE_TRAINER, REFLECT_LAB_TRAIN_PYTHON: "python3", FAKE_TRAINER_STEP_MS: "10" };

    it("a second train on the folder refuses naming the first; SIGTERM exits 143; a killed launcher's live trainer still holds it", async () => {
        const out = join(root, "train-run");
        const a = cli(["train", "--setting", "one-stage", "--data", data, "--out", out, "--save-steps", "2"], { ...trainEnv, FAKE_TRAINER_HANG_AT: "4" });
        const t0 = Date.now();
        while (!existsSync(join(out, "grandchild.pid"))) {
            if (Date.now() - t0 > 30_000) throw new Error(`no hang: ${a.err}`);
            await new Promise((r) => setTimeout(r, 50));
        }
        const b = cli(["train", "--resume", out], trainEnv);
        expect((await b.exit).code).toBe(2);
        expect(b.err).toContain(`reflect-lab: training run folder ${out} is in use by pid ${a.pid} (reflect-lab train --setting one-stage`);
        const fresh = cli(["train", "--setting", "one-stage", "--data", data, "--out", out], trainEnv);
        expect((await fresh.exit).code).toBe(2);
        expect(fresh.err).toContain(`is in use by pid ${a.pid}`);

        a.child.kill("SIGTERM");
        const ae = await a.exit;
        expect(ae.code, a.err).toBe(143);
        expect(a.err).toContain(`training aborted · ${out}`);
        expect(existsSync(join(out, LOCK_FILE))).toBe(false);

        // The launcher SIGKILLed: its trainer (own process group) lives on and keeps the folder.
        rmSync(join(out, "grandchild.pid"), { force: true });
        const c = cli(["train", "--resume", out], { ...trainEnv, FAKE_TRAINER_HANG_AT: "8" });
        const t1 = Date.now();
        while (!existsSync(join(out, "grandchild.pid"))) {
            if (Date.now() - t1 > 30_000) throw new Error(`no hang: ${c.err}`);
            await new Promise((r) => setTimeout(r, 50));
        }
        const trainer = Number(readFileSync(join(out, "trainer.pid"), "utf8"));
        expect(readLock(out)).toMatchObject({ pid: c.pid, child: { pid: trainer } });
        c.child.kill("SIGKILL");
        await c.exit;
        const d = cli(["train", "--resume", out], trainEnv);
        expect((await d.exit).code).toBe(2);
        expect(d.err).toContain(`is in use by pid ${c.pid}`);
        expect(d.err).toContain(`its process ${trainer} is still working in the folder`);
        process.kill(-trainer, "SIGKILL");
        await new Promise((r) => setTimeout(r, 300));
        const e = cli(["train", "--resume", out], trainEnv);
        const ee = await e.exit;
        expect(ee.code, e.err).toBe(0);
        expect(e.err).toContain(`took over the lock of training run folder ${out}: pid ${c.pid}`);
        expect(existsSync(join(out, LOCK_FILE))).toBe(false);
    }, 120_000);
});

describe("reflect-lab curate owns its output folder", () => {
    const run = join(root, "curate-src");
    const allRight = join(root, "curate-right");
    beforeAll(async () => {
        const tasks = tinyTasks(join(root, "curate-tasks.jsonl"), 4);
        await startBatch({ config: tinyConfig(tasks, { parallel: 1 }), out: run, hardware, backend: scriptedParallel(1, wrongThenRight) });
        // Every turn-1 answer right: nothing to learn from.
        await startBatch({
            config: tinyConfig(tasks, { parallel: 1 }),
            out: allRight,
            hardware,
            backend: scriptedParallel(1, (m) => `Final answer: ${Number(/What is (\d+) \+ 1/.exec(m[0]!.content)![1]) + 1}`)
        });
    });
    const curate = (args: string[]) => runCommand((p) => addCurateCommand(p), ["curate", ...args]);

    it("refuses a folder another process holds, naming it; takes over a dead one's lock; ends without a lock", async () => {
        const out = join(root, "curated-out");
        const h = holder(out);
        await h.line((l) => l.startsWith("{"));
        const r = await curate([run, "--out", out, "--set", "dplus"]);
        expect(r.code).toBe(1);
        expect(r.err).toContain(`reflect-lab: curation folder ${out} is in use by pid ${h.pid} (lockHolder, since `);
        expect(existsSync(join(out, "curation.json"))).toBe(false);
        h.child.kill("SIGKILL");
        await h.exit;

        const ok = await curate([run, "--out", out, "--set", "dplus"]);
        expect(ok.code, ok.err).toBeUndefined();
        expect(ok.err).toContain(`took over the lock of curation folder ${out}: pid ${h.pid}`);
        expect(existsSync(join(out, "curation.json"))).toBe(true);
        expect(existsSync(join(out, LOCK_FILE))).toBe(false);
        // Not empty now: refused without --force, as before the lock.
        const again = await curate([run, "--out", out, "--set", "dplus"]);
        expect(again.code).toBe(1);
        expect(again.err).toMatch(/curated-out is not empty/);
        expect((await curate([run, "--out", out, "--set", "dplus", "--force"])).code).toBeUndefined();
    }, 60_000);

    it("nothing curated is said as a warning (an empty set is a result, not a failure)", async () => {
        const out = join(root, "curated-empty");
        const r = await curate([allRight, "--out", out, "--set", "dplus"]);
        expect(r.out).toContain("out:");
        expect(r.code).toBeUndefined();
        // Said before anything is written: which set is empty, why, and what to change.
        expect(r.err).toMatch(/^reflect-lab: warning: no training rows for D\+\n  why: .*\d+ right at turn 1, 0 failed.*\n  change: every item was right at turn 1/);
    });
});
