// What `reflect-lab audit` prints: the JSON and the per-task table of an audit.
import { zero, type AuditResult, type VerdictChanges } from "./audit.js";
import type { AuditWrite } from "./auditWrite.js";
import type { Metrics } from "./metrics.js";
import { formatDuration } from "./progress.js";

/** What --json prints: the result without the patches (they are in the records after --write). */
export function auditJson(r: AuditResult, written: AuditWrite | null): unknown {
    const { patches, ...rest } = r;
    return { ...rest, records_changed: patches.length, written };
}

const pct = (x: number) => (100 * x).toFixed(1);
const signed = (x: number) => (x >= 0 ? "+" : "") + pct(x);

/** The printout: verdict changes and Acc@t1 / Acc@t_max / Δ before → after, per task and overall. */
export function formatAudit(r: AuditResult, written: AuditWrite | null): string {
    const T = r.config.maxTurns;
    const head = ["task", "N", "answers", "c→i", "i→c", "re-read", "Acc@t1", `Acc@t${T}`, `Δ(t1,t${T})`];
    const arrow = (a: number, b: number, f: (x: number) => string) => `${f(a)} → ${f(b)}`;
    const row = (name: string, c: VerdictChanges, a: Metrics | undefined, b: Metrics | undefined) => [
        name,
        String(b?.n ?? 0),
        String(c.answers),
        String(c.correctToIncorrect),
        String(c.incorrectToCorrect),
        String(c.reread),
        a && b ? arrow(a.accByTurn[0]!, b.accByTurn[0]!, pct) : "-",
        a && b ? arrow(a.accByTurn.at(-1)!, b.accByTurn.at(-1)!, pct) : "-",
        a && b ? arrow(a.deltaLast, b.deltaLast, signed) : "-"
    ];
    const tasks = [...new Set([...Object.keys(r.after.perTask), ...Object.keys(r.changes.perTask)])].sort();
    const rows = [head, ...tasks.map((t) => row(t, r.changes.perTask[t] ?? zero(), r.before.perTask[t], r.after.perTask[t])), row("overall", r.changes.overall, r.before.overall, r.after.overall)];
    const widths = head.map((_, i) => Math.max(...rows.map((x) => x[i]!.length)));
    const table = rows.map((x) => x.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ")).join("\n");
    const c = r.changes.overall;
    const lines = [
        `audit of ${r.run}: ${r.items} items, ${r.samples} samples · verifier ${r.config.verifier} · mode ${r.config.mode} · re-judged with verifiers ${r.verifier}`,
        `${c.answers} answers re-judged (${r.judged} verifier calls) in ${formatDuration(r.seconds)}${r.codeSandbox ? ` · code: ${r.codeSandbox}` : ""}`,
        "",
        table,
        ""
    ];
    for (const w of r.warnings) lines.push(`warning: ${w}`);
    if (r.fromRecord.length) lines.push(`judged with the gold stored in the run (missing from or changed in the task files): ${r.fromRecord.length} mc/math items: ${r.fromRecord.slice(0, 5).join(", ")}${r.fromRecord.length > 5 ? ", ..." : ""}`);
    if (r.skipped.length) lines.push(`not re-judged (their stored verdicts stay): ${r.skipped.length} items: ${r.skipped.slice(0, 5).map((s) => `${s.itemId} (${s.reason})`).join("; ")}${r.skipped.length > 5 ? "; ..." : ""}`);
    if (c.unjudged) lines.push(`the verifier failed on ${c.unjudged} answers (their stored verdicts stay); first: ${r.errors[0]?.itemId} turn ${r.errors[0]?.turn}: ${r.errors[0]?.error}`);
    const n = r.oracleNotes;
    if (n?.stoppedOnWrong) lines.push(`${n.stoppedOnWrong} chains (or items without chains) stopped early on an answer now judged incorrect: the loop would have gone on, so their later turns count as that answer (rerun those items for exact numbers)`);
    if (n?.cutShort) lines.push(`${n.cutShort} chains have an answer now judged correct before their last turn: the loop would have stopped there, so their later turns no longer count`);
    const flips = c.correctToIncorrect + c.incorrectToCorrect;
    if (r.patches.length === 0) lines.push(`no changes: the stored verdicts agree with the current verifiers${written ? "; nothing written" : ""}`);
    else if (written) lines.push(`written: ${written.records} records (${written.items} items, ${written.samples} samples) in one transaction; ${flips} verdicts changed. The old ground truth is kept in each record's "audits" list; report, compare and curate now use the new verdicts (re-run curate to regenerate curated sets).`);
    else lines.push(`${flips} verdicts would change (${r.patches.length} records); nothing written: run again with --write to store them`);
    return lines.join("\n") + "\n";
}
