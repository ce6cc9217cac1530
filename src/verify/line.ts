// One line per verdict: whether it is correct, what was read and by which rule, against which
// gold, and (where it adds something) the comparison in words:
//   ✓ correct · read "12" (boxed) · gold 12 · equivalent
//   ✗ incorrect · read "D" (letter) · gold B (The shape is not a square.)
//   ✗ incorrect · nothing read (ambiguous: names options A, B) · gold A (Paris)
// The mc/math/text verifiers build their `reason` with `reasonLine`, so a reason is exactly this
// line without its head; `verdictLine` is the one function every screen and the CLI print.
import { printable } from "../terminalText.js";
import type { Verdict } from "./types.js";

const oneLine = (s: string): string => s.replace(/\s*\r?\n\s*/g, " ⏎ ").replace(/\s+/g, " ").trim();

/** At most `max` characters, "…" when cut. */
const cut = (s: string, max: number): string => {
    const chars = Array.from(s);
    return chars.length > max ? `${chars.slice(0, max - 1).join("")}…` : s;
};

/**
 * A value for display as written (no JSON escaping: `"\frac12"`, not `"\\frac12"`): quoted, on one
 * line, shortened, control characters escaped; code (several lines) as its line count.
 */
export function shown(s: string, max = 80): string {
    const t = s.replace(/\s+$/, "");
    const lines = t.split(/\r?\n/).length;
    if (lines > 1) return `${lines} lines`; // code
    return `"${printable(cut(oneLine(t), max), { oneLine: true })}"`;
}

/** The gold as the line shows it: one line, shortened, escaped. */
const goldShown = (gold: string): string => printable(cut(oneLine(gold), 80), { oneLine: true });

/**
 * `read "7" (boxed)`, `read "7. I hope" (final-answer line, as 7)` when a part of it was compared,
 * or `nothing read (<why>)`: why nothing was (it names the rule: "cut off …", "ambiguous: …").
 */
export function readPart(v: Pick<Verdict, "extracted" | "rule">, why?: string, as?: string): string {
    if (v.extracted !== null) return `read ${shown(v.extracted)} (${v.rule ?? "unknown rule"}${as !== undefined ? `, as ${oneLine(as)}` : ""})`;
    return `nothing read (${oneLine(why || v.rule || "no rule")})`;
}

export interface ReasonParts {
    /** The part of the extraction that was compared, when it differs from it ("7" of "7. I hope so"). */
    as?: string;
}

/**
 * A verifier's reason: `read "x" (rule) · gold G · <result>`, or `nothing read (<why>) · gold G`
 * (nothing read: `why` goes in the parentheses). The gold part is left out when null.
 */
export function reasonLine(v: Pick<Verdict, "extracted" | "rule">, gold: string | null, why: string, parts: ReasonParts = {}): string {
    const g = gold === null ? null : `gold ${goldShown(gold)}`;
    if (v.extracted === null) return [readPart(v, why), g].filter((p) => p !== null).join(" · ");
    return [readPart(v, undefined, parts.as), g, oneLine(why)].filter((p) => p !== null && p !== "").join(" · ");
}

/** Reasons stored before this wording (`extracted "7" by boxed · …`): their head, so it can be reworded. */
function legacyHead(v: Pick<Verdict, "extracted" | "rule">): string {
    if (v.extracted === null) return `nothing extracted (${v.rule ?? "no rule"})`;
    const lines = v.extracted.replace(/\s+$/, "").split(/\r?\n/).length;
    const t = oneLine(v.extracted);
    const was = lines > 1 ? `${lines} lines` : JSON.stringify(t.length > 80 ? `${t.slice(0, 79)}…` : t);
    return `extracted ${was} by ${v.rule ?? "unknown rule"}`;
}

export interface VerdictLineOptions {
    /** The verifier mode ("oracle", "self", "teacher"), shown after the verdict word. */
    mode?: string;
}

/**
 * The line in two parts, so a screen can colour the head: `head` is `✓ correct` / `✗ incorrect`
 * (with the mode), `body` what was read, the gold and why. A reason built by `reasonLine` is the
 * body as it is; a code verdict's reason comes after what was read; a self/teacher verdict (no
 * rule: the model's own word) is its reason; a reason stored in the older wording is reworded.
 */
export function verdictParts(v: Pick<Verdict, "correct" | "reason" | "extracted" | "rule">, opts: VerdictLineOptions = {}): { head: string; body: string } {
    const head = `${v.correct ? "✓ correct" : "✗ incorrect"}${opts.mode ? ` (${opts.mode})` : ""}`;
    // Escaped again: a stored or code reason may carry a model's control bytes (escaping is idempotent).
    let reason = printable(oneLine(v.reason ?? ""), { oneLine: true });
    const legacy = legacyHead(v);
    if (reason.startsWith(legacy)) reason = readPart(v) + reason.slice(legacy.length);
    if (/^(?:read |nothing read \()/.test(reason) || v.rule === undefined) return { head, body: reason };
    if (v.extracted === null) return { head, body: readPart(v, reason) };
    return { head, body: reason ? `${readPart(v)} · ${reason}` : readPart(v) };
}

/** `✗ incorrect · read "7" (boxed) · gold 5 · not equivalent`: the one line every screen and the CLI show for a verdict. */
export function verdictLine(v: Pick<Verdict, "correct" | "reason" | "extracted" | "rule">, opts: VerdictLineOptions = {}): string {
    const { head, body } = verdictParts(v, opts);
    return body ? `${head} · ${body}` : head;
}
