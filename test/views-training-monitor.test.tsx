// The training monitor's numbers: step totals before the trainer reports them, an elapsed clock that
// ticks while nothing is logged, and the final state of an aborted or failed run (r only with a checkpoint).
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { render } from "ink-testing-library";
import { emptyProgress, reduceProgress, type TrainingProgress } from "../src/training/progress.js";
import type { TrainerEvent } from "../src/training/types.js";
import { newLiveRun } from "../views/training/liveRun.js";
import { elapsedS, fmtTotal, stageTotal, stepPlan, stoppedAt } from "../views/training/monitorModel.js";
import { TrainingMonitor } from "../views/training/TrainingMonitor.js";
import { TrainingScreen } from "../views/training/TrainingScreen.js";
import type { LiveRun } from "../views/training/trainingState.js";
import { until } from "./helpers/ink.js";

const FAKE = resolve("test/fixtures/fake-trainer.py");
const roots: string[] = [];
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));
afterEach(() => ["FAKE_TRAINER_STEP_MS", "FAKE_TRAINER_HANG_AT"].forEach((k) => delete process.env[k]));

const fold = (events: TrainerEvent[]): TrainingProgress => events.reduce(reduceProgress, emptyProgress());
const START: TrainerEvent = { event: "start", setting: "one-stage", stages: ["sft"], device: "cpu", gpus: 0, base: "m.gguf", data: "/d", time: "", resumed: false };
const STAGE: TrainerEvent = { event: "stage", stage: "sft", index: 1, of: 1, rows: 40, eval_rows: 4 };
const log = (step: number, total: number): TrainerEvent => ({ event: "log", stage: "sft", step, total_steps: total, loss: 1 / step, elapsed_s: step, remaining_s: null });

function run(over: Partial<LiveRun> & { hyper?: Record<string, number> }, events: TrainerEvent[]): LiveRun {
    const { hyper, ...rest } = over;
    const base = newLiveRun("/runs/train-x", "one-stage", "python3 train.py", { setting: "one-stage", data: "/d", out: "/runs/train-x", hyper: hyper ?? {} }, fold(events));
    return { ...base, ...rest };
}

describe("step totals", () => {
    it("come from --max-steps at once, else from epochs × rows ÷ effective batch, and the trainer's own number wins", () => {
        const plan = stepPlan({ setting: "one-stage", data: "/d", out: "/o", hyper: {} })!;
        // One-stage defaults: batch 4, grad-accum 2 (effective 8), 3 epochs, a checkpoint every 50 steps.
        expect(plan).toEqual({ maxSteps: null, epochs: 3, batchSize: 4, gradAccum: 2, processes: 1, saveSteps: 50 });
        // 40 rows: 10 batches, 5 steps an epoch, 15 in 3 epochs; an estimate until the trainer says.
        expect(stageTotal({ totalSteps: 0, rows: 40 }, plan)).toEqual({ total: 15, estimated: true });
        // 41 rows: 11 batches, ceil(11 / 2) = 6 steps an epoch; half an epoch rounds up.
        expect(stageTotal({ totalSteps: 0, rows: 41 }, plan)).toEqual({ total: 18, estimated: true });
        expect(stageTotal({ totalSteps: 0, rows: 41 }, { ...plan, epochs: 0.5 })).toEqual({ total: 3, estimated: true });
        // Two processes halve the batches each one sees; a tiny set still takes one step an epoch.
        expect(stageTotal({ totalSteps: 0, rows: 40 }, { ...plan, processes: 2, gradAccum: 1 })).toEqual({ total: 15, estimated: true });
        expect(stageTotal({ totalSteps: 0, rows: 1 }, plan)).toEqual({ total: 3, estimated: true });
        expect(stageTotal({ totalSteps: 0, rows: 40 }, { ...plan, maxSteps: 2 })).toEqual({ total: 2, estimated: false });
        expect(stageTotal({ totalSteps: 12, rows: 40 }, { ...plan, maxSteps: 2 })).toEqual({ total: 12, estimated: false });
        // Nothing to go by: no rows yet (or a skipped stage's 0), no request.
        expect(stageTotal({ totalSteps: 0, rows: null }, plan)).toBeNull();
        expect(stageTotal({ totalSteps: 0, rows: 0 }, plan)).toBeNull();
        expect(stageTotal({ totalSteps: 0, rows: 40 }, null)).toBeNull();
        expect([fmtTotal({ total: 15, estimated: true }), fmtTotal({ total: 2, estimated: false }), fmtTotal(null)]).toEqual(["~15", "2", "?"]);
    });

    it("shows 0/2 steps with maxSteps 2 before the first logged step, and 0/~15 from the rows without it", () => {
        const a = render(<TrainingMonitor run={run({ hyper: { maxSteps: 2 } }, [START, STAGE])} now={Date.now()} />);
        expect(a.lastFrame()).toContain("0/2 steps");
        expect(a.lastFrame()).toContain("loss: waiting for the first logged step…");
        const b = render(<TrainingMonitor run={run({}, [START, STAGE])} now={Date.now()} />);
        expect(b.lastFrame()).toContain("0/~15 steps");
        const c = render(<TrainingMonitor run={run({}, [START, STAGE, log(1, 10)])} now={Date.now()} />);
        expect(c.lastFrame()).toContain("1/10 steps");
    });
});

describe("the elapsed clock and the final state", () => {
    it("counts the wall clock while live and the outcome's time once ended", () => {
        const live = run({ startedAt: 1_000 }, [START]);
        expect(elapsedS(live, 6_500)).toBe(5.5);
        const ended = { ...live, state: "aborted" as const, outcome: { status: "aborted" as const, out: live.out, code: null, signal: "SIGTERM", lastLines: [], elapsedS: 3, endedAt: "" } };
        expect(elapsedS(ended, 60_000)).toBe(3);
        const f = render(<TrainingMonitor run={live} now={66_000} />).lastFrame()!;
        expect(f).toContain("▶ running · elapsed 1m05s");
        expect(f).toContain("waiting for the trainer's first stage");
    });

    it("says how an aborted or failed run stopped instead of waiting for a step, and offers r only with a checkpoint", () => {
        const outcome = (status: "aborted" | "failed") => ({ status, out: "/runs/train-x", code: status === "failed" ? 1 : null, signal: null, reason: status === "failed" ? "exit code 1" : "aborted", lastLines: ["boom"], elapsedS: 4, endedAt: "" });
        const none = run({ state: "aborted", outcome: outcome("aborted") }, [START, STAGE]);
        expect(stoppedAt(none)).toBe("no step was logged");
        let f = render(<TrainingMonitor run={none} now={Date.now()} />).lastFrame()!;
        expect(f).toContain("■ aborted after 4s");
        expect(f).toContain("loss: no step was logged");
        expect(f).toContain("no step was logged · no checkpoint yet (one every 50 steps)");
        expect(f).not.toContain("waiting for the first logged step");
        expect(f).not.toContain("r resume");

        const resumable = run({ state: "failed", outcome: outcome("failed"), resume: { checkpoint: { stage: "sft", step: 4, path: "/p" }, finished: [] } }, [START, STAGE, log(4, 10), log(5, 10)]);
        expect(stoppedAt(resumable)).toBe("stopped at step 5/10");
        f = render(<TrainingMonitor run={resumable} now={Date.now()} />).lastFrame()!;
        expect(f).toContain("✗ failed: exit code 1");
        expect(f).toContain("stopped at step 5/10 · r resumes from sft checkpoint-4");
        expect(f).toContain("boom");

        const early = run({ state: "failed", outcome: outcome("failed") }, [START]);
        f = render(<TrainingMonitor run={early} now={Date.now()} />).lastFrame()!;
        expect(f).toContain("no step was logged");
        expect(f).not.toContain("waiting");
    });

    it("lists a done run's artifacts and result within an 80x24 screen's rows", () => {
        const done: TrainerEvent[] = [
            START,
            STAGE,
            log(1, 2),
            log(2, 2),
            { event: "artifact", stage: "sft", kind: "adapter", path: "/runs/train-x/sft/adapter" },
            { event: "artifact", stage: "sft", kind: "adapter-gguf", path: "/runs/train-x/sft/adapter.gguf" }
        ];
        const r = run({ state: "done", outcome: { status: "done", out: "/runs/train-x", code: 0, signal: null, lastLines: [], elapsedS: 70, endedAt: "" } }, done);
        // 24 rows less the screen's frame (border, title, help bar).
        const f = render(<TrainingMonitor run={r} now={Date.now()} rows={20} />).lastFrame()!;
        expect(f.split("\n").length).toBeLessThanOrEqual(20);
        expect(f).toContain("● done in 1m10s");
        expect(f).toContain("2/2 steps");
        expect(f).toContain("adapter (sft) /runs/train-x/sft/adapter");
        expect(f).toContain("adapter-gguf (sft) /runs/train-x/sft/adapter.gguf");
        expect(f).toContain("result: /runs/train-x/result.json");
    });

    it("ticks the elapsed clock while the trainer logs nothing; after an abort with no checkpoint r is not offered", async () => {
        const dir = mkdtempSync(join(tmpdir(), "rl-train-clock-"));
        roots.push(dir);
        const data = join(dir, "curated-20250101-000000");
        mkdirSync(data);
        writeFileSync(join(data, "curation.json"), "{}");
        for (const s of ["train", "eval"]) writeFileSync(join(data, `sft.one-stage.${s}.jsonl`), "{}\n");
        // The fake hangs in its first step: after the stage event nothing more comes.
        process.env.FAKE_TRAINER_STEP_MS = "10";
        process.env.FAKE_TRAINER_HANG_AT = "1";
        const ui = render(<TrainingScreen sessionsDir={dir} python="python3" script={FAKE} defaults={{ hyper: { maxSteps: 2 } }} onBack={() => {}} onQuit={() => {}} />);
        const frame = () => ui.lastFrame() ?? "";
        try {
            await until(frame, (x) => x.includes("› setting"), "the form");
            ui.stdin.write("s");
            let f = await until(frame, (x) => x.includes("0/2 steps") && x.includes("elapsed 0s"), "the run, before its first step");
            f = await until(frame, (x) => x.includes("elapsed 2s"), "the clock at 2s", 5_000);
            expect(f).toContain("0/2 steps");
            expect(f).toContain("loss: waiting for the first logged step…");
            ui.stdin.write("a");
            f = await until(frame, (x) => x.includes("■ aborted"), "aborted");
            expect(f).toContain("loss: no step was logged");
            expect(f).toContain("no step was logged · no checkpoint yet (one every 50 steps)");
            expect(f).not.toContain("r resume");
            expect(f).toContain("n new run");
            const out = readdirSync(dir).find((d) => d.startsWith("train-"))!;
            ui.stdin.write("r");
            f = await until(frame, (x) => x.includes("no checkpoint in"), "the notice");
            expect(f).toContain(`no checkpoint in ${out} yet: nothing to resume from (n starts a new run)`);
            // Ended: the clock stands still.
            const still = frame().match(/aborted after \d+s/)?.[0];
            await new Promise((r) => setTimeout(r, 1_100));
            expect(frame().match(/aborted after \d+s/)?.[0]).toBe(still);
        } finally {
            ui.unmount();
        }
    });
});
