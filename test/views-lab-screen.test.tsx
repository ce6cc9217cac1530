// The lab screen as a user sees it at 80x24 (and on a resize to it): every frame fits, the question
// and the key bar stay on screen, a new question replaces everything, a question revisited shows its
// recorded attempt first, re-rolls fold, and settings show what is in effect and what is pending.
import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { render } from "ink-testing-library";
import { closeLab, openLab } from "../src/lab.js";
import { DEFAULT_SETTINGS, SettingsStore } from "../src/settings.js";
import { DEMO_TASKS } from "../src/tasks/demo.js";
import { closeMathWorker } from "../src/verify/math.js";
import { Loading } from "../views/Loading.js";
import { mountLab } from "../views/run.js";
import { SETTING_ROWS } from "../views/settingsModel.js";
import { expectFits as expectFitsIn, frameLines } from "./helpers/fit.js";
import { mountOn, until } from "./helpers/ink.js";
import { ScriptedBackend } from "./helpers/scriptedBackend.js";

const sessions = mkdtempSync(join(tmpdir(), "rl-lab-screen-"));
const confDir = mkdtempSync(join(tmpdir(), "rl-lab-screen-conf-"));
afterAll(() => {
    closeMathWorker();
    rmSync(sessions, { recursive: true, force: true });
    rmSync(confDir, { recursive: true, force: true });
});

const DOWN = "\u001B[B";
const UP = "\u001B[A";
const RIGHT = "\u001B[C";
const ESC = "\u001B";
const PGDN = "\u001B[6~";

/** A long reply, so a card is taller than the step area at 24 rows. */
const LONG = "I looked at every statement in turn and compared it with the premises, one by one. ".repeat(3);

/** Waits for the first question, then takes one step (space) per phase, waiting until the screen says it finished. */
async function stepThrough(s: Awaited<ReturnType<typeof openScreen>>, phases: string[]): Promise<void> {
    await until(s.frame, (f) => f.includes("question 1/40"), "the question");
    for (const what of phases) {
        await s.press(" ");
        await until(s.frame, (f) => f.includes(what), what);
    }
}

async function openScreen(columns: number | null, rows: number | null) {
    let reflections = 0;
    const backend = new ScriptedBackend(
        (messages) => {
            const last = messages[messages.length - 1]!.content;
            if (last.startsWith("Your answer is incorrect")) return `Reflection ${++reflections}: ${LONG}${LONG}`;
            if (last.startsWith("Now answer the question again")) return `${LONG}\nFinal answer: B`;
            return "All animals are cats, so the first one.\nFinal answer: A";
        },
        { chunkDelayMs: 1 }
    );
    const lab = await openLab({ settings: { ...DEFAULT_SETTINGS, instructions: "fixed:1-3-2" }, kind: "lab", backend, sessionsDir: sessions });
    const mounted = mountLab({ lab, tasks: DEMO_TASKS, settingsStore: new SettingsStore(confDir) });
    const ui = render(mounted.element);
    const size = (c: number, r: number) => {
        Object.defineProperty(ui.stdout, "columns", { value: c, configurable: true });
        Object.defineProperty(ui.stdout, "rows", { value: r, configurable: true });
        ui.stdout.emit("resize");
    };
    if (columns && rows) size(columns, rows);
    const lines = () => frameLines(ui.lastFrame() ?? "");
    const frame = () => lines().join("\n");
    const press = async (k: string) => {
        ui.stdin.write(k);
        await new Promise((r) => setTimeout(r, 30));
    };
    const close = async () => {
        await mounted.controller.quit();
        ui.unmount();
        await closeLab(lab);
    };
    return { ui, lab, backend, ...mounted, size, lines, frame, press, close };
}

/** Fits `columns` x `rows` with the last row free: the lab leaves one below every screen. */
const expectFits = (lines: string[], columns: number, rows: number) => expectFitsIn(lines, columns, rows - 1);

describe("the lab screen at 80x24", () => {
    it("fits on every frame, keeps the question on top and the key bar at the bottom, through a whole question", async () => {
        const s = await openScreen(80, 24);
        try {
            await until(s.frame, (f) => f.includes("question 1/40"), "the question");
            const from = s.ui.frames.length;
            const stages: [string, (f: string) => boolean][] = [
                ["the answer", (f) => f.includes("Final answer: A") && f.includes("answering finished")],
                ["the verdict", (f) => f.includes("✗ incorrect") && f.includes("verifying finished")],
                ["the reflection", (f) => f.includes("reflecting finished")],
                ["the correction", (f) => f.includes("correcting finished")],
                ["the final verdict", (f) => f.includes("● done")]
            ];
            expect(stages).toHaveLength(5);
            for (const [what, done] of stages) {
                await s.press(" ");
                await until(s.frame, done, what);
                const l = s.lines();
                expectFits(l, 80, 24);
                expect(l.length).toBe(23);
                expect(l.some((x) => x.startsWith("question 1/40 · demo-logic · logic-01"))).toBe(true);
                expect(l[l.length - 1]).toMatch(/^space next · .* · \? help · q quit$/);
            }
            // Every frame drawn, streaming ones included.
            const frames = s.ui.frames.slice(from).map((f) => frameLines(f));
            expect(frames.length).toBeGreaterThan(10);
            for (const f of frames) expectFits(f, 80, 24);

            const f = s.frame();
            // Turn 1 is one pinned line; the correction's card is cut into, its header kept on top.
            expect(f).toContain("▸ turn 1 · ✗ incorrect · Final answer: A");
            expect(f).toMatch(/lines above/);
            expect(f).toContain("▌turn 2 · verdict");
        } finally {
            await s.close();
        }
    }, 60_000);

    it("replaces everything on n, and shows the recorded attempt on p with space to try again", async () => {
        const s = await openScreen(80, 24);
        try {
            await stepThrough(s, ["answering finished", "verifying finished"]);

            await s.press("n");
            let f = await until(s.frame, (x) => x.includes("question 2/40"), "the next question");
            expect(f).not.toContain("Final answer: A");
            expect(f).not.toContain("All cats are mammals");
            expect(f).not.toContain("✗ incorrect");
            expect(f).toContain("What is 17 + 25?");
            expectFits(s.lines(), 80, 24);

            await s.press("p");
            f = await until(s.frame, (x) => x.includes("question 1/40"), "the question again");
            expect(f).toContain("question 1/40 · demo-logic · logic-01 · recorded attempt");
            expect(f).toContain("◆ recorded attempt · ✗, left unfinished · read-only · space: try again");
            expect(f).toContain("Final answer: A");
            expect(f).toContain("✗ incorrect");
            expect(s.lines().at(-1)).toMatch(/^space try again · /);
            expectFits(s.lines(), 80, 24);
            // Nothing runs on a recorded attempt: r says how to start one.
            await s.press("r");
            expect(s.frame()).toContain("this is a recorded attempt: space starts a fresh one");
            const begins = () => readFileSync(s.lab.recorder.stepsFile, "utf8").split("\n").filter((l) => l.includes('"type":"begin"')).length;
            expect(begins()).toBe(2);

            await s.press(" ");
            f = await until(s.frame, (x) => x.includes("○ ready"), "a fresh attempt");
            expect(f).not.toContain("recorded attempt");
            expect(f).not.toContain("Final answer: A");
            expect(begins()).toBe(3);
        } finally {
            await s.close();
        }
    });

    it("folds a re-rolled reflection, says what a new instruction applies to, expands with e and scrolls with ↑", async () => {
        const s = await openScreen(80, 24);
        try {
            await stepThrough(s, ["answering finished", "verifying finished", "reflecting finished"]);
            await s.press("]");
            let f = await until(s.frame, (x) => x.includes("instruction [1-4-1]"), "the next instruction");
            expect(f).toContain("instruction [1-4-1] applies to the next re-roll (r)");

            await s.press("r");
            f = await until(s.frame, (x) => x.includes("reflecting finished") && x.includes("sample 2"), "the re-roll");
            // The new sample's card (its header kept on top as the view follows its end), the old one folded above it.
            expect(f).toContain("↻ re-rolled ×1 · superseded: [1-3-2] → unfinished · e shows");
            expect(f).toContain("▌reflection [1-4-1] · after turn 1 · sample 2 (continued)");
            expect(f).not.toContain("Reflection 1");

            await s.press("e");
            // Expanded, the view starts at the top: the earlier turn, then (a page down) the superseded sample.
            f = await until(s.frame, (x) => x.includes("▾ turn 1") && x.includes("▌turn 1 · answer"), "the expanded turns");
            expect(f).toMatch(/lines below/);
            expectFits(s.lines(), 80, 24);
            for (let i = 0; i < 5 && !s.frame().includes("superseded · reflection [1-3-2]"); i++) await s.press(PGDN);
            expect(s.frame()).toContain("superseded · reflection [1-3-2]");
            await s.press("e");
            f = await until(s.frame, (x) => !x.includes("▾ turn 1"), "the folded turns");
            expect(f).toContain("▸ turn 1");

            // Following the end, then one line up: the window moves off the bottom and says what is below.
            expect(f).not.toMatch(/lines below/);
            await s.press(UP);
            f = await until(s.frame, (x) => /↓ 1 line below/.test(x), "the scroll");
            await s.press(DOWN);
            f = await until(s.frame, (x) => !/line below/.test(x), "back at the bottom");
        } finally {
            await s.close();
        }
    }, 60_000);

    it("redraws at the new width on a resize, wiping the screen first", async () => {
        const s = await openScreen(null, null);
        try {
            // ink-testing-library's stdout is 100 wide and says no height: 24 rows are assumed.
            let f = await until(s.frame, (x) => x.includes("question 1/40"), "the question");
            const rule = (x: string) => x.split("\n").find((l) => /^─+$/.test(l))?.length;
            expect(rule(f)).toBe(100);
            expectFits(s.lines(), 100, 24);
            const before = s.ui.frames.length;
            s.size(80, 24);
            f = await until(s.frame, (x) => rule(x) === 80, "the narrower frame");
            expect(s.ui.frames.slice(before).some((x) => x.includes("\u001b[2J"))).toBe(true);
            expectFits(s.lines(), 80, 24);
            s.size(140, 45);
            f = await until(s.frame, (x) => rule(x) === 140, "the wider frame");
            expect(s.lines()).toHaveLength(44);
            expectFits(s.lines(), 140, 45);
        } finally {
            await s.close();
        }
    });
});

describe("settings in effect and pending", () => {
    it("hands temperature and maxTokens to the running loop at once, and marks the others until the next question", async () => {
        const s = await openScreen(80, 24);
        try {
            await stepThrough(s, ["answering finished", "verifying finished", "reflecting finished"]);
            await s.press("s");
            await until(s.frame, (f) => f.includes("› model"), "the settings");
            // The screen opens on the first row; rows are selected downwards in SETTING_ROWS order.
            let pos = 0;
            const to = async (key: string) => {
                const at = SETTING_ROWS.findIndex((r) => r.key === key);
                expect(at).toBeGreaterThan(pos);
                for (; pos < at; pos++) await s.press(DOWN);
                expect(s.frame()).toContain(`› ${key} `);
            };
            await to("temperature");
            await s.press(RIGHT);
            await to("maxTurns");
            await s.press(RIGHT);
            await to("maxTokens");
            await s.press(RIGHT);
            let f = s.frame();
            expectFits(s.lines(), 80, 24);
            expect(f).toMatch(/maxTurns\s+3\s+2 → 3 \(next question\)/);
            // Applied at once: no marker for them.
            expect(f).toMatch(/temperature\s+0\.9\s+sampling temperature/);
            expect(f).toContain("old → new (next question | next start)");
            expect(s.controller.loop!.config.sampler).toMatchObject({ temperature: 0.9, maxTokens: 416, seed: DEFAULT_SETTINGS.seed });

            await s.press(ESC);
            f = await until(s.frame, (x) => x.includes("question 1/40"), "the lab");
            expect(f).toContain("maxTurns 2 → 3 (next question)");
            expect(f).toContain("temp 0.9");
            expect(f).toContain("maxTokens 416");

            // The re-roll is sampled with the new values.
            await s.press("r");
            await until(s.frame, (x) => x.includes("reflecting finished") && x.includes("sample 2"), "the re-roll");
            const last = s.backend.calls.at(-1)!.sampler;
            expect(last).toMatchObject({ temperature: 0.9, maxTokens: 416 });

            // The next question starts with maxTurns 3: the marker is gone.
            await s.press("n");
            f = await until(s.frame, (x) => x.includes("question 2/40"), "the next question");
            expect(f).toContain("maxTurns 3");
            expect(f).not.toContain("→ 3 (next question)");
        } finally {
            await s.close();
        }
    }, 60_000);

    it("fits the settings screen and the help overlay in 80x24", async () => {
        const s = await openScreen(80, 24);
        try {
            await until(s.frame, (f) => f.includes("question 1/40"), "the question");
            await s.press("s");
            await until(s.frame, (f) => f.includes("› model"), "the settings");
            expectFits(s.lines(), 80, 24);
            await s.press("?");
            // It opens at the keys of the screen it was opened from.
            await until(s.frame, (x) => x.includes("select the previous setting"), "the help overlay at the settings' keys");
            expectFits(s.lines(), 80, 24);
            await s.press("?");
            await until(s.frame, (x) => x.includes("› model"), "back to the settings");
        } finally {
            await s.close();
        }
    });
});

describe("the loading screen", () => {
    it("fits 80x24 with long progress lines and an error", async () => {
        const lines = ["downloading ".repeat(20), "checking the sha256 of a file with a rather long name ".repeat(3), "ok"];
        const ink = mountOn(<Loading model={"models/" + "x".repeat(120) + ".gguf"} lines={lines} error={"the model file was not found: " + "/a/long/path".repeat(12)} />);
        await new Promise((r) => setTimeout(r, 30));
        ink.unmount();
        const out = frameLines(ink.term.last);
        expect(out.some((l) => l.startsWith("✗ could not load"))).toBe(true);
        // Each progress message keeps one row, cut rather than wrapped.
        expect(out.filter((l) => l.startsWith("downloading"))).toHaveLength(1);
        expectFits(out, 80, 24);
    });
});
