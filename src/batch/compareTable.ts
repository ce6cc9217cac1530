import type { PairedStat } from "./bootstrap.js";
import type { RunMetrics } from "./compare.js";
import type { CompareManyResult, RunColumn } from "./compareMany.js";

/**
 * The Tab. 2 table of compareMany as strings, shared by `reflect-lab compare` and the compare screen.
 * One block per task (then overall), one line per run: method | N | Acc@t1 | Acc@t2 [ci] | Δ(t1,t2) [ci]
 * | same t1 (items sharing turn 1 with the reference / both finished) | Acc@t2 vs ref [ci] | Δ vs ref [ci].
 * Rows rather than the paper's column groups: any number of runs and tasks fits in 100 columns.
 * No interval beside Acc@t1: every run's turn 1 comes from the same frozen base model (the "same t1"
 * column says whether it is literally the same); its Wilson interval is in --json.
 */
export interface Tab2Table {
    head: string[];
    blocks: { task: string; lines: { run: number; cells: string[] }[] }[];
    /** Columns holding a signed difference against the reference (the screen colours them by sign). */
    diffCols: number[];
}

/** Longest method label shown; longer ones end in "…" (the legend above the table has them whole). */
export const LABEL_WIDTH = 18;

const pct = (x: number) => (100 * x).toFixed(1);
const signed = (x: number) => (x >= 0 ? "+" : "") + pct(x);
/** Whole percent, no "+" inside the brackets: the table must fit 100 columns. */
const ci = (c: [number, number] | null | undefined) => (c ? ` [${Math.round(100 * c[0])},${Math.round(100 * c[1])}]` : "");
const cut = (s: string, w: number) => (s.length > w ? s.slice(0, w - 1) + "…" : s);

function metricCells(m: RunMetrics): string[] {
    if (m.n === 0) return ["0", "-", "-", "-"];
    const t2 = Math.min(1, m.accByTurn.length - 1);
    return [String(m.n), pct(m.accByTurn[0]!), pct(m.accByTurn[t2]!) + ci(m.ciByTurn[t2]), signed(m.delta12) + ci(m.deltaCi)];
}

const diff = (d: PairedStat | null) => (d ? signed(d.mean) + ci(d.ci) : "-");

export function tab2Table(r: CompareManyResult): Tab2Table {
    const head = ["", "N", "Acc@t1", "Acc@t2", "Δ(t1,t2)", "same t1", "Acc@t2 vs ref", "Δ vs ref"];
    const blocks = r.rows.map((row) => ({
        task: row.task,
        lines: r.runs.map((run, i) => {
            const p = row.paired[i];
            const vs = i === r.reference ? ["ref", "", ""] : p ? [`${p.sharedTurn1}/${p.n}`, diff(p.acc2), diff(p.delta)] : ["-", "-", "-"];
            return { run: i, cells: [cut(run.label, LABEL_WIDTH), ...metricCells(row.runs[i]!), ...vs] };
        })
    }));
    return { head, blocks, diffCols: [6, 7] };
}

/** Column widths that fit the head and every line. */
export function tab2Widths(t: Tab2Table): number[] {
    return t.head.map((h, i) => Math.max(h.length, ...t.blocks.flatMap((b) => b.lines.map((l) => l.cells[i]!.length))));
}

/** A line's cells padded: the label left, numbers right. `indent` goes before the label. */
export function padCells(cells: string[], w: number[], gap = 2, indent = "  "): string {
    return (indent + cells.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join(" ".repeat(gap))).trimEnd();
}

/** What a run used, on one line (after its label). */
export function describeRun(c: RunColumn): string {
    const reflector = c.method === "retry" || c.method === "reflect" ? "" : ` · reflector ${c.reflector}`;
    return `${c.id} · ${c.paper}${reflector} · base ${c.model.file} (${c.model.sha256.slice(0, 12)}) · verifier ${c.config.verifier} · k ${c.config.k} · seed ${c.config.sampler.seed} · ${c.done}/${c.items} items done`;
}

/** How many items each run shares turn 1 with the reference, on one line (null with a single run). */
export function pairingLine(r: CompareManyResult): string | null {
    const parts = r.pairing.flatMap((p, i) => (p ? [`${r.runs[i]!.label} ${p.sharedTurn1}/${p.n} (${p.sharedFailures} shared turn-1 failures)`] : []));
    return parts.length ? `turn 1 identical to ${r.runs[r.reference]!.label}'s (answer text and verdict): ${parts.join(" · ")}` : null;
}

/** Said when a run has turns beyond t2, which the table leaves out. */
export function moreTurnsNote(r: CompareManyResult): string | null {
    const more = r.runs.filter((c) => c.maxTurns > 2);
    return more.length ? `${more.map((c) => c.label).join(", ")} ran up to t${Math.max(...more.map((c) => c.maxTurns))}: Acc@t3.. and Δ(t1,t_last) are in --json (rows[].runs[].accByTurn, .deltaLast)` : null;
}

/** The plain-text Tab. 2 `reflect-lab compare` prints. */
export function formatCompareMany(r: CompareManyResult): string {
    const t = tab2Table(r);
    const w = tab2Widths(t);
    const lw = Math.max(...r.runs.map((c) => c.label.length));
    const ref = r.runs[r.reference]!;
    const lines = [
        `${r.runs.length} run${r.runs.length === 1 ? "" : "s"}, reference ${ref.label} (${ref.id})`,
        ...r.runs.flatMap((c) => [`  ${c.label.padEnd(lw)}  ${describeRun(c)}`, `  ${"".padEnd(lw)}  ${c.dir}`]),
        `compared on the ${r.aligned} items done in every run`,
        ...[pairingLine(r)].filter((x) => x !== null),
        ...r.warnings.map((x) => `warning: ${x}`),
        "",
        padCells(t.head, w),
        ...t.blocks.flatMap((b) => [b.task, ...b.lines.map((l) => padCells(l.cells, w))]),
        "",
        ...[moreTurnsNote(r)].filter((x) => x !== null),
        r.intervals,
        r.paired,
        `vs ref interval: ${r.method}`
    ];
    return lines.join("\n");
}
