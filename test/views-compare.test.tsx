// The compare screen: lists stored batch runs, chooses A and B, shows the side-by-side table; keys from the keymap.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { render } from "ink-testing-library";
import type { ChatMessage } from "../src/backend/types.js";
import { reflectorFromAdapters } from "../src/batch/reflector.js";
import { startBatch } from "../src/batch/session.js";
import { closeMathWorker } from "../src/verify/math.js";
import { CompareScreen } from "../views/compare/CompareScreen.js";
import { compareReducer, initialCompareState } from "../views/compare/compareState.js";
import { helpBarItems, matchKey } from "../views/keymap.js";
import { tinyConfig, tinyTasks } from "./helpers/batchTasks.js";
import { until } from "./helpers/ink.js";
import { scriptedParallel } from "./helpers/scriptedBackend.js";

const sessions = mkdtempSync(join(tmpdir(), "rl-views-compare-"));
afterAll(() => {
    closeMathWorker();
    rmSync(sessions, { recursive: true, force: true });
});

const hardware = { gpu: "cpu", gpuLayers: "auto", vramCapMiB: null, threads: null } as const;
const itemOf = (m: ChatMessage[]) => Number(/What is (\d+) \+ 1/.exec(m[0]!.content)![1]);
/** Even items right at turn 1; corrections right only when `fixes`. */
const model = (fixes: boolean) => (m: ChatMessage[]) => {
    const i = itemOf(m);
    if (m.length === 1) return `Final answer: ${i % 2 === 0 ? i + 1 : 0}`;
    if (m.at(-1)!.content.startsWith("Your answer is incorrect")) return "A reflection.";
    return `Final answer: ${fixes ? i + 1 : 0}`;
};

beforeAll(async () => {
    const file = tinyTasks(join(sessions, "tiny.jsonl"), 6);
    await startBatch({ config: tinyConfig(file, { parallel: 2 }), out: join(sessions, "run-base"), hardware, backend: scriptedParallel(2, model(false)) });
    await new Promise((r) => setTimeout(r, 5));
    const adapter = join(sessions, "lora.gguf");
    writeFileSync(adapter, "adapter");
    await startBatch({ config: tinyConfig(file, { parallel: 2, reflector: reflectorFromAdapters(adapter) }), out: join(sessions, "run-trained"), hardware, backend: scriptedParallel(2, model(false)), roles: { reflect: scriptedParallel(2, model(true)), correct: scriptedParallel(2, model(true)) } });
});

describe("compare screen", () => {
    it("chooses A and B from the stored runs, shows the table with intervals, swaps, and steps back with esc", async () => {
        let back = 0;
        let quit = 0;
        const ui = render(<CompareScreen sessionsDir={sessions} onBack={() => back++} onQuit={() => quit++} />);
        const frame = () => ui.lastFrame() ?? "";
        const press = async (keys: string) => {
            ui.stdin.write(keys);
            await new Promise((r) => setTimeout(r, 25));
        };
        try {
            let f = await until(frame, (x) => x.includes("choose run A"), "the run list");
            // Newest first: the trained run, then the base run.
            expect(f).toMatch(/› {3}run-trained\s+6\/6\s+tiny\s+trained \(adapter lora\.gguf\)/);
            expect(f).toMatch(/run-base\s+6\/6\s+tiny\s+base model/);
            expect(f).toContain("↑↓ select · enter choose");
            await press("\x1B[B");
            await press("\r");
            f = await until(frame, (x) => x.includes("choose run B"), "choosing B");
            expect(f).toMatch(/A run-base/);
            // B cannot be A.
            await press("\x1B[B");
            await press("\r");
            f = await until(frame, (x) => x.includes("choose another run than A"), "the refusal");
            await press("\x1B[A");
            await press("\r");
            f = await until(frame, (x) => x.includes("A vs B on the same questions"), "the table");
            expect(f).toContain("A · base model");
            expect(f).toContain("B · trained (adapter lora");
            expect(f).toContain("B run-trained · reflector trained (adapter lora.gguf) · base model.gguf");
            expect(f).toContain("compared on 6 items done in both (0 only in A, 0 only in B)");
            // even: right at t1 in both; odd: the trained corrector fixes all three.
            expect(f).toMatch(/even\s+3\s+100\.0\s+100\.0\s+\+0\.0\s+100\.0\s+100\.0\s+\+0\.0\s+\+0\.0\s+\+0\.0/);
            expect(f).toMatch(/odd\s+3\s+0\.0\s+0\.0\s+\+0\.0\s+0\.0\s+100\.0\s+\+100\.0\s+\+100\.0\s+\+100\.0/);
            expect(f).toMatch(/overall\s+6\s+50\.0\s+50\.0\s+\+0\.0\s+50\.0\s+100\.0\s+\+50\.0\s+\+50\.0\s+\+50\.0/);
            expect(f).toContain("[+6,+94]"); // B−A overall: diffs 0,0,0,1,1,1 → ½ ± 1.96·√(0.3)/√6
            expect(f).toContain("95% intervals");
            expect(f).toContain("s swap");
            expect(f).not.toContain("⚠");

            await press("s");
            f = await until(frame, (x) => x.includes("A · trained"), "swapped");
            expect(f).toMatch(/overall\s+6\s+50\.0\s+100\.0\s+\+50\.0\s+50\.0\s+50\.0\s+\+0\.0\s+-50\.0\s+-50\.0/);

            await press("?");
            await until(frame, (x) => x.includes("keys") && x.includes("? or esc closes"), "the help overlay");
            await press("\x1B");
            await until(frame, (x) => x.includes("A vs B"), "the table again");

            await press("\x1B");
            f = await until(frame, (x) => x.includes("choose run B"), "back to choosing B");
            await press("\x1B");
            await until(frame, (x) => x.includes("choose run A"), "back to choosing A");
            expect(back).toBe(0);
            await press("\x1B");
            expect(back).toBe(1);
            await press("q");
            expect(quit).toBe(1);
        } finally {
            ui.unmount();
        }
    });

    it("says when there is nothing to compare", async () => {
        const empty = join(sessions, "empty");
        mkdirSync(empty);
        const ui = render(<CompareScreen sessionsDir={empty} onBack={() => {}} onQuit={() => {}} />);
        try {
            const f = await until(() => ui.lastFrame() ?? "", (x) => x.includes("no batch runs"), "the empty screen");
            expect(f).toContain("comparing needs two batch runs");
        } finally {
            ui.unmount();
        }
    });

    it("keeps its keys in the one keymap and its state in a pure reducer", () => {
        const none = { upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false, return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false, super: false, hyper: false, capsLock: false, numLock: false };
        expect(matchKey("compare", "", { ...none, escape: true })?.id).toBe("compare.back");
        expect(matchKey("compare", "s", none)?.id).toBe("compare.swap");
        expect(matchKey("compare", "q", none)?.id).toBe("quit");
        expect(matchKey("lab", "s", none)?.id).toBe("settings");
        expect(helpBarItems("compare").map((i) => i.id)).toEqual(["compare.up", "compare.choose", "compare.swap", "compare.reload", "compare.back", "help", "quit"]);

        const run = (id: string) => ({ dir: `/r/${id}`, id, createdAt: id, tasks: "t", items: 1, done: 1, samples: 0, model: "m", mode: "reflect" as const, verifier: "oracle" as const, seed: 1, reflector: "base model", trained: false });
        let s = initialCompareState([run("x"), run("y")]);
        const step = (type: "up" | "down" | "choose" | "back" | "swap") => {
            const n = compareReducer(s, { type });
            if (n === "exit") throw new Error("exit");
            s = n;
        };
        step("choose");
        expect(s).toMatchObject({ phase: "pickB", a: "/r/x", sel: 1 });
        step("choose");
        expect(s).toMatchObject({ phase: "table", a: "/r/x", b: "/r/y" });
        step("swap");
        expect(s).toMatchObject({ a: "/r/y", b: "/r/x" });
        // A vanished run on reload sends the user back to choosing.
        const r = compareReducer(s, { type: "reload", runs: [run("y")] });
        expect(r).toMatchObject({ phase: "pickB", a: "/r/y", b: null });
        step("back");
        step("back");
        expect(s.phase).toBe("pickA");
        expect(compareReducer(s, { type: "back" })).toBe("exit");
    });
});
