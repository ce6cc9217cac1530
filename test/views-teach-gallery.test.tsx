// Teaching mode's pickers: the gallery (filters, counts, paging 10,000 entries), side by side on the
// fixture's two siblings, the teacher's question form, and all three at 80x24.
import { afterEach, describe, expect, it } from "vitest";
import { render } from "ink-testing-library";
import stripAnsi from "strip-ansi";
import { loadTeachKit } from "../src/teach/kit.js";
import { openTeachSource } from "../src/teach/sources.js";
import type { GalleryEntry, Outcome } from "../src/teach/types.js";
import { Gallery } from "../views/teach/Gallery.js";
import { QuestionForm } from "../views/teach/QuestionForm.js";
import { SideBySide } from "../views/teach/SideBySide.js";
import { expectFits } from "./helpers/fit.js";
import { until } from "./helpers/ink.js";

const source = openTeachSource("test/fixtures/teach/set.jsonl", loadTeachKit());
const entries = source.entries;
const byOutcome = (o: Outcome) => entries.find((e) => e.outcome === o)!;

const KEY = { up: "\u001B[A", down: "\u001B[B", right: "\u001B[C", left: "\u001B[D", pgUp: "\u001B[5~", pgDn: "\u001B[6~", home: "\u001B[H", end: "\u001B[F", esc: "\u001B", tab: "\t", enter: "\r", del: "\x7f", ctrlS: "\x13" };

let mounted: ReturnType<typeof render> | null = null;
afterEach(() => {
    mounted?.unmount();
    mounted = null;
});

function mount(el: React.ReactElement) {
    const ui = render(el);
    mounted = ui;
    const frame = () => stripAnsi(ui.lastFrame() ?? "");
    const press = async (k: string) => {
        ui.stdin.write(k);
        await new Promise((r) => setTimeout(r, 20));
    };
    return { ui, frame, press };
}

/** 10,000 entries cloned from the fixture's, ids and outcomes spread, two tasks. */
function synthetic(n = 10_000): GalleryEntry[] {
    const outcomes: Outcome[] = ["corrected", "not-corrected", "flipped", "right-first"];
    return Array.from({ length: n }, (_, i) => ({ ...entries[i % entries.length]!, itemId: `syn-${i}`, outcome: outcomes[i % 4]!, task: i % 5 === 0 ? "gsm8k" : "strategyqa", sampleIndex: i % 3 }));
}

const noop = () => {};

describe("gallery", () => {
    it("counts the fixture's outcomes, starts on corrected, filters by tab, opens and goes side by side", async () => {
        expect(entries).toHaveLength(3);
        const opened: [GalleryEntry, number][] = [];
        const sides: GalleryEntry[] = [];
        let backs = 0;
        const { frame, press } = mount(<Gallery entries={entries} columns={80} rows={24} onOpen={(e, i) => opened.push([e, i])} onSide={(e) => sides.push(e)} onBack={() => backs++} />);
        let f = frame();
        expect(f).toContain("corrected 1");
        expect(f).toContain("not corrected 1");
        expect(f).toContain("flipped 0");
        expect(f).toContain("right first 1");
        expect(f).toContain("all 3");
        expect(f).toContain("task all tasks");
        expect(f).toMatch(/› strategyqa-8\s+strategyqa\s+2-4-1\s+#0\s+w→r\s+Q: Can a chess player/);
        expect(f).not.toContain("1-4-2");
        expect(f).toContain("1/1");

        await press(KEY.enter);
        expect(opened).toHaveLength(1);
        const [e, i] = opened[0]!;
        expect(entries[i]).toBe(e);
        expect(e.outcome).toBe("corrected");
        await press("s");
        expect(sides).toEqual([byOutcome("corrected")]);

        await press(KEY.right);
        f = frame();
        expect(f).toMatch(/› strategyqa-8\s+strategyqa\s+1-4-2\s+#0\s+w→w/);
        await press(KEY.right);
        expect(frame()).toContain("no flipped examples");
        await press(KEY.enter);
        expect(opened).toHaveLength(1);
        await press(KEY.right);
        expect(frame()).toMatch(/› strategyqa-11\s+strategyqa\s+retry\s+#0\s+r\s+Q: Could a goldfish/);
        await press(KEY.right);
        f = frame();
        expect(f.match(/strategyqa-\d+ /g)).toHaveLength(3);
        await press(KEY.end);
        await press(KEY.enter);
        expect(opened).toHaveLength(2);
        expect(opened[1]![1]).toBe(2);
        expect(opened[1]![0]).toBe(entries[2]);
        for (const k of ["q", KEY.esc]) await press(k);
        expect(backs).toBe(2);
    });

    it("pages 10,000 entries instantly, cycles tasks with t, and keeps counts per task", async () => {
        const many = synthetic();
        expect(many).toHaveLength(10_000);
        const opened: number[] = [];
        const { frame, ui } = mount(<Gallery entries={many} columns={80} rows={24} onOpen={(_, i) => opened.push(i)} onSide={noop} onBack={noop} />);
        let f = frame();
        // Four-digit counts: the short labels, so the tab line still fits 80 columns.
        expect(f).toContain("corrected 2500");
        expect(f).toContain("not corr. 2500");
        expect(f).toContain("right 1st 2500");
        expect(f).toContain("all 10000");
        expect(f).toContain("1/2500");
        expect(f).toContain("↓ 2484 more");

        // Each key: time from the write until its frame is drawn (polled every turn of the event loop).
        const timed = async (key: string, want: RegExp) => {
            const t0 = performance.now();
            ui.stdin.write(key);
            while (!want.test(frame())) {
                if (performance.now() - t0 > 5000) throw new Error(`no frame matching ${want} after ${JSON.stringify(key)}:\n${frame()}`);
                await new Promise((r) => setTimeout(r, 0));
            }
            return performance.now() - t0;
        };
        const times: number[] = [];
        times.push(await timed(KEY.pgDn, /\b17\/2500\b/));
        times.push(await timed(KEY.pgDn, /\b33\/2500\b/));
        times.push(await timed(KEY.end, /\b2500\/2500\b/));
        times.push(await timed(KEY.pgUp, /\b2484\/2500\b/));
        times.push(await timed(KEY.home, /\b1\/2500\b/));
        times.push(await timed(KEY.left, /\b1\/10000\b/));
        times.push(await timed(KEY.end, /\b10000\/10000\b/));
        expect(times).toHaveLength(7);
        const median = [...times].sort((a, b) => a - b)[3]!;
        console.log(`gallery keypress → frame, 10,000 entries: ${times.map((t) => t.toFixed(1)).join(", ")} ms (median ${median.toFixed(1)})`);
        // Loose bounds for a loaded test machine: the cost is Ink drawing one 80x24 frame, not the list's size.
        expect(median).toBeLessThan(100);
        for (const t of times) expect(t).toBeLessThan(500);
        f = frame();
        expect(f).toContain("› syn-9999");
        expect(f).toContain("↑ 9984 more");
        ui.stdin.write(KEY.enter);
        await until(() => opened.length, (n) => n === 1, "open");
        expect(opened).toEqual([9999]);

        // t: gsm8k (every fifth), then strategyqa, then all tasks again.
        ui.stdin.write("t");
        f = await until(frame, (x) => x.includes("task gsm8k"), "task gsm8k");
        expect(f).toContain("all 2000");
        expect(f).toContain("corrected 500");
        // The selected entry (syn-9999, strategyqa) is not listed: back to the top.
        expect(f).toContain("› syn-0 ");
        ui.stdin.write("t");
        f = await until(frame, (x) => x.includes("task strategyqa"), "task strategyqa");
        expect(f).toContain("all 8000");
        ui.stdin.write("t");
        await until(frame, (x) => x.includes("task all tasks"), "all tasks");
        expectFits(frame(), 80, 24);
    });

    it("keeps the cursor in view when the terminal shrinks", async () => {
        const many = synthetic();
        const el = (rows: number) => <Gallery entries={many} columns={80} rows={rows} onOpen={noop} onSide={noop} onBack={noop} />;
        const { frame, press, ui } = mount(el(24));
        await press(KEY.left);
        await press(KEY.end);
        expect(frame()).toContain("› syn-9999");
        ui.rerender(el(12));
        await until(frame, (x) => x.split("\n").length <= 12, "the smaller frame");
        expect(frame()).toContain("› syn-9999");
        expect(frame()).toContain("10000/10000");
        expectFits(frame(), 80, 12);
    });

    it("starts on a given selection", () => {
        const { frame } = mount(<Gallery entries={entries} columns={80} rows={24} selected={2} onOpen={noop} onSide={noop} onBack={noop} />);
        expect(frame()).toMatch(/› strategyqa-11/);
        expect(frame()).toContain("3/3");
    });
});

describe("side by side", () => {
    it("shows the siblings' instruction keys, stage words, reflections and verdicts", async () => {
        const corrected = byOutcome("corrected");
        const sibs = source.siblings(corrected);
        expect(sibs).toHaveLength(1);
        let next = 0;
        let back = 0;
        const { frame, press } = mount(<SideBySide left={corrected.open()} right={sibs[0]!.open()} columns={80} rows={24} onNext={() => next++} onBack={() => back++} />);
        const f = frame();
        expect(f).toContain("instruction 2-4-1");
        expect(f).toContain("instruction 1-4-2");
        expect(f).toContain("strategyqa-8");
        expect(f).toContain("question Q: Can a chess player");
        expect(f).toContain("turn 1 wrong");
        expect(f).toContain("2 focus: internal consistency");
        expect(f).toContain("1 verify by skimming it as a whole");
        expect(f).toContain("1 verify by tracing it step by step");
        expect(f).toContain("1. I will check my previous");
        expect(f).toContain("Q: Yes, two queens on the");
        expect(f).toContain("right ✓");
        expect(f).toContain("wrong ✗");
        expectFits(f, 80, 24);
        expect(f.split("\n")).toHaveLength(24);
        await press("n");
        expect(next).toBe(1);
        for (const k of [KEY.esc, KEY.del, "q"]) await press(k);
        expect(back).toBe(3);
    });
});

describe("question form", () => {
    it("shows inline errors, clears them as they are fixed, and submits an mc question with a letter answer", async () => {
        const got: unknown[] = [];
        let cancels = 0;
        const { frame, press } = mount(<QuestionForm columns={80} rows={24} onSubmit={(q) => got.push(q)} onCancel={() => cancels++} />);
        expect(frame()).toMatch(/› question\s+▌/);
        await press(KEY.ctrlS);
        let f = frame();
        expect(f).toContain("✗ type the question");
        expect(f).toContain("✗ type the expected answer");
        expect(f).toContain("✗ give at least 2 options");
        expect(f).toContain("3 things to fix");
        expect(got).toHaveLength(0);
        expectFits(f, 80, 24);

        await press("Can a chess player have two queens?");
        expect(frame()).not.toContain("type the question");
        await press(KEY.tab);
        await press("C");
        await press(KEY.down);
        expect(frame()).toMatch(/› type\s+‹ mc ›/);
        await press(KEY.down);
        await press("Yes | No");
        f = frame();
        expect(f).toContain("not an option: give a letter A–B");
        expect(f).not.toContain("give at least 2 options");
        await press(KEY.enter);
        expect(got).toHaveLength(0);
        // Back to the answer (up twice), fix it to an option's text.
        for (const k of [KEY.up, KEY.up, KEY.del, "no"]) await press(k);
        expect(frame()).not.toContain("✗");
        await press(KEY.ctrlS);
        expect(got).toEqual([{ question: "Can a chess player have two queens?", answer: "B", family: "mc", choices: ["Yes", "No"] }]);
        await press(KEY.esc);
        expect(cancels).toBe(1);
    });

    it("cycles the type with ←/→, hides choices off mc, and submits on enter on the last field", async () => {
        const got: unknown[] = [];
        const { frame, press } = mount(<QuestionForm columns={80} rows={24} onSubmit={(q) => got.push(q)} onCancel={noop} />);
        await press("What is 12 * 7?");
        await press(KEY.enter);
        await press("84");
        await press(KEY.enter);
        await press(KEY.right);
        let f = frame();
        expect(f).toMatch(/› type\s+mc\s+‹ math ›/);
        expect(f).not.toContain("choices");
        await press(KEY.left);
        expect(frame()).toContain("choices");
        await press(KEY.right);
        await press(KEY.enter);
        expect(got).toEqual([{ question: "What is 12 * 7?", answer: "84", family: "math", choices: null }]);
        // A long question wraps and stays inside 80x24.
        await press(KEY.up);
        await press(KEY.up);
        await press(" ".padEnd(400, "long words "));
        f = frame();
        expect(f).toMatch(/› question/);
        expectFits(f, 80, 24);
    });
});

describe("80x24", () => {
    it("the gallery fits, on the fixture and on 10,000 entries with long ids and titles", () => {
        const long = synthetic(10_000).map((e, i) => ({ ...e, itemId: `a-very-long-item-identifier-${i}`, task: "a-task-with-a-long-name", title: "W".repeat(200) + " 漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字" }));
        for (const list of [entries, long]) {
            const { frame, ui } = mount(<Gallery entries={list} columns={80} rows={24} onOpen={noop} onSide={noop} onBack={noop} />);
            expectFits(frame(), 80, 24);
            expect(frame().split("\n")).toHaveLength(24);
            ui.unmount();
        }
    });

    it("side by side fits in other sizes too", () => {
        const corrected = byOutcome("corrected");
        const right = source.siblings(corrected)[0]!.open();
        const sizes: [number, number][] = [[80, 24], [100, 30], [60, 20]];
        expect(sizes).toHaveLength(3);
        for (const [c, r] of sizes) {
            const { frame, ui } = mount(<SideBySide left={corrected.open()} right={right} columns={c} rows={r} onNext={noop} onBack={noop} />);
            expectFits(frame(), c, r);
            ui.unmount();
        }
    });
});
