// The batch form, the batch dashboard and the item view at 80x24: no line wider than 80 columns, no
// frame taller than 24 rows (rendered with Ink on a stdout of that size, measured after strip-ansi).
import type { ReactElement } from "react";
import { describe, expect, it } from "vitest";
import type { ItemOutcome, ItemResult } from "../src/batch/types.js";
import { PROMPTS_DIR } from "../src/paths.js";
import { loadInstructionPool } from "../src/prompts/pool.js";
import { DEFAULT_SETTINGS } from "../src/settings.js";
import { ERROR_TYPES } from "../src/teacher/errorTypes.js";
import type { ErrorTypeBreakdown, ErrorTypeCounts } from "../src/teacher/breakdown.js";
import { BatchDashboard } from "../views/batch/BatchDashboard.js";
import { BatchFormView } from "../views/batch/BatchForm.js";
import { createBatchBridge } from "../views/batch/bridge.js";
import { formEstimateLines } from "../views/batch/formEstimate.js";
import { FORM_FIELDS, formDefaults } from "../views/batch/formModel.js";
import { initialFormState } from "../views/batch/formState.js";
import type { ItemDetail } from "../views/batch/itemDetail.js";
import { ItemView } from "../views/batch/ItemView.js";
import { createBatchStore, type BatchStore } from "../views/batch/store.js";
import { expectFits, frameLines } from "./helpers/fit.js";
import { mountOn, Term } from "./helpers/ink.js";

/** The rows of the frame Ink draws for `el` on a terminal of that size. */
async function frameAt(el: ReactElement, columns = 80, rows = 24): Promise<string[]> {
    const m = mountOn(el, { term: new Term(columns, rows) });
    await new Promise((r) => setTimeout(r, 30));
    m.unmount();
    return frameLines(m.term.last);
}

const pool = loadInstructionPool(PROMPTS_DIR);

describe("the batch form at 80x24", () => {
    const ctx = { instructionKey: "1-1-1", pool, runs: [] };
    const values = formDefaults(DEFAULT_SETTINGS, ctx, "/tmp/a/rather/long/sessions/folder/for/the/test");

    it("shows every field, the start row, the selected field's hint and the three estimate lines", async () => {
        const estimate = formEstimateLines(values, pool, ctx, { tokensPerSecond: 12.5, source: "the lab, one sequence" });
        const lines = await frameAt(<BatchFormView state={{ ...initialFormState(values), sel: FORM_FIELDS.findIndex((f) => f.key === "maxTokens") }} ctx={ctx} model="default" estimate={estimate} columns={80} />);
        expectFits(lines);
        const text = lines.join("\n");
        expect(FORM_FIELDS).toHaveLength(14);
        for (const f of FORM_FIELDS) expect(text).toMatch(new RegExp(`│ [› ] ${f.key}\\s`));
        expect(text).toMatch(/› maxTokens\s+384\s/);
        expect(text).toMatch(/temperature\s+0\.8\s/);
        expect(text).toContain("maxTokens: tokens per generation at most");
        expect(text).toContain("▶ start");
        expect(text).toContain("estimate: ≤");
        expect(text).toContain("12 chains each (k 2×6)");
        expect(text).toMatch(/time: ≤ \S+ at 12\.5 tok\/s \(the lab, one sequence\)/);
    });

    it("fits with an error and a long typed value too", async () => {
        const state = { ...initialFormState({ ...values, tasks: "x/".repeat(60) + "tasks.jsonl" }), sel: 0, editing: "x/".repeat(60), error: "maxTokens must be an integer in 1..65536, and this message is long enough to need cutting at the edge" };
        const lines = await frameAt(<BatchFormView state={state} ctx={ctx} model="default" estimate={formEstimateLines(values, pool, ctx, null)} columns={80} />);
        expectFits(lines);
        expect(lines.join("\n")).toContain("maxTokens must be an integer");
    });
});

const errorCounts = (n: number): ErrorTypeCounts => ({
    reflections: n,
    unparsed: 1,
    none: 0,
    counts: Object.fromEntries(ERROR_TYPES.map((t) => [t, n])) as ErrorTypeCounts["counts"],
    shares: Object.fromEntries(ERROR_TYPES.map((t) => [t, 1])) as ErrorTypeCounts["shares"],
    groups: {} as ErrorTypeCounts["groups"]
});

/** A store as a long run leaves it: many tasks, every slot busy, finished items, a state line and an error. */
function busyStore(maxTurns: number, tasks: number): BatchStore {
    const store = createBatchStore({ maxTurns, verifier: "self", title: "batch a-very-long-task-file-name.jsonl another-task-file.jsonl · reflect · k 2 · random:6 · P 8" });
    const bridge = createBatchBridge(store, { throttleMs: 0, tickMs: 0 });
    bridge.onEvent({ type: "start", total: 10_000, alreadyDone: 12, todo: 9_988, parallel: 8, runDir: "/tmp/sessions/batch-2025-01-01T00-00-00-a-long-run-folder-name" });
    for (let i = 0; i < 8; i++) bridge.onEvent({ type: "slot", slot: i, phase: i % 2 ? "reflect" : "answer", itemId: `item-${i}`, question: "A rather long question that goes on and on ".repeat(4), detail: "1-3-2" });
    for (let i = 0; i < 60; i++) {
        const o: ItemOutcome = { itemId: `bigbench/logical_deduction/item-${i}`, task: `task-number-${i % tasks}-with-a-long-name`, t1: i % 3 === 0, chains: i % 3 ? Array.from({ length: 12 }, () => Array.from({ length: maxTurns }, (_, t) => t === maxTurns - 1)) : [] };
        bridge.onEvent({ type: "tokens", slot: i % 8, count: 384 });
        bridge.onEvent({ type: "item", result: { itemId: o.itemId } as unknown as ItemResult, outcome: o, done: 13 + i, total: 10_000 });
    }
    bridge.onEvent({ type: "item-error", itemId: "item-x", task: "task-number-1-with-a-long-name", error: "the backend fell over with a long message that must be cut at the edge of the terminal", done: 72, total: 10_000 });
    bridge.onEvent({ type: "state", message: "waiting: all sequences busy, backing off 2s and this state line is long as well, long enough" });
    bridge.dispose();
    return store;
}

describe("the batch dashboard at 80x24", () => {
    for (const [turns, tasks] of [
        [2, 3],
        [2, 40],
        [6, 12]
    ] as const) {
        it(`a running ${turns}-turn run over ${tasks} tasks, inside the lab (finished items in the live region)`, async () => {
            const lines = await frameAt(<BatchDashboard store={busyStore(turns, tasks)} staticLog={false} errorTypes={null} />);
            expectFits(lines);
            const text = lines.join("\n");
            expect(text).toContain("72/10000");
            expect(text).toContain("flips c→i/i→c: overall");
            expect(text).toMatch(/q stop/);
        });
    }

    it("an ended run with error types", async () => {
        const store = busyStore(2, 5);
        store.setState({ status: "done", slots: [] });
        const tags: ErrorTypeBreakdown = { teachers: ["gpt-4o"], tagged: 10, overall: errorCounts(10), perTask: Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`task-number-${i}-with-a-long-name`, errorCounts(2)])) };
        const lines = await frameAt(<BatchDashboard store={store} staticLog={false} errorTypes={tags} onBack={() => {}} onQuit={() => {}} />);
        expectFits(lines);
        const text = lines.join("\n");
        expect(text).toContain("● done");
        expect(text).toContain("error types");
        expect(text).toContain("esc back");
    });
});

describe("the item view at 80x24", () => {
    it("a 6-turn chain with long reflections and answers", async () => {
        const long = "Let me think again about this step by step, because the first answer was wrong. ".repeat(20);
        const d: ItemDetail = {
            itemId: "bigbench/logical_deduction/three_objects/item-0042",
            task: "bigbench/logical_deduction",
            question: "On a shelf, there are three books: a red book, a green book and a blue book. ".repeat(6),
            gold: "B",
            turn1: { answer: long, verdict: { correct: false, mode: "self", reason: "the model judged its own answer incorrect", extracted: "incorrect", oracle: false } },
            chains: [
                {
                    instruction: "1-3-2",
                    sampleIndex: 1,
                    correctByTurn: [false, false, false, false, false, true],
                    turns: [2, 3, 4, 5, 6].map((turn) => ({ turn, reflection: long, answer: long, verdict: { correct: turn === 6, mode: "self" as const, reason: `the model judged its own answer ${turn === 6 ? "correct" : "incorrect"}`, extracted: turn === 6 ? "correct" : "incorrect", oracle: turn === 6 } }))
                }
            ]
        };
        const lines = await frameAt(<ItemView detail={d} chain={0} width={80} rows={23} />);
        // The frame is 23 rows: the help bar takes the 24th.
        expectFits(lines, 80, 23);
        const text = lines.join("\n");
        expect(text).toContain("chain 1/1");
        for (let t = 2; t <= 6; t++) expect(text).toContain(`reflection → t${t}: Let me think`);
    });
});
