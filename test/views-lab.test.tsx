// The lab TUI end to end on a scripted backend: keys in, frames out, steps on disk.
import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { render } from "ink-testing-library";
import { closeLab, openLab } from "../src/lab.js";
import { DEFAULT_SETTINGS, SettingsStore } from "../src/settings.js";
import { DEMO_TASKS } from "../src/tasks/demo.js";
import { closeMathWorker } from "../src/verify/math.js";
import { KEYMAP } from "../views/keymap.js";
import { mountLab, runTui } from "../views/run.js";
import { ScriptedBackend } from "./helpers/scriptedBackend.js";
import { until, FakeStdout, FakeStdin } from "./helpers/ink.js";

const sessions = mkdtempSync(join(tmpdir(), "rl-views-sessions-"));
const confDir = mkdtempSync(join(tmpdir(), "rl-views-conf-"));

afterAll(() => {
    closeMathWorker();
    rmSync(sessions, { recursive: true, force: true });
    rmSync(confDir, { recursive: true, force: true });
});


describe("the lab TUI", () => {
    it("steps through answer, verdict, reflection and correction; re-rolls, cycles, moves and quits", async () => {
        // ink-testing-library's stdout is 100 columns and says no height: the lab lays out 24 rows.
        const math = DEMO_TASKS.items.find((i) => i.family === "math" && i.answer === "42")!;
        const tasks = { ...DEMO_TASKS, items: [math, ...DEMO_TASKS.items.filter((i) => i !== math)] };
        expect(tasks.items).toHaveLength(40);
        let reflections = 0;
        const backend = new ScriptedBackend(
            (messages) => {
                const last = messages[messages.length - 1]!.content;
                if (last.startsWith("Your answer is incorrect")) return `Reflection number ${++reflections}: I did not add the tens and units carefully.`;
                if (last.startsWith("Now answer the question again")) return "17 + 25 = 42.\nFinal answer: 42";
                return "It is a big number, I guess.\nFinal answer: 999";
            },
            { chunkDelayMs: 5 }
        );
        const settingsStore = new SettingsStore(confDir);
        const lab = await openLab({ settings: { ...DEFAULT_SETTINGS, instructions: "fixed:1-3-2", maxTurns: 2 }, kind: "lab", backend, sessionsDir: sessions });
        const { controller, element } = mountLab({ lab, tasks, settingsStore });
        const ui = render(element);
        const frame = () => ui.lastFrame() ?? "";
        const press = async (keys: string) => {
            ui.stdin.write(keys);
            await new Promise((r) => setTimeout(r, 20));
        };
        try {
            let f = await until(frame, (x) => x.includes("question 1/40"), "the question");
            expect(f).toContain(math.question);
            expect(f).toContain("model.gguf");
            expect(f).toContain("gpu 0/30 layers");
            expect(f).toContain("instruction [1-3-2]");

            await press(" ");
            f = await until(frame, (x) => x.includes("turn 1 · answer") && x.includes("Final answer: 999"), "the first answer");
            // It streamed: some frame showed the running phase with only part of the text.
            expect(ui.frames.some((x) => x.includes("answering · turn 1") && x.includes("It is") && !x.includes("999"))).toBe(true);

            await press(" ");
            f = await until(frame, (x) => x.includes("✗ incorrect"), "the verdict");

            await press(" ");
            f = await until(frame, (x) => x.includes("Reflection number 1") && !x.includes("reflecting ·"), "the reflection");
            expect(f).toContain("reflection [1-3-2]");

            await press(" ");
            f = await until(frame, (x) => x.includes("Final answer: 42") && x.includes("turn 2 · answer (after reflection)"), "the corrected answer");

            await press(" ");
            f = await until(frame, (x) => x.includes("✓ correct") && x.includes("● done"), "the final verdict");

            await press("]");
            f = await until(frame, (x) => x.includes("instruction [1-4-1]"), "the next instruction");

            await press("r");
            f = await until(frame, (x) => x.includes("Reflection number 2") && !x.includes("reflecting ·"), "the re-rolled reflection");
            // The superseded sample is folded into one counted line, with what it had led to.
            expect(f).toContain("↻ re-rolled ×1 · superseded: [1-3-2] → ✓ correct");
            expect(f).not.toContain("Reflection number 1");
            expect(f).toContain("reflection [1-4-1] · after turn 1 · sample 2");
            expect(controller.loop!.record.steps.filter((s) => s.superseded).map((s) => s.kind)).toEqual(["reflect", "correct", "verify"]);

            await press("?");
            f = await until(frame, (x) => x.includes("? or esc closes"), "the help overlay");
            // It scrolls, and opens at the lab's keys.
            const labKeys = KEYMAP.filter((b) => b.when?.length === 1 && b.when[0] === "lab");
            expect(labKeys.length).toBeGreaterThan(10);
            for (const b of labKeys.slice(0, 8)) expect(f.replace(/\s+/g, " ")).toContain(b.description.split(" ").slice(0, 3).join(" "));
            await press("?");
            await until(frame, (x) => !x.includes("? or esc closes"), "the overlay to close");

            await press("v");
            f = await until(frame, (x) => x.includes("verifier oracle → self (next question)"), "the verifier switch");
            expect(new SettingsStore(confDir).load().verifier).toBe("self");

            await press("n");
            f = await until(frame, (x) => x.includes("question 2/40"), "the next question");
            expect(f).toContain(tasks.items[1]!.question.trim().split("\n")[0]);
            expect(f).toContain("verifier self");

            await press("q");
            await controller.quit();
        } finally {
            ui.unmount();
            await closeLab(lab);
        }
        const lines = readFileSync(lab.recorder.stepsFile, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { type: string; kind?: string; step?: { kind: string } });
        expect(lines.filter((l) => l.type === "prompt").map((l) => l.kind)).toEqual(["answer", "reflect", "correct", "reflect"]);
        expect(lines.filter((l) => l.type === "step").map((l) => l.step!.kind)).toEqual(["answer", "verify", "reflect", "correct", "verify", "reflect"]);
        expect(lines.filter((l) => l.type === "begin")).toHaveLength(2);
    });
});


describe("runTui", () => {
    it("opens the lab, runs until q and prints the session folder", async () => {
        const stdout = new FakeStdout();
        const stdin = new FakeStdin();
        const backend = new ScriptedBackend(() => "word ".repeat(200) + "Final answer: B", { chunkDelayMs: 20 });
        const own = mkdtempSync(join(tmpdir(), "rl-views-run-"));
        const done = runTui({
            settings: { ...DEFAULT_SETTINGS },
            settingsStore: new SettingsStore(confDir),
            tasks: DEMO_TASKS,
            backend,
            sessionsDir: own,
            stdout: stdout as unknown as NodeJS.WriteStream,
            stdin: stdin as unknown as NodeJS.ReadStream
        });
        // Ink writes only the last frame when it detects CI (CI=true), so progress is read from the session files.
        const stepsFile = () => {
            const [dir] = readdirSync(own);
            return dir ? readFileSync(join(own, dir, "steps.jsonl"), "utf8") : "";
        };
        await until(stepsFile, (x) => x.includes('"type":"begin"'), "the lab");
        stdin.write(" ");
        await until(stepsFile, (x) => x.includes('"type":"prompt"'), "the answer to start");
        await until(() => String(backend.calls.length), (x) => x === "1", "the generation");
        await new Promise((r) => setTimeout(r, 200));
        // Quit mid-generation: the generation is aborted and its partial step recorded.
        stdin.write("q");
        expect(await done).toBe(0);
        const dir = /session saved in (\S+)/.exec(stdout.out)?.[1];
        expect(dir).toBeDefined();
        const steps = readFileSync(join(dir!, "steps.jsonl"), "utf8");
        expect(steps).toContain('"type":"prompt"');
        expect(steps).toContain('"stop_reason":"abort"');
    });

    it("reports a model that cannot be found and returns exit code 1", async () => {
        const stdout = new FakeStdout();
        const before = process.exitCode;
        const code = await runTui({
            settings: { ...DEFAULT_SETTINGS, model: join(sessions, "no-such-model.gguf") },
            settingsStore: new SettingsStore(confDir),
            tasks: DEMO_TASKS,
            sessionsDir: sessions,
            stdout: stdout as unknown as NodeJS.WriteStream,
            stdin: new FakeStdin() as unknown as NodeJS.ReadStream
        });
        process.exitCode = before;
        expect(code).toBe(1);
        expect(stdout.out).toContain("could not load");
        expect(stdout.out).toContain("model file not found");
    });
});
