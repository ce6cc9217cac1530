// The lab TUI on the real default model, driven by key presses: the same path a user takes.
import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { render } from "ink-testing-library";
import { closeLab, openLab } from "../src/lab.js";
import { DEFAULT_SETTINGS, SettingsStore } from "../src/settings.js";
import { DEMO_TASKS } from "../src/tasks/demo.js";
import { closeMathWorker } from "../src/verify/math.js";
import { mountLab } from "../views/run.js";
import { until } from "./helpers/ink.js";

const sessions = mkdtempSync(join(tmpdir(), "rl-tui-sessions-"));
const confDir = mkdtempSync(join(tmpdir(), "rl-tui-conf-"));

afterAll(() => {
    closeMathWorker();
    rmSync(sessions, { recursive: true, force: true });
    rmSync(confDir, { recursive: true, force: true });
});


describe("the lab TUI on the real model", () => {
    it("steps a question through answer, verdict, reflection and correction, then quits with the steps on disk", async () => {
        const lab = await openLab({ settings: { ...DEFAULT_SETTINGS, maxTokens: 80, instructions: "fixed:2-4-1" }, kind: "lab", sessionsDir: sessions });
        // An equation the 135M model rarely solves; if it does, the correct-path screen is checked instead.
        const start = DEMO_TASKS.items.findIndex((i) => i.id === "math-02");
        const { controller, element } = mountLab({ lab, tasks: DEMO_TASKS, settingsStore: new SettingsStore(confDir), startIndex: start });
        const ui = render(element);
        const frame = () => ui.lastFrame() ?? "";
        const press = (k: string) => ui.stdin.write(k);
        try {
            let f = await until(frame, (x) => x.includes("Solve for x"), "the question", 60_000);
            expect(f).toContain("SmolLM2-135M-Instruct.Q4_1.gguf");
            expect(f).toMatch(/CPU · gpu 0\/\d+ layers · ctx 4096/);

            press(" ");
            f = await until(frame, (x) => x.includes("turn 1 · answer") && !x.includes("answering ·"), "turn 1", 60_000);
            expect(f).toMatch(/\d+(\.\d)? tok\/s/);
            press(" ");
            f = await until(frame, (x) => /✓ correct|✗ incorrect/.test(x), "the verdict", 60_000);
            const correct = f.includes("✓ correct");
            if (!correct) {
                press(" ");
                f = await until(frame, (x) => x.includes("reflection [2-4-1]") && !x.includes("reflecting ·"), "the reflection", 60_000);
                press(" ");
                f = await until(frame, (x) => x.includes("turn 2 · answer") && !x.includes("correcting ·"), "turn 2", 60_000);
                press(" ");
                f = await until(frame, (x) => (x.match(/✓ correct|✗ incorrect/g) ?? []).length >= 2, "the turn-2 verdict", 60_000);
            }
            expect(f).toContain("done");
            press("q");
            await controller.quit();
        } finally {
            ui.unmount();
            await closeLab(lab);
        }
        const lines = readFileSync(lab.recorder.stepsFile, "utf8").trim().split("\n").map((l) => JSON.parse(l));
        const steps = lines.filter((l) => l.type === "step").map((l) => `${l.step.kind}${l.step.turn}`);
        expect(steps.slice(0, 2)).toEqual(["answer1", "verify1"]);
        const record = lines.filter((l) => l.type === "item").at(-1).record;
        expect(record.item.id).toBe("math-02");
        expect(record.status).toBe("done");
        if (record.correct_by_turn[0] === false) expect(steps).toEqual(["answer1", "verify1", "reflect1", "correct2", "verify2"]);
    }, 240_000);
});
