// The step area's rows: one card per step (a header row, then its text), one line per folded or
// collapsed thing. Everything is wrapped here to a known width (the shared row layout, views/lines.tsx).
import type { StepRecord } from "../../src/engine/types.js";
import { verdictLine, verdictParts } from "../../src/verify/line.js";
import { clean, ellipsize, hang, lineWidth, textWidth, type Line, type Seg } from "../lines.js";
import type { LiveStep } from "../store.js";
import { theme } from "../theme.js";
import { stepLabel, turnVerdict, type Fold, type Turn } from "./turns.js";

const INDENT: Seg[] = [{ text: "  " }];
/** The typing cursor of the step being written. */
const CURSOR: Seg = { text: "▌", color: theme.accent };

const colorOf = (kind: StepRecord["kind"]) => (kind === "reflect" ? theme.warn : theme.accent);

/** One line, no newlines: the bit of model text a summary quotes. */
const oneLine = (s: string) => clean(s).replace(/\s+/g, " ").trim();

/** The last line the model wrote that says something (usually "Final answer: …"). */
function lastLine(text: string | undefined): string {
    const lines = clean(text ?? "").split("\n").map((l) => l.trim()).filter(Boolean);
    return lines[lines.length - 1] ?? "";
}

export function statsText(s: StepRecord): string | null {
    if (s.output_tokens === undefined) return null;
    const stop = s.stop_reason && s.stop_reason !== "eos" ? ` · stopped: ${s.stop_reason}` : "";
    return `${s.output_tokens} tok · ${(s.tokens_per_second ?? 0).toFixed(1)} tok/s · ${Math.round(s.ms)} ms${stop}`;
}

/** A card: its rows (the header first), and the header to keep on top when the card is scrolled into. */
export interface Card {
    lines: Line[];
    sticky: Line;
}

const leftOf = (label: Seg[]): Line => [{ text: "▌", color: label[0]?.color }, ...label];
const stickyOf = (label: Seg[], width: number): Line => ellipsize([...leftOf(label), { text: " (continued)", dim: true }], width);

/** A card's header row: the label on the left, the numbers on the right when both fit, else after it. */
export function cardHeader(label: Seg[], right: string | null, width: number): Line {
    const left = leftOf(label);
    if (!right) return ellipsize(left, width);
    const gap = width - lineWidth(left) - textWidth(right);
    if (gap >= 2) return [...left, { text: " ".repeat(gap) }, { text: right, dim: true }];
    return ellipsize([...left, { text: ` · ${right}`, dim: true }], width);
}

/** The verdict's one line (src/verify/line.ts): the head coloured, what was read and against which gold dimmed. */
function verdictSegs(v: NonNullable<StepRecord["verdict"]>): Seg[] {
    const { head, body } = verdictParts(v, { mode: v.mode });
    const segs: Seg[] = [{ text: head, color: v.correct ? theme.ok : theme.bad, bold: true }];
    return body ? [...segs, { text: ` · ${body}`, dim: true }] : segs;
}

/** A finished step as a card; a superseded one (a re-rolled sample, shown expanded) is dimmed and says so. */
export function stepCard(s: StepRecord, width: number, superseded = false): Card {
    const color = superseded ? theme.muted : colorOf(s.kind);
    const label: Seg[] = [{ text: `${superseded ? "superseded · " : ""}${stepLabel(s)}`, bold: true, color }];
    const out: Line[] = [cardHeader(label, statsText(s), width)];
    const body = (segs: Seg[]) => out.push(...hang(INDENT, segs, width));
    if (s.kind === "verify" && s.verdict) {
        body(verdictSegs(s.verdict));
        if (s.oracle_verdict) body([{ text: `ground truth: ${verdictLine(s.oracle_verdict)}`, dim: true }]);
        // In oracle mode there is no model text, only the verdict.
        if (s.verdict.mode !== "oracle" && s.output?.trim()) body([{ text: clean(s.output).trim(), dim: true }]);
    } else {
        const text = clean(s.output ?? "").trim();
        body(text ? [{ text, dim: superseded }] : [{ text: "(the model wrote nothing)", dim: true, italic: true }]);
    }
    return { lines: out, sticky: stickyOf(label, width) };
}

export function liveLabel(live: LiveStep): string {
    return stepLabel({ kind: live.kind, turn: live.turn, sample_index: live.sampleIndex ?? 0, instruction_key: live.instructionKey });
}

/** The step being generated, as it streams. */
export function liveCard(live: LiveStep, width: number, spin: string): Card {
    const label: Seg[] = [{ text: liveLabel(live), bold: true, color: colorOf(live.kind) }, { text: ` ${spin} writing…`, color: theme.accent }];
    return { lines: [cardHeader(label, null, width), ...hang(INDENT, [{ text: clean(live.text).trimStart() }, CURSOR], width)], sticky: stickyOf(label, width) };
}

const VERDICT_MARK = (correct: boolean | undefined) => (correct === undefined ? "…" : correct ? "✓" : "✗");

/** The re-rolled samples of a turn, folded into one line and counted. */
export function foldLine(folds: readonly Fold[], width: number): Line {
    const one = folds.length === 1;
    const what = folds.map((f) => `[${f.instructionKey}] → ${one ? (f.correct === undefined ? "unfinished" : f.correct ? "✓ correct" : "✗ incorrect") : VERDICT_MARK(f.correct)}`).join(" · ");
    return ellipsize(
        [
            { text: `↻ re-rolled ×${folds.length}`, color: theme.warn, bold: true },
            { text: ` · superseded: ${what}`, color: theme.muted },
            { text: " · e shows", dim: true }
        ],
        width
    );
}

/** An earlier turn in one line: its reflection, the answer's last line and the verdict. */
export function turnSummary(t: Turn, width: number): Line {
    const refl = t.steps.find((s) => s.kind === "reflect");
    const answer = t.steps.find((s) => s.kind === "answer" || s.kind === "correct");
    const v = turnVerdict(t);
    const segs: Seg[] = [{ text: `▸ turn ${t.turn}`, bold: true, color: theme.accent }];
    if (refl) segs.push({ text: ` · [${refl.instruction_key ?? "?"}]${t.folds.length ? ` ↻${t.folds.length}` : ""}`, color: theme.warn });
    if (v) segs.push({ text: " · " }, { text: v.correct ? "✓ correct" : "✗ incorrect", color: v.correct ? theme.ok : theme.bad, bold: true });
    const quote = oneLine(lastLine(answer?.output));
    if (quote) segs.push({ text: ` · ${quote}`, dim: true });
    else if (refl && !answer) segs.push({ text: ` · ${oneLine(refl.output ?? "")}`, dim: true });
    return ellipsize(segs, width);
}

/** Several earlier turns too many to list: one line counting them. */
export function olderTurnsLine(turns: readonly Turn[], width: number): Line {
    const marks = turns.map((t) => VERDICT_MARK(turnVerdict(t)?.correct)).join("");
    return ellipsize([{ text: `▸ turns ${turns[0]!.turn}–${turns[turns.length - 1]!.turn}`, bold: true, color: theme.accent }, { text: ` · ${marks}`, color: theme.muted }, { text: " · e shows them", dim: true }], width);
}
