// The headless commands, run as a user runs them: a child process on the real default model.
import { describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { copyFileSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { PROJECT_ROOT } from "../src/paths.js";

const run = promisify(execFile);
const cli = join(PROJECT_ROOT, "bin", "reflect-lab.js");
const env = () => ({ ...process.env, REFLECT_LAB_CONFIG_DIR: mkdtempSync(join(tmpdir(), "rl-conf-")), REFLECT_LAB_SESSIONS: mkdtempSync(join(tmpdir(), "rl-sess-")) });

describe("reflect-lab ask", () => {
    it("runs one demo item through the loop and prints its record as JSON", async () => {
        const e = env();
        const { stdout, stderr } = await run(process.execPath, [cli, "ask", "--tasks", "demo", "--id", "logic-01", "--max-tokens", "64", "--seed", "3"], { env: e, timeout: 120_000 });
        const record = JSON.parse(stdout);
        expect(record.schema).toBe("reflect-lab/record@1");
        expect(record.item.id).toBe("logic-01");
        expect(record.steps[0].kind).toBe("answer");
        expect(record.steps[0].prompt).toContain("<|im_start|>user");
        expect(record.steps[1].verdict.mode).toBe("oracle");
        expect(record.config.seed).toBe(3);
        expect(stderr).toMatch(/model SmolLM2-135M-Instruct\.Q4_1\.gguf · cpu · gpu 0\/\d+ layers · ctx 4096/);
        const [session] = readdirSync(e.REFLECT_LAB_SESSIONS);
        const lines = readFileSync(join(e.REFLECT_LAB_SESSIONS, session!, "steps.jsonl"), "utf8").trim().split("\n");
        expect(JSON.parse(lines.at(-1)!).record.steps).toHaveLength(record.steps.length);
    }, 150_000);

    it("names the bad item id and lists valid ones", async () => {
        const err = await run(process.execPath, [cli, "ask", "--id", "nope-99"], { env: env() }).catch((e) => e);
        expect(err.code).not.toBe(0);
        expect(err.stderr).toMatch(/nope-99/);
        expect(err.stderr).toMatch(/logic-01/);
    });
});

describe("reflect-lab verify", () => {
    // stdout: one summary line (verdict, extracted answer and rule, gold, why), then the verdict as JSON.
    const verifyOut = async (...args: string[]) => {
        const { stdout } = await run(process.execPath, [cli, "verify", ...args], { env: env(), timeout: 60_000 });
        const nl = stdout.indexOf("\n");
        return { line: stdout.slice(0, nl), verdict: JSON.parse(stdout.slice(nl + 1)) };
    };
    const verify = async (...args: string[]) => (await verifyOut(...args)).verdict;

    it("judges multiple choice, math, text and code and says why", async () => {
        expect(await verify("--task-type", "mc", "--answer", "The answer is (C).", "--gold", "C", "--choices", "red|green|blue|black")).toMatchObject({ correct: true, extracted: "C" });
        const math = await verify("--task-type", "math", "--answer", "Final answer: \\dfrac12", "--gold", "0.5");
        expect(math.correct).toBe(true);
        expect((await verify("--task-type", "math", "--answer", "1/3", "--gold", "1/2")).correct).toBe(false);
        expect((await verify("--task-type", "text", "--answer", "Final answer: Yes, they can.", "--gold", "yes")).correct).toBe(true);
        const code = await verify("--task-type", "code", "--answer", "def add(a, b):\n    return a - b", "--test", "assert add(1, 2) == 3", "--test", "assert add(0, 0) == 0");
        expect(code.correct).toBe(false);
        expect(code.reason).toContain("assert add(1, 2) == 3");
    }, 90_000);

    it("prints one line with the extracted answer and its rule; --json prints only the JSON; --truncated", async () => {
        const { line, verdict } = await verifyOut("--task-type", "math", "--answer", "We get \\boxed{7} or \\boxed{5}", "--gold", "7");
        expect(verdict).toMatchObject({ correct: false, extracted: null, rule: "ambiguous" });
        expect(line).toMatch(/^✗ incorrect · nothing read \(ambiguous: "7, 5" \(boxed\) names several values\)/);
        const ok = await verifyOut("--task-type", "math", "--answer", "Final answer: 7", "--gold", "7");
        expect(ok.line).toBe('✓ correct · read "7" (final-answer line) · gold 7 · equivalent');
        const cut = await verifyOut("--task-type", "math", "--answer", "Adding up:\n7", "--gold", "7", "--truncated");
        expect(cut.line).toBe("✗ incorrect · nothing read (cut off before a final answer) · gold 7");
        const { stdout } = await run(process.execPath, [cli, "verify", "--json", "--task-type", "text", "--answer", "Final answer: The", "--gold", "a"], { env: env(), timeout: 60_000 });
        expect(JSON.parse(stdout)).toMatchObject({ correct: false, extracted: "The", rule: "final-answer line" });
    }, 90_000);

    it("explains a missing required option", async () => {
        const err = await run(process.execPath, [cli, "verify", "--task-type", "mc", "--answer", "B"], { env: env() }).catch((e) => e);
        expect(err.code).toBe(2);
        expect(err.stderr).toMatch(/--choices/);
    });
});

describe("reflect-lab batch --turn1-from and --reflector-model (real model)", () => {
    it("reuses a run's turn 1 byte for byte and reflects with a second local GGUF", async () => {
        const e = env();
        const work = mkdtempSync(join(tmpdir(), "rl-cross-"));
        // A second model file: the same weights under another name, loaded as its own host.
        const other = join(work, "reflector-copy.gguf");
        copyFileSync(join(PROJECT_ROOT, "models", "SmolLM2-135M-Instruct.Q4_1.gguf"), other);
        const base = join(work, "base");
        const common = ["--k", "1", "--instructions", "random:1", "--max-tokens", "32", "-P", "2", "--seed", "9"];
        await run(process.execPath, [cli, "batch", "--tasks", "demo", "--limit", "6", ...common, "--out", base], { env: e, timeout: 300_000 });
        const cross = join(work, "cross");
        const { stderr } = await run(process.execPath, [cli, "batch", "--turn1-from", base, "--reflector-model", other, "--k", "1", "--instructions", "random:1", "-P", "2", "--out", cross], { env: e, timeout: 300_000 });
        expect(stderr).toMatch(/loading the reflect\/correct model reflector-copy\.gguf/);
        const manifest = JSON.parse(readFileSync(join(cross, "manifest.json"), "utf8"));
        expect(manifest.turn1_from.dir).toBe(base);
        expect(manifest.config.reflector.crossModel).toBe(true);
        const Database = (await import("better-sqlite3")).default;
        const read = (dir: string, sql: string) => new Database(join(dir, "samples.sqlite"), { readonly: true }).prepare(sql).all() as { item_id: string; base?: string; record?: string }[];
        const t1 = (json: string) => JSON.stringify((JSON.parse(json).steps as { turn: number; kind: string }[]).filter((s) => s.turn === 1 && (s.kind === "answer" || s.kind === "verify")));
        const a = new Map(read(base, "SELECT item_id, base FROM items").map((r) => [r.item_id, t1(r.base!)]));
        const b = read(cross, "SELECT item_id, base FROM items");
        expect(b).toHaveLength(6);
        for (const r of b) expect(t1(r.base!)).toBe(a.get(r.item_id));
        const samples = read(cross, "SELECT record FROM samples").map((r) => JSON.parse(r.record!) as { steps: { kind: string; model?: { file: string } }[] });
        expect(samples.length).toBeGreaterThan(0);
        for (const s of samples) {
            for (const st of s.steps.filter((x) => x.kind === "reflect" || x.kind === "correct")) expect(st.model?.file).toBe("reflector-copy.gguf");
            expect(s.steps.find((x) => x.kind === "answer")!.model).toBeUndefined();
        }
    }, 600_000);
});
