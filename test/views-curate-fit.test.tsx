// The curate screen on an 80x24 terminal: every state (runs, options, editing, errors, advice, export,
// help, many runs with long names, none) within 80 columns and 24 rows, in every frame drawn on the way.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ChatMessage } from "../src/backend/types.js";
import { startBatch } from "../src/batch/session.js";
import { closeMathWorker } from "../src/verify/math.js";
import { CurateScreen } from "../views/curate/CurateScreen.js";
import { tinyConfig, tinyTasks } from "./helpers/batchTasks.js";
import { expectEveryFrameFits, expectRedrawOnResize } from "./helpers/fit.js";
import { mountOn, Term } from "./helpers/ink.js";
import { scriptedParallel } from "./helpers/scriptedBackend.js";

const root = mkdtempSync(join(tmpdir(), "rl-views-curate-fit-"));
const sessions = join(root, "sessions");
const crowded = join(root, "crowded");
afterAll(() => {
    closeMathWorker();
    rmSync(root, { recursive: true, force: true });
});

const hardware = { gpu: "cpu", gpuLayers: "auto", vramCapMiB: null, threads: null } as const;
const LONG = `batch-${"with-a-very-long-name-".repeat(5)}end`;

/** Turn 1 wrong; the first reflection's correction right, the others wrong (D+ and D± both fill); long outputs. */
function script() {
    const seen = new Map<number, number>();
    return (messages: ChatMessage[]) => {
        const i = Number(/What is (\d+) \+ 1/.exec(messages[0]!.content)![1]);
        const last = messages.at(-1)!.content;
        if (messages.length === 1) return `I guess ${"and guess ".repeat(20)}\nstill guessing\nFinal answer: 999`;
        if (last.startsWith("Your answer is incorrect")) {
            const n = seen.get(i) ?? 0;
            seen.set(i, n + 1);
            return `Reflection ${n}: I should add one to ${i}. ${"Really. ".repeat(20)}\nStep 2\nStep 3\nStep 4`;
        }
        return /Reflection 0:/.test(messages.at(-2)!.content) ? `Final answer: ${i + 1}` : "Final answer: 0";
    };
}

beforeAll(async () => {
    mkdirSync(sessions);
    mkdirSync(crowded);
    const file = tinyTasks(join(root, "tiny.jsonl"), 6);
    await startBatch({ config: { ...tinyConfig(file), parallel: 1, k: 2 }, out: join(sessions, "batch-a"), hardware, backend: scriptedParallel(1, script()) });
    await new Promise((r) => setTimeout(r, 5));
    await startBatch({ config: { ...tinyConfig(file), parallel: 1, k: 1, mode: "retry" }, out: join(sessions, "batch-retry"), hardware, backend: scriptedParallel(1, script()) });
    const two = tinyTasks(join(root, "two.jsonl"), 2);
    for (const name of ["run-1", "run-2", "run-3", "run-4", "run-5", "run-6", "run-7", "run-8", LONG]) {
        await startBatch({ config: { ...tinyConfig(two), parallel: 1, k: 1 }, out: join(crowded, name), hardware, backend: scriptedParallel(1, script()) });
        await new Promise((r) => setTimeout(r, 5));
    }
}, 60_000);

/** The screen on a terminal (80x24 unless given): Ink lays out to its width, the screen reads its rows; every frame is kept. */
function mount(dir: string, term = new Term()) {
    const calls: string[] = [];
    const m = mountOn(<CurateScreen sessionsDir={dir} onBack={() => calls.push("back")} onQuit={() => calls.push("quit")} />, { term });
    return { ...m, calls, done: m.unmount };
}

/** No line wider than 80 columns, no frame taller than 24 rows: the last frame, and every one before it. */
const expectFits = (term: Term) => expectEveryFrameFits(term.frames);

const KEY = { up: "\u001B[A", down: "\u001B[B", tab: "\t", enter: "\r", esc: "\u001B", del: "\x7f" };

describe("the curate screen at 80x24", () => {
    it("fits with runs, options, editing, a refused run, a bad option, the empty-set advice, an export and its error, and the help", async () => {
        const m = mount(sessions);
        try {
            // Runs focused: the options fold to one row; counts keep their totals; an example shows.
            let f = await m.waitFor(/D\+\s+all\s+\d+\s+\d+\s+6/);
            expect(f).toContain("[x] batch-a");
            expect(f).toMatch(/D±\s+all\s+\d+\s+\d+\s+6/);
            expect(f).toMatch(/options · D\+ D± · cap per task none/);
            expect(f).toMatch(/example 1\/6 · D\+/);
            expect(f).toContain("correction ✓: Final answer: 1");
            // The bar drops keys to fit 80 columns, never the export, help or quit.
            expect(f).toMatch(/tab panel · space toggle · enter edit · e export · .*esc back · \? help · q quit/);
            expectFits(m.term);

            // A retry-mode run: the reason shows, wrapped within the width.
            await m.press(KEY.up, " ");
            f = await m.waitFor("retry mode");
            expect(f.replace(/[│\s]+/g, " ")).toContain("it has no reflections");
            await m.press(" ");
            await m.waitFor(/\[ \] batch-retry/);

            // Options focused: all nine rows; the runs fold to one row.
            await m.press(KEY.tab);
            f = await m.waitFor(/› D\+\s+on/);
            expect(f).toMatch(/runs · 1 of 2 chosen: batch-a/);
            expect(f).toMatch(/out\s+\S*curated-/);
            expect(f).toMatch(/D\+\s+all\s+\d+\s+\d+\s+6/);

            // Editing, then a bad value.
            await m.press(KEY.down, KEY.down, KEY.down, KEY.enter, "x");
            await m.waitFor("x▌");
            expect(m.frame()).toContain("enter accept");
            await m.press(KEY.enter);
            await m.waitFor("cap per task: an integer >= 1");
            await m.press(KEY.enter, KEY.del, "1", KEY.enter);
            await m.waitFor(/D\+\s+all\s+\d+\s+\d+\s+2/);

            // An instruction filter that keeps nothing: the advice, within the rows left.
            await m.press(KEY.down, KEY.down, KEY.enter, "2-8-2", KEY.enter);
            f = await m.waitFor("no training rows for D+, D±");
            expect(f).toMatch(/examples · D\+: none with these runs and options/);
            // Short of rows, what to change stays before why.
            expect(f).toContain("change: widen --instructions");
            await m.press(KEY.enter, ...Array.from({ length: 5 }, () => KEY.del), KEY.enter);
            await m.waitFor(/› instructions\s+all/);

            // The export and what it wrote; then D_pref without a teacher refuses.
            await m.press("e");
            f = await m.waitFor("● wrote");
            expect(f).toContain("sft.one-stage.train.jsonl");
            await m.press(KEY.up, KEY.up, KEY.up, " ", "e");
            await m.waitFor("export failed: D_pref needs a teacher model");

            // The help overlay, opened at this screen's keys.
            await m.press("?");
            f = await m.waitFor("curate: select the previous run or option");
            await m.press(KEY.esc);
            await m.waitFor("curate training sets");
            expectFits(m.term);
            expect(m.calls).toEqual([]);
        } finally {
            m.done();
        }
    });

    it("fits with nine runs, one with a long name: a window of runs around the cursor", async () => {
        const m = mount(crowded);
        try {
            // The newest run is preselected (the long one, made last) and the window follows the cursor.
            let f = await m.waitFor(/D\+\s+all\s+\d+\s+\d+\s+2/);
            expect(f).toMatch(/runs \(9 in the sessions folder, 1-\d shown\)/);
            expect(f).toContain("[x] batch-with-a-very-long-name");
            await m.press(...Array.from({ length: 8 }, () => KEY.down));
            f = await m.waitFor(/› \[ \] run-1 /);
            expect(f).toMatch(/, \d-9 shown\)/);
            expect(f).not.toContain("[x] batch-with-a-very-long-name");
            await m.press(" ");
            await m.waitFor(/\[x\] run-1 /);
            // Both runs read (the same questions: dedup keeps one of each).
            await m.waitFor("· 4 samples");
            expectFits(m.term);
        } finally {
            m.done();
        }
    });

    it("redraws to fit when the terminal shrinks from 120x40 to 80x24", async () => {
        const m = mount(sessions, new Term(120, 40));
        try {
            await m.waitFor(/D\+\s+all\s+\d+\s+\d+\s+6/);
            const lines = await expectRedrawOnResize(m.term, 80, 24);
            const f = lines.join("\n");
            expect(f).toContain("curate training sets");
            expect(f).toMatch(/D\+\s+all\s+\d+\s+\d+\s+6/);
            expect(lines.at(-1)).toMatch(/\? help · q quit/);
        } finally {
            m.done();
        }
    });

    it("fits with no runs at all, and says how to make one", async () => {
        const empty = join(root, "empty");
        mkdirSync(empty);
        const m = mount(empty);
        try {
            const f = await m.waitFor("choose a run to see counts");
            expect(f).toContain("no batch runs yet");
            await m.press("e");
            await m.waitFor("export failed: choose at least one run");
            expectFits(m.term);
        } finally {
            m.done();
        }
    });
});
