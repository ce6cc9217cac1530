// The training screen driven by keys with the real trainer (training/train.py in training/.venv) on the
// real default model: a short one-stage run on a set curated from a stored real run, watched live to the end.
import { afterAll, describe, expect, it } from "vitest";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { render } from "ink-testing-library";
import { exportCuration } from "../src/curate/export.js";
import { defaultOptions } from "../src/curate/options.js";
import { PROJECT_ROOT } from "../src/paths.js";
import { TrainingScreen } from "../views/training/TrainingScreen.js";
import { until } from "./helpers/ink.js";

const dir = mkdtempSync(join(tmpdir(), "rl-train-tui-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("training screen with the real trainer", () => {
    it("starts a run from the form, shows live steps, loss and the trainer's lines, then the adapter", async () => {
        const run = join(dir, "batch-20260101-000000");
        cpSync(join(PROJECT_ROOT, "test", "fixtures", "runs", "smollm2-demo"), run, { recursive: true });
        await exportCuration({ runs: [run], options: defaultOptions({ sets: ["dplus"], evalFraction: 0 }), out: join(dir, "curated-20260101-000000") });
        const out = join(dir, "train-tui");
        const ui = render(
            <TrainingScreen sessionsDir={dir} defaults={{ out, hyper: { maxSteps: 2, batchSize: 2, gradAccum: 1, saveSteps: 2, threads: 2 } }} onBack={() => {}} onQuit={() => {}} />
        );
        const frame = () => ui.lastFrame() ?? "";
        try {
            let f = await until(frame, (x) => x.includes("training · new run") && x.includes("sft.one-stage:"), "the form");
            expect(f).toMatch(/maxSteps\s+2/);
            expect(f).toContain("curated-20260101-000000");
            ui.stdin.write("s");
            f = await until(frame, (x) => x.includes("▶ running"), "the run to start", 30_000);
            // Live: the first logged step with its loss, before the run ends.
            f = await until(frame, (x) => /1\/2 steps/.test(x), "the first step", 240_000);
            expect(f).toMatch(/loss \d+\.\d{4}/);
            f = await until(frame, (x) => x.includes("● done"), "the end of the run", 240_000);
            expect(f).toContain("2/2 steps");
            expect(f).toContain("adapter-gguf");
            expect(f).toContain("result:");
            const result = JSON.parse(readFileSync(join(out, "result.json"), "utf8"));
            expect(existsSync(result.reflector.adapter)).toBe(true);
            const losses = readFileSync(join(out, "log.jsonl"), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l)).filter((e) => e.event === "log" && e.loss !== undefined);
            expect(losses.map((e) => e.step)).toEqual([1, 2]);
        } finally {
            ui.unmount();
        }
    }, 400_000);
});
