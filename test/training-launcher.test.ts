// The training launcher against test/fixtures/fake-trainer.py: argv, events, progress, crash, abort, resume, listing.
import { afterAll, describe, expect, it } from "vitest";
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { buildArgv, commandLine, shellQuote, trainerProblem, TrainingLaunchError } from "../src/training/command.js";
import { defaultHyper, resolveHyper } from "../src/training/defaults.js";
import { checkCuratedData, listCuratedFolders } from "../src/training/data.js";
import { launchTraining, resumeTraining, type LaunchOptions } from "../src/training/launcher.js";
import { lastLines } from "../src/training/logLines.js";
import { groupAlive, pidAlive } from "../src/training/processGroup.js";
import { emptyProgress, reduceProgress } from "../src/training/progress.js";
import { defaultTrainingOut, listTrainingRuns } from "../src/training/runs.js";
import { JsonlTail } from "../src/training/tail.js";
import type { TrainerEvent, TrainingRequest } from "../src/training/types.js";

const root = mkdtempSync(join(tmpdir(), "rl-train-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

export const FAKE = resolve("test/fixtures/fake-trainer.py");
const paths = { python: "python3", script: FAKE };

/** A curated folder with every file the four settings read. */
function curated(dir: string): string {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "curation.json"), "{}");
    for (const f of ["sft.one-stage", "sft.reflector", "sft.corrector", "pref.dpm", "pref.dpref"])
        for (const s of ["train", "eval"]) writeFileSync(join(dir, `${f}.${s}.jsonl`), '{"x":1}\n{"x":2}\n');
    return dir;
}
const data = curated(join(root, "curated-1"));
let n = 0;
const outDir = () => join(root, `train-${++n}`);
const opts = (env: Record<string, string> = {}, more: Partial<LaunchOptions> = {}): LaunchOptions => ({ ...paths, env: { ...process.env, FAKE_TRAINER_STEP_MS: "10", ...env }, pollMs: 30, graceMs: 1500, ...more });
const req = (over: Partial<TrainingRequest> = {}): TrainingRequest => ({ setting: "one-stage", data, out: outDir(), hyper: {}, ...over });

const flag = (argv: string[], f: string) => (argv.includes(f) ? argv[argv.indexOf(f) + 1] : undefined);

describe("defaults and argv", () => {
    it("builds the paper's defaults per setting, every flag explicit", () => {
        const p = { python: "/venv/bin/python", script: "/repo/training/train.py" };
        const one = buildArgv({ setting: "one-stage", data: "/d", out: "/o", hyper: {} }, p);
        expect(one.slice(0, 8)).toEqual(["/venv/bin/python", "/repo/training/train.py", "--setting", "one-stage", "--data", "/d", "--out", "/o"]);
        expect(flag(one, "--lr")).toBe("1e-3");
        expect(flag(one, "--lora-r")).toBe("8");
        expect(flag(one, "--lora-alpha")).toBe("32");
        expect(flag(one, "--lora-dropout")).toBe("0.1");
        expect(flag(one, "--load-in-4bit")).toBe("auto");
        expect(flag(one, "--epochs")).toBe("3");
        expect(flag(one, "--max-length")).toBe("2048");
        expect(flag(one, "--seed")).toBe("42");
        expect(flag(one, "--logging-steps")).toBe("1");
        expect(flag(one, "--eval-steps")).toBe("50");
        expect(flag(one, "--save-steps")).toBe("50");
        expect(one).not.toContain("--beta");
        expect(one).not.toContain("--full");
        expect(one).not.toContain("--max-steps");
        expect(one).not.toContain("--threads");
        expect(one).not.toContain("--base");

        const two = buildArgv({ setting: "two-stage", data: "/d", out: "/o", hyper: {} }, p);
        expect(flag(two, "--lr")).toBe("1e-3");
        expect(Number(flag(two, "--batch-size")) * Number(flag(two, "--grad-accum"))).toBe(64);
        const full = buildArgv({ setting: "two-stage", data: "/d", out: "/o", hyper: { full: true } }, p);
        expect(flag(full, "--lr")).toBe("2e-5");
        expect(full).toContain("--full");
        expect(full).not.toContain("--lora-r");
        expect(full).not.toContain("--load-in-4bit");

        for (const setting of ["dpo-pref", "dpo-pm"] as const) {
            const d = buildArgv({ setting, data: "/d", out: "/o", hyper: {} }, p);
            expect(flag(d, "--beta")).toBe("0.01");
            expect(flag(d, "--lr")).toBe("5e-7");
            expect(flag(d, "--epochs")).toBe("1");
            expect(flag(d, "--batch-size")).toBe("4");
            expect(flag(d, "--grad-accum")).toBe("32");
            expect(flag(d, "--lora-r")).toBe("8");
        }
        expect(defaultHyper("dpo-pm", { processes: 2 }).gradAccum).toBe(16);
    });

    it("applies overrides, --resume, --merge, and accelerate for several processes", () => {
        const p = { python: "/venv/bin/python", script: "/repo/training/train.py" };
        const a = buildArgv({ setting: "dpo-pm", data: "/d", out: "/o", base: "/m/base.gguf", hyper: { lr: 7e-7, beta: 0.1, maxSteps: 20, threads: 2, batchSize: 2, loadIn4bit: "off" }, resume: true, merge: true, processes: 2 }, p);
        expect(a.slice(0, 5)).toEqual(["/venv/bin/accelerate", "launch", "--num_processes", "2", "/repo/training/train.py"]);
        expect(flag(a, "--lr")).toBe("7e-7");
        expect(flag(a, "--beta")).toBe("0.1");
        expect(flag(a, "--max-steps")).toBe("20");
        expect(flag(a, "--threads")).toBe("2");
        expect(flag(a, "--batch-size")).toBe("2");
        // Effective batch 128 kept over two processes unless grad-accum is given.
        expect(flag(a, "--grad-accum")).toBe("32");
        expect(flag(a, "--load-in-4bit")).toBe("off");
        expect(flag(a, "--base")).toBe("/m/base.gguf");
        expect(a.slice(-2)).toEqual(["--resume", "--merge"]);
        expect(resolveHyper("one-stage", { epochs: 0.5, loraR: 16 }).loraR).toBe(16);
        expect(shellQuote("a b'c")).toBe(`'a b'\\''c'`);
        expect(commandLine(["python", "x y.py", "--lr", "1e-3"])).toBe("python 'x y.py' --lr 1e-3");
    });

    it("names the fix when the venv is missing, and checks the curated data per setting", () => {
        expect(trainerProblem({ python: join(root, "no-venv/bin/python"), script: FAKE })).toMatch(/training environment is missing .*npm run setup:training/);
        expect(trainerProblem(paths)).toBeNull();
        expect(() => launchTraining(req(), { python: join(root, "nope/python"), script: FAKE })).toThrow(TrainingLaunchError);
        const partial = join(root, "curated-partial");
        mkdirSync(partial);
        writeFileSync(join(partial, "sft.one-stage.train.jsonl"), "{}\n");
        expect(checkCuratedData("one-stage", partial)).toEqual({ rows: { "sft.one-stage": { train: 1, eval: 0 } }, problem: null });
        expect(checkCuratedData("dpo-pref", partial).problem).toMatch(/pref\.dpref\.train\.jsonl missing/);
        expect(checkCuratedData("two-stage", data).rows).toEqual({ "sft.reflector": { train: 2, eval: 2 }, "sft.corrector": { train: 2, eval: 2 } });
        expect(listCuratedFolders(root).map((c) => c.dir)).toEqual([data]);
        expect(defaultTrainingOut("/s", new Date("2025-01-02T03:04:05Z"))).toBe("/s/train-20250102-030405");
    });
});

describe("following log.jsonl", () => {
    it("emits complete lines only, in order, from a file created late and written in pieces", async () => {
        const file = join(root, "tail", "log.jsonl");
        mkdirSync(join(root, "tail"));
        const got: unknown[] = [];
        const bad: string[] = [];
        const t = new JsonlTail(file, (v) => got.push(v), { pollMs: 20, onBadLine: (l) => bad.push(l) }).start();
        await new Promise((r) => setTimeout(r, 50));
        writeFileSync(file, '{"a":1}\n{"a":');
        await new Promise((r) => setTimeout(r, 80));
        expect(got).toEqual([{ a: 1 }]);
        appendFileSync(file, '2}\nnot json\n{"a":"é');
        await new Promise((r) => setTimeout(r, 80));
        expect(got).toEqual([{ a: 1 }, { a: 2 }]);
        expect(bad).toEqual(["not json"]);
        appendFileSync(file, '"}');
        t.stop(true);
        expect(got).toEqual([{ a: 1 }, { a: 2 }, { a: "é" }]);
    });

    it("derives progress per stage and overall, ETA from remaining_s or the rate, and curves that survive a resume", () => {
        let p = emptyProgress();
        const ev = (e: TrainerEvent) => (p = reduceProgress(p, e));
        ev({ event: "start", setting: "two-stage", stages: ["reflector", "corrector"], device: "cpu", gpus: 0, base: "b", data: "d", time: "t", resumed: false });
        ev({ event: "stage", stage: "reflector", index: 1, of: 2, rows: 10, eval_rows: 2 });
        ev({ event: "log", stage: "reflector", step: 5, total_steps: 10, loss: 2, elapsed_s: 10, remaining_s: 10 });
        expect(p.overall).toBeCloseTo(0.25);
        expect(p.stageEtaS).toBe(10);
        // The corrector is estimated as long as the reflector: 10 s left + 20 s.
        expect(p.etaS).toBe(30);
        ev({ event: "log", stage: "reflector", step: 6, total_steps: 10, loss: 1.5, eval_loss: 1.8, elapsed_s: 12, remaining_s: null });
        // No remaining_s: 1 step per 2 s, 4 steps left.
        expect(p.stageEtaS).toBe(8);
        // A resume re-logs step 6: the curve is cut back instead of doubling.
        ev({ event: "start", setting: "two-stage", stages: ["reflector", "corrector"], device: "cpu", gpus: 0, base: "b", data: "d", time: "t", resumed: true });
        ev({ event: "log", stage: "reflector", step: 6, total_steps: 10, loss: 1.4, elapsed_s: 1, remaining_s: 4 });
        expect(p.stages.reflector!.loss).toEqual([[5, 2], [6, 1.4]]);
        expect(p.stages.reflector!.evalLoss).toEqual([]);
        ev({ event: "stage", stage: "corrector", index: 2, of: 2, rows: 10, eval_rows: 2 });
        expect(p.stages.reflector!.done).toBe(true);
        expect(p.overall).toBeCloseTo(0.5);
        ev({ event: "log", stage: "corrector", step: 10, total_steps: 10, loss: 1, elapsed_s: 5, remaining_s: 0 });
        expect(p.overall).toBe(1);
    });
});

describe("launching the fake trainer", () => {
    it("writes request.json first, reports events in order (partial writes too) and ends done with the result", async () => {
        const events: TrainerEvent[] = [];
        let last = emptyProgress();
        const r = launchTraining(req({ setting: "two-stage", hyper: { evalSteps: 2, saveSteps: 3, lr: 3e-4 }, merge: true }), {
            ...opts({ FAKE_TRAINER_PARTIAL: "1", FAKE_TRAINER_STEPS: "4" }),
            onEvent: (e, p) => {
                events.push(e);
                last = p;
            }
        });
        const stored = JSON.parse(readFileSync(join(r.out, "request.json"), "utf8"));
        expect(stored.argv).toEqual(r.argv);
        expect(stored.request.setting).toBe("two-stage");
        expect(stored.launches).toBe(1);
        expect(r.state).toBe("running");
        const o = await r.finished;
        expect(o.status).toBe("done");
        expect(o.code).toBe(0);
        expect(events.map((e) => e.event)).toEqual(["start", "stage", "log", "log", "log", "checkpoint", "log", "artifact", "stage", "log", "log", "log", "checkpoint", "log", "artifact", "artifact", "done"]);
        const logs = events.filter((e) => e.event === "log").map((e) => (e as { step: number }).step);
        expect(logs).toEqual([1, 2, 3, 4, 1, 2, 3, 4]);
        expect(JSON.parse(readFileSync(join(r.out, "args.json"), "utf8"))).toContain("--merge");
        expect(last.overall).toBe(1);
        expect(last.stages.reflector!.evalLoss.map(([s]) => s)).toEqual([2, 4]);
        expect(last.stages.corrector!.loss).toHaveLength(4);
        expect(last.lr).toBe(3e-4);
        expect(last.tokensPerS).toBe(512);
        expect(o.result?.reflector.adapter).toBe(join(r.out, "reflector", "adapter"));
        expect(o.result?.corrector.adapter).toBe(join(r.out, "corrector", "adapter"));
        expect(readFileSync(join(r.out, "trainer.log"), "utf8")).toContain("fake trainer: loading");
        expect(JSON.parse(readFileSync(join(r.out, "exit.json"), "utf8")).status).toBe("done");
        expect(existsSync(join(r.out, "trainer.pid"))).toBe(false);
    });

    it("reports a crash as failed with the exit code, the error message and the last lines of trainer.log; resume continues from the last checkpoint", async () => {
        const r = launchTraining(req({ hyper: { saveSteps: 2 } }), opts({ FAKE_TRAINER_CRASH_AT: "5" }));
        const o = await r.finished;
        expect(o.status).toBe("failed");
        expect(o.code).toBe(3);
        expect(o.reason).toBe("RuntimeError: CUDA out of memory at step 5 (exit code 3)");
        expect(o.error?.traceback).toContain("Traceback");
        expect(o.lastLines.at(-1)).toBe("RuntimeError: CUDA out of memory at step 5");
        expect(o.lastLines.length).toBeLessThanOrEqual(20);
        expect(r.progress.stages.sft!.step).toBe(4);
        expect(listTrainingRuns(root).find((x) => x.dir === r.out)).toMatchObject({ status: "failed", step: 4, totalSteps: 10, resumable: true, setting: "one-stage" });

        const steps: number[] = [];
        const again = resumeTraining(r.out, { ...opts({ FAKE_TRAINER_CRASH_AT: "5" }), onEvent: (e) => e.event === "log" && steps.push(e.step) });
        expect(again.argv).toContain("--resume");
        // The earlier launch's curve is there from the start.
        expect(again.progress.stages.sft!.loss.map(([s]) => s)).toEqual([1, 2, 3, 4]);
        const o2 = await again.finished;
        expect(o2.status).toBe("done");
        expect(steps).toEqual([5, 6, 7, 8, 9, 10]);
        expect(again.progress.stages.sft!.loss.map(([s]) => s)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        expect(readFileSync(join(r.out, "trainer.log"), "utf8")).toContain("resuming sft from checkpoint-4");
        expect(JSON.parse(readFileSync(join(r.out, "request.json"), "utf8")).launches).toBe(2);
        expect(listTrainingRuns(root).find((x) => x.dir === r.out)).toMatchObject({ status: "done", resumable: false, finalLoss: expect.any(Number) });
    });

    it("abort kills the whole process group, grandchild included, escalating to SIGKILL when TERM is ignored", async () => {
        for (const ignore of [false, true]) {
            const r = launchTraining(req(), opts({ FAKE_TRAINER_HANG_AT: "2", ...(ignore ? { FAKE_TRAINER_IGNORE_TERM: "1" } : {}) }, { graceMs: 500 }));
            const gfile = join(r.out, "grandchild.pid");
            const t0 = Date.now();
            while (!existsSync(gfile) || !readFileSync(gfile, "utf8")) {
                if (Date.now() - t0 > 10_000) throw new Error("no grandchild");
                await new Promise((res) => setTimeout(res, 20));
            }
            const grandchild = Number(readFileSync(gfile, "utf8"));
            expect(pidAlive(grandchild)).toBe(true);
            expect(listTrainingRuns(root).find((x) => x.dir === r.out)?.status).toBe("running");
            const o = await r.abort();
            expect(o.status).toBe("aborted");
            expect(groupAlive(r.pid)).toBe(false);
            // Gone or a zombie nobody reaps (a container's PID 1 may not): either way not running.
            const st = (() => {
                try {
                    return readFileSync(`/proc/${grandchild}/stat`, "utf8").split(") ")[1]![0];
                } catch {
                    return "gone";
                }
            })();
            expect(["gone", "Z", "X"]).toContain(st);
            if (ignore) expect(o.signal).toBe("SIGKILL");
            expect(listTrainingRuns(root).find((x) => x.dir === r.out)).toMatchObject({ status: "aborted", resumable: true });
        }
    });

    it("estimates the ETA from the rate when the trainer gives none, and refuses a used out folder", async () => {
        const etas: (number | null)[] = [];
        const r = launchTraining(req(), { ...opts({ FAKE_TRAINER_NO_REMAINING: "1", FAKE_TRAINER_STEPS: "6", FAKE_TRAINER_STEP_MS: "40" }), onEvent: (_e, p) => etas.push(p.stageEtaS) });
        await r.finished;
        expect(etas.some((e) => e !== null && e > 0)).toBe(true);
        expect(() => launchTraining({ ...r.request, resume: false }, opts())).toThrow(/not empty.*--resume/);
    });

    it("lists runs with their status, including an incomplete one, and ignores other folders", () => {
        const inc = join(root, "train-incomplete");
        mkdirSync(inc);
        writeFileSync(join(inc, "log.jsonl"), JSON.stringify({ event: "log", stage: "sft", step: 3, total_steps: 9, loss: 1.2, elapsed_s: 1, remaining_s: 2 }) + "\n");
        mkdirSync(join(root, "batch-x"));
        const runs = listTrainingRuns(root);
        expect(runs.find((x) => x.dir === inc)).toMatchObject({ status: "incomplete", step: 3, totalSteps: 9, finalLoss: 1.2, resumable: false });
        expect(runs.some((x) => x.dir.endsWith("batch-x") || x.dir === data)).toBe(false);
        expect(lastLines(join(root, "missing.log"))).toEqual([]);
        writeFileSync(join(root, "bars.log"), "a\r\nprogress 1\rprogress 2\rprogress 3\n\x1b[31mred\x1b[0m\n\n");
        expect(lastLines(join(root, "bars.log"))).toEqual(["a", "progress 3", "red"]);
    });
});
