import type { CompareResult, CompareRow, CompareSide, PairedDifference, RunMetrics } from "./compare.js";

/**
 * The side-by-side table of a comparison as strings, shared by `reflect-lab compare` and the compare
 * screen: task | N | A: t1..tmax Δ | B: t1..tmax Δ | B−A t2 | B−A Δ, and under each row its 95% intervals
 * (none under t1: both runs' turn 1 come from the same frozen base model, so it is the same by design).
 */
export interface CompareTable {
    head: string[];
    /** Which run each column belongs to ("" for task and N). */
    group: ("" | "A" | "B" | "B−A")[];
    rows: { task: string; cells: string[]; cis: string[] }[];
}

const pct = (x: number) => (100 * x).toFixed(1);
const signed = (x: number) => (x >= 0 ? "+" : "") + pct(x);
const ci = (c: [number, number] | null, sign = false) => {
    if (!c) return "";
    const f = (x: number) => (sign && x >= 0 ? "+" : "") + Math.round(100 * x);
    return `[${f(c[0])},${f(c[1])}]`;
};

function runCells(m: RunMetrics): { cells: string[]; cis: string[] } {
    return {
        cells: [...m.accByTurn.map(pct), signed(m.delta)],
        cis: [...m.ciByTurn.map((c, i) => (i === 0 ? "" : ci(c))), ci(m.deltaCi, true)]
    };
}

const diffCells = (d: PairedDifference) => ({ cell: signed(d.mean), ci: ci(d.ci, true) });

export function compareTable(r: CompareResult): CompareTable {
    const turns = (s: CompareSide) => Array.from({ length: s.maxTurns }, (_, i) => `t${i + 1}`);
    const head = ["task", "N", ...turns(r.a), "Δ(t1,t2)", ...turns(r.b), "Δ(t1,t2)", "t2", "Δ"];
    const group: CompareTable["group"] = ["", "", ...turns(r.a).map(() => "A" as const), "A", ...turns(r.b).map(() => "B" as const), "B", "B−A", "B−A"];
    const line = (row: CompareRow) => {
        const a = runCells(row.a);
        const b = runCells(row.b);
        const d2 = diffCells(row.acc2);
        const dd = diffCells(row.delta);
        return { task: row.task, cells: [row.task, String(row.n), ...a.cells, ...b.cells, d2.cell, dd.cell], cis: ["", "", ...a.cis, ...b.cis, d2.ci, dd.ci] };
    };
    return { head, group, rows: [...r.perTask.map(line), line(r.overall)] };
}

/** Column widths that fit the head, the cells and the intervals. */
export function columnWidths(t: CompareTable): number[] {
    return t.head.map((h, i) => Math.max(h.length, ...t.rows.map((r) => Math.max(r.cells[i]!.length, r.cis[i]!.length))));
}

/**
 * The line above the head: each group's label from its first column's start, cut to the group's width.
 * `gap` is the space between columns.
 */
export function groupLine(t: CompareTable, widths: number[], gap: number, label: (g: "A" | "B" | "B−A") => string): string {
    let line = "";
    let i = 0;
    while (i < t.group.length) {
        const g = t.group[i]!;
        let j = i;
        while (j + 1 < t.group.length && t.group[j + 1] === g) j++;
        const span = widths.slice(i, j + 1).reduce((a, x) => a + x, 0) + gap * (j - i);
        const text = g ? label(g) : "";
        line += (text.length > span ? text.slice(0, span - 1) + "…" : text.padEnd(span)) + (j + 1 < t.group.length ? " ".repeat(gap) : "");
        i = j + 1;
    }
    return line.trimEnd();
}

/** What a run used, on one line. */
export function describeSide(s: CompareSide): string {
    const c = s.manifest.config;
    return `${s.id} · reflector ${s.reflector} · base ${s.model.file} (${s.model.sha256.slice(0, 12)}) · ${c.mode} · verifier ${c.verifier} · k ${c.k} · seed ${c.sampler.seed} · ${s.done}/${s.items} items done`;
}

/** The plain-text comparison `reflect-lab compare` prints. */
export function formatCompare(r: CompareResult): string {
    const t = compareTable(r);
    const w = columnWidths(t);
    const pad = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join("  ").trimEnd();
    const labels = { A: `A · ${r.a.reflector}`, B: `B · ${r.b.reflector}`, "B−A": "B−A (paired)" };
    const groups = groupLine(t, w, 2, (g) => labels[g]);
    const lines = [
        `A: ${describeSide(r.a)}`,
        `   ${r.a.dir}`,
        `B: ${describeSide(r.b)}`,
        `   ${r.b.dir}`,
        `compared on ${r.aligned} items done in both (${r.onlyA} only in A, ${r.onlyB} only in B)`,
        ...r.warnings.map((x) => `warning: ${x}`),
        "",
        groups,
        pad(t.head),
        ...t.rows.flatMap((row) => [pad(row.cells), pad(row.cis)]),
        "",
        r.intervals
    ];
    return lines.join("\n");
}
