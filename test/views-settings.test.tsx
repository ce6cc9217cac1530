// The settings screen: arrows change a value, and the change is saved in the settings store.
import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { render } from "ink-testing-library";
import { closeLab, openLab } from "../src/lab.js";
import { DEFAULT_SETTINGS, SettingsStore } from "../src/settings.js";
import { DEMO_TASKS } from "../src/tasks/demo.js";
import { mountLab } from "../views/run.js";
import { SETTING_ROWS } from "../views/settingsModel.js";
import { ScriptedBackend } from "./helpers/scriptedBackend.js";

const sessions = mkdtempSync(join(tmpdir(), "rl-views-sessions-"));
const confDir = mkdtempSync(join(tmpdir(), "rl-views-conf-"));

afterAll(() => {
    rmSync(sessions, { recursive: true, force: true });
    rmSync(confDir, { recursive: true, force: true });
});

const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));
const DOWN = "\u001B[B";
const RIGHT = "\u001B[C";
const LEFT = "\u001B[D";

describe("the settings screen", () => {
    it("changes maxTurns with the right arrow and saves it in the settings store", async () => {
        const store = new SettingsStore(confDir);
        expect(store.load().maxTurns).toBe(DEFAULT_SETTINGS.maxTurns);
        const lab = await openLab({ settings: store.load(), kind: "lab", backend: new ScriptedBackend([]), sessionsDir: sessions });
        const { element } = mountLab({ lab, tasks: DEMO_TASKS, settingsStore: store });
        const ui = render(element);
        try {
            ui.stdin.write("s");
            await tick();
            expect(ui.lastFrame()).toContain("settings");
            expect(ui.lastFrame()).toContain("next start");
            for (let i = 0; i < SETTING_ROWS.findIndex((r) => r.key === "maxTurns"); i++) {
                ui.stdin.write(DOWN);
                await tick(10);
            }
            expect(ui.lastFrame()).toMatch(/› maxTurns\s+‹ 2 ›/);
            ui.stdin.write(RIGHT);
            await tick();
            ui.stdin.write(RIGHT);
            await tick();
            expect(ui.lastFrame()).toMatch(/› maxTurns\s+‹ 4 ›/);
            expect(new SettingsStore(confDir).load()).toMatchObject({ maxTurns: 4, seed: DEFAULT_SETTINGS.seed });
            // The lab uses it from the next question on.
            expect(lab.settings.maxTurns).toBe(4);
            ui.stdin.write(LEFT);
            await tick();
            expect(new SettingsStore(confDir).load().maxTurns).toBe(3);
            // esc goes back to the lab, whose header shows the value in effect and the saved one with when it applies.
            ui.stdin.write("\u001B");
            await tick(100);
            expect(ui.lastFrame()).toContain("maxTurns 2 → 3 (next question)");
            expect(ui.lastFrame()).not.toContain("› maxTurns");
        } finally {
            ui.unmount();
            await closeLab(lab);
        }
    });
});
