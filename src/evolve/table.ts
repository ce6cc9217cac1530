import { existsSync } from "node:fs";
import { pairedAgainst, type PairedResult } from "../batch/pairing.js";
import { wilson } from "../batch/metrics.js";
import { reportRun } from "../batch/report.js";
import { RunStore } from "../batch/store.js";
import { readTrainingRun } from "../training/runs.js";
import { evolvePaths } from "./layout.js";
import { dplusRows, readCuration, trainingRows } from "./steps.js";
import type { EvolveManifest } from "./types.js";

/** One line of the per-round table: an eval run of the loop and what produced it. */
export interface RoundRow {
    round: number;
    label: string;
    dir: string;
    /** Items done of the eval part (a row is partial until done = items). */
    done: number;
    items: number;
    /** D+ rows curated by this round (accumulated over rounds), and the train rows of the setting's file. */
    dplus: number | null;
    trainRows: number | null;
    /** The trainer's last logged training loss. */
    loss: number | null;
    n: number;
    acc1: number | null;
    acc2: number | null;
    /** Δ(t1,t2) = Acc@t2 − Acc@t1, beside acc2 (the run's delta12, whatever its maxTurns). */
    delta: number | null;
    ci1: [number, number] | null;
    ci2: [number, number] | null;
    /** Δ's 95% Wilson interval: with the oracle no answer gets worse, so Δ is the share of questions fixed by turn 2 (null when answers flipped). */
    deltaCi?: [number, number] | null;
    /** Paired against round 0 (same turn 1, byte for byte): B − A of Acc@t2 and Δ. */
    paired: PairedResult | null;
}

export interface RoundsTable {
    out: string;
    setting: string;
    rounds: number;
    split: EvolveManifest["split"];
    rows: RoundRow[];
}

function evalRow(round: number, label: string, dir: string, extra: Partial<RoundRow>, baseDir: string | null): RoundRow {
    const empty: RoundRow = { round, label, dir, done: 0, items: 0, dplus: null, trainRows: null, loss: null, n: 0, acc1: null, acc2: null, delta: null, ci1: null, ci2: null, deltaCi: null, paired: null, ...extra };
    if (!RunStore.exists(dir)) return empty;
    const r = reportRun(dir);
    const m = r.metrics.overall;
    const row: RoundRow = { ...empty, done: r.progress.done, items: r.progress.items, n: m.n };
    if (m.n) Object.assign(row, { acc1: m.accByTurn[0] ?? null, acc2: m.accByTurn[1] ?? m.accByTurn[0] ?? null, delta: m.delta12, ci1: m.ciByTurn[0] ?? null, ci2: m.ciByTurn[1] ?? m.ciByTurn[0] ?? null, deltaCi: m.flips.correctToIncorrect === 0 && m.delta12 >= 0 ? wilson(m.delta12, m.n) : null });
    if (baseDir && m.n && RunStore.exists(baseDir)) row.paired = pairedAgainst(baseDir, dir);
    return row;
}

/** The per-round table from whatever an evolve folder holds now (finished or not). */
export function roundsTable(out: string, manifest: EvolveManifest): RoundsTable {
    const P = evolvePaths(out);
    const rows: RoundRow[] = [evalRow(0, "base · reflect (prompt-based)", P.baseEval, {}, null), evalRow(0, "base · retry (w/o reflection)", P.retry, {}, P.baseEval)];
    for (let r = 1; r <= manifest.config.rounds; r++) {
        const R = P.round(r);
        const cur = readCuration(R.curated);
        const train = existsSync(R.train) ? readTrainingRun(R.train) : null;
        const extra: Partial<RoundRow> = { dplus: cur ? dplusRows(cur) : null, trainRows: cur ? trainingRows(cur, manifest.config.setting) : null, loss: train?.finalLoss ?? null };
        if (!cur && !train && !RunStore.exists(R.batch)) break;
        rows.push(evalRow(r, `round ${r} · ${manifest.config.setting}`, R.eval, extra, P.baseEval));
    }
    return { out, setting: manifest.config.setting, rounds: manifest.config.rounds, split: manifest.split, rows };
}

const pct = (x: number | null) => (x === null ? "-" : `${(100 * x).toFixed(1)}`);
const ci = (c: [number, number] | null) => (c ? `[${pct(c[0])}, ${pct(c[1])}]` : "");
const signed = (x: number) => `${x >= 0 ? "+" : ""}${(100 * x).toFixed(1)}`;

/**
 * The table as printed: Acc in %, 95% intervals (Wilson for Acc; the paired difference's method is
 * named), and for every trained round whether its gain over round 0 is distinguishable from none.
 */
export function formatRoundsTable(t: RoundsTable): string {
    const head = ["round", "D+", "train rows", "loss", "N", "Acc@t1", "Acc@t2 [95%]", "Δ [95%]", "Acc@t2 − round 0 [95%]"];
    const lines: string[][] = [head];
    for (const r of t.rows) {
        const partial = r.items && r.done < r.items ? ` (${r.done}/${r.items})` : !r.items ? " (not run)" : "";
        const p = r.paired;
        lines.push([
            r.label + partial,
            r.dplus === null ? "-" : String(r.dplus),
            r.trainRows === null ? "-" : String(r.trainRows),
            r.loss === null ? "-" : r.loss.toFixed(3),
            String(r.n),
            pct(r.acc1),
            `${pct(r.acc2)} ${ci(r.ci2)}`.trim(),
            r.delta === null ? "-" : `${signed(r.delta)} ${ci(r.deltaCi ?? null)}`.trim(),
            p && p.acc2 ? `${signed(p.acc2.mean)} ${p.acc2.ci ? `[${signed(p.acc2.ci[0])}, ${signed(p.acc2.ci[1])}]` : ""}`.trim() : "-"
        ]);
    }
    const w = head.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
    const body = lines.map((l) => l.map((cell, i) => (i === 0 ? cell.padEnd(w[i]!) : cell.padStart(w[i]!))).join("  "));
    const notes: string[] = [];
    for (const r of t.rows.filter((x) => x.round > 0 && x.paired?.acc2)) {
        const c = r.paired!.acc2!.ci;
        if (!c) notes.push(`round ${r.round}: too few paired questions for an interval (N ${r.paired!.sharedTurn1}).`);
        else if (c[0] <= 0 && c[1] >= 0) notes.push(`round ${r.round}: the interval of the gain over round 0 includes 0: no evidence that the trained reflector corrects more than the base at N ${r.paired!.sharedTurn1}.`);
        else notes.push(`round ${r.round}: the gain over round 0 is ${c[0] > 0 ? "positive" : "negative"} at 95% (N ${r.paired!.sharedTurn1}).`);
        if (r.paired!.note) notes.push(`  ${r.paired!.note}`);
    }
    const method = t.rows.find((r) => r.paired)?.paired?.method;
    return [
        `evolve ${t.out} · ${t.setting} · split ${t.split.questions.train} train / ${t.split.questions.eval} eval questions (${t.split.train} / ${t.split.eval} items)`,
        "",
        ...body,
        "",
        "Acc in %, 95% Wilson intervals; every eval reuses round 0's turn 1 byte for byte, so rows differ only in reflection and correction." + (method ? ` Paired difference: ${method}.` : ""),
        ...notes
    ].join("\n");
}
