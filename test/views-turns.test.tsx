// The dashboard with 6 turns (ReflectEvo Fig. 4): the metrics panel, the accuracy chart and the
// whole dashboard fit 100 columns with every turn on one line per row (ink-testing-library is 100 wide).
import { describe, expect, it } from "vitest";
import { render } from "ink-testing-library";
import { computeMetrics, wilson } from "../src/batch/metrics.js";
import type { BatchEvent, ItemOutcome, ItemResult } from "../src/batch/types.js";
import { AccuracyChart } from "../views/batch/AccuracyChart.js";
import { BatchDashboard } from "../views/batch/BatchDashboard.js";
import { createBatchBridge } from "../views/batch/bridge.js";
import { metricsLayout, MetricsPanel } from "../views/batch/MetricsPanel.js";
import { createBatchStore } from "../views/batch/store.js";

const LONG = "bigbench/logical_deduction_five_objects";
/** Oracle-style chains (stop when right) over 6 turns, one task with a long BIG-bench name. */
const OUTCOMES: ItemOutcome[] = [
    { itemId: "a", task: LONG, t1: true, chains: [] },
    { itemId: "b", task: LONG, t1: false, chains: [[false, true], [false, false, true]] },
    { itemId: "c", task: LONG, t1: false, chains: [[false, false, false, true], [false, false, false, false, false, true]] },
    { itemId: "d", task: "mbpp", t1: false, chains: [[false, false, false, false, true], Array(6).fill(false)] },
    { itemId: "e", task: "mbpp", t1: false, chains: [Array(6).fill(false)] }
];
const report = computeMetrics(OUTCOMES, 6);
// By hand: LONG t1..t6 = 1/3, (1+½)/3, (1+1)/3, (1+1+½)/3, same, (1+1+1)/3; mbpp 0, 0, 0, 0, ¼, ¼.
const LONG_ACC = ["33.3", "50.0", "66.7", "83.3", "83.3", "100.0"];
const MBPP_ACC = ["0.0", "0.0", "0.0", "0.0", "25.0", "25.0"];

const plain = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, "");
const lines = (frame: string | undefined) => plain(frame ?? "").split("\n");
const widest = (frame: string | undefined) => Math.max(...lines(frame).map((l) => [...l].length));

describe("dashboard metrics with 6 turns", () => {
    it("fits every Acc@t of every row on one line within the dashboard's 96 inner columns", () => {
        const ui = render(<MetricsPanel report={report} verifier="oracle" maxRows={5} />);
        const f = plain(ui.lastFrame()!);
        expect(widest(f)).toBeLessThanOrEqual(96);
        expect(f).toContain("Acc@t1 20.0 · Acc@t2 30.0 · Acc@t3 40.0 · Acc@t4 50.0 · Acc@t5 60.0 · Acc@t6 70.0");
        // Too long for one line with the rest: both deltas (past two turns), N and samples go on the next, whole.
        expect(f).toMatch(/^Δ\(t1,t2\) \+10\.0 · Δ\(t1,t6\) \+50\.0 · N 5 · 7 samples$/m);
        expect(f).toMatch(/^task\s+N\s+Acc@t1\s+Acc@t2\s+Acc@t3\s+Acc@t4\s+Acc@t5\s+Acc@t6\s+Δt1→6\s+95% CI Acc@t6$/m);
        // A long task name is truncated, never the numbers: six figures, Δ and the interval on its row.
        const ci = (p: number, n: number) => wilson(p, n).map((x) => (100 * x).toFixed(1));
        const [lo, hi] = ci(1, 3);
        expect(f).toMatch(new RegExp(`^bigbench/logical_ded\\S*…\\s+3\\s+${LONG_ACC.join("\\s+")}\\s+\\+66\\.7\\s+\\[${lo}, ${hi}\\]$`, "m"));
        const [mlo, mhi] = ci(0.25, 2);
        expect(f).toMatch(new RegExp(`^mbpp\\s+2\\s+${MBPP_ACC.join("\\s+")}\\s+\\+25\\.0\\s+\\[${mlo}, ${mhi}\\]$`, "m"));
        ui.unmount();
    });

    it("keeps the 2-turn layout, and drops the interval column before the numbers when narrow", () => {
        expect(metricsLayout(2, 96, 5)).toEqual({ task: 10, n: 7, acc: 9, accPad: 7, delta: 9, ci: 15 });
        const six = metricsLayout(6, 96, LONG.length);
        expect(six.task + six.n + 6 * six.acc + six.delta + six.ci).toBeLessThanOrEqual(96);
        expect(six.ci).toBe(15);
        const narrow = metricsLayout(6, 70, 10);
        expect(narrow.ci).toBe(0);
        expect(narrow.task + narrow.n + 6 * narrow.acc + narrow.delta).toBeLessThanOrEqual(70);
    });

    it("charts all six turns, each with its 95% interval when given", () => {
        const m = report.overall;
        const ui = render(<AccuracyChart accByTurn={m.accByTurn} ciByTurn={m.ciByTurn} />);
        const rows = lines(ui.lastFrame());
        expect(rows).toHaveLength(6);
        rows.forEach((row, i) => {
            const [lo, hi] = m.ciByTurn[i]!.map((x) => (100 * x).toFixed(1));
            expect(row).toMatch(new RegExp(`^t${i + 1} [█·╟╢║]{24}\\s+${(100 * m.accByTurn[i]!).toFixed(1)}% \\[${lo}, ${hi}\\]$`));
            expect(row).toMatch(/╟|║/);
        });
        expect(widest(ui.lastFrame())).toBeLessThanOrEqual(96);
        ui.unmount();
        // Without intervals the chart is the plain bars it always was.
        const bare = render(<AccuracyChart accByTurn={m.accByTurn} />);
        expect(lines(bare.lastFrame())[5]).toMatch(/^t6 █+·+\s+70\.0%$/);
        bare.unmount();
    });

    it("renders the whole dashboard of a 6-turn run within 100 columns", async () => {
        const store = createBatchStore({ maxTurns: 6, verifier: "self", title: "batch bigbench · 6 turns" });
        const bridge = createBatchBridge(store, { throttleMs: 10 });
        const ui = render(<BatchDashboard store={store} staticLog={false} />);
        try {
            bridge.onEvent({ type: "start", total: 10, alreadyDone: 0, todo: 10, parallel: 2, runDir: "/tmp/run-6" });
            OUTCOMES.forEach((o, i) => bridge.onEvent({ type: "item", result: { itemId: o.itemId } as unknown as ItemResult, outcome: o, done: i + 1, total: 10 } satisfies BatchEvent));
            await new Promise((r) => setTimeout(r, 80));
            const f = plain(ui.lastFrame()!);
            expect(widest(f)).toBeLessThanOrEqual(100);
            // The dashboard passes each turn's interval: marked in the bar (╟ ╢) and printed after the value.
            for (let t = 1; t <= 6; t++) expect(f).toMatch(new RegExp(`│ t${t} [█·╟╢]{24}\\s+\\d+\\.\\d% \\[\\d+\\.\\d, \\d+\\.\\d\\]\\s+│`));
            expect(f).toMatch(/│ Δ\(t1,t2\) \+10\.0 · Δ\(t1,t6\) \+50\.0 · flips c→i 0 i→c 5 · N 5 · 7 samples\s+│/);
            expect(f).toMatch(new RegExp(`│ mbpp\\s+2\\s+${MBPP_ACC.join("\\s+")}\\s+\\+25\\.0\\s+\\[`));
        } finally {
            ui.unmount();
        }
    });
});
