// One line per verdict: whether it is correct, what was extracted and by which rule, against
// which gold, and why. Used by `reflect-lab verify` (and the TUI); the mc/math/text verifiers
// build their reasons with `reasonLine`, so their reason is exactly this line without the verdict.
import type { Verdict } from "./types.js";

const oneLine = (s: string): string => s.replace(/\s*\r?\n\s*/g, " ⏎ ").replace(/\s+/g, " ").trim();

/** A value for display: quoted, on one line, shortened; code (several lines) as its line count. */
export function shown(s: string, max = 80): string {
    const lines = s.replace(/\s+$/, "").split(/\r?\n/);
    if (lines.length > 1) return `${lines.length} lines`; // code
    const t = oneLine(s);
    return JSON.stringify(t.length > max ? `${t.slice(0, max - 1)}…` : t);
}

/** `extracted "7" by boxed`, or `nothing extracted (cut off)`. */
export function extractionPart(v: Pick<Verdict, "extracted" | "rule">): string {
    if (v.extracted !== null) return `extracted ${shown(v.extracted)} by ${v.rule ?? "unknown rule"}`;
    return `nothing extracted (${v.rule ?? "no rule"})`;
}

/** A verifier's reason: `<extraction> · gold <gold> · <why>` (the gold part left out when null). */
export function reasonLine(v: Pick<Verdict, "extracted" | "rule">, gold: string | null, why: string): string {
    return [extractionPart(v), gold === null ? null : `gold ${oneLine(gold)}`, oneLine(why)].filter((p) => p !== null && p !== "").join(" · ");
}

/** `incorrect · extracted "7" by boxed · gold 5 · not equivalent`, for any verdict (code verdicts too). */
export function verdictLine(v: Verdict): string {
    const head = v.correct ? "correct" : "incorrect";
    const ext = extractionPart(v);
    const reason = oneLine(v.reason ?? "");
    if (reason.startsWith(ext)) return `${head} · ${reason}`;
    return reason ? `${head} · ${ext} · ${reason}` : `${head} · ${ext}`;
}
