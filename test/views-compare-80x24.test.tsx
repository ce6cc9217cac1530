// The compare screen in an 80x24 terminal: the run list, the Tab. 2 table (scrolled to its last row), the
// path input with its error, the help overlay and the empty screen all fit; nothing of the table is lost.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ChatMessage } from "../src/backend/types.js";
import { startBatch } from "../src/batch/session.js";
import { closeMathWorker } from "../src/verify/math.js";
import { CompareScreen } from "../views/compare/CompareScreen.js";
import { tinyConfig, tinyTasks } from "./helpers/batchTasks.js";
import { expectFits, expectRedrawOnResize } from "./helpers/fit.js";
import { mountOn, Term, until } from "./helpers/ink.js";
import { scriptedParallel } from "./helpers/scriptedBackend.js";

const sessions = mkdtempSync(join(tmpdir(), "rl-compare-80x24-"));
afterAll(() => {
    closeMathWorker();
    rmSync(sessions, { recursive: true, force: true });
});

const hardware = { gpu: "cpu", gpuLayers: "auto", vramCapMiB: null, threads: null } as const;
const itemOf = (m: ChatMessage[]) => Number(/What is (\d+) \+ 1/.exec(m[0]!.content)![1]);
/** Turn 1 right for even items; a retry fixes q1; a correction fixes q1 and q3. */
const model = (m: ChatMessage[]) => {
    const i = itemOf(m);
    if (m.length === 1) return `Final answer: ${i % 2 === 0 ? i + 1 : 0}`;
    const last = m.at(-1)!.content;
    if (last.includes("Try again")) return `Final answer: ${i === 1 ? i + 1 : 0}`;
    if (last.includes("Reflect on your previous answer")) return "A reflection.";
    return `Final answer: ${i === 1 || i === 3 ? i + 1 : 0}`;
};

beforeAll(async () => {
    const file = tinyTasks(join(sessions, "tiny.jsonl"), 8);
    await startBatch({ config: tinyConfig(file, { parallel: 2, mode: "retry" }), out: join(sessions, "batch-20260101-000001-a-long-run-name-for-the-list"), hardware, backend: scriptedParallel(2, model) });
    await new Promise((r) => setTimeout(r, 5));
    await startBatch({ config: tinyConfig(file, { parallel: 2 }), out: join(sessions, "run-reflect"), hardware, backend: scriptedParallel(2, model) });
    await new Promise((r) => setTimeout(r, 5));
    await startBatch({ config: tinyConfig(file, { parallel: 2, k: 2 }), out: join(sessions, "run-reflect-k2"), hardware, backend: scriptedParallel(2, model) });
});

/** The screen on a terminal (80x24 unless given): Ink lays out to its columns, the screen reads its rows. */
const mount = (dir: string, term = new Term()) => mountOn(<CompareScreen sessionsDir={dir} onBack={() => {}} onQuit={() => {}} />, { term });

/** No line wider than 80 columns, no frame taller than 24 rows; returns the frame. */
const fits = (frame: string): string => expectFits(frame).join("\n");

const DOWN = "\x1B[B";
const ESC = "\x1B";

describe("the compare screen at 80x24", () => {
    it("fits as a list, a scrolling table, a path input with its error, and the help overlay", async () => {
        const ui = mount(sessions);
        try {
            let f = fits(await until(ui.frame, (x) => x.includes("pick runs with space"), "the run list"));
            expect(f).toContain("run-reflect-k2");
            // A long id is cut so the row keeps its columns.
            expect(f).toMatch(/batch-20260101-000001-a-…\s+8\/8\s+tiny\s+retry\s+base model/);
            // The bar keeps its last keys.
            expect(f.trimEnd().split("\n").at(-1)).toMatch(/r reload · o open path · esc back · \? help · q quit$/);

            await ui.press(" ");
            await ui.press(" ");
            await ui.press(" ");
            await ui.press("\r");
            f = fits(await until(ui.frame, (x) => x.includes("Tab. 2 · 3 runs"), "the table"));
            // Taller than the screen: it scrolls, and says where it is.
            const where = /rows 1–(\d+) of (\d+) · ↑↓ scroll/.exec(f);
            expect(where).not.toBeNull();
            const [shown, total] = [Number(where![1]), Number(where![2])];
            expect(total).toBeGreaterThan(shown);
            expect(f).toContain("compared on the 8 items done in every run");
            expect(f).not.toContain("vs ref interval");
            for (let i = 0; i < total; i++) await ui.press(DOWN);
            f = fits(await until(ui.frame, (x) => x.includes(`of ${total} · ↑↓ scroll`) && x.includes("vs ref interval"), "the last rows"));
            expect(f).toContain(`rows ${total - shown + 1}–${total} of ${total}`);
            // Narrow: the table leaves out some intervals, and says so.
            const flat = f.replace(/\s*│\s*\n?\s*│?\s*/g, " ").replace(/\s+/g, " ");
            expect(flat).toContain("some intervals are left out at this width");
            await ui.press("\x1B[A");
            f = fits(await until(ui.frame, (x) => x.includes(`rows ${total - shown}–${total - 1} of ${total}`), "one row up"));

            await ui.press("?");
            f = fits(await until(ui.frame, (x) => x.includes("compare · this screen"), "the help overlay"));
            await ui.press(ESC);
            await until(ui.frame, (x) => x.includes("Tab. 2 · 3 runs"), "the table again");
            await ui.press(ESC);
            await until(ui.frame, (x) => x.includes("pick runs with space"), "the list again");

            await ui.press("o");
            f = fits(await until(ui.frame, (x) => x.includes("run folder: ▌"), "the path input"));
            expect(f).toContain("type a run folder path · enter opens it · esc cancels");
            for (const ch of join(sessions, "no-such-run")) await ui.press(ch);
            await ui.press("\r");
            f = fits(await until(ui.frame, (x) => x.includes("no such folder"), "the inline error"));
            expect(f).toContain("run folder: ");
            await ui.press(ESC);
            fits(await until(ui.frame, (x) => !x.includes("run folder:") && x.includes("pick runs with space"), "the list after esc"));
        } finally {
            ui.unmount();
        }
    });

    it("lays the table out again when the terminal shrinks to 80x24", async () => {
        const ui = mount(sessions, new Term(120, 45));
        try {
            await until(ui.frame, (x) => x.includes("pick runs with space"), "the run list");
            await ui.press(" ");
            await ui.press(" ");
            await ui.press("\r");
            let f = await until(ui.frame, (x) => x.includes("Tab. 2 · 2 runs"), "the table at 120x45");
            expect(f).toContain("vs ref interval");
            expect(f).not.toMatch(/rows \d+–\d+ of \d+/);
            f = (await expectRedrawOnResize(ui.term, 80, 24)).join("\n");
            expect(f).toMatch(/rows 1–\d+ of \d+ · ↑↓ scroll/);
        } finally {
            ui.unmount();
        }
    });

    it("fits with nothing to compare", async () => {
        const empty = join(sessions, "empty-sessions-folder-with-a-rather-long-name-to-wrap-in-the-message");
        mkdirSync(empty);
        const ui = mount(empty);
        try {
            const f = fits(await until(ui.frame, (x) => x.includes("no batch runs"), "the empty screen"));
            expect(f).toContain("open one by path with o");
        } finally {
            ui.unmount();
        }
    });
});
