// reflect-lab against a real OpenAI-compatible server: llama.cpp's llama-server (built from the source
// bundled in node-llama-cpp, scripts/llama-server.mjs) serving the default model on loopback with an
// API key, behind a small proxy that can inject faults. Everything runs as a user runs it: the CLI in
// child processes. At the end every file written and everything printed is searched for the key.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import { PROJECT_ROOT } from "../src/paths.js";
import { startFaultProxy, type FaultProxy } from "./helpers/faultProxy.js";
import { freePort, SERVER_MODEL, startLlamaServer, type LlamaServer } from "./helpers/llamaServer.js";

const exec = promisify(execFile);
const cli = join(PROJECT_ROOT, "bin", "reflect-lab.js");
const KEY = `sk-rl-e2e-${Math.random().toString(36).slice(2)}${Date.now()}`;
const WRONG_KEY = `sk-wrong-${Math.random().toString(36).slice(2)}`;
const root = mkdtempSync(join(tmpdir(), "rl-endpoint-"));
const env = {
    ...process.env,
    REFLECT_LAB_CONFIG_DIR: join(root, "config"),
    REFLECT_LAB_SESSIONS: join(root, "sessions"),
    RL_E2E_KEY: KEY,
    RL_E2E_WRONG_KEY: WRONG_KEY
};
/** Everything the CLI printed, for the key search at the end. */
let printed = "";
let server: LlamaServer;
let proxy: FaultProxy;

async function cliRun(args: string[], timeout = 300_000): Promise<{ stdout: string; stderr: string }> {
    try {
        const r = await exec(process.execPath, [cli, ...args], { env, timeout, maxBuffer: 64 * 1024 * 1024 });
        printed += r.stdout + r.stderr;
        return r;
    } catch (e) {
        const err = e as { stdout?: string; stderr?: string; code?: number };
        printed += (err.stdout ?? "") + (err.stderr ?? "");
        throw Object.assign(new Error(`reflect-lab ${args.join(" ")} failed (${err.code}):\n${err.stderr}`), err);
    }
}

const events = (stdout: string) => stdout.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as { type: string; [k: string]: unknown });

function storeRows(run: string) {
    const db = new Database(join(run, "samples.sqlite"), { readonly: true });
    try {
        const items = db.prepare("SELECT item_id, status, correct_t1 FROM items ORDER BY idx").all() as { item_id: string; status: string; correct_t1: number }[];
        const samples = db.prepare("SELECT item_id, instruction_key, sample_index, record FROM samples").all() as { item_id: string; instruction_key: string; sample_index: number; record: string }[];
        return { items, samples };
    } finally {
        db.close();
    }
}

beforeAll(async () => {
    server = await startLlamaServer({ apiKey: KEY, parallel: 4 });
    proxy = await startFaultProxy(server);
    await cliRun(["endpoints", "add", "srv", "--url", proxy.baseURL, "--model", SERVER_MODEL, "--key-env", "RL_E2E_KEY", "--concurrency", "4", "--timeout", "120", "--max-retries", "8"]);
    // The same server with a short timeout, for the slow-server fault.
    await cliRun(["endpoints", "add", "srvfast", "--url", proxy.baseURL, "--model", SERVER_MODEL, "--key-env", "RL_E2E_KEY", "--concurrency", "2", "--timeout", "6", "--max-retries", "8"]);
}, 900_000);

afterAll(async () => {
    await proxy?.close();
    await server?.stop();
    rmSync(root, { recursive: true, force: true });
});

const batchArgs = (out: string, extra: string[] = [], endpoint = "srv", tasks = "demo") => ["batch", ...(endpoint ? ["--endpoint", endpoint] : []), "--tasks", tasks, "--k", "2", "--instructions", "fixed:1-1-1", "--max-tokens", "48", "--seed", "5", "--json", "--out", out, ...extra];

describe("an OpenAI-compatible endpoint (llama-server)", () => {
    it("answers a connection test with its model list and latency", async () => {
        const { stdout } = await cliRun(["endpoints", "test", "srv", "--json"]);
        const r = JSON.parse(stdout);
        expect(r.ok).toBe(true);
        expect(r.models).toContain(SERVER_MODEL);
        expect(r.latencyMs).toBeGreaterThan(0);
    });

    it("runs the lab loop: answer, verdict, reflection and correction on the server", async () => {
        const { stdout, stderr } = await cliRun(["ask", "--endpoint", "srv", "--id", "math-02", "--max-tokens", "64", "--seed", "3"]);
        const record = JSON.parse(stdout);
        expect(record.backend.kind).toBe("openai");
        expect(record.model.file).toBe(SERVER_MODEL);
        const kinds = record.steps.map((s: { kind: string }) => s.kind);
        expect(kinds.slice(0, 2)).toEqual(["answer", "verify"]);
        if (record.correct_by_turn[0] === false) expect(kinds).toEqual(expect.arrayContaining(["reflect", "correct"]));
        expect(record.steps[0].output.length).toBeGreaterThan(0);
        expect(record.steps[0].messages[0].role).toBe("user");
        expect(stderr).toContain("srv");
    }, 300_000);

    it("runs a batch with concurrent requests", async () => {
        const out = join(root, "sessions", "run-concurrent");
        const { stdout } = await cliRun(batchArgs(out, ["--limit", "6", "-P", "4"]));
        const done = events(stdout).find((e) => e.type === "done")!;
        expect(done.done).toBe(6);
        expect(done.errors).toBe(0);
        expect(proxy.maxInFlight).toBeGreaterThanOrEqual(2);
        const { items, samples } = storeRows(out);
        expect(items).toHaveLength(6);
        const failed = items.filter((i) => i.correct_t1 === 0).length;
        expect(samples).toHaveLength(failed * 2);
        const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
        expect(manifest.config.endpoint).toEqual({ name: "srv", baseURL: proxy.baseURL, model: SERVER_MODEL });
    }, 600_000);

    it("backs off on 429 (honouring Retry-After), 500 and a server slower than the timeout, and says why", async () => {
        const out = join(root, "sessions", "run-faults");
        proxy.inject({ status: 429, retryAfter: "2" }, { status: 500 }, { delayMs: 12_000 }, { status: 503 });
        const { stdout } = await cliRun(batchArgs(out, ["--limit", "3", "-P", "2"], "srvfast"));
        const evs = events(stdout);
        const backoffs = evs.filter((e) => e.type === "backoff") as unknown as { reason: string; delayMs: number; attempt: number }[];
        const reasons = backoffs.map((b) => b.reason).join(" | ");
        expect(reasons).toMatch(/429/);
        expect(reasons).toMatch(/500/);
        expect(reasons).toMatch(/timeout|timed out/i);
        expect(backoffs.find((b) => /429/.test(b.reason))!.delayMs).toBeGreaterThanOrEqual(2000);
        expect(evs.find((e) => e.type === "done")!.done).toBe(3);
        expect(storeRows(out).items.every((i) => i.status === "done")).toBe(true);
    }, 600_000);

    it("survives the server going away mid-batch and coming back: nothing lost, no duplicates", async () => {
        const out = join(root, "sessions", "run-outage");
        const child = spawn(process.execPath, [cli, ...batchArgs(out, ["--limit", "8", "-P", "4"])], { env, stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
        // Once the first item is stored, the server dies for a few seconds, then starts again on the same port.
        for (let t = 0; !events(stdout).some((e) => e.type === "item"); t++) {
            if (t > 1200) throw new Error(`no item after 120 s:\n${stderr}`);
            await new Promise((r) => setTimeout(r, 100));
        }
        await server.stop();
        await new Promise((r) => setTimeout(r, 4000));
        await server.start();
        const code = await exited;
        printed += stdout + stderr;
        expect(code, stderr).toBe(0);
        const evs = events(stdout);
        expect(evs.some((e) => e.type === "backoff" && /refused|reset|connect|502|unreachable|socket/i.test(String(e.reason)))).toBe(true);
        expect(evs.find((e) => e.type === "done")!.done).toBe(8);
        const { items, samples } = storeRows(out);
        expect(items.map((i) => i.status)).toEqual(Array(8).fill("done"));
        const keys = samples.map((s) => `${s.item_id}/${s.instruction_key}/${s.sample_index}`);
        expect(new Set(keys).size).toBe(keys.length);
        expect(samples).toHaveLength(items.filter((i) => i.correct_t1 === 0).length * 2);
        // And a resume of the finished run has nothing left to do.
        const again = events((await cliRun(batchArgs(out, ["--resume", "-P", "4"], ""))).stdout);
        expect(again.find((e) => e.type === "start")!.todo).toBe(0);
    }, 600_000);

    it("lets the teacher judge pairs of reflections (both orders, reasons kept) into D_pref", async () => {
        const out = join(root, "sessions", "curated-teacher");
        await cliRun(["curate", join(root, "sessions", "run-concurrent"), "--set", "dpref", "--teacher", "srv", "--teacher-max-tokens", "128", "--eval-fraction", "0", "--out", out]);
        const summary = JSON.parse(readFileSync(join(out, "curation.json"), "utf8"));
        expect(summary.judge.model).toBe(SERVER_MODEL);
        expect(summary.judge.candidates).toBeGreaterThan(0);
        expect(summary.judge.kept + summary.judge.ties + summary.judge.disagreements).toBe(summary.judge.candidates);
        const rows = readFileSync(join(out, "pref.dpref.train.jsonl"), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
        expect(rows).toHaveLength(summary.judge.kept);
        for (const r of rows) {
            expect(r.provenance.judge.model).toBe(SERVER_MODEL);
            expect(r.provenance.judge.reason.length).toBeGreaterThan(0);
        }
    }, 600_000);

    it("tags the error types reflections name and reports them per task", async () => {
        const run = join(root, "sessions", "run-concurrent");
        // The live reflections of the run, per task: what tag-errors must tag, one teacher call each.
        const recs = storeRows(run).samples.map((x) => JSON.parse(x.record) as { item: { task: string }; steps: { kind: string; superseded?: boolean }[] });
        const perTask = new Map<string, number>();
        for (const r of recs) perTask.set(r.item.task, (perTask.get(r.item.task) ?? 0) + r.steps.filter((st) => st.kind === "reflect" && !st.superseded).length);
        const reflections = [...perTask.values()].reduce((a, b) => a + b, 0);
        // A two-turn run: one reflection per sample, and the six demo items leave some failed turn 1 to reflect on.
        expect(recs.length).toBeGreaterThan(0);
        expect(reflections).toBe(recs.length);

        const tagged = JSON.parse((await cliRun(["tag-errors", run, "--teacher", "srv", "--teacher-max-tokens", "128", "--json"])).stdout);
        expect(tagged.tagging).toMatchObject({ total: reflections, already: 0, tagged: reflections, errors: 0, interrupted: false, teacher: SERVER_MODEL });
        const e = JSON.parse((await cliRun(["report", run, "--json"])).stdout).errorTypes;
        // report reads back exactly what tag-errors stored and printed.
        expect(e).toEqual(tagged.errorTypes);
        expect(e.teachers).toEqual([SERVER_MODEL]);
        expect(e.tagged).toBe(reflections);
        expect(e.overall.unparsed).toBe(tagged.tagging.unparsed);
        expect(e.overall.reflections + e.overall.unparsed).toBe(reflections);
        expect(Object.keys(e.perTask).sort()).toEqual([...perTask.keys()].sort());
        for (const [task, n] of perTask) expect(e.perTask[task].reflections + e.perTask[task].unparsed, task).toBe(n);
        const text = (await cliRun(["report", run])).stdout;
        expect(text).toContain(`error types named by the reflections (% of tagged reflections; teacher ${SERVER_MODEL}; ${e.overall.reflections} tagged`);
    }, 600_000);

    it("uses the teacher as verifier: its verdict drives the loop, the ground truth is kept beside it", async () => {
        const out = join(root, "sessions", "run-teacher-verifier");
        await cliRun(batchArgs(out, ["--limit", "3", "-P", "2", "--verifier", "teacher", "--teacher", "srv"]));
        const { items, samples } = storeRows(out);
        expect(items.every((i) => i.status === "done")).toBe(true);
        const db = new Database(join(out, "samples.sqlite"), { readonly: true });
        const bases = (db.prepare("SELECT base FROM items").all() as { base: string }[]).map((r) => JSON.parse(r.base));
        db.close();
        for (const rec of [...bases, ...samples.map((s) => JSON.parse(s.record))]) {
            const verify = rec.steps.find((s: { kind: string }) => s.kind === "verify");
            expect(verify.verdict.mode).toBe("teacher");
            expect(verify.oracle_verdict).toBeTruthy();
            expect(verify.model.file).toBe(SERVER_MODEL);
            expect(verify.messages.map((m: { content: string }) => m.content).join("\n")).not.toContain(`gold`);
        }
    }, 600_000);

    it("mixes local and remote: a local generator with the remote teacher as verifier", async () => {
        const { stdout } = await cliRun(["ask", "--endpoint", "none", "--verifier", "teacher", "--teacher", "srv", "--id", "logic-02", "--max-tokens", "48", "--seed", "4"]);
        const record = JSON.parse(stdout);
        expect(record.backend.kind).toBe("node-llama-cpp");
        const verify = record.steps.find((s: { kind: string }) => s.kind === "verify");
        expect(verify.verdict.mode).toBe("teacher");
        expect(verify.model.file).toBe(SERVER_MODEL);
    }, 300_000);

    it("mixes remote and local: the server answers turn 1, a local GGUF reflects and corrects", async () => {
        // A training run folder as full fine-tuning leaves it (result.json naming whole GGUFs); here the base GGUF itself.
        const trained = join(root, "trained-local");
        const gguf = join(PROJECT_ROOT, "models", "SmolLM2-135M-Instruct.Q4_1.gguf");
        mkdirSync(trained, { recursive: true });
        writeFileSync(join(trained, "result.json"), JSON.stringify({ setting: "two-stage", base: { file: gguf, sha256: "" }, reflector: { model: gguf }, corrector: { model: gguf } }));
        // Products no 135M model gets right: every turn 1 fails, so the local reflector has work on every item.
        const hard = join(root, "hard.jsonl");
        const item = (id: string, a: number, b: number) => JSON.stringify({ id, task: "hard-math", family: "math", question: `What is ${a} × ${b}? Give only the number.`, choices: null, answer: String(a * b), answer_index: null, tests: null, test_setup: null });
        writeFileSync(hard, [item("p1", 7919, 104729), item("p2", 86243, 92821)].join("\n") + "\n");
        const out = join(root, "sessions", "run-mixed");
        // One at a time: the local model and the server never decode at once on 2 cores.
        await cliRun(batchArgs(out, ["-P", "1", "--trained", trained], "srv", hard));
        const { items, samples } = storeRows(out);
        expect(items.map((i) => [i.item_id, i.status, i.correct_t1])).toEqual([["p1", "done", 0], ["p2", "done", 0]]);
        // k 2 on one instruction: two sample chains per failed item, each checked below.
        expect(samples).toHaveLength(4);
        for (const rec of samples.map((x) => JSON.parse(x.record))) {
            const answer = rec.steps.find((st: { kind: string }) => st.kind === "answer");
            const reflect = rec.steps.find((st: { kind: string }) => st.kind === "reflect");
            expect(rec.model.file).toBe(SERVER_MODEL);
            expect(answer.model).toBeUndefined();
            expect(reflect.model.file).toBe("SmolLM2-135M-Instruct.Q4_1.gguf");
        }
    }, 300_000);

    it("names a wrong key or a wrong URL clearly, without the key", async () => {
        await cliRun(["endpoints", "add", "badkey", "--url", proxy.baseURL, "--model", SERVER_MODEL, "--key-env", "RL_E2E_WRONG_KEY", "--max-retries", "1"]);
        const bad = await cliRun(["ask", "--endpoint", "badkey", "--id", "math-02", "--max-tokens", "16"]).catch((e) => e);
        expect(bad.code).not.toBe(0);
        expect(bad.stderr).toMatch(/401/);
        expect(bad.stderr).toMatch(/RL_E2E_WRONG_KEY/);
        expect(bad.stderr).not.toContain(WRONG_KEY);
        const port = await freePort();
        await cliRun(["endpoints", "add", "nowhere", "--url", `http://127.0.0.1:${port}/v1`, "--model", SERVER_MODEL, "--key-env", "RL_E2E_KEY", "--max-retries", "1"]);
        const gone = await cliRun(["ask", "--endpoint", "nowhere", "--id", "math-02", "--max-tokens", "16"]).catch((e) => e);
        expect(gone.code).not.toBe(0);
        expect(gone.stderr).toMatch(/nowhere/);
        expect(gone.stderr).toMatch(/refused|connect/i);
        expect(gone.stderr).not.toContain(KEY);
    }, 300_000);

    it("never writes or prints the key", () => {
        const files: string[] = [];
        const walk = (d: string) => {
            for (const f of readdirSync(d)) {
                const p = join(d, f);
                if (statSync(p).isDirectory()) walk(p);
                else files.push(p);
            }
        };
        walk(root);
        expect(files.length).toBeGreaterThan(10);
        for (const f of files) {
            const text = readFileSync(f).toString("latin1");
            expect(text.includes(KEY), f).toBe(false);
            expect(text.includes(WRONG_KEY), f).toBe(false);
        }
        expect(printed.length).toBeGreaterThan(1000);
        expect(printed.includes(KEY)).toBe(false);
        expect(printed.includes(WRONG_KEY)).toBe(false);
    });
});
