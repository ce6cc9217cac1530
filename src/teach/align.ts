import type { AlignedPart } from "./types.js";

type StageNo = AlignedPart["stage"];

/** A label found in the reflection: [start, end) is the label as written, `stage` what it answers. */
interface Label {
    start: number;
    end: number;
    stage: StageNo;
    num: number;
    /** Numbered labels: the prefix word ("step", "stage"... or "" for a bare "1."), to tell a list inside a part from the parts. */
    style: string;
    indent: number;
    inline: boolean;
}

const WORD_NUM: Record<string, number> = { one: 1, two: 2, three: 3, four: 4, five: 5 };
const MARK = String.raw`(?:(step|stage|part|phase)[ \t]*(\d{1,2}|one|two|three|four|five)\b[ \t]*(?:[.):]|[-–—](?=\s)|(?=\*\*|__|$))|\(?(\d{1,2})(?:\.(?!\d)|\)|:(?!\d)))`;
// A numbered label at a line start: "1.", "1)", "(1)", "Step 1:", "**1.**", "### Stage 2 -", "- Part 3".
// A prefix word needs a delimiter or the line's end: "step 3 does not follow" is prose.
const NUM_LINE = new RegExp(String.raw`^([ \t]*)((?:[-*+>][ \t]+)?(?:#{1,6}[ \t]*)?(\*\*|__)?[ \t]*${MARK})`, "gimu");
// Mid-line ("... wrong. 2. The error ..."): only after a sentence end, and only as the next number (see below).
const NUM_INLINE = new RegExp(String.raw`(?<=[.!?:;][ \t]+)((\*\*|__)?${MARK})(?=[ \t]|\*\*|__)`, "giu");
// The same line numbered twice ("1. 2. Locate ..."): one label, the last number counts (it is the one next to the content).
const AGAIN = /[ \t]*(?:\*\*|__)?\(?(\d{1,2})(?:\.(?!\d)|\))(?:\*\*|__)?(?=[ \t]|$)/y;

// A heading: a short phrase ending in ":" or alone on its line ("Verification", "## Error location", "**Plan:**").
const PHRASE = String.raw`([\p{L}][\p{L}'’\-]*(?:[ \t]+[\p{L}'’\-]+){0,4})`;
const HEAD_LINE = new RegExp(String.raw`^([ \t]*)((?:[-*+>][ \t]+)?(#{1,6}[ \t]*)?(\*\*|__)?[ \t]*${PHRASE}[ \t]*(?:\*\*|__)?[ \t]*(?:(:)[ \t]*(?:\*\*|__)?|$))`, "gmu");
const HEAD_INLINE = new RegExp(String.raw`(?<=[.!?][ \t]+)((\*\*|__)?([\p{L}][\p{L}'’\-]*(?:[ \t]+[\p{L}'’\-]+){0,2})(?:\*\*|__)?:(?:\*\*|__)?)`, "gu");

const KEYWORDS = new Map<string, 0 | 1 | 2>();
const keys = (stage: 0 | 1 | 2, words: string): void => words.split(" ").forEach((w) => KEYWORDS.set(w, stage));
keys(0, "verify verifying verified verification check checking checks recheck review reviewing trace tracing");
keys(1, "locate locating location diagnose diagnosing diagnosis error errors mistake mistakes wrong issue issues problem problems cause analysis");
keys(2, "plan planning fix fixes fixing correction corrections correct correcting strategy improvement improvements revision revise");
const STOP = new Set("of for to on in the a an and with my at from our your this that where what how by is was".split(" "));

/**
 * Which stage a heading names. English compounds put the head last ("error correction" is a plan,
 * "correction plan" too) but a preposition ends the head ("plan to fix the error" is a plan), so we
 * read the last keyword before the first stop word, else any keyword; markdown headings with none
 * fall back to word overlap with this instruction's stage texts ("## Logical coherence").
 */
function headingStage(phrase: string, markdown: boolean, stages: [string, string, string]): StageNo | undefined {
    const words = phrase.toLowerCase().split(/[\s\-]+/).filter(Boolean);
    let i = 0;
    while (i < words.length && STOP.has(words[i]!)) i++;
    let j = i;
    while (j < words.length && !STOP.has(words[j]!)) j++;
    const head = words.slice(i, j).reverse().find((w) => KEYWORDS.has(w)) ?? words.find((w) => KEYWORDS.has(w));
    if (head !== undefined) return KEYWORDS.get(head)!;
    if (!markdown) return undefined;
    const content = words.filter((w) => w.length >= 4 && !STOP.has(w));
    const like = (a: string, b: string): boolean => a === b || (a.length >= 6 && b.length >= 6 && a.slice(0, 6) === b.slice(0, 6));
    const scores = stages.map((s) => {
        const sw = s.toLowerCase().split(/[^\p{L}]+/u);
        return content.filter((w) => sw.some((x) => like(w, x))).length;
    });
    const best = Math.max(...scores);
    return best > 0 && scores.filter((s) => s === best).length === 1 ? (scores.indexOf(best) as 0 | 1 | 2) : undefined;
}

const indentOf = (s: string): number => s.replace(/\t/g, "    ").length;
const stageOf = (n: number): StageNo => (n >= 1 && n <= 3 ? ((n - 1) as 0 | 1 | 2) : null);

/** Extend a bold-opened label to its closing marker on the same line ("**1. Verification**:"). */
function closeBold(text: string, end: number, bold: string | undefined): number {
    if (!bold) return end;
    const eol = text.indexOf("\n", end);
    const close = text.indexOf(bold, end);
    if (close < 0 || (eol >= 0 && close > eol) || close - end > 100) return end;
    const after = /^[ \t]*[:.\-–—]?/.exec(text.slice(close + bold.length))!;
    return close + bold.length + after[0].length;
}

function numbered(text: string): Label[] {
    const found: Label[] = [];
    // p: the prefix word's group; the number follows it (as a word or digits), a bare number after that.
    const num = (m: RegExpExecArray, p: number): number => (m[p + 1] ? Number(WORD_NUM[m[p + 1]!.toLowerCase()] ?? m[p + 1]) : Number(m[p + 2]));
    for (const m of text.matchAll(NUM_LINE)) {
        const start = m.index + m[1]!.length;
        let end = closeBold(text, m.index + m[0].length, m[3]);
        let n = num(m, 4);
        AGAIN.lastIndex = end;
        // At most a few repeats: a line of "1. 1. 1. ..." junk stays text, not one huge label.
        for (let k = 0, a = AGAIN.exec(text); a && k < 3; k++, a = AGAIN.exec(text)) [n, end] = [Number(a[1]), AGAIN.lastIndex];
        found.push({ start, end, num: n, stage: stageOf(n), style: (m[4] ?? "").toLowerCase(), indent: indentOf(m[1]!), inline: false });
    }
    for (const m of text.matchAll(NUM_INLINE)) {
        const n = num(m, 3);
        found.push({ start: m.index, end: closeBold(text, m.index + m[0].length, m[2]), num: n, stage: stageOf(n), style: (m[3] ?? "").toLowerCase(), indent: 0, inline: true });
    }
    found.sort((a, b) => a.start - b.start);
    if (found.length === 0) return [];
    // The first label sets the style; others ("Step 1:" lines inside a "1." part, deeper-indented sub-lists) are text.
    const style = (found.find((l) => !l.inline) ?? found[0]!).style;
    const lines = found.filter((l) => !l.inline && l.style === style);
    const minIndent = Math.min(...lines.map((l) => l.indent));
    const out: Label[] = [];
    for (const l of found) {
        const prev = out[out.length - 1];
        if (l.style !== style || (prev && l.start < prev.end)) continue;
        if (!l.inline && l.indent > minIndent + 1) continue;
        // Mid-line numbers only in a reflection written as one paragraph, and only as the next number in order.
        if (l.inline && (lines.length >= 2 || l.num !== (prev?.num ?? 0) + 1)) continue;
        out.push(l);
    }
    return out;
}

function headings(text: string, stages: [string, string, string]): Label[] {
    const out: Label[] = [];
    for (const m of text.matchAll(HEAD_LINE)) {
        const markdown = Boolean(m[3] || m[4]);
        const phrase = m[5]!;
        // A bare line with no colon is a heading only when it is all heading words ("Correction plan", not "I was wrong").
        const words = phrase.toLowerCase().split(/[\s\-]+/);
        if (!m[6] && !markdown && (words.length > 3 || !words.every((w) => KEYWORDS.has(w) || STOP.has(w)))) continue;
        const stage = headingStage(phrase, markdown, stages);
        if (stage === undefined) continue;
        out.push({ start: m.index + m[1]!.length, end: m.index + m[0].length, stage, num: 0, style: "", indent: 0, inline: false });
    }
    if (out.length < 2) {
        for (const m of text.matchAll(HEAD_INLINE)) {
            const stage = headingStage(m[3]!, false, stages);
            if (stage !== undefined && !out.some((l) => m.index < l.end && l.start < m.index + m[0].length)) {
                out.push({ start: m.index, end: m.index + m[0].length, stage, num: 0, style: "", indent: 0, inline: true });
            }
        }
    }
    return out.sort((a, b) => a.start - b.start);
}

/**
 * Splits a reflection at the labels it wrote and aligns each part with the instruction stage it
 * answers. Numbered labels win over headings (a numbered reflection maps by its numbers, 4+ → null);
 * headings are used only when nothing is numbered; no labels → one unaligned part. Parts are
 * contiguous slices, so no text is lost (only whitespace at part edges is trimmed).
 */
export function alignReflection(reflection: string, stages: [string, string, string]): AlignedPart[] {
    const text = reflection.replace(/\r\n?/g, "\n");
    let labels = numbered(text);
    if (labels.length === 0) labels = headings(text, stages);
    if (labels.length === 0) return [{ stage: null, label: "", text: text.trim() }];
    const parts: AlignedPart[] = [];
    const before = text.slice(0, labels[0]!.start).trim();
    if (before) parts.push({ stage: null, label: "", text: before });
    labels.forEach((l, i) => {
        const next = labels[i + 1]?.start ?? text.length;
        parts.push({ stage: l.stage, label: text.slice(l.start, l.end).trim(), text: text.slice(l.end, next).trim() });
    });
    return parts;
}
