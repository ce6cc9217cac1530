// The curate screen on real run stores (startBatch on scripted slots): choose runs, see counts, page examples, edit options, export.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { render } from "ink-testing-library";
import type { ChatMessage } from "../src/backend/types.js";
import { startBatch } from "../src/batch/session.js";
import { closeMathWorker } from "../src/verify/math.js";
import { CurateScreen } from "../views/curate/CurateScreen.js";
import { tinyConfig, tinyTasks } from "./helpers/batchTasks.js";
import { until } from "./helpers/ink.js";
import { scriptedParallel } from "./helpers/scriptedBackend.js";

const sessions = mkdtempSync(join(tmpdir(), "rl-views-curate-"));
afterAll(() => {
    closeMathWorker();
    rmSync(sessions, { recursive: true, force: true });
});

const hardware = { gpu: "cpu", gpuLayers: "auto", vramCapMiB: null, threads: null } as const;

/** Turn 1 wrong; reflection n of an item names n; its correction is right only for n = 0 (so D+ and D± both fill). */
function script() {
    const seen = new Map<number, number>();
    return (messages: ChatMessage[]) => {
        const i = Number(/What is (\d+) \+ 1/.exec(messages[0]!.content)![1]);
        const last = messages.at(-1)!.content;
        if (messages.length === 1) return "I guess.\nFinal answer: 999";
        if (last.startsWith("Your answer is incorrect")) {
            const n = seen.get(i) ?? 0;
            seen.set(i, n + 1);
            return `Reflection ${n}: I should add one to ${i}.`;
        }
        return /Reflection 0:/.test(messages.at(-2)!.content) ? `Final answer: ${i + 1}` : "Final answer: 0";
    };
}

beforeAll(async () => {
    const file = tinyTasks(join(sessions, "tiny.jsonl"), 6);
    await startBatch({ config: { ...tinyConfig(file), parallel: 1, k: 2 }, out: join(sessions, "batch-a"), hardware, backend: scriptedParallel(1, script()) });
    await new Promise((r) => setTimeout(r, 5)); // a later created_at: listed first
    await startBatch({ config: { ...tinyConfig(file), parallel: 1, k: 1, mode: "retry" }, out: join(sessions, "batch-retry"), hardware, backend: scriptedParallel(1, script()) });
});

describe("the curate screen", () => {
    it("lists runs, shows counts and examples, edits options and exports", async () => {
        const calls: string[] = [];
        const exported: string[] = [];
        const ui = render(<CurateScreen sessionsDir={sessions} onBack={() => calls.push("back")} onQuit={() => calls.push("quit")} onExported={(d) => exported.push(d)} />);
        const frame = () => ui.lastFrame() ?? "";
        const press = async (keys: string) => {
            ui.stdin.write(keys);
            await new Promise((r) => setTimeout(r, 25));
        };
        try {
            // Both runs listed, newest first; the newest run with reflections is preselected.
            let f = await until(frame, (x) => x.includes("[x] batch-a") && /D\+\s+all\s+\d+\s+\d+\s+6/.test(x), "runs and counts");
            expect(f).toMatch(/\[ \] batch-retry .*retry \(no reflections\)/);
            expect(f).toMatch(/batch-a · tiny · 6\/6 items · 12 samples · model\.gguf · reflect · oracle/);
            expect(f).toMatch(/D±\s+all\s+\d+\s+\d+\s+6/);
            expect(f).toMatch(/D\+\s+even\s+\d+\s+\d+\s+3/);
            expect(f).toMatch(/seed\s+5 \(first run's\)/);
            expect(f).toContain("questions");
            expect(f).toContain("tab panel");

            // Examples: paging and switching sets.
            expect(f).toMatch(/example 1\/6 · D\+ · (train|eval) · even q0 · instruction 1-1-1/);
            expect(f).toMatch(/reflection: Reflection 0: I should add one to 0\./);
            expect(f).toMatch(/correction ✓: Final answer: 1/);
            expect(f).toMatch(/batch-a #0 · model\.gguf · sha256 000000000000 · seed 5/);
            await press("n");
            f = await until(frame, (x) => x.includes("example 2/6") && x.includes("odd q1"), "the next example");
            await press("p");
            await press("p");
            await until(frame, (x) => x.includes("example 6/6"), "wrapping back");
            await press("s");
            f = await until(frame, (x) => x.includes("example 1/6 · D± "), "D± examples");
            expect(f).toMatch(/chosen ✓: Reflection 0/);
            expect(f).toMatch(/rejected ✗: Reflection 1/);
            expect(f).toContain("batch-a #0 vs batch-a #1");

            // A retry-mode run cannot be curated: the counts say why; leaving it out restores them.
            await press("\x1B[A");
            await press(" ");
            await until(frame, (x) => x.includes("[x] batch-retry") && /run batch-retry .*retry mode/.test(x), "the retry run refused");
            await press(" ");
            await until(frame, (x) => x.includes("[ ] batch-retry") && /D\+\s+all\s+\d+\s+\d+\s+6/.test(x), "counts again");

            // Options: cap per task (bad text first: q and ? are characters while editing; esc cancels, not back).
            await press("\t");
            for (let i = 0; i < 3; i++) await press("\x1B[B");
            await until(frame, (x) => /› cap per task\s+none/.test(x), "the cap option");
            await press("\r");
            await press("q?");
            await until(frame, (x) => x.includes("q?▌"), "typed text");
            await press("\x1B");
            await until(frame, (x) => /› cap per task\s+none/.test(x) && !x.includes("▌"), "cancelled");
            expect(calls).toEqual([]);
            await press("\r");
            await press("x");
            await press("\r");
            await until(frame, (x) => x.includes("cap per task: an integer >= 1"), "the option error");
            await press("\r");
            await press("\x7f");
            await press("1");
            await press("\r");
            f = await until(frame, (x) => /D\+\s+all\s+\d+\s+\d+\s+2/.test(x), "capped counts");
            expect(f).toMatch(/D\+: filter 0, dedup 0, cap 4/);
            expect(f).not.toContain("no training rows");

            // An instruction filter that keeps nothing: the counts say why and what to change, as `curate` does.
            await press("\x1B[B");
            await press("\x1B[B");
            await until(frame, (x) => /› instructions\s+all/.test(x), "the instructions option");
            await press("\r");
            await press("2-8-2");
            await press("\r");
            f = await until(frame, (x) => x.includes("no training rows for D+, D±"), "the empty-set advice");
            // The advice wraps in the box: read it as one text.
            const flat = f.replace(/[│\s]+/g, " ");
            expect(flat).toContain("why: 6 items: 0 right at turn 1, 6 failed; 12 corrections sampled after a reflection, 6 correct; 6 of 6 D± groups (one failed attempt, one instruction) had both");
            expect(flat).toContain("D+ dropped 6 by the instruction filter; D± dropped 6 by the instruction filter");
            expect(flat).toContain("change: widen --instructions (or leave it out)");
            await press("\r");
            for (let i = 0; i < 5; i++) await press("\x7f");
            await press("\r");
            f = await until(frame, (x) => /› instructions\s+all/.test(x) && /D\+\s+all\s+\d+\s+\d+\s+2/.test(x), "counts again");
            expect(f).not.toContain("no training rows");
            await press("\x1B[A");
            await press("\x1B[A");

            // Export to the default folder under the sessions folder.
            await press("e");
            f = await until(frame, (x) => x.includes("● wrote"), "the export");
            expect(exported).toHaveLength(1);
            const dir = exported[0]!;
            expect(dir.startsWith(join(sessions, "curated-"))).toBe(true);
            expect(f).toContain("sft.one-stage.train.jsonl");
            expect(f).toContain(dir.slice(-20));
            for (const name of ["sft.one-stage", "sft.reflector", "sft.corrector", "pref.dpm"]) expect(existsSync(join(dir, `${name}.train.jsonl`))).toBe(true);
            const summary = JSON.parse(readFileSync(join(dir, "curation.json"), "utf8")) as { counts: { dplus: { total: number } }; options: { cap_per_task: number } };
            expect(summary.options.cap_per_task).toBe(1);
            expect(summary.counts.dplus.total).toBe(2);
            // The out option moved on to a fresh folder.
            expect(/│ +out +(\S+)/.exec(frame())?.[1]).not.toBe(dir);
            expect(/│ +out +(\S+)/.exec(frame())?.[1]).toMatch(/curated-/);

            // D_pref has no teacher yet: the export says so.
            await press("\x1B[A");
            await until(frame, (x) => /› D_pref\s+off/.test(x), "the D_pref option");
            await press(" ");
            await until(frame, (x) => /› D_pref\s+on/.test(x), "D_pref on");
            await press("e");
            await until(frame, (x) => x.includes("export failed: D_pref needs a teacher model"), "the teacher error");
            expect(readdirSync(sessions).filter((d) => d.startsWith("curated-"))).toHaveLength(1);

            // Help, back, quit.
            await press("?");
            await until(frame, (x) => x.includes("? or esc closes"), "the help overlay");
            await press("\x1B");
            await until(frame, (x) => x.includes("curate training sets"), "the screen again");
            expect(calls).toEqual([]);
            await press("\x1B");
            await press("q");
            expect(calls).toEqual(["back", "quit"]);
        } finally {
            ui.unmount();
        }
    });
});
