// How the curate screen shares rows (pure): roomy when all fits, else the focused panel open, the
// counts before the example; never more rows than the terminal has.
import { describe, expect, it } from "vitest";
import { curateLayout, FRAME_ROWS, type CurateLayoutInput } from "../views/curate/layout.js";

const input = (over: Partial<CurateLayoutInput> = {}): CurateLayoutInput => ({
    rows: 24, runs: 2, panel: "runs", options: 10, counts: { natural: 9, min: 5 }, example: { natural: 12, min: 3 }, export: { natural: 1, min: 1 }, ...over
});

/** Rows the screen draws with this layout. */
function used(i: CurateLayoutInput): number {
    const l = curateLayout(i);
    const runs = 1 + Math.max(1, Math.min(i.runs, l.runWindow));
    const panels = l.roomy ? runs + i.options + 5 : (i.panel === "runs" ? runs : i.options) + 1;
    return FRAME_ROWS + panels + l.countRows + l.exampleRows + l.exportRows;
}

describe("curate layout", () => {
    it("is roomy at 100x40 with everything open, and compact at 80x24", () => {
        expect(curateLayout(input({ rows: 40 }))).toMatchObject({ roomy: true, runWindow: 6, countRows: 9 });
        const small = curateLayout(input());
        expect(small.roomy).toBe(false);
        expect(small.countRows).toBe(9);
        expect(small.exampleRows).toBeGreaterThanOrEqual(3);
    });

    it("gives the counts their minimum before the example, and the example its minimum before the counts' rest", () => {
        const l = curateLayout(input({ panel: "options", counts: { natural: 15, min: 7 } }));
        expect(l.countRows).toBe(7);
        expect(l.exampleRows).toBe(24 - FRAME_ROWS - 1 - 10 - 1 - 7);
        const big = curateLayout(input({ panel: "options", counts: { natural: 15, min: 5 } }));
        expect(big.exampleRows).toBe(3);
        expect(big.countRows).toBe(24 - FRAME_ROWS - 1 - 10 - 1 - 3);
    });

    it("shrinks the runs window before the counts lose their totals, down to two runs", () => {
        const l = curateLayout(input({ runs: 30, counts: { natural: 12, min: 11 } }));
        expect(l.runWindow).toBe(3);
        expect(l.countRows).toBe(11);
        expect(l.exampleRows).toBe(3);
        expect(curateLayout(input({ runs: 30, counts: { natural: 30, min: 20 } })).runWindow).toBe(2);
    });

    it("never takes more rows than there are, whatever the sections need", () => {
        const cases: Partial<CurateLayoutInput>[] = [
            {},
            { panel: "options" },
            { runs: 40 },
            { runs: 0, panel: "options", counts: { natural: 30, min: 7 }, export: { natural: 6, min: 1 } },
            { rows: 30, runs: 9, counts: { natural: 20, min: 6 }, example: { natural: 14, min: 3 } },
            { rows: 60, runs: 9, counts: { natural: 20, min: 6 }, example: { natural: 14, min: 3 }, export: { natural: 5, min: 1 } }
        ];
        expect(cases).toHaveLength(6);
        for (const c of cases) expect(used(input(c)), JSON.stringify(c)).toBeLessThanOrEqual(c.rows ?? 24);
    });
});
