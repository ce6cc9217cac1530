// The batch screens' pure parts: the dashboard and form reducers, the dashboard's row budget, the
// flips line, the item view's lines, the form's estimate, and the bridge's smoothed tok/s.
import { describe, expect, it } from "vitest";
import { computeMetrics } from "../src/batch/metrics.js";
import { PROMPTS_DIR } from "../src/paths.js";
import { loadInstructionPool } from "../src/prompts/pool.js";
import { DEFAULT_SETTINGS } from "../src/settings.js";
import { createBatchBridge } from "../views/batch/bridge.js";
import { dashboardLayout, type DashboardLayoutInput } from "../views/batch/dashboardLayout.js";
import { dashboardReducer, initialDashboardState, selectedLine, type DashboardState } from "../views/batch/dashboardState.js";
import { flipsText } from "../views/batch/FlipsLine.js";
import { formEstimateLines, measuredSpeed } from "../views/batch/formEstimate.js";
import { FORM_FIELDS, formDefaults, formRequest } from "../views/batch/formModel.js";
import { formReducer, initialFormState, type FormState } from "../views/batch/formState.js";
import type { ItemDetail } from "../views/batch/itemDetail.js";
import { itemLines, verdictText, wrapText } from "../views/batch/itemLines.js";
import { createBatchStore, type FinishedLine } from "../views/batch/store.js";

const line = (key: number): FinishedLine => ({ key, itemId: `q${key}`, task: "t", t1: false, samples: 2, correctAtMax: 1 });
const lines = [line(3), line(4), line(5)];
const detail = (chains: number): ItemDetail => ({
    itemId: "q4",
    task: "t",
    question: "What is 4 + 1?",
    gold: "5",
    turn1: { answer: "Final answer: 999", verdict: { correct: false, mode: "oracle", reason: 'read "999" (final-answer line) · gold 5 · not equal', extracted: "999", rule: "final-answer line" } },
    chains: Array.from({ length: chains }, (_, i) => ({
        instruction: `1-1-${i + 1}`,
        sampleIndex: 0,
        correctByTurn: [false, true],
        turns: [{ turn: 2, reflection: "I should add one to 4. ".repeat(40), answer: "Final answer: 5", verdict: { correct: true, mode: "oracle" as const, reason: 'read "5" (final-answer line) · gold 5 · equal', extracted: "5", rule: "final-answer line" } }]
    }))
});

describe("dashboard reducer", () => {
    const step = (s: DashboardState, a: Parameters<typeof dashboardReducer>[1]) => {
        const n = dashboardReducer(s, a);
        if (n === "exit") throw new Error("unexpected exit");
        return n;
    };

    it("↑ selects the newest finished item, then older ones; ↓ goes back and past the newest clears", () => {
        let s = step(initialDashboardState, { type: "up", lines });
        expect(s.selected).toBe(5);
        s = step(s, { type: "up", lines });
        s = step(s, { type: "up", lines });
        s = step(s, { type: "up", lines });
        expect(s.selected).toBe(3);
        expect(selectedLine(s, lines)?.itemId).toBe("q3");
        s = step(s, { type: "down", lines });
        expect(s.selected).toBe(4);
        s = step(step(s, { type: "down", lines }), { type: "down", lines });
        expect(s.selected).toBeNull();
        // ↓ with nothing selected stays so; no lines, nothing to select.
        expect(step(s, { type: "down", lines })).toBe(s);
        expect(step(initialDashboardState, { type: "up", lines: [] })).toBe(initialDashboardState);
    });

    it("an open item cycles its chains with ↑/↓; esc closes the item, then the selection, then exits", () => {
        let s = step(step(initialDashboardState, { type: "up", lines }), { type: "open", detail: detail(3) });
        expect(s.open?.chain).toBe(0);
        s = step(s, { type: "down", lines });
        expect(s.open?.chain).toBe(1);
        s = step(s, { type: "up", lines });
        s = step(s, { type: "up", lines });
        expect(s.open?.chain).toBe(2);
        // The selection did not move while the item was open.
        expect(s.selected).toBe(5);
        s = step(s, { type: "help" });
        expect(s.help).toBe(true);
        s = step(s, { type: "back" });
        expect(s.help).toBe(false);
        expect(s.open).not.toBeNull();
        s = step(s, { type: "back" });
        expect(s.open).toBeNull();
        s = step(s, { type: "back" });
        expect(s.selected).toBeNull();
        expect(dashboardReducer(s, { type: "back" })).toBe("exit");
    });
});

describe("form reducer", () => {
    const pool = loadInstructionPool(PROMPTS_DIR);
    const ctx = { instructionKey: "1-1-1", pool, runs: [] };
    const values = formDefaults(DEFAULT_SETTINGS, ctx, "/tmp/sessions");
    const step = (s: FormState, a: Parameters<typeof formReducer>[1]) => {
        const n = formReducer(s, a, ctx);
        if (typeof n === "string") throw new Error(`unexpected ${n}`);
        return n;
    };
    const at = (key: string) => FORM_FIELDS.findIndex((f) => f.key === key);

    it("has maxTokens and temperature fields prefilled from the settings, and passes them to the run", () => {
        expect(values.maxTokens).toBe(String(DEFAULT_SETTINGS.maxTokens));
        expect(values.temperature).toBe(String(DEFAULT_SETTINGS.temperature));
        const req = formRequest({ ...values, maxTokens: "128", temperature: "0.3" }, DEFAULT_SETTINGS, pool);
        expect(req.config.sampler).toMatchObject({ maxTokens: 128, temperature: 0.3 });
    });

    it("validates maxTokens and temperature like the settings do", () => {
        expect(() => formRequest({ ...values, maxTokens: "0" }, DEFAULT_SETTINGS, pool)).toThrow("maxTokens must be an integer in 1..65536");
        expect(() => formRequest({ ...values, maxTokens: "12.5" }, DEFAULT_SETTINGS, pool)).toThrow("maxTokens must be an integer");
        expect(() => formRequest({ ...values, temperature: "hot" }, DEFAULT_SETTINGS, pool)).toThrow("temperature must be a number in 0..5");
        expect(() => formRequest({ ...values, temperature: "" }, DEFAULT_SETTINGS, pool)).toThrow("temperature must be a number");
    });

    it("moves, edits a text field (accept and cancel), cycles a choice, and starts on the start row", () => {
        let s = initialFormState(values);
        s = step(s, { type: "up" });
        expect(s.sel).toBe(FORM_FIELDS.length);
        expect(formReducer(s, { type: "edit" }, ctx)).toBe("start");
        s = { ...s, sel: at("temperature") };
        s = step(s, { type: "edit" });
        expect(s.editing).toBe(values.temperature);
        s = step(step(step(s, { type: "backspace" }), { type: "backspace" }), { type: "backspace" });
        s = step(s, { type: "type", text: "0.2" });
        s = step(s, { type: "accept" });
        expect(s.values.temperature).toBe("0.2");
        expect(s.editing).toBeNull();
        s = step(step(s, { type: "edit" }), { type: "type", text: "9" });
        s = step(s, { type: "cancel" });
        expect(s.values.temperature).toBe("0.2");
        s = { ...s, sel: at("mode"), error: "old error" };
        s = step(s, { type: "cycle", dir: 1 });
        expect(s.values.mode).toBe("retry");
        expect(s.error).toBeNull();
        // Cycling a text field does nothing.
        const text = { ...s, sel: at("k") };
        expect(step(text, { type: "cycle", dir: 1 })).toBe(text);
        expect(step(s, { type: "help" }).help).toBe(true);
        expect(step(step(s, { type: "help" }), { type: "back" }).help).toBe(false);
        expect(formReducer(s, { type: "back" }, ctx)).toBe("exit");
    });

    it("estimates from the form's values: 12 chains per failed item for k 2 × random:6, and names what is unknown", () => {
        const v = { ...values, instructions: "random:6", k: "2", maxTokens: "384" };
        const demo = formEstimateLines(v, pool, ctx, null);
        expect(demo).toHaveLength(3);
        // demo has 40 items: 40 turn-1 answers and 40 × 12 chains × 2 generations.
        expect(demo[0]).toBe(`estimate: ≤ ${(40 + 40 * 24).toLocaleString("en-US")} generations · ≤ 384k tokens (384 max each)`);
        expect(demo[1]).toContain("12 chains each (k 2×6)");
        expect(demo[1]).toContain("Acc@t1 unknown");
        expect(demo[2]).toBe("time: unknown until a generation has run");
        const files = formEstimateLines({ ...v, tasks: "a.jsonl b.jsonl", limit: "" }, pool, ctx, { tokensPerSecond: 40, source: "the lab, one sequence" });
        expect(files[0]).toMatch(/^estimate per item:/);
        expect(files[2]).toBe("time per failing item: ≤ 4m at 40.0 tok/s (the lab, one sequence)");
        expect(formEstimateLines({ ...v, k: "x", maxTokens: "" }, pool, ctx, null)).toEqual(["estimate: needs a valid k, maxTokens"]);
        expect(formEstimateLines({ ...v, instructions: "all" }, pool, ctx, null)[1]).toContain(`${2 * pool.keys.length} chains each`);
    });

    it("takes the measured speed from the last batch run first, then the lab's last generation", () => {
        expect(measuredSpeed({ averageTokensPerSecond: 80, parallel: 8 }, 12)).toEqual({ tokensPerSecond: 80, source: "last batch run, P 8" });
        expect(measuredSpeed({ averageTokensPerSecond: null, parallel: 0 }, 12)).toEqual({ tokensPerSecond: 12, source: "the lab, one sequence" });
        expect(measuredSpeed({ averageTokensPerSecond: null, parallel: 0 }, null)).toBeNull();
    });
});

describe("dashboard row budget", () => {
    const base: DashboardLayoutInput = { rows: 24, maxTurns: 2, slots: 8, tasks: 3, tagTasks: null, recent: 5, selecting: false, contention: false, stateLines: 1 };
    /** The rows the parts take, as BatchDashboard draws them (see dashboardLayout.ts). */
    const used = (x: DashboardLayoutInput) => {
        const L = dashboardLayout(x);
        const list = (n: number, max: number) => (n <= max ? n : Math.max(2, max));
        return 13 + (x.contention ? 1 : 0) + x.stateLines + list(x.tasks, L.taskRows) + (L.slotRows ? 2 + list(x.slots, L.slotRows) : 0) + (L.chart ? 1 + x.maxTurns : 0) + (L.recentRows ? 1 + L.recentRows : 0) + (L.tagRows ? 3 + (x.tagTasks! > 1 ? 1 : 0) + list(x.tagTasks!, L.tagRows) : 0);
    };

    it("never takes more rows than the terminal has, from 24 rows up, whatever the run", () => {
        const cases: DashboardLayoutInput[] = [base, { ...base, maxTurns: 6 }, { ...base, tasks: 40, slots: 32 }, { ...base, tagTasks: 5, contention: true, stateLines: 2 }, { ...base, selecting: true, maxTurns: 6 }, { ...base, slots: 0, recent: 0 }];
        expect(cases).toHaveLength(6);
        for (const c of cases) for (const rows of [24, 30, 45]) expect(used({ ...c, rows }), JSON.stringify({ ...c, rows })).toBeLessThanOrEqual(rows);
    });

    it("gives room to the slots, the chart and the recent items on a tall terminal, and drops them in order on a short one", () => {
        const tall = dashboardLayout({ ...base, rows: 45 });
        expect(tall).toMatchObject({ chart: true, recentRows: 5, taskRows: 3 });
        expect(tall.slotRows).toBe(8);
        const short = dashboardLayout({ ...base, maxTurns: 6 });
        expect(short.chart).toBe(false);
        // Selecting an item puts the finished list before the chart.
        expect(dashboardLayout({ ...base, maxTurns: 6, selecting: true }).recentRows).toBeGreaterThan(0);
    });
});

describe("flips line", () => {
    const report = computeMetrics(
        [
            { itemId: "a", task: "alpha", t1: false, chains: [[false, true], [false, false]] },
            { itemId: "b", task: "beta", t1: true, chains: [[true, false]] },
            { itemId: "c", task: "gamma-with-a-long-name", t1: false, chains: [[false, true]] }
        ],
        2
    );

    it("shows c→i/i→c overall and per task, as many tasks as fit", () => {
        expect(flipsText(report, 200)).toBe("flips c→i/i→c: overall 1/2 · alpha 0/1 · beta 1/0 · gamma-with-a-long-name 0/1");
        const narrow = flipsText(report, 60);
        expect(narrow).toBe("flips c→i/i→c: overall 1/2 · alpha 0/1 · beta 1/0 · +1 more");
        expect(narrow.length).toBeLessThanOrEqual(60);
        // One task: overall only.
        expect(flipsText(computeMetrics([{ itemId: "a", task: "alpha", t1: false, chains: [[false, true]] }], 2), 80)).toBe("flips c→i/i→c: overall 0/1");
    });
});

describe("item view lines", () => {
    it("wraps text to the width and cuts it with …", () => {
        const w = wrapText("one two three four five six seven", 10, 2);
        expect(w).toEqual(["one two", "three fou…"]);
        expect(wrapText("x".repeat(25), 10, 5)).toEqual(["x".repeat(10), "x".repeat(10), "x".repeat(5)]);
    });

    it("fits width × rows, with the question, turn 1, the chain's instruction, reflection, correction and verdicts", () => {
        const d = detail(2);
        const out = itemLines(d, 1, 76, 21);
        expect(out.length).toBeLessThanOrEqual(21);
        for (const l of out) expect(l.text.length, l.text).toBeLessThanOrEqual(76);
        const text = out.map((l) => l.text).join("\n");
        expect(text).toContain("chain 2/2 · t1 ✗ · q4 · t");
        expect(text).toContain("Q: What is 4 + 1?");
        expect(text).toContain("turn 1: Final answer: 999");
        expect(text).toContain('✗ incorrect (oracle) · read "999" (final-answer line) · gold 5 · not equal');
        expect(text).toContain("chain [1-1-2] #0 · by turn ✗ ✓");
        expect(text).toContain("reflection → t2: I should add one to 4.");
        expect(text).toContain("turn 2: Final answer: 5");
        expect(text).toContain('✓ correct (oracle) · read "5" (final-answer line) · gold 5 · equal');
        // 21 rows hold the whole reflection; 12 cut it, with "…".
        expect(text).not.toContain("…");
        const short = itemLines(d, 1, 76, 12);
        expect(short.length).toBe(12);
        expect(short.at(-3)!.text).toMatch(/…$/);
        expect(short.at(-2)!.text).toBe("turn 2: Final answer: 5");
        expect(itemLines({ ...d, chains: [], error: "backend fell over" }, 0, 76, 21).map((l) => l.text)).toEqual(["no chains · t1 ✗ · q4 · t", "error: backend fell over"]);
    });

    it("shows a verdict as the one verdict line, a self verdict with the ground truth and the gold beside it", () => {
        expect(verdictText(null, "5")).toBe("no verdict");
        const self = { correct: true, mode: "self" as const, reason: "the model judged its own answer correct", extracted: "correct", oracle: false };
        expect(verdictText(self, "5")).toBe("✓ correct (self) · the model judged its own answer correct · truth ✗, gold 5");
        // Nothing read: the line says why, against the gold.
        const none = { correct: false, mode: "oracle" as const, reason: "nothing read (cut off before a final answer) · gold 5", extracted: null, rule: "cut off" };
        expect(verdictText(none, "5")).toBe("✗ incorrect (oracle) · nothing read (cut off before a final answer) · gold 5");
    });
});

describe("bridge rates", () => {
    it("tok/s is null before the first generation ends and never 0 after, while slots keep generating", () => {
        let t = 0;
        const store = createBatchStore();
        const bridge = createBatchBridge(store, { throttleMs: 0, tickMs: 0, now: () => t });
        bridge.onEvent({ type: "start", total: 100, alreadyDone: 0, todo: 100, parallel: 4, runDir: "/tmp/r" });
        expect(store.getState().tokensPerSecond).toBeNull();
        const seen: number[] = [];
        // Four slots end a 300-token generation together every 60 s; the dashboard refreshes every second.
        for (t = 1000; t <= 600_000; t += 1000) {
            if (t % 60_000 === 0) for (let s = 0; s < 4; s++) bridge.onEvent({ type: "tokens", slot: s, count: 300 });
            else bridge.flush();
            if (t >= 60_000) seen.push(store.getState().tokensPerSecond!);
        }
        expect(seen.length).toBeGreaterThan(500);
        expect(Math.min(...seen)).toBeGreaterThan(5);
        expect(store.getState().averageTokensPerSecond).toBeCloseTo(20, 0);
        bridge.dispose();
    });
});
