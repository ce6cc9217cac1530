// `reflect-lab train` headless, in process, against the fake trainer.
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { EventEmitter } from "node:events";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Command } from "commander";
import { addTrainCommand } from "../bin/train.js";

const root = mkdtempSync(join(tmpdir(), "rl-train-cli-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(() => {
    process.exitCode = undefined;
});

const FAKE = resolve("test/fixtures/fake-trainer.py");
const data = join(root, "curated");
mkdirSync(data);
writeFileSync(join(data, "curation.json"), "{}");
for (const f of ["sft.one-stage", "sft.reflector", "sft.corrector", "pref.dpm", "pref.dpref"]) for (const s of ["train", "eval"]) writeFileSync(join(data, `${f}.${s}.jsonl`), "{}\n");

async function cli(args: string[], env: Record<string, string> = {}, opts: { python?: string; signals?: EventEmitter; during?: (io: { err: () => string }) => Promise<void> } = {}) {
    let out = "";
    let err = "";
    const program = new Command("reflect-lab").exitOverride();
    addTrainCommand(program, {
        stdout: (s) => void (out += s),
        stderr: (s) => void (err += s),
        sessionsDir: root,
        signals: opts.signals ?? new EventEmitter(),
        launch: { python: opts.python ?? "python3", script: FAKE, env: { ...process.env, FAKE_TRAINER_STEP_MS: "10", ...env }, pollMs: 30, graceMs: 1000 }
    });
    const done = program.parseAsync(["train", ...args], { from: "user" });
    if (opts.during) await opts.during({ err: () => err });
    await done;
    const code = process.exitCode;
    process.exitCode = undefined;
    return { out, err, code };
}

describe("reflect-lab train", () => {
    it("--dry-run prints the exact command", async () => {
        const r = await cli(["--setting", "dpo-pm", "--data", data, "--out", join(root, "dry"), "--lr", "7e-7", "--processes", "2", "--dry-run"]);
        expect(r.code).toBe(0);
        expect(r.out.trim()).toBe(`accelerate launch --num_processes 2 ${FAKE} --setting dpo-pm --data ${data} --out ${join(root, "dry")} --base ${resolve("models/SmolLM2-135M-Instruct.Q4_1.gguf")} --epochs 1 --lr 7e-7 --batch-size 4 --grad-accum 16 --lora-r 8 --lora-alpha 32 --lora-dropout 0.1 --load-in-4bit auto --beta 0.01 --max-length 2048 --seed 42 --logging-steps 1 --eval-steps 50 --save-steps 50`);
        expect(existsSync(join(root, "dry"))).toBe(false);
    });

    it("prints one progress line per log event and a summary with the artifacts", async () => {
        const r = await cli(["--setting", "two-stage", "--data", data, "--max-steps", "3", "--eval-steps", "2", "--merge"]);
        expect(r.code).toBe(0);
        const runs = readdirSync(root).filter((d) => d.startsWith("train-"));
        expect(runs).toHaveLength(1);
        const lines = r.err.split("\n");
        expect(lines.filter((l) => l.startsWith("[reflector 1/2] step"))).toHaveLength(3);
        expect(lines.filter((l) => l.startsWith("[corrector 2/2] step"))).toHaveLength(3);
        expect(r.err).toMatch(/\[reflector 1\/2\] step 2\/3 \(66%\) · loss 1\.5450 · eval 1\.7450 · lr 1\.0e-3 · 512 tok\/s · ETA \d+s \(all \d+s\)/);
        expect(r.err).toContain("stage 2/2 corrector: 40 rows (4 eval)");
        expect(r.out).toContain("training done in");
        expect(r.out).toContain(`adapter      reflector  ${join(root, runs[0]!, "reflector", "adapter")}`);
        expect(r.out).toContain(`merged-gguf  corrector  ${join(root, runs[0]!, "merged.gguf")}`);
        expect(r.out).toContain(`reflector: ${join(root, runs[0]!, "reflector", "adapter")}`);
    });

    it("--json writes the trainer's events as JSONL and a last exit line", async () => {
        const r = await cli(["--setting", "dpo-pref", "--data", data, "--out", join(root, "json"), "--max-steps", "2", "--json"]);
        expect(r.code).toBe(0);
        const events = r.out.trim().split("\n").map((l) => JSON.parse(l));
        expect(events.map((e) => e.event)).toEqual(["start", "stage", "log", "log", "artifact", "done", "exit"]);
        expect(events[2]).toMatchObject({ stage: "dpo", step: 1, total_steps: 2, rewards_margin: 0.05 });
        expect(events.at(-1)).toMatchObject({ status: "done", code: 0 });
    });

    it("on a crash prints the reason and the last lines, exits 1; Ctrl-C aborts the tree and --resume continues", async () => {
        const out = join(root, "crash");
        const r = await cli(["--setting", "one-stage", "--data", data, "--out", out, "--save-steps", "2"], { FAKE_TRAINER_CRASH_AT: "3" });
        expect(r.code).toBe(1);
        expect(r.err).toContain("training failed: RuntimeError: CUDA out of memory at step 3 (exit code 3)");
        expect(r.err).toContain(`last lines of ${out}/trainer.log:`);
        expect(r.err).toContain("Traceback (most recent call last):");
        expect(r.err).toContain("  RuntimeError: CUDA out of memory at step 3\n");
        expect(r.err).toContain(`resume with: reflect-lab train --resume ${out}`);
        // The hint names the checkpoint it continues from (saved every 2 steps, the crash at 3).
        expect(r.err).toMatch(/\(continues sft checkpoint-2\)/);

        // Resume, then Ctrl-C while it hangs (the fake hangs at step 6 with a grandchild).
        const signals = new EventEmitter();
        const a = await cli(["--resume", out], { FAKE_TRAINER_HANG_AT: "6" }, {
            signals,
            during: async ({ err }) => {
                const t0 = Date.now();
                while (!existsSync(join(out, "grandchild.pid"))) {
                    if (Date.now() - t0 > 10_000) throw new Error(`no hang: ${err()}`);
                    await new Promise((res) => setTimeout(res, 20));
                }
                signals.emit("SIGINT");
            }
        });
        expect(a.code).toBe(130);
        expect(a.err).toContain("[sft 1/1] step 5/10");
        expect(a.err).toContain("stopping the trainer");
        expect(a.err).toContain(`training aborted · ${out}`);
        expect(a.err).toContain(`resume with: reflect-lab train --resume ${out}`);
        const g = Number(readFileSync(join(out, "grandchild.pid"), "utf8"));
        let alive = true;
        try {
            alive = !["Z", "X"].includes(readFileSync(`/proc/${g}/stat`, "utf8").split(") ")[1]![0]!);
        } catch {
            alive = false;
        }
        expect(alive).toBe(false);

        const b = await cli(["--resume", out]);
        expect(b.code).toBe(0);
        expect(b.err).toContain("resuming one-stage");
        expect(b.err).toContain("[sft 1/1] step 10/10");
        expect(b.out).toContain("training done");
    });

    it("names the fix when the training environment is missing, and refuses request flags with --resume", async () => {
        const r = await cli(["--setting", "one-stage", "--data", data], {}, { python: join(root, "no-venv", "bin", "python") });
        expect(r.code).toBe(2);
        expect(r.err).toMatch(/training environment is missing .*npm run setup:training/);
        const s = await cli(["--resume", join(root, "crash"), "--lr", "1", "--setting", "dpo-pm"]);
        expect(s.code).toBe(2);
        expect(s.err).toContain("drop --setting, --lr");
        const t = await cli(["--data", data]);
        expect(t.err).toContain("--setting is required");
    });
});
