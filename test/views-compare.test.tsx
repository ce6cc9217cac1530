// The compare screen: lists stored batch runs, picks several with space, shows the Tab. 2 table with the pairing notes; keys from the keymap.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { render } from "ink-testing-library";
import type { ChatMessage } from "../src/backend/types.js";
import { reflectorFromTraining } from "../src/batch/reflector.js";
import { startBatch } from "../src/batch/session.js";
import { closeMathWorker } from "../src/verify/math.js";
import { CompareScreen } from "../views/compare/CompareScreen.js";
import { compareReducer, initialCompareState, referenceOf } from "../views/compare/compareState.js";
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
/** Turn 1 right for even items (and `t1Extra`); a retry fixes q1; a correction after a reflection fixes q1 and q3 (q5 too when `all`). */
const model = (o: { t1Extra?: number[]; all?: boolean } = {}) => (m: ChatMessage[]) => {
    const i = itemOf(m);
    if (m.length === 1) return `Final answer: ${i % 2 === 0 || o.t1Extra?.includes(i) ? i + 1 : 0}`;
    const last = m.at(-1)!.content;
    if (last.includes("Try again")) return `Final answer: ${i === 1 ? i + 1 : 0}`;
    if (last.includes("Reflect on your previous answer")) return "A reflection.";
    return `Final answer: ${i === 1 || i === 3 || o.all ? i + 1 : 0}`;
};
const pause = () => new Promise((r) => setTimeout(r, 5)); // distinct created_at: the list is newest first

beforeAll(async () => {
    const file = tinyTasks(join(sessions, "tiny.jsonl"), 6);
    await startBatch({ config: tinyConfig(file, { parallel: 2, mode: "retry" }), out: join(sessions, "run-retry"), hardware, backend: scriptedParallel(2, model()) });
    await pause();
    await startBatch({ config: tinyConfig(file, { parallel: 2 }), out: join(sessions, "run-reflect"), hardware, backend: scriptedParallel(2, model()) });
    await pause();
    const train = join(sessions, "train-one");
    mkdirSync(train);
    writeFileSync(join(train, "lora.gguf"), "adapter");
    writeFileSync(join(train, "result.json"), JSON.stringify({ setting: "one-stage", base: { file: "model.gguf", sha256: "0".repeat(64) }, reflector: { adapter: "lora.gguf" }, corrector: { adapter: "lora.gguf" } }));
    // Its turn 1 differs on q5 (right here, wrong in the others); its corrections fix every odd item.
    const trained = scriptedParallel(2, model({ all: true }));
    await startBatch({ config: tinyConfig(file, { parallel: 2, reflector: reflectorFromTraining(train) }), out: join(sessions, "run-trained"), hardware, backend: scriptedParallel(2, model({ t1Extra: [5] })), roles: { reflect: trained, correct: trained } });
});

describe("compare screen", () => {
    it("picks several runs with space, shows them as Tab. 2 with the pairing notes, switches the reference, and steps back with esc", async () => {
        let back = 0;
        let quit = 0;
        const ui = render(<CompareScreen rows={40} sessionsDir={sessions} onBack={() => back++} onQuit={() => quit++} />);
        const frame = () => ui.lastFrame() ?? "";
        const press = async (keys: string) => {
            ui.stdin.write(keys);
            await new Promise((r) => setTimeout(r, 25));
        };
        try {
            let f = await until(frame, (x) => x.includes("pick runs with space"), "the run list");
            // Newest first, each with its Tab. 2 method.
            expect(f).toMatch(/› \[ \]\s+run-trained\s+6\/6\s+tiny\s+one-stage\s+trained train-one \(adapter lora\.gguf\)/);
            expect(f).toMatch(/\[ \]\s+run-reflect\s+6\/6\s+tiny\s+reflect/);
            expect(f).toMatch(/\[ \]\s+run-retry\s+6\/6\s+tiny\s+retry/);
            expect(f).toContain("↑↓ select · space pick · enter compare");
            expect(f).not.toContain("s reference");
            // Pick retry, then reflect, then the trained run: the rows follow that order, retry is the reference.
            await press("\x1B[B");
            await press("\x1B[B");
            await press(" ");
            await press("\x1B[B");
            await press(" ");
            await press("\x1B[A");
            await press("\x1B[A");
            await press(" ");
            f = await until(frame, (x) => x.includes("3 picked"), "three picks");
            expect(f).toMatch(/\[3\]\s+run-trained/);
            expect(f).toMatch(/\[2\]\s+run-reflect/);
            expect(f).toMatch(/\[1\]\s+run-retry/);
            await press("\r");
            f = await until(frame, (x) => x.includes("Tab. 2 · 3 runs"), "the table");
            expect(f).toMatch(/retry\s+ref run-retry · w\/o reflection/);
            expect(f).toMatch(/one-stage\s+run-trained · one-stage \(self-training\)/);
            expect(f).toContain("compared on the 6 items done in every run");
            const flat = f.replace(/\s*│\s*\n?\s*│?\s*/g, " ").replace(/\s+/g, " ");
            expect(flat).toContain("turn 1 identical to retry's (answer text and verdict): reflect 6/6 (3 shared turn-1 failures) · one-stage 5/6 (2 shared turn-1 failures)");
            expect(flat).toContain("⚠ runs run-retry and run-trained do not share turn 1: 1 of 6 items differ; the paired difference is over the 5 that do");
            expect(f).toMatch(/N\s+Acc@t1\s+Acc@t2\s+Δ\(t1,t2\)\s+same t1\s+Acc@t2 vs ref\s+Δ vs ref/);
            const overall = f.slice(f.indexOf("overall"));
            // retry: t2 4/6; reflect 5/6, +1/6 paired over 6; one-stage t1 4/6, t2 6/6, +1/5 paired over the 5 sharing turn 1.
            expect(overall).toMatch(/retry\s+6\s+50\.0\s+66\.7 \[\d+,\d+\]\s+\+16\.7 \[\d+,\d+\]\s+ref/);
            expect(overall).toMatch(/reflect\s+6\s+50\.0\s+83\.3 \[\d+,\d+\]\s+\+33\.3 \[\d+,\d+\]\s+6\/6\s+\+16\.7 \[/);
            expect(overall).toMatch(/one-stage\s+6\s+66\.7\s+100\.0 \[\d+,100\]\s+\+33\.3 \[\d+,\d+\]\s+5\/6\s+\+20\.0 \[/);
            expect(f).toContain("vs ref interval: paired bootstrap over questions (95% percentile, 2000 resamples");
            expect(f).toContain("s reference");

            // s: the next picked run (reflect) becomes the reference.
            await press("s");
            f = await until(frame, (x) => /reflect\s+ref run-reflect/.test(x), "reflect as the reference");
            expect(f.slice(f.indexOf("overall"))).toMatch(/retry\s+6\s+50\.0\s+66\.7 \[\d+,\d+\]\s+\+16\.7 \[\d+,\d+\]\s+6\/6\s+-16\.7 \[/);
            expect(f).toContain("turn 1 identical to reflect's");

            await press("?");
            await until(frame, (x) => x.includes("keys") && x.includes("? or esc closes"), "the help overlay");
            await press("\x1B");
            await until(frame, (x) => x.includes("Tab. 2 · 3 runs"), "the table again");

            await press("\x1B");
            f = await until(frame, (x) => x.includes("pick runs with space"), "back to picking, picks kept");
            expect(f).toMatch(/\[1\]\s+run-retry/);
            expect(back).toBe(0);
            await press("\x1B");
            expect(back).toBe(1);
            await press("q");
            expect(quit).toBe(1);
        } finally {
            ui.unmount();
        }
    });

    it("compares the selected run alone when nothing is picked", async () => {
        const ui = render(<CompareScreen rows={40} sessionsDir={sessions} onBack={() => {}} onQuit={() => {}} />);
        try {
            await until(() => ui.lastFrame() ?? "", (x) => x.includes("pick runs"), "the run list");
            ui.stdin.write("\r");
            const f = await until(() => ui.lastFrame() ?? "", (x) => x.includes("Tab. 2 · 1 run,"), "a one-run table");
            expect(f).toMatch(/one-stage\s+ref run-trained/);
            expect(f).not.toContain("turn 1 identical");
            expect(f).not.toContain("s reference");
        } finally {
            ui.unmount();
        }
    });

    it("says when there is nothing to compare", async () => {
        const empty = join(sessions, "empty");
        mkdirSync(empty);
        const ui = render(<CompareScreen rows={40} sessionsDir={empty} onBack={() => {}} onQuit={() => {}} />);
        try {
            const f = await until(() => ui.lastFrame() ?? "", (x) => x.includes("no batch runs"), "the empty screen");
            expect(f).toContain("comparing needs two runs (o opens one by path; one alone shows its rows)");
        } finally {
            ui.unmount();
        }
    });

    it("keeps its keys in the one keymap and its state in a pure reducer", () => {
        const none = { upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false, return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false, super: false, hyper: false, capsLock: false, numLock: false };
        expect(matchKey("compare", "", { ...none, escape: true })?.id).toBe("compare.back");
        expect(matchKey("compare", " ", none)?.id).toBe("compare.toggle");
        expect(matchKey("compare", "s", none)?.id).toBe("compare.reference");
        expect(matchKey("compare", "q", none)?.id).toBe("quit");
        expect(matchKey("lab", "s", none)?.id).toBe("settings");
        expect(matchKey("compare", "o", none)?.id).toBe("compare.open");
        expect(helpBarItems("compare").map((i) => i.id)).toEqual(["compare.up", "compare.toggle", "compare.choose", "compare.reference", "compare.reload", "compare.open", "compare.back", "help", "quit"]);

        const run = (id: string) => ({ dir: `/r/${id}`, id, createdAt: id, tasks: "t", items: 1, done: 1, samples: 0, model: "m", mode: "reflect" as const, verifier: "oracle" as const, seed: 1, reflector: "base model", trained: false });
        let s = initialCompareState([run("x"), run("y"), run("z")]);
        const step = (type: "up" | "down" | "toggle" | "choose" | "back" | "reference") => {
            s = compareReducer(s, { type });
        };
        step("toggle");
        expect(s).toMatchObject({ phase: "pick", picked: ["/r/x"], sel: 1 });
        step("down");
        step("toggle");
        expect(s).toMatchObject({ picked: ["/r/x", "/r/z"], sel: 0 });
        step("toggle"); // x again: unpicked
        expect(s.picked).toEqual(["/r/z"]);
        step("toggle");
        expect(s.picked).toEqual(["/r/z", "/r/x"]);
        step("choose");
        expect(s).toMatchObject({ phase: "table" });
        expect(referenceOf(s)).toBe("/r/z");
        step("reference");
        expect(referenceOf(s)).toBe("/r/x");
        step("reference");
        expect(referenceOf(s)).toBe("/r/z");
        // A vanished run on reload is dropped from the picks; with none left, back to picking.
        const r = compareReducer(s, { type: "reload", runs: [run("x"), run("y")] });
        expect(r).toMatchObject({ phase: "table", picked: ["/r/x"], message: "1 picked run vanished" });
        expect(referenceOf(r as typeof s)).toBe("/r/x");
        expect(compareReducer(s, { type: "reload", runs: [run("y")] })).toMatchObject({ phase: "pick", picked: [] });
        step("back");
        expect(s.phase).toBe("pick");
        // At picking, back leaves the screen: the key hook's (test/views-compare-keys.test.tsx); the state stays.
        expect(compareReducer(s, { type: "back" })).toBe(s);
    });
});
