// The live evolve screen: its store and screen fed with scripted EvolveEvents (no model), and
// runEvolveDashboard on loops that end before any model is needed.
import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { render } from "ink-testing-library";
import type { PairedResult } from "../src/batch/pairing.js";
import type { ItemOutcome } from "../src/batch/types.js";
import type { CurationSummary } from "../src/curate/export.js";
import type { EvolveEvent, EvolveRequest } from "../src/evolve/run.js";
import { EvolveInterrupted } from "../src/evolve/steps.js";
import type { RoundRow, RoundsTable } from "../src/evolve/table.js";
import type { EvolveConfig } from "../src/evolve/types.js";
import { EvolveScreen } from "../views/evolve/EvolveScreen.js";
import { createEvolveStore, type EvolveStore } from "../views/evolve/evolveStore.js";
import { roundNotes } from "../views/evolve/roundsCells.js";
import { stepSegments } from "../views/evolve/StepList.js";
import { runEvolveDashboard } from "../views/evolve/run.js";
import { FakeStdin, FakeStdout } from "./helpers/ink.js";
import { evolveEvents } from "./helpers/evolveEvents.js";

const dir = mkdtempSync(join(tmpdir(), "rl-views-evolve-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));
const OUT = "sessions/evolve-sqa";
const SPLIT: RoundsTable["split"] = { train: 140, eval: 60, questions: { train: 70, eval: 30 }, per_task: { sqa: { train: 140, eval: 60 } } };

function mount(rows = 30) {
    const store = createEvolveStore({ out: OUT, setting: "one-stage", rounds: 2, maxTurns: 2, split: SPLIT }, { batchThrottleMs: 0 });
    const stops = { n: 0 };
    const ui = render(<EvolveScreen store={store} rows={rows} columns={100} onStop={() => stops.n++} />);
    const send = async (...events: EvolveEvent[]) => {
        for (const e of events) store.getState().onEvent(e);
        await tick();
    };
    const frame = () => ui.lastFrame() ?? "";
    return { store, ui, send, frame, stops, done: () => (store.getState().dispose(), ui.unmount()) };
}

const { step, batch, item, trainEvents } = evolveEvents(OUT);

const curation = (dplus: number, rows: number): CurationSummary =>
    ({
        counts: { dplus: { total: dplus, train: dplus, eval: 0, per_task: {} } },
        questions: { train: 35, eval: 0 },
        samples: { read: 300, incomplete: 0 },
        files: [{ name: "sft.one-stage.train.jsonl", rows, deduped: 0 }]
    }) as unknown as CurationSummary;

function paired(mean: number, ci: [number, number] | null, n = 30): PairedResult {
    const stat = { mean, ci, n };
    return {
        task: "overall", n, sharedTurn1: n, sharedFailures: 12, acc2: stat, delta: stat,
        reference: { dir: "r0", id: "r0" }, other: { dir: "rx", id: "rx" }, differ: 0, perTask: [],
        method: "paired bootstrap over questions (95% percentile, 2000 resamples, seed 20250601)", note: null
    };
}

const row = (round: number, dir: string, over: Partial<RoundRow>): RoundRow => ({
    round, label: `round ${round}`, dir, done: 30, items: 30, dplus: null, trainRows: null, loss: null, n: 30, acc1: 0.4, acc2: 0.45, delta: 0.05, ci1: [0.25, 0.58], ci2: [0.281, 0.631], paired: null, ...over
});

/** Round 0, and two trained rounds: round 1's gain includes 0, round 2's is positive. */
const TABLE: RoundsTable = {
    out: OUT,
    setting: "one-stage",
    rounds: 2,
    split: SPLIT,
    rows: [
        row(0, `${OUT}/round-0/eval`, {}),
        row(0, `${OUT}/round-0/retry`, { acc2: 0.42, delta: 0.02, ci2: [0.255, 0.603], paired: paired(-0.033, [-0.1, 0.033]) }),
        row(1, `${OUT}/round-1/eval`, { dplus: 120, trainRows: 118, loss: 0.512, acc2: 0.483, delta: 0.083, ci2: [0.31, 0.66], paired: paired(0.033, [-0.05, 0.1]) }),
        row(2, `${OUT}/round-2/eval`, { dplus: 210, trainRows: 205, loss: 0.431, acc2: 0.6, delta: 0.2, ci2: [0.423, 0.754], paired: paired(0.15, [0.033, 0.267]) })
    ]
};

/** Round 0 done, round 1 generated and curated: what comes before its training. */
async function throughCuration(send: ReturnType<typeof mount>["send"]) {
    await send(step(0, "split", "start"), step(0, "split", "done"), step(0, "eval-base", "skipped"), step(0, "retry", "skipped"), { type: "table", table: { ...TABLE, rows: TABLE.rows.slice(0, 2) } });
    await send(step(1, "batch", "start"), batch(1, "batch", { type: "start", total: 4, alreadyDone: 0, todo: 4, parallel: 1, runDir: `${OUT}/round-1/batch` }), batch(1, "batch", { type: "done", done: 4, total: 4, errors: 0, interrupted: false, seconds: 1 }), step(1, "batch", "done"));
    await send(step(1, "curate", "start"), { type: "curated", round: 1, summary: curation(120, 118), rows: 118 }, step(1, "curate", "done"));
}

describe("evolve screen (scripted events)", () => {
    it("advances the steps and shows the batch dashboard's panels while a batch step runs", async () => {
        const { send, frame, done } = mount();
        try {
            expect(frame()).toContain("… starting");
            // The out folder gives way first (its start), the settings stay.
            expect(frame()).toMatch(/evolve · one-stage · 2 rounds · split 70 train \/ 30 eval questions \(140\/60 items\) · …?[\w/-]*evolve-sqa │/);
            await send(step(0, "split", "start"));
            expect(frame()).toContain("round 0 · split ● · eval-base ○ · retry ○ │ rounds 1–2 ○");
            await send(step(0, "split", "done"), step(0, "eval-base", "start"));
            await send(
                batch(0, "eval-base", { type: "start", total: 10, alreadyDone: 0, todo: 10, parallel: 2, runDir: `${OUT}/round-0/eval` }),
                batch(0, "eval-base", { type: "slot", slot: 0, phase: "answer", itemId: "q7", question: "Is the sky green?" }),
                batch(0, "eval-base", item({ itemId: "q1", task: "sqa", t1: true, chains: [] }, 1, 10)),
                batch(0, "eval-base", item({ itemId: "q2", task: "sqa", t1: false, chains: [[false, true]] }, 2, 10)),
                batch(0, "eval-base", item({ itemId: "q3", task: "sqa", t1: false, chains: [[false, false]] }, 3, 10))
            );
            const f = frame();
            expect(f).toContain("round 0 · split ✓ · eval-base ● · retry ○ │ rounds 1–2 ○");
            expect(f).toContain("round 0 · eval-base · the base model on the eval part");
            expect(f).toContain("3/10");
            expect(f).toMatch(/#0\s+answer\s+q7 Is the sky green\?/);
            expect(f).toContain("Acc@t1 33.3 · Acc@t2 66.7 · Δ +33.3");
            expect(f).toMatch(/sqa\s+3\s+33\.3\s+66\.7/);
            // The table stands with its head and round 0's rows before any eval is done.
            expect(f).toMatch(/round\s+D\+\s+train rows\s+loss\s+N\s+Acc@t1\s+Acc@t2 \[95%\]\s+Δ\s+Acc@t2 − r0 \[95%\]/);
            expect(f).toMatch(/0 retry\s+-/);

            // The next batch step starts from a clean dashboard.
            await send(batch(0, "eval-base", { type: "done", done: 10, total: 10, errors: 0, interrupted: false, seconds: 2 }), step(0, "eval-base", "done"), step(0, "retry", "start"));
            const g = frame();
            expect(g).toContain("round 0 · split ✓ · eval-base ✓ · retry ● │ rounds 1–2 ○");
            expect(g).toContain("round 0 · retry · the w/o-reflection baseline");
            expect(g).toContain("0/0");
            expect(g).not.toContain("3/10");
        } finally {
            done();
        }
    });

    it("shows the curated row count, then the loss chart while training", async () => {
        const { send, frame, done } = mount();
        try {
            await send(step(0, "eval-base", "skipped"));
            // A resumed loop: the split never reports, so it shows as found done.
            expect(frame()).toContain("round 0 · split ↷ · eval-base ↷ · retry ○");
            await send(step(0, "retry", "skipped"), step(1, "batch", "start"), step(1, "batch", "done"), step(1, "curate", "start"));
            expect(frame()).toContain("… curating the batches of rounds 1..1");
            await send({ type: "curated", round: 1, summary: curation(120, 118), rows: 118 }, step(1, "curate", "done"));
            const c = frame();
            expect(c).toContain("round 0 ↷ │ round 1 · batch ✓ · curate ✓ · train ○ · eval ○ │ round 2 ○");
            expect(c).toContain("118 training rows for one-stage");
            expect(c).toContain("D+ 120 · D± 0 · D_pref 0 · 35 questions · 300 samples read");
            // Round 1's row shows what is known before its eval.
            expect(c).toMatch(/\n│\s*1\s+120\s+118\s+-\s+-\s+-\s+-\s+-\s+-/);

            await send(step(1, "train", "start"));
            expect(frame()).toContain("… starting the trainer");
            await send(...trainEvents(1));
            const t = frame();
            expect(t).toContain("round 1 · batch ✓ · curate ✓ · train ● · eval ○");
            expect(t).toContain("▶ training · cpu · base tiny.gguf");
            expect(t).toContain("▶ sft (118 rows)");
            expect(t).toContain("6/12 steps");
            expect(t).toContain("━ loss 0.800");
            expect(t).toMatch(/[⠁-⣿]/);
            expect(t).toMatch(/\n│\s*1\s+120\s+118\s+0\.800\s/);
            expect(t).not.toContain("118 training rows");
        } finally {
            done();
        }
    });

    it("shows the table with 2 rounds, the chart of eval Acc@t2 and the includes-0 note", async () => {
        const { send, frame, done } = mount();
        try {
            await send(step(2, "eval", "done"), { type: "table", table: TABLE });
            const f = frame();
            expect(f).toMatch(/0 base\s+-\s+-\s+-\s+30\s+40\.0\s+45\.0 \[28\.1, 63\.1\]\s+\+5\.0\s+-/);
            expect(f).toMatch(/0 retry\s+-\s+-\s+-\s+30\s+40\.0\s+42\.0 \[25\.5, 60\.3\]\s+\+2\.0\s+-3\.3 \[-10\.0, \+3\.3\]/);
            expect(f).toMatch(/1\s+120\s+118\s+0\.512\s+30\s+40\.0\s+48\.3 \[31\.0, 66\.0\]\s+\+8\.3\s+\+3\.3 \[-5\.0, \+10\.0\]/);
            expect(f).toMatch(/2\s+210\s+205\s+0\.431\s+30\s+40\.0\s+60\.0 \[42\.3, 75\.4\]\s+\+20\.0\s+\+15\.0 \[\+3\.3, \+26\.7\]/);
            expect(f).toContain("round 1: the interval of the gain over round 0 includes 0: no evidence of a gain at N 30.");
            expect(f).toContain("round 2: the gain over round 0 is positive at 95% (N 30).");
            expect(f).toContain("Acc@t2 − r0: paired bootstrap over questions");
            expect(f).toContain("Acc@t2 on the eval part");
            expect(f).toMatch(/base\s+[█╟╢·]+\s+45\.0/);
            expect(f).toMatch(/retry\s+[█╟╢·]+\s+42\.0/);
            expect(f).toMatch(/round 1\s+[█╟╢·]+\s+48\.3/);
            expect(f).toMatch(/round 2\s+[█╟╢·]+\s+60\.0/);
            // The notes are formatRoundsTable's verdicts: the retry row (round 0) gets none.
            expect(roundNotes(TABLE).map((n) => n.text.slice(0, 8))).toEqual(["round 1:", "round 2:"]);
        } finally {
            done();
        }
    });

    it("shows why the loop stopped, in a box, with the rest of the steps left pending", async () => {
        const { store, send, frame, done } = mount();
        try {
            await send(step(1, "curate", "start"), { type: "curated", round: 1, summary: curation(0, 0), rows: 0 }, step(1, "curate", "done"));
            const reason = "round 1: nothing to train on, so the loop stops here (no empty training run). no failed answer was corrected: raise --k";
            await send({ type: "stopped", round: 1, reason }, { type: "table", table: { ...TABLE, rows: TABLE.rows.slice(0, 2) } });
            store.getState().finish({ out: OUT, table: { ...TABLE, rows: TABLE.rows.slice(0, 2) }, stopped: reason });
            await tick();
            const f = frame();
            expect(f).toContain("■ the loop stopped");
            expect(f).toContain("round 1: nothing to train on, so the loop stops here");
            expect(f).toContain("round 1 · batch ↷ · curate ✓ · train ○ · eval ○ │ round 2 ○");
            expect(f).toContain("0 training rows for one-stage");
            expect(f).not.toContain("q stop");
        } finally {
            done();
        }
    });

    it("fits 100×30 mid-training with two rounds in the table", async () => {
        const { send, frame, done } = mount(30);
        try {
            await throughCuration(send);
            await send(step(1, "train", "start"), ...trainEvents(1), { type: "note", message: "loading the trained reflector adapter round-1.gguf" });
            const lines = frame().split("\n");
            expect(lines.length).toBeLessThanOrEqual(30);
            expect(Math.max(...lines.map((l) => [...l].length))).toBeLessThanOrEqual(100);
            const f = frame();
            expect(f).toContain("━ loss");
            expect(f).toContain("loading the trained reflector adapter round-1.gguf");
            expect(f).toContain("q stop");
            expect(lines.at(-1)).toContain("○ pending");
            // A note belongs to its step: the next step does not show it.
            await send(step(1, "train", "done"), step(1, "eval", "start"));
            expect(frame()).not.toContain("loading the trained reflector adapter round-1.gguf");
        } finally {
            done();
        }
    });

    it("a batch step that starts twice (its errored items retried) starts its metrics over from the stored outcomes", async () => {
        const A: ItemOutcome = { itemId: "a", task: "sqa", t1: false, chains: [[false, true]] };
        const B: ItemOutcome = { itemId: "b", task: "sqa", t1: true, chains: [] };
        const store = createEvolveStore({ out: OUT, setting: "one-stage", rounds: 1, maxTurns: 2 }, { batchThrottleMs: 0, preload: () => [A, B] });
        const S = store.getState();
        S.onEvent(step(1, "batch", "start"));
        S.onEvent(batch(1, "batch", { type: "start", total: 3, alreadyDone: 0, todo: 3, parallel: 1, runDir: "r" }));
        S.onEvent(batch(1, "batch", item(A, 1, 3)));
        S.onEvent(batch(1, "batch", item(B, 2, 3)));
        S.onEvent(batch(1, "batch", { type: "item-error", itemId: "c", task: "sqa", error: "boom", done: 2, total: 3 }));
        S.onEvent(batch(1, "batch", { type: "done", done: 2, total: 3, errors: 1, interrupted: false, seconds: 1 }));
        expect(S.batch.getState().report.overall.n).toBe(2);
        S.onEvent(batch(1, "batch", { type: "start", total: 3, alreadyDone: 2, todo: 1, parallel: 1, runDir: "r" }));
        S.onEvent(batch(1, "batch", item({ itemId: "c", task: "sqa", t1: true, chains: [] }, 3, 3)));
        const b = store.getState().batch.getState();
        expect(b.report.overall.n).toBe(3);
        expect(b.errors).toBe(0);
        expect(b.done).toBe(3);
        S.dispose();
    });

    it("collapses the rounds not under way, so ten rounds fit one line", () => {
        const store = createEvolveStore({ out: OUT, setting: "one-stage", rounds: 9, maxTurns: 2 }, { batchThrottleMs: 0 });
        const S = store.getState();
        for (const s of ["split", "eval-base", "retry"] as const) S.onEvent(step(0, s, "done"));
        for (let r = 1; r <= 3; r++) for (const s of ["batch", "curate", "train", "eval"] as const) S.onEvent(step(r, s, "done"));
        S.onEvent(step(4, "batch", "start"));
        const { steps, current } = store.getState();
        const segs = stepSegments(steps, current);
        expect(segs.map((g) => [g.round, g.mark ?? g.steps!.map((x) => x.state).join(",")])).toEqual([
            ["0–3", "done"],
            [4, "running,pending,pending,pending"],
            ["5–9", "pending"]
        ]);
        S.dispose();
    });

    it("q asks to stop once while the loop runs; the end shows the way to resume", async () => {
        const { store, ui, frame, stops, done } = mount();
        try {
            ui.stdin.write("q");
            await tick();
            expect(stops.n).toBe(1);
            store.getState().setStopping();
            await tick();
            expect(frame()).toContain("… stopping the running step");
            ui.stdin.write("q");
            await tick();
            expect(stops.n).toBe(1);
            store.getState().fail("stopped during training", true);
            await tick();
            expect(frame()).toContain("■ interrupted: finished steps and items are kept");
            expect(frame()).toContain(`continue with: reflect-lab evolve --out ${OUT} --resume`);
        } finally {
            done();
        }
    });
});

// --- runEvolveDashboard on loops that end before a model is loaded ---

const config = (tasks: string): EvolveConfig => ({
    tasks: [tasks], format: "auto", limit: null, rounds: 1, setting: "one-stage", evalShare: 0.3, seed: 1, k: 1,
    instructions: { kind: "fixed", keys: ["1-1-1"] }, maxTurns: 2,
    sampler: { temperature: 0.8, topK: 40, topP: 0.95, minP: 0.05, repeatPenalty: 1.1, seed: 1, maxTokens: 16 },
    model: "default", contextSize: 256, parallel: 1, hyper: {}, teacher: null
});
const hardware = { gpu: "cpu", gpuLayers: "auto", vramCapMiB: null, threads: 1 } as const;
const io = () => {
    const stdout = new FakeStdout();
    return { stdout, opts: { stdout: stdout as unknown as NodeJS.WriteStream, stdin: new FakeStdin() as unknown as NodeJS.ReadStream } };
};

describe("runEvolveDashboard", () => {
    it("rethrows the loop's error and leaves it on the final screen", async () => {
        const { stdout, opts } = io();
        const events: EvolveEvent[] = [];
        const req: EvolveRequest = { out: join(dir, "none"), resume: true, config: config("demo"), hardware, onEvent: (e) => events.push(e) };
        await expect(runEvolveDashboard(req, opts)).rejects.toThrow(/nothing to resume/);
        expect(stdout.out).toContain("✗ failed");
        expect(stdout.out).toContain("nothing to resume");
        expect(events).toEqual([]);
    });

    it("stops before the next step once the caller's signal is aborted (EvolveInterrupted), and shows how to resume", async () => {
        const { stdout, opts } = io();
        const ac = new AbortController();
        ac.abort();
        const out = join(dir, "aborted");
        const req: EvolveRequest = { out, config: config("demo"), hardware, signal: ac.signal };
        const err = await runEvolveDashboard(req, { ...opts, abort: () => ac.abort() }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(EvolveInterrupted);
        expect(stdout.out).toContain("■ interrupted");
        expect(stdout.out).toContain(`reflect-lab evolve --out ${out} --resume`);
    });
});
