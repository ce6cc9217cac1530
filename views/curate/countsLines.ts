// The counts panel of the curate screen as rows: computed here, so its height is known before it is drawn.
import { emptyCurationAdvice } from "../../src/curate/emptyAdvice.js";
import { countsTable, droppedLine } from "../../src/curate/format.js";
import type { CurationPlan } from "../../src/curate/plan.js";
import { plannedSummary } from "../../src/curate/summary.js";
import { hang, truncate, wrap, type Line } from "../lines.js";
import { theme } from "../theme.js";

export interface CountsInput {
    plan: CurationPlan | null;
    error: string | null;
    counting: boolean;
}

/** A table line's set total ("D+   all ..."): kept when task rows must go. */
const isTotal = (line: string) => /^\S+\s+all\s/.test(line);

/**
 * The table in `room` rows: its head, every set's total, and the task rows that fit, in order. The
 * head says how many task rows were left out (curation.json lists them all).
 */
function fitTable(lines: string[], room: number): Line[] {
    const [head = "", ...body] = lines;
    let free = room - 1 - body.filter(isTotal).length;
    const kept = body.filter((l) => isTotal(l) || free-- > 0);
    const hidden = body.length - kept.length;
    return [[{ text: head, color: theme.muted, bold: true }, ...(hidden ? [{ text: `  (+${hidden} task rows, all in curation.json)`, color: theme.muted }] : [])], ...kept.map((l) => [{ text: l }])];
}

/**
 * The advice's paragraphs (which sets are empty, why, what to change) in `room` rows: the first,
 * then what to change, then why; a paragraph cut short ends in "…".
 */
function fitAdvice(paras: Line[][], room: number, width: number): Line[] {
    const order = paras.length > 2 ? [0, paras.length - 1, ...paras.keys()].filter((i, k, all) => all.indexOf(i) === k) : [...paras.keys()];
    const take = paras.map(() => 0);
    let left = room;
    for (const i of order) {
        take[i] = Math.min(paras[i]!.length, left);
        left -= take[i]!;
    }
    return paras.flatMap((p, i) => truncate(p, take[i]!, width));
}

/** Rows the counts always keep when they have a plan: title, table head, the set totals, drops (and the advice's first line and what to change). */
export function countsMinRows(c: CountsInput, width: number): number {
    return Math.min(countsLines(c, width, Infinity).length, c.plan ? 3 + countsTable(c.plan.counts).filter(isTotal).length + (adviceOf(c.plan) ? 2 : 0) : 1);
}

const adviceOf = (plan: CurationPlan) => emptyCurationAdvice(plannedSummary(plan), plan.options.sets);

/**
 * Rows per set and task, train/eval, for the current runs and options (the same table the CLI
 * prints), in at most `maxRows` rows of `width` columns. The advice, when no set has training rows,
 * goes before task rows: the totals stay in view.
 */
export function countsLines(c: CountsInput, width: number, maxRows: number): Line[] {
    if (c.counting) return [[{ text: "… reading the runs", color: theme.accent }]];
    if (c.error) return truncate(wrap([{ text: c.error, color: theme.bad }], width), maxRows, width);
    const plan = c.plan;
    if (!plan) return [[{ text: "choose a run to see counts", color: theme.muted }]];
    const o = plan.options;
    const title: Line = [
        { text: "counts " },
        { text: `· seed ${o.seed} · questions ${plan.scanned.questions.train} train / ${plan.scanned.questions.eval} eval · ${plan.scanned.samples} samples${o.sets.includes("dpref") ? " · D_pref: candidate pairs before judging" : ""}`, color: theme.muted }
    ];
    const table = countsTable(plan.counts);
    const dropped: Line = [{ text: `dropped: ${droppedLine(plan.dropped)}`, color: theme.muted }];
    // The same advice `curate` prints: why no set has training rows and what to change.
    const text = adviceOf(plan);
    const advice = text ? text.split("\n").map((l, i) => hang([{ text: i ? "  " : "⚠ ", color: theme.warn }], [{ text: l, color: theme.warn }], width)) : [];
    const tableMin = Math.min(table.length, 1 + table.filter(isTotal).length);
    const shownAdvice = fitAdvice(advice, Math.max(0, maxRows - 2 - tableMin), width);
    const lines = [title, ...fitTable(table, Math.max(1, maxRows - 2 - shownAdvice.length)), dropped, ...shownAdvice];
    return truncate(lines, maxRows, width);
}
