// The compare screen's pure parts: the reducer's path input, merge and scroll; the table fitted to a width; the scroll window.
import { describe, expect, it } from "vitest";
import type { BatchRunInfo } from "../src/batch/runs.js";
import type { Tab2Table } from "../src/batch/compareTable.js";
import { compareReducer, initialCompareState, mergeRuns, type CompareAction, type CompareState } from "../views/compare/compareState.js";
import { tableWindow } from "../views/compare/CompareTableView.js";
import { fitTable } from "../views/compare/tableLines.js";

const run = (id: string, createdAt = id): BatchRunInfo => ({ dir: `/r/${id}`, id, createdAt, tasks: "t", items: 1, done: 1, samples: 0, model: "m", mode: "reflect", verifier: "oracle", seed: 1, reflector: "base model", trained: false });
const apply = (s: CompareState, ...as: CompareAction[]) => as.reduce(compareReducer, s);

describe("compare reducer: the path input", () => {
    it("opens in picking only, takes text, refuses with a reason, cancels", () => {
        const s = initialCompareState([run("b"), run("a")]);
        expect(s.message).toBeNull();
        const typing = apply(s, { type: "input.open" }, { type: "input.type", text: "../ru" }, { type: "input.type", text: "nx" }, { type: "input.backspace" });
        expect(typing).toMatchObject({ input: "../run", inputError: null });
        const refused = apply(typing, { type: "input.refused", error: "no such folder: /x/run" });
        expect(refused).toMatchObject({ input: "../run", inputError: "no such folder: /x/run" });
        // Typing again clears the error; esc closes the input.
        expect(apply(refused, { type: "input.type", text: "s" }).inputError).toBeNull();
        expect(apply(refused, { type: "input.cancel" })).toMatchObject({ input: null, inputError: null });
        // No input open: text and refusals change nothing; at the table o does not open one.
        expect(apply(s, { type: "input.type", text: "x" }, { type: "input.refused", error: "e" })).toBe(s);
        const table = apply(s, { type: "choose" });
        expect(apply(table, { type: "input.open" })).toBe(table);
    });

    it("lists an opened run once, in date order, selected, and remembers it for reloads", () => {
        const s = apply(initialCompareState([run("c"), run("a")]), { type: "input.open" }, { type: "input.type", text: "/r/b" });
        const opened = apply(s, { type: "input.opened", run: run("b") });
        expect(opened.runs.map((r) => r.id)).toEqual(["c", "b", "a"]);
        expect(opened).toMatchObject({ sel: 1, added: ["/r/b"], input: null, message: "opened b: space picks it" });
        // The same folder again: still one row, selected.
        const again = apply({ ...opened, sel: 0 }, { type: "input.open" }, { type: "input.opened", run: run("b") });
        expect(again.runs).toHaveLength(3);
        expect(again).toMatchObject({ sel: 1, added: ["/r/b"], message: "b was already listed: selected" });
        expect(initialCompareState([run("a")]).message).toBe("comparing needs two runs (o opens one by path; one alone shows its rows)");
    });

    it("merges lists by folder (the newer reading wins), newest first", () => {
        const merged = mergeRuns([run("a", "2025-01-01"), run("b", "2025-03-01")], [{ ...run("a", "2025-01-01"), done: 5 }, run("z", "2025-02-01")]);
        expect(merged.map((r) => [r.id, r.done])).toEqual([
            ["b", 1],
            ["z", 1],
            ["a", 5]
        ]);
    });
});

describe("compare reducer: the table", () => {
    it("scrolls only at the table, within 0..max; choosing starts at the top; back returns to picking and stays there", () => {
        const s = initialCompareState([run("b"), run("a")]);
        expect(apply(s, { type: "scroll", delta: 3, max: 10 })).toBe(s);
        const table = apply(s, { type: "choose" }, { type: "scroll", delta: 3, max: 10 });
        expect(table).toMatchObject({ phase: "table", scroll: 3 });
        expect(apply(table, { type: "scroll", delta: 20, max: 10 }).scroll).toBe(10);
        expect(apply(table, { type: "scroll", delta: -20, max: 10 }).scroll).toBe(0);
        const back = apply(table, { type: "back" });
        expect(back.phase).toBe("pick");
        expect(apply(back, { type: "choose" }).scroll).toBe(0);
        expect(apply(back, { type: "back" })).toBe(back);
        expect(apply(s, { type: "help", open: true }).help).toBe(true);
    });

    it("windows the rows: all when they fit, else a page and a line saying where", () => {
        expect(tableWindow(10, 20, 5)).toEqual({ start: 0, size: 10, scrolls: false, maxOffset: 0 });
        expect(tableWindow(30, 20, 0)).toEqual({ start: 0, size: 19, scrolls: true, maxOffset: 11 });
        expect(tableWindow(30, 20, 50).start).toBe(11);
    });

    it("fits the table: two spaces apart, else one, else without the intervals of Acc@t2 and Δ, then of the vs-ref columns", () => {
        const t: Tab2Table = {
            head: ["", "N", "Acc@t1", "Acc@t2", "Δ(t1,t2)", "same t1", "Acc@t2 vs ref", "Δ vs ref"],
            blocks: [{ task: "overall", lines: [{ run: 1, cells: ["retry", "8", "50.0", "62.5 [31,86]", "+12.5 [-5,30]", "8/8", "-12.5 [-37,0]", "-12.5 [-37,0]"] }] }],
            diffCols: [6, 7]
        };
        const wide = fitTable(t, 120);
        expect([wide.gap, wide.bare]).toEqual([2, []]);
        const one = fitTable(t, 80);
        expect([one.gap, one.bare]).toEqual([1, []]);
        const bare = fitTable(t, 76);
        expect(bare.bare).toEqual([3, 4]);
        expect(bare.table.blocks[0]!.lines[0]!.cells).toEqual(["retry", "8", "50.0", "62.5", "+12.5", "8/8", "-12.5 [-37,0]", "-12.5 [-37,0]"]);
        const bareAll = fitTable(t, 50);
        expect(bareAll.bare).toEqual([3, 4, 6, 7]);
        expect(bareAll.table.blocks[0]!.lines[0]!.cells.slice(6)).toEqual(["-12.5", "-12.5"]);
        // The input table is left as it was.
        expect(t.blocks[0]!.lines[0]!.cells[3]).toBe("62.5 [31,86]");
    });
});
