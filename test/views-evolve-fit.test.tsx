// The evolve screen on an 80x24 terminal, fed scripted EvolveEvents (no model): starting, a batch step
// with many slots and tasks, curation, training, a table of many rounds, a long out folder, and every
// way it ends, each within 80 columns and 24 rows, in every frame drawn on the way.
import { afterEach, describe, expect, it } from "vitest";
import type { PairedResult } from "../src/batch/pairing.js";
import type { CurationSummary } from "../src/curate/export.js";
import type { EvolveEvent } from "../src/evolve/run.js";
import type { RoundRow, RoundsTable } from "../src/evolve/table.js";
import { EvolveScreen } from "../views/evolve/EvolveScreen.js";
import { createEvolveStore } from "../views/evolve/evolveStore.js";
import { evolveLayout } from "../views/evolve/layout.js";
import { expectEveryFrameFits, expectRedrawOnResize } from "./helpers/fit.js";
import { mountOn, Term } from "./helpers/ink.js";
import { evolveEvents } from "./helpers/evolveEvents.js";

const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));
const OUT = "sessions/evolve-sqa";
const LONG_OUT = `sessions/${"a-long-folder-name/".repeat(5)}evolve-sqa-final`;

let unmount: (() => void) | null = null;
afterEach(() => void (unmount?.(), (unmount = null)));

function mount(rounds = 2, out = OUT, term = new Term()) {
    const split: RoundsTable["split"] = { train: 140, eval: 60, questions: { train: 70, eval: 30 }, per_task: {} };
    const store = createEvolveStore({ out, setting: "one-stage", rounds, maxTurns: 2, split }, { batchThrottleMs: 0, preload: () => [] });
    const ink = mountOn(<EvolveScreen store={store} onStop={() => {}} />, { term });
    unmount = () => (store.getState().dispose(), ink.unmount());
    const send = async (...events: EvolveEvent[]) => {
        for (const e of events) store.getState().onEvent(e);
        await tick();
    };
    return { store, term, send, frame: ink.frame };
}

/** No line wider than 80 columns, no frame taller than 24 rows: the last frame, and every one before it. */
const expectFits = (term: Term) => expectEveryFrameFits(term.frames);

const { step, batch, item, trainEvents } = evolveEvents(OUT);

const curation = (files: number): CurationSummary =>
    ({
        counts: { dplus: { total: 120, train: 120, eval: 0, per_task: {} } },
        questions: { train: 35, eval: 0 },
        samples: { read: 300, incomplete: 0 },
        files: Array.from({ length: files }, (_, i) => ({ name: `sft.one-stage.part-${i}.train.jsonl`, rows: 10 + i, deduped: 0 }))
    }) as unknown as CurationSummary;

const paired = (mean: number, ci: [number, number]): PairedResult =>
    ({ task: "overall", n: 30, sharedTurn1: 30, sharedFailures: 12, acc2: { mean, ci, n: 30 }, delta: { mean, ci, n: 30 }, method: "paired bootstrap over questions (95% percentile, 2000 resamples, seed 1)", note: "a note under the verdict" }) as unknown as PairedResult;

const row = (round: number, over: Partial<RoundRow> = {}): RoundRow => ({
    round, label: `round ${round}`, dir: `${OUT}/round-${round}/eval`, done: 30, items: 30, dplus: 120, trainRows: 118, loss: 0.5, n: 30, acc1: 0.4, acc2: 0.45, delta: 0.05, ci1: [0.25, 0.58], ci2: [0.281, 0.631], paired: round > 0 ? paired(0.03, [-0.05, 0.1]) : null, ...over
});

/** Round 0's two rows and `rounds` trained rounds, each with a verdict and a note. */
const table = (rounds: number): RoundsTable => ({
    out: OUT, setting: "one-stage", rounds, split: { train: 140, eval: 60, questions: { train: 70, eval: 30 }, per_task: {} },
    rows: [row(0, { dplus: null, trainRows: null, loss: null }), row(0, { dir: `${OUT}/round-0/retry`, dplus: null, trainRows: null, loss: null }), ...Array.from({ length: rounds }, (_, i) => row(i + 1))]
});

describe("the evolve screen at 80x24", () => {
    it("fits while starting, in a batch step with eight slots and twelve tasks, curating many files and training", async () => {
        const { term, send, frame } = mount(2, LONG_OUT);
        await tick();
        expect(frame()).toContain("… starting");
        // The out folder keeps its end; the split gives up its item counts to fit.
        expect(frame()).toMatch(/evolve · one-stage · 2 rounds · split 70\/30 questions · …[\w/-]*evolve-sqa-final │/);
        await send(step(0, "split", "start"), step(0, "split", "done"), step(0, "eval-base", "start"), batch(0, "eval-base", { type: "start", total: 60, alreadyDone: 0, todo: 60, parallel: 8, runDir: `${OUT}/round-0/eval` }));
        for (let k = 0; k < 8; k++) await send(batch(0, "eval-base", { type: "slot", slot: k, phase: "answer", itemId: `q${k}`, question: `A question long enough to need cutting at the edge of the panel, number ${k}` }));
        for (let k = 0; k < 12; k++) await send(batch(0, "eval-base", item({ itemId: `i${k}`, task: `task-with-a-long-name-${k}`, t1: k % 2 === 0, chains: [[k % 3 === 0]] }, k + 1, 60)));
        let f = frame();
        expect(f).toContain("round 0 · split ✓ · eval-base ● · retry ○ │ rounds 1–2 ○");
        expect(f).toContain("12/60");
        expect(f).toMatch(/#0\s+answer\s+q0 A question long enough/);
        expect(f).toMatch(/Acc@t1 \d+\.\d · Acc@t2 \d+\.\d · Δ [+-]\d+\.\d · N 12/);
        expect(f).toMatch(/round\s+D\+\s+rows\s+loss\s+N\s+Acc@t1\s+Acc@t2\s+Δ\s+Acc@t2 − r0 \[95%\]/);
        expect(f).toContain("q stop");
        expectFits(term);

        await send(batch(0, "eval-base", { type: "done", done: 60, total: 60, errors: 0, interrupted: false, seconds: 2 }), step(0, "eval-base", "done"), step(0, "retry", "skipped"), { type: "table", table: { ...table(0) } });
        await send(step(1, "batch", "skipped"), step(1, "curate", "start"), { type: "curated", round: 1, summary: curation(20), rows: 118 }, step(1, "curate", "done"));
        f = frame();
        expect(f).toContain("118 training rows for one-stage");
        expect(f).toMatch(/\+\d+ more files/);
        await send(step(1, "train", "start"), ...trainEvents(1), { type: "note", message: `loading the trained reflector adapter ${"round-1-".repeat(12)}.gguf` });
        f = frame();
        expect(f).toContain("6/12 steps");
        expect(f).toContain("━ loss 0.800");
        expect(f).toContain("loading the trained reflector adapter");
        expectFits(term);
    });

    it("fits a table of ten trained rounds with their verdicts: round 0 and the latest rounds, the rest named", async () => {
        const { term, send, frame } = mount(10);
        await send(step(10, "eval", "start"), { type: "table", table: table(10) });
        const f = frame();
        expect(f).toMatch(/0 base\s+-\s+-\s+-\s+30\s+40\.0\s+45\.0\s+\+5\.0\s+-/);
        expect(f).toMatch(/\n│\s*10\s+120\s+118\s+0\.500\s+30\s+40\.0\s+45\.0\s+\+5\.0\s+\+3\.0 \[-5\.0, \+10\.0\]/);
        expect(f).toMatch(/0 retry\s+-/);
        expect(f).toMatch(/rounds 1–2 not shown · Acc %, Wilson 95%/);
        expect(f).toContain("round 10: the interval of the gain over round 0 includes 0");
        expect(f).not.toMatch(/│   a note under the verdict[^\n]*\n│ round/);
        // The step panel keeps its rows while the loop runs: its title, its folder, its progress.
        expect(f).toMatch(/● round 10 · eval · the trained reflector/);
        expect(f).toMatch(/\n│ sessions\/evolve-sqa\/round-10\/eval\s+│/);
        expect(f).toContain("… loading the model");
        expectFits(term);
    });

    it("fits every ending: done, stopped with a long reason, failed with a long error, interrupted", async () => {
        for (const end of ["done", "stopped", "failed", "interrupted"] as const) {
            const { store, term, send, frame } = mount(3);
            await send(step(3, "eval", "done"), { type: "table", table: table(3) });
            const reason = `round 3: nothing to train on, so the loop stops here (no empty training run). ${"no failed answer was corrected: raise --k or use harder items. ".repeat(3)}`;
            if (end === "done") store.getState().finish({ out: OUT, table: table(3), stopped: null });
            if (end === "stopped") store.getState().finish({ out: OUT, table: table(3), stopped: reason });
            if (end === "failed") store.getState().fail(Array.from({ length: 12 }, (_, i) => `trainer line ${i}: ${"a long traceback line ".repeat(4)}`).join("\n"), false);
            if (end === "interrupted") store.getState().fail("stopped during training", true);
            await tick();
            const f = frame();
            const flat = f.replace(/[│╭╮╰╯─\s]+/g, " ");
            const head = { done: "● done: 3 rounds", stopped: "■ the loop stopped", failed: "✗ failed", interrupted: "■ interrupted" }[end];
            expect(f).toContain(head);
            expect(f).toMatch(/0 base\s+-/);
            expect(f).not.toContain("q stop");
            if (end === "done") expect(flat).toContain(`reflect-lab evolve --out ${OUT} --resume --rounds 4`);
            if (end === "interrupted") expect(flat).toContain(`continue with: reflect-lab evolve --out ${OUT} --resume`);
            if (end === "stopped") expect(flat).toContain("round 3: nothing to train on, so the loop stops here");
            if (end === "failed") expect(f).toMatch(/trainer line 0/);
            expectFits(term);
            unmount!();
            unmount = null;
        }
    });
});

describe("the evolve screen on a resize", () => {
    it("redraws to fit when the terminal shrinks from 120x40 to 80x24", async () => {
        const { term, send, frame } = mount(3, OUT, new Term(120, 40));
        await send(step(3, "eval", "start"), { type: "table", table: table(3) });
        expect(frame()).toMatch(/● round 3 · eval/);
        const lines = await expectRedrawOnResize(term, 80, 24);
        const f = lines.join("\n");
        expect(f).toMatch(/● round 3 · eval/);
        expect(f).toMatch(/0 base\s+-/);
        expect(f).toContain("q stop");
    });
});

describe("evolve layout", () => {
    it("keeps the step panel's rows while running, the end box once ended, and never more rows than the terminal", () => {
        const run = evolveLayout({ rows: 24, columns: 80, tableRows: 8, notes: 12, endBox: 0, lastNote: true, running: true });
        expect(run.panel).toBeGreaterThanOrEqual(6);
        expect(run.roomy).toBe(false);
        expect(7 + 1 + run.panel + run.tableRows + run.notes + run.endBox).toBeLessThanOrEqual(24);
        const ended = evolveLayout({ rows: 24, columns: 80, tableRows: 8, notes: 12, endBox: 9, lastNote: false, running: false });
        expect(ended.endBox).toBe(9);
        expect(ended.tableRows).toBeGreaterThanOrEqual(3);
        expect(7 + ended.panel + ended.tableRows + ended.notes + ended.endBox).toBeLessThanOrEqual(24);
        // Roomy and wide: gaps, everything shown, and the chart beside the panel.
        const wide = evolveLayout({ rows: 45, columns: 140, tableRows: 4, notes: 2, endBox: 0, lastNote: false, running: true });
        expect(wide).toMatchObject({ roomy: true, chart: true, tableRows: 4, notes: 2, panel: 45 - 9 - 4 - 2 });
    });
});
