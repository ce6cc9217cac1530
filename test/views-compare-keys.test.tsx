// The compare screen's key hook: key ids to reducer actions and effects; a typed run folder path checked,
// listed and selected (also from outside sessions/), and kept on reload.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Key } from "ink";
import { render } from "ink-testing-library";
import { startBatch } from "../src/batch/session.js";
import { closeMathWorker } from "../src/verify/math.js";
import { CompareScreen } from "../views/compare/CompareScreen.js";
import { initialCompareState } from "../views/compare/compareState.js";
import { openRunPath } from "../views/compare/openRun.js";
import { compareIntents, typingIntent } from "../views/compare/useCompareKeys.js";
import { tinyConfig, tinyTasks, wrongThenRight } from "./helpers/batchTasks.js";
import { until } from "./helpers/ink.js";
import { scriptedParallel } from "./helpers/scriptedBackend.js";

const root = mkdtempSync(join(tmpdir(), "rl-compare-keys-"));
const sessions = join(root, "sessions");
const elsewhere = join(root, "elsewhere");
afterAll(() => {
    closeMathWorker();
    rmSync(root, { recursive: true, force: true });
});

const hardware = { gpu: "cpu", gpuLayers: "auto", vramCapMiB: null, threads: null } as const;

beforeAll(async () => {
    mkdirSync(sessions);
    mkdirSync(elsewhere);
    const file = tinyTasks(join(root, "tiny.jsonl"), 4);
    await startBatch({ config: tinyConfig(file, { parallel: 2 }), out: join(sessions, "run-a"), hardware, backend: scriptedParallel(2, wrongThenRight) });
    await startBatch({ config: tinyConfig(file, { parallel: 2, mode: "retry" }), out: join(elsewhere, "run-b"), hardware, backend: scriptedParallel(2, wrongThenRight) });
    mkdirSync(join(elsewhere, "empty"));
    writeFileSync(join(elsewhere, "file.txt"), "x");
    mkdirSync(join(elsewhere, "manifest-only"));
    writeFileSync(join(elsewhere, "manifest-only", "manifest.json"), "{}");
    mkdirSync(join(elsewhere, "lab-session"));
    writeFileSync(join(elsewhere, "lab-session", "manifest.json"), JSON.stringify({ schema: "reflect-lab/session@1" }));
    writeFileSync(join(elsewhere, "lab-session", "samples.sqlite"), "");
});

const none: Key = { upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false, return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false, super: false, hyper: false, capsLock: false, numLock: false };

describe("compare keys: ids to intents", () => {
    it("maps by phase: arrows select or scroll, esc steps back or leaves, o opens the input only while picking", () => {
        const pick = initialCompareState([]);
        const table = { ...pick, phase: "table" as const };
        expect(compareIntents(pick, "compare.down", 7)).toEqual([{ type: "down" }]);
        expect(compareIntents(table, "compare.down", 7)).toEqual([{ type: "scroll", delta: 1, max: 7 }]);
        expect(compareIntents(table, "compare.up", 7)).toEqual([{ type: "scroll", delta: -1, max: 7 }]);
        expect(compareIntents(pick, "compare.back", 0)).toEqual([{ effect: "exit" }]);
        expect(compareIntents(table, "compare.back", 0)).toEqual([{ type: "back" }]);
        expect(compareIntents(pick, "compare.open", 0)).toEqual([{ type: "input.open" }]);
        expect(compareIntents(table, "compare.open", 0)).toEqual([]);
        expect(compareIntents(pick, "compare.reload", 0)).toEqual([{ effect: "reload" }]);
        expect(compareIntents(pick, "compare.toggle", 0)).toEqual([{ type: "toggle" }]);
        expect(compareIntents(pick, "help", 0)).toEqual([{ type: "help", open: true }]);
        // Under the overlay only closing it and quitting do anything.
        const help = { ...pick, help: true };
        expect(compareIntents(help, "compare.back", 0)).toEqual([{ type: "help", open: false }]);
        expect(compareIntents(help, "compare.toggle", 0)).toEqual([]);
        expect(compareIntents(help, "quit", 0)).toEqual([{ effect: "quit" }]);
    });

    it("while a path is typed, every key is text but enter, esc and backspace", () => {
        expect(typingIntent("q", none)).toEqual({ type: "input.type", text: "q" });
        expect(typingIntent("/tmp/x", none)).toEqual({ type: "input.type", text: "/tmp/x" });
        expect(typingIntent("", { ...none, return: true })).toEqual({ effect: "submit" });
        expect(typingIntent("", { ...none, escape: true })).toEqual({ type: "input.cancel" });
        expect(typingIntent("", { ...none, delete: true })).toEqual({ type: "input.backspace" });
        expect(typingIntent("", { ...none, tab: true })).toBeNull();
    });
});

describe("a typed run folder path", () => {
    it("is a batch run (manifest.json of a batch run and samples.sqlite), absolute or relative, or a one-line reason", () => {
        const ok = openRunPath("run-b", elsewhere);
        expect(typeof ok === "string" ? ok : ok.dir).toBe(join(elsewhere, "run-b"));
        expect(openRunPath(join(elsewhere, "run-b"), "/")).toMatchObject({ id: "run-b", mode: "retry", done: 4, items: 4 });
        expect(openRunPath("../elsewhere/run-b/", sessions)).toMatchObject({ dir: join(elsewhere, "run-b") });
        expect(openRunPath("  ", elsewhere)).toBe("type the path of a batch run folder (absolute, or relative to the working folder)");
        expect(openRunPath("nope", elsewhere)).toBe(`no such folder: ${join(elsewhere, "nope")}`);
        expect(openRunPath("file.txt", elsewhere)).toBe(`${join(elsewhere, "file.txt")} is a file, not a run folder`);
        expect(openRunPath("empty", elsewhere)).toBe("empty is not a batch run: it has no manifest.json and no samples.sqlite (reflect-lab batch writes both)");
        expect(openRunPath("manifest-only", elsewhere)).toBe("manifest-only is not a batch run: it has no samples.sqlite (reflect-lab batch writes both)");
        expect(openRunPath("lab-session", elsewhere)).toContain("is not a batch run (manifest schema reflect-lab/session@1)");
    });

    it("is opened with o from the screen: refused inline, then listed and selected, and kept on reload", async () => {
        let quit = 0;
        const ui = render(<CompareScreen sessionsDir={sessions} cwd={elsewhere} onBack={() => {}} onQuit={() => quit++} />);
        const frame = () => ui.lastFrame() ?? "";
        const press = async (k: string) => {
            ui.stdin.write(k);
            await new Promise((r) => setTimeout(r, 25));
        };
        try {
            let f = await until(frame, (x) => x.includes("pick runs with space"), "the run list");
            expect(f).toContain("run-a");
            expect(f).not.toContain("run-b");
            await press("o");
            await until(frame, (x) => x.includes("run folder: ▌"), "the input");
            // q is text here, not quit.
            for (const ch of "empty") await press(ch);
            await press("\r");
            f = await until(frame, (x) => x.includes("empty is not a batch run"), "the refusal");
            expect(f).toContain("run folder: empty▌");
            for (let i = 0; i < 5; i++) await press("\x7f");
            for (const ch of "q") await press(ch);
            await until(frame, (x) => x.includes("run folder: q▌"), "q typed");
            expect(quit).toBe(0);
            await press("\x7f");
            for (const ch of "run-b") await press(ch);
            await press("\r");
            f = await until(frame, (x) => x.includes("opened run-b: space picks it"), "the opened run");
            expect(f).toMatch(/› \[ \]\s+run-b\s+4\/4/);
            expect(f).not.toContain("run folder:");
            await press(" ");
            f = await until(frame, (x) => /\[1\]\s+run-b/.test(x), "run-b picked");
            // A run appears in sessions/: reload lists it, and keeps the one opened by path (and its pick).
            await startBatch({ config: tinyConfig(join(root, "tiny.jsonl"), { parallel: 2 }), out: join(sessions, "run-c"), hardware, backend: scriptedParallel(2, wrongThenRight) });
            expect(frame()).not.toContain("run-c");
            await press("r");
            f = await until(frame, (x) => x.includes("run-c"), "the reloaded list");
            expect(f).toMatch(/\[1\]\s+run-b/);
            expect(f).toContain("run-a");
            expect(f).not.toContain("vanished");
            await press("\r");
            f = await until(frame, (x) => x.includes("Tab. 2 · 1 run,"), "the table of the opened run");
            expect(f).toMatch(/retry\s+ref run-b/);
        } finally {
            ui.unmount();
        }
    });
});
