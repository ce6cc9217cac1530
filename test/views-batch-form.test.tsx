// The batch screen inside the lab: b opens the form, a field is edited, s starts a run on scripted slots.
import { afterAll, describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { render } from "ink-testing-library";
import { RunStore } from "../src/batch/store.js";
import { closeLab, openLab } from "../src/lab.js";
import { DEFAULT_SETTINGS, SettingsStore } from "../src/settings.js";
import { DEMO_TASKS } from "../src/tasks/demo.js";
import { closeMathWorker } from "../src/verify/math.js";
import { mountLab } from "../views/run.js";
import { ScriptedBackend, scriptedParallel } from "./helpers/scriptedBackend.js";
import { tinyTasks, wrongThenRight } from "./helpers/batchTasks.js";
import { until } from "./helpers/ink.js";

const sessions = mkdtempSync(join(tmpdir(), "rl-batch-form-sessions-"));
const confDir = mkdtempSync(join(tmpdir(), "rl-batch-form-conf-"));
afterAll(() => {
    closeMathWorker();
    rmSync(sessions, { recursive: true, force: true });
    rmSync(confDir, { recursive: true, force: true });
});


describe("the batch screen in the lab", () => {
    it("opens the form with b, edits fields, starts a run on a scripted parallel backend, and returns with esc", async () => {
        const file = tinyTasks(join(sessions, "tiny.jsonl"), 6);
        const lab = await openLab({ settings: { ...DEFAULT_SETTINGS, maxTurns: 2 }, kind: "lab", backend: new ScriptedBackend(() => "Final answer: 1"), sessionsDir: sessions });
        let slots = 0;
        const { controller, element } = mountLab({
            lab,
            tasks: DEMO_TASKS,
            settingsStore: new SettingsStore(confDir),
            batchBackend: () => {
                slots = 2;
                return scriptedParallel(2, wrongThenRight, { chunkDelayMs: 2 });
            }
        });
        const ui = render(element);
        const frame = () => ui.lastFrame() ?? "";
        const press = async (keys: string) => {
            ui.stdin.write(keys);
            await new Promise((r) => setTimeout(r, 25));
        };
        try {
            await until(frame, (x) => x.includes("question 1/40"), "the lab");
            await press("b");
            let f = await until(frame, (x) => x.includes("batch run") && x.includes("› tasks"), "the batch form");
            expect(f).toMatch(/tasks\s+demo/);
            expect(f).toMatch(/maxTurns\s+2/);
            expect(f).toMatch(/verifier\s+oracle/);
            expect(f).toContain(join(sessions, "batch-").slice(-20));
            // The sampler fields come from the settings; the estimate covers demo's 40 items (no generation yet: time unknown).
            expect(f).toMatch(/maxTokens\s+384\s/);
            expect(f).toMatch(/temperature\s+0\.8\s/);
            expect(f).toMatch(/estimate: ≤ [\d,]+ generations · ≤ \S+ tokens \(384 max each\)/);
            expect(f).toContain("time: unknown until a generation has run");

            // tasks: edit the text (q and ? are characters here, not keys).
            await press("\r");
            for (let i = 0; i < 4; i++) await press("\x7f");
            await press("q?");
            f = await until(frame, (x) => /tasks\s+q\?▌/.test(x), "typed text");
            await press("\x7f");
            await press("\x7f");
            await press(file);
            await press("\r");
            f = await until(frame, (x) => x.includes("/tiny.jso") && !x.includes("▌"), "the accepted path");
            // parallel: 2; k: cycle nothing, edit to 1; instructions: cycle to fixed:<current>.
            await press("\x1B[B");
            await press("\x1B[B");
            await press("\r");
            for (let i = 0; i < 3; i++) await press("\x7f");
            await press("2");
            await press("\r");
            f = await until(frame, (x) => /› parallel\s+2\s/.test(x), "parallel 2");
            await press("\x1B[B");
            await press("\r");
            await press("\x7f");
            await press("1");
            await press("\r");
            await press("\x1B[B");
            await press("\x1B[D");
            f = await until(frame, (x) => /instructions\s+‹ fixed:\d-\d-\d ›/.test(x), "the fixed instruction");

            await press("s");
            f = await until(frame, (x) => x.includes("6/6") && x.includes("● done"), "the finished run");
            expect(slots).toBe(2);
            expect(f).toContain("Acc@t1 0.0 · Acc@t2 100.0 · Δ +100.0");
            expect(f).toMatch(/even\s+3\s+0\.0\s+100\.0\s+\+100\.0\s+\[\d+\.\d, 100\.0\]/);
            expect(f).toContain("esc back");
            const runs = readdirSync(sessions).filter((d) => d.startsWith("batch-"));
            expect(runs).toHaveLength(1);
            const runDir = join(sessions, runs[0]!);
            expect(existsSync(join(runDir, "manifest.json"))).toBe(true);
            const manifest = RunStore.readManifest<{ config: { parallel: number; k: number; tasks: string[]; instructions: { kind: string } } }>(runDir);
            expect(manifest.config).toMatchObject({ parallel: 2, k: 1, tasks: [file], instructions: { kind: "fixed" } });
            const store = RunStore.open(runDir);
            expect(store.counts()).toEqual({ items: 6, done: 6, errors: 0, samples: 6 });
            store.close();

            await press("\x1B");
            await until(frame, (x) => x.includes("question 1/40") && !x.includes("● done"), "back in the lab");

            // The form lists the run for resuming.
            await press("b");
            f = await until(frame, (x) => x.includes("› tasks"), "the form again");
            // Now the speed of the run just made is known.
            expect(f).toMatch(/time: ≤ \S+ at [\d.]+ tok\/s \(last batch run, P 2\)/);
            // resume is the 13th field (maxTokens and temperature come after maxTurns).
            for (let i = 0; i < 12; i++) await press("\x1B[B");
            await press("\x1B[C");
            await until(frame, (x) => x.includes(`${runs[0]!.slice(-8)} (tiny, 6 items) ›`) && x.includes("start (resume)"), "the resume choice");
            await press("\x1B");
            await until(frame, (x) => x.includes("question 1/40"), "back in the lab");
            await press("q");
            await controller.quit();
        } finally {
            ui.unmount();
            await closeLab(lab);
        }
    });
});
