import type { CurationSummary } from "./export.js";
import { SET_LABEL } from "./options.js";
import type { SetCounts, SetDropped } from "./plan.js";
import type { CuratedSet } from "./types.js";

/** Table lines of counts per set and task, train/eval (shared by the CLI and the curate screen). */
export function countsTable(counts: Partial<Record<CuratedSet, SetCounts>>): string[] {
    const rows: string[][] = [["set", "task", "train", "eval", "total"]];
    for (const [set, c] of Object.entries(counts) as [CuratedSet, SetCounts][]) {
        for (const [task, t] of Object.entries(c.per_task)) rows.push([SET_LABEL[set], task, String(t.train), String(t.eval), String(t.train + t.eval)]);
        rows.push([SET_LABEL[set], "all", String(c.train), String(c.eval), String(c.total)]);
    }
    const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    return rows.map((r) => r.map((cell, i) => (i < 2 ? cell.padEnd(w[i]!) : cell.padStart(w[i]!))).join("  ").trimEnd());
}

export function droppedLine(dropped: Partial<Record<CuratedSet, SetDropped & { judge_tie?: number; judge_disagree?: number }>>): string {
    return (Object.entries(dropped) as [CuratedSet, SetDropped & { judge_tie?: number; judge_disagree?: number }][])
        .map(([set, d]) => {
            const parts = [`filter ${d.filter}`, ...(set === "dplus" ? [] : [`identical ${d.identical}`]), `dedup ${d.dedup}`, `cap ${d.cap}`];
            if (d.judge_tie !== undefined) parts.push(`judge tie ${d.judge_tie}`, `judge disagree ${d.judge_disagree ?? 0}`);
            return `${SET_LABEL[set]}: ${parts.join(", ")}`;
        })
        .join(" · ");
}

/** Imported files' records skipped with --skip-invalid, if any. */
function skippedNote(s: CurationSummary): string {
    const n = s.sources.reduce((k, x) => k + (x.skipped ?? 0), 0);
    return n ? ` · ${n} invalid records skipped` : "";
}

/** What `reflect-lab curate` prints: counts, drops, the folder and its files. */
export function formatSummary(s: CurationSummary): string {
    const lines = [
        `curated ${s.sources.map((x) => x.run).join(", ")} · seed ${s.options.seed} · eval fraction ${s.options.eval_fraction} · questions ${s.questions.train} train / ${s.questions.eval} eval`,
        "",
        ...countsTable(s.counts),
        "",
        `dropped: ${droppedLine(s.dropped)}${s.samples.incomplete ? ` · ${s.samples.incomplete} samples without reflection or correction` : ""}${skippedNote(s)}`,
        ...(s.judge ? [`judge ${s.judge.model}: ${s.judge.kept}/${s.judge.candidates} pairs kept, ${s.judge.ties} ties, ${s.judge.disagreements} disagreements`] : []),
        "",
        `out: ${s.out}`,
        ...s.files.map((f) => `  ${f.name.padEnd(28)} ${String(f.rows).padStart(6)} rows${f.deduped ? ` (${f.deduped} duplicates dropped)` : ""}`),
        `  curation.json`
    ];
    return lines.join("\n");
}
