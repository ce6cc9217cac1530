// `audit --write`: an audit's new verdicts into the run store, in one transaction, old ones kept.
import type { ItemRecord, RecordAudit } from "../engine/types.js";
import { groundTruth, sameVerdict, type AuditResult, type RecordPatch } from "./audit.js";
import type { Metrics } from "./metrics.js";
import { RunStore } from "./store.js";

/** A stored record with a patch applied; throws when the record is no longer what the audit read. */
function applyPatch(json: string, p: RecordPatch, at: string, verifier: string): string {
    const rec = JSON.parse(json) as ItemRecord;
    const stale = () => new Error(`the run changed while it was audited (record ${p.itemId}${p.sample ? ` ${p.sample.key}#${p.sample.index}` : ""}); nothing was written: run the audit again`);
    if (JSON.stringify(rec.correct_by_turn) !== JSON.stringify(p.correctByTurnBefore)) throw stale();
    const changed: RecordAudit["changed"] = [];
    for (const c of p.steps) {
        const s = rec.steps[c.step];
        if (!s || s.kind !== "verify" || s.turn !== c.turn || !sameVerdict(groundTruth(s), c.before)) throw stale();
        s.oracle_verdict = c.after;
        changed.push({ step: c.step, turn: c.turn, before: c.before });
    }
    rec.audits = [...(rec.audits ?? []), { at, verifier, correct_by_turn_before: p.correctByTurnBefore, changed }];
    rec.correct_by_turn = p.correctByTurnAfter;
    return JSON.stringify(rec);
}

export interface AuditWrite {
    records: number;
    items: number;
    samples: number;
}

/**
 * Stores an audit's new verdicts: every changed record (its verify steps' `oracle_verdict`,
 * `correct_by_turn`, an `audits` entry keeping the old ground truth) and the columns `report`,
 * `compare` and `curate` read, plus a line in the run's audit log, in one transaction. A record that
 * changed since the audit read it rolls everything back. No changes: nothing is written.
 */
export function writeAudit(r: AuditResult): AuditWrite {
    if (r.interrupted) throw new Error("the audit was interrupted before it judged every item: nothing to write");
    const w = { records: r.patches.length, items: r.patches.filter((p) => !p.sample).length, samples: r.patches.filter((p) => p.sample).length };
    if (w.records === 0) return w;
    const store = RunStore.open(r.run);
    try {
        const summary = { changes: r.changes.overall, records: w, before: headline(r.before.overall), after: headline(r.after.overall), skipped: r.skipped.length };
        store.rewriteRecords(r.patches, (json, i) => applyPatch(json, r.patches[i]!, r.at, r.verifier), { at: r.at, verifier: r.verifier, summary });
    } finally {
        store.close();
    }
    return w;
}

const headline = (m: Metrics) => ({ acc_t1: m.accByTurn[0] ?? 0, acc_tmax: m.accByTurn.at(-1) ?? 0, delta: m.deltaLast });
