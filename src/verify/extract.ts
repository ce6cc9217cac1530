// Pulls the final answer (or the code) out of a free-form model output. The prompts ask the
// model to end with `Final answer: <answer>`; small models decorate it (bold, boxes, a trailing
// full stop), so the extraction is tolerant but never guesses from unmarked prose (null instead).
// Every extraction names the rule that produced it, so a verdict can say how the answer was read.

/** `Final answer:` / `Answer:` (optionally bold, optionally "The final answer is:"), case-insensitive. */
const MARKER = /^[\s>*_#-]*(?:the\s+)?(?:final\s+)?answer(?:\s+is)?\s*(?:\*\*|__)?\s*[:：]\s*(?:\*\*|__)?\s*(.*)$/i;

/** "the answer is X" / "the final answer would be X" inside a sentence, X running to the end of the sentence. */
const ANSWER_IS = /\b(?:final\s+|correct\s+)?answer\s+(?:is|would\s+be|should\s+be|must\s+be|=)(?:\s*[:：]\s*|\s+)(?!\s)(?!not\b)(.+?)(?=\.\s|[.!]?\s*$)/gi;

/** The rules of `markedAnswer`: the final-answer markers. */
export type MarkRule = "final-answer line" | "boxed" | "answer-is";

export interface Marked {
    value: string;
    rule: MarkRule;
}

interface Span {
    start: number;
    end: number;
    body: string;
}

/** Every balanced `\boxed{...}` / `\fbox{...}` in `text`, with its position. */
function boxedSpans(text: string): Span[] {
    const out: Span[] = [];
    const re = /\\(?:boxed|fbox)\s*\{/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text))) {
        let depth = 1;
        let i = m.index + m[0].length;
        const start = i;
        for (; i < text.length && depth > 0; i++) {
            if (text[i] === "{") depth++;
            else if (text[i] === "}") depth--;
        }
        if (depth === 0) out.push({ start: m.index, end: i, body: text.slice(start, i - 1).trim() });
        re.lastIndex = i;
    }
    return out;
}

/** The contents of every `\boxed{...}` (and `\fbox{...}`) in `text`, with balanced braces. */
export function boxedContents(text: string): string[] {
    return boxedSpans(text).map((s) => s.body);
}

/** Only connectors between two boxes ("\boxed{2} and \boxed{3}"): they state one answer together. */
const BOX_GAP = /^(?:[\s$,;&.]|\\[,;:! ]|\\q?quad|\\text\s*\{\s*(?:and|or|,)?\s*\}|\band\b|\bor\b)*$/i;

/**
 * The last `\boxed{}` of `text`, joined (", ") with the boxes right before it when only connectors
 * separate them: "\boxed{2} and \boxed{3}" is the answer "2, 3" (a hedge "\boxed{7} or \boxed{5}"
 * then reads as two values), while "\boxed{5} ... wait ... \boxed{7}" is 7. Null without a box.
 */
export function lastBoxed(text: string): string | null {
    const spans = boxedSpans(text);
    if (spans.length === 0) return null;
    let k = spans.length - 1;
    while (k > 0 && BOX_GAP.test(text.slice(spans[k - 1]!.end, spans[k]!.start))) k--;
    return spans
        .slice(k)
        .map((s) => s.body)
        .join(", ");
}

/** Removes decoration around an answer: markdown emphasis, surrounding quotes, a closing full stop. */
export function cleanAnswer(s: string): string {
    let t = s.trim();
    for (let prev = ""; prev !== t; ) {
        prev = t;
        // "Final answer: **7**": the marker took the opening "**"; a lone one at either end is decoration.
        if ((t.match(/\*\*/g) ?? []).length % 2 === 1) t = t.replace(/^\*\*|\*\*$/, "").trim();
        t = t.replace(/^(\*\*|__|\*|`)(.*)\1$/s, "$2").trim();
        t = t.replace(/^\*\*(.*?)\*\*(\s*[.!])?$/s, "$1").trim();
        t = t.replace(/^["'“‘](.*)["'”’]$/s, "$1").trim();
    }
    // A sentence-ending full stop is not part of the answer, but keep "5." style decimals intact.
    return t.replace(/(?<!\d)\s*[.!]+$/, "").replace(/(\d)\.$/, "$1").trim();
}

/** The value of the last "the answer is X" in `text`, or null. */
function answerIs(text: string): string | null {
    const lines = text.split(/\r?\n/);
    for (let i = lines.length - 1; i >= 0; i--) {
        const all = [...lines[i]!.matchAll(ANSWER_IS)];
        for (let j = all.length - 1; j >= 0; j--) {
            const v = cleanAnswer(all[j]![1]!);
            if (v) return v;
        }
    }
    return null;
}

/**
 * The model's marked final answer, most explicit marker first: the last `Final answer:`/`Answer:`
 * line (or the line after it when the marker stands alone; a `\boxed{}` or an "answer is X"
 * inside it wins over the surrounding words), else the last `\boxed{}`, else the last "the
 * answer is X". Null when the output has no marker.
 */
export function markedAnswer(output: string): Marked | null {
    const lines = output.split(/\r?\n/);
    for (let i = lines.length - 1; i >= 0; i--) {
        const m = MARKER.exec(lines[i]!);
        if (!m) continue;
        let content = m[1]!.trim();
        if (!content || /^(\*\*|__)$/.test(content)) {
            content = lines.slice(i + 1).find((l) => l.trim() !== "")?.trim() ?? "";
        }
        const boxed = lastBoxed(content);
        if (boxed !== null && boxed !== "") return { value: boxed, rule: "boxed" };
        // "Final Answer: The final answer is 7. I hope it is correct."
        const inner = /\banswer\s+(?:is|would\s+be)\b/i.test(content) ? answerIs(content) : null;
        const cleaned = inner ?? cleanAnswer(content);
        if (cleaned) return { value: cleaned, rule: "final-answer line" };
    }
    const boxed = lastBoxed(output);
    if (boxed !== null && boxed !== "") return { value: boxed, rule: "boxed" };
    // Small models often write "... the answer is 3." without the colon the format asks for.
    const is = answerIs(output);
    return is ? { value: is, rule: "answer-is" } : null;
}

/** The marked final answer's text only (see `markedAnswer`). */
export function extractFinalAnswer(output: string): string | null {
    return markedAnswer(output)?.value ?? null;
}

/** The last non-empty lines of `output` that form its final statement (a display-math block counts as one). */
function finalLine(output: string): string | null {
    const lines = output.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
    const last = lines.pop();
    if (last === undefined) return null;
    // "\[\n x = 7\n\]" or "$$\n x = 7\n$$": the block is the line.
    const close = /^(\\\]|\$\$)$/.exec(last);
    if (close) {
        const open = close[1] === "$$" ? "$$" : "\\[";
        const at = lines.lastIndexOf(open);
        if (at >= 0) return `${open}${lines.slice(at + 1).join(" ")}${last}`;
    }
    return last;
}

/** Function names and unit-free words that may appear in a bare expression. */
const MATH_WORDS = new Set(["sin", "cos", "tan", "cot", "sec", "csc", "log", "ln", "exp", "sqrt", "pi", "inf", "arcsin", "arccos", "arctan", "mod", "gcd", "lcm", "max", "min"]);

const CONNECTORS = new Set(["or", "and", "not", "either", "maybe", "perhaps", "possibly"]);

/** A list item or step label with words after it ("3. Plan the correction", "Step 2: add"): never an answer, even when marked. */
export function listOrStep(value: string): string | null {
    const t = value.trim();
    // ("7. Or maybe 5" is a hedge, not a list item.)
    if (/^(?:\(?\d{1,3}[.)]|\(\d{1,3}\)|\(?[a-z][.)])\s+(?!(?:or|and|not|nor|maybe|perhaps|possibly|either)\b)\S*[A-Za-z]{2,}/i.test(t)) return "a list item";
    if (/^(?:step|part|case|stage|phase)\s*#?\s*\d+\b/i.test(t)) return "a step label";
    return null;
}

/** Why a line is not a standalone final expression, or null when it is one. */
export function notAnExpression(line: string): string | null {
    const t = line.trim();
    if (/^(?:\(?\d{1,3}[.)]|\(?[a-z][.)]|\(?[ivx]{1,4}[.)])(?:\s|$)/i.test(t) || /^\(\d{1,3}\)/.test(t)) return "a list item";
    if (/^[-*•+]\s/.test(t)) return "a list item";
    if (/^(?:step|part|case|stage|phase|question|problem|mistake|error|reason|option)\s*#?\s*\d+\b/i.test(t)) return "a step label";
    let s = t;
    for (let prev = ""; prev !== s; ) {
        prev = s;
        s = s
            .replace(/^(\*\*|__|`)(.*)\1$/s, "$2")
            .replace(/^\$\$(.*)\$\$$/s, "$1")
            .replace(/^\$(.*)\$$/s, "$1")
            .replace(/^\\\[(.*)\\\]$/s, "$1")
            .replace(/^\\\((.*)\\\)$/s, "$1")
            .replace(/(?<!\d)\s*[.!]$/, "")
            .trim();
    }
    if (!s) return "empty";
    // Words: LaTeX commands and \text{...} units are not prose; at most one trailing unit word is allowed ("7 apples").
    const bare = s.replace(/\\(?:text|mathrm|textbf|mbox|operatorname)\s*\{[^{}]*\}/g, " ").replace(/\\[a-zA-Z]+/g, " ");
    // Connectors stay: "7 or 5" is an answer (an ambiguous one), not prose.
    const words = [...bare.matchAll(/[A-Za-z]{2,}/g)].map((w) => w[0]).filter((w) => !MATH_WORDS.has(w.toLowerCase()) && !CONNECTORS.has(w.toLowerCase()));
    const unitOnly = words.length === 1 && new RegExp(`${words[0]}(?:\\^\\d)?\\s*$`).test(bare) && /\d/.test(bare);
    if (words.length > 0 && !unitOnly) return "prose";
    if (!/[\dA-Za-z\\∞π√]/.test(s)) return "not an expression";
    // Any letters left are single-letter variables: a lone "I" or "A" is a word, not an expression.
    if (/^[AI]$/.test(s)) return "prose";
    return null;
}

/**
 * The final standalone expression of an output without a final-answer marker: the last line
 * when it is only an expression ("42", "x = 7", "$\frac{3}{4}$", "7 apples"); list markers, step
 * labels and prose are never answers. `why` says why the last line was rejected.
 */
export function finalExpression(output: string): { value: string | null; why?: string } {
    // A markdown heading mark ("#### 42", GSM8K's answer style) is decoration.
    const line = finalLine(output)?.replace(/^#{1,6}\s*/, "") ?? null;
    if (line === null) return { value: null, why: "the output is empty" };
    const why = notAnExpression(line);
    if (why) return { value: null, why: `the last line ${JSON.stringify(short(line))} is ${why}` };
    return { value: cleanAnswer(line) };
}

const short = (s: string, n = 60): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** Words that separate alternatives (or corrections) in an answer: "7 or 5", "7, not 5", "either 3 or 4". */
const SEPARATORS =
    /,(?!\d{3}(?!\d))|(?<!\d),|;|\.(?=\s+\D)|\\(?:lor|vee)\b|\b(?:or|and|nor|not|either|neither|maybe|perhaps|possibly|alternatively|otherwise|but|vs\.?|versus|else|instead|rather)\b/gi;

/** Depth of brackets at each character ((), [], {}, \{\}); an interval "[0,1)" closes with ")". */
function depths(s: string): number[] {
    const d: number[] = [];
    let depth = 0;
    for (let i = 0; i < s.length; i++) {
        const c = s[i]!;
        if (c === "\\" && i + 1 < s.length && /[,;:! $%]/.test(s[i + 1]!)) {
            d.push(depth + 1, depth + 1); // an escaped "\," (thin space) or "\$" is no separator
            i++;
            continue;
        }
        if ("([{".includes(c)) {
            d.push(depth);
            depth++;
        } else if (")]}".includes(c)) {
            depth = Math.max(0, depth - 1);
            d.push(depth);
        } else d.push(depth);
    }
    return d;
}

/** A "(...)" group after a space whose inside has words ("7 (or maybe 5)") is an aside: its brackets stop counting. */
function openAsides(s: string): string {
    let out = s;
    for (let from = 0; ; ) {
        const i = out.indexOf("(", from);
        if (i < 0) return out;
        from = i + 1;
        if (i > 0 && !/\s/.test(out[i - 1]!)) continue;
        let depth = 0;
        let j = i;
        for (; j < out.length; j++) {
            if (out[j] === "(") depth++;
            else if (out[j] === ")" && --depth === 0) break;
        }
        if (j >= out.length) continue;
        const inner = out.slice(i + 1, j).replace(/\\[a-zA-Z]+/g, " ");
        if (/[A-Za-z]{2,}/.test(inner)) out = `${out.slice(0, i)}; ${out.slice(i + 1, j)} ;${out.slice(j + 1)}`;
    }
}

/** A part of an answer that names a value: a digit, a math command, or a single-letter variable. */
function hasValue(part: string): boolean {
    const p = part.replace(/\\(?:text|mathrm|textbf|mbox)\s*\{[^{}]*\}/g, " ");
    if (/\d/.test(p)) return true;
    if (/\\(?:d?t?frac|sqrt|pi|infty|pm|mp|theta|alpha|beta|gamma|emptyset|varnothing)\b|[∞π√]/.test(p)) return true;
    // Single letters (variables), but not the words "a", "A", "I", nor abbreviations "e.g.".
    return /(?<![A-Za-z\\.'’])[b-zB-HJ-Z](?![A-Za-z.'’])/.test(p.replace(/\\[a-zA-Z]+/g, " "));
}

/** Removes emphasis, math delimiters and a currency "$" so the part reads as one expression. */
function cleanPart(p: string): string {
    return cleanAnswer(
        p
            .replace(/\*\*|__/g, "")
            .replace(/(?<!\\)\$/g, "")
            .replace(/\\[()[\]]/g, "")
            .replace(/^[\s,;:]+|[\s,;:]+$/g, "")
    );
}

/**
 * The values an answer names, split at top-level alternatives ("7 or 5" -> ["7", "5"], "x = 7, not
 * x = 5" -> ["x = 7", "x = 5"]), parts without a value ("7 (seven)", "so") dropped. Brackets,
 * braces and thousands separators do not split: "(1, 2)", "\{1,2\}", "[0,1)", "1,000" are one value.
 */
export function answerValues(answer: string): string[] {
    const s = openAsides(answer.replace(/\\text\s*\{\s*(or|and)\s*\}/gi, " $1 "));
    const d = depths(s);
    const cuts: [number, number][] = [];
    for (const m of s.matchAll(SEPARATORS)) {
        if (d[m.index!] === 0) cuts.push([m.index!, m.index! + m[0].length]);
    }
    const parts: string[] = [];
    let at = 0;
    for (const [a, b] of cuts) {
        parts.push(s.slice(at, a));
        at = b;
    }
    parts.push(s.slice(at));
    return parts
        .map(cleanPart)
        .filter((p) => p && hasValue(p))
        .map(dropLeadingWords);
}

/** "so the answer is 7" -> "7", "approximately 7" -> "7"; a part that is only words stays as it is. */
function dropLeadingWords(p: string): string {
    const m = /^(?:(?:i\.e\.|e\.g\.|[A-Za-z]{2,}(?:['’][a-z]+)?|[aAI])[\s,:]+)+/.exec(p);
    if (!m) return p;
    const words = m[0].match(/[A-Za-z]+/g) ?? [];
    if (words.some((w) => MATH_WORDS.has(w.toLowerCase()))) return p;
    const rest = p.slice(m[0].length);
    return rest && hasValue(rest) ? rest : p;
}

/** A comparison key for "the same value written the same way": "x = 7", "7.0", "7 apples" -> "7". */
export function valueKey(part: string): string {
    let k = part
        .replace(/\\(?:text|mathrm|mbox)\s*\{[^{}]*\}/g, "")
        .replace(/\\(?:left|right|displaystyle|!|,)/g, "")
        .replace(/\\[dt]frac/g, "\\frac")
        .replace(/\b(?:i\.e|e\.g)\.?|(?<![\\A-Za-z])[A-Za-z]{2,}(?:['’][a-z]+)?\b/g, (w) => (MATH_WORDS.has(w.toLowerCase()) ? w : ""))
        .replace(/^\s*[A-Za-z](?:_\{?\w+\}?)?\s*=/, "")
        .replace(/\s+/g, "")
        .replace(/\.$/, "");
    if (/^[-+]?\d+(?:\.\d+)?$/.test(k)) k = String(Number(k));
    return k;
}

/**
 * The code in a model output: the last ```python block, else the last fenced block of any
 * language, else the whole output when it looks like code (a `def`). An unclosed final fence
 * (a truncated generation) still counts.
 */
export function extractCode(output: string): string | null {
    const blocks: { lang: string; body: string }[] = [];
    const re = /```[ \t]*([\w+-]*)[^\n]*\n([\s\S]*?)(?:```|$)/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(output))) {
        blocks.push({ lang: m[1]!.toLowerCase(), body: m[2]! });
        if (m[0].length === 0) break;
    }
    const py = blocks.filter((b) => /^(python3?|py)$/.test(b.lang)).pop();
    const chosen = py ?? blocks.pop();
    if (chosen && chosen.body.trim()) return chosen.body.replace(/\s+$/, "") + "\n";
    if (/(^|\n)\s*def\s+\w+\s*\(/.test(output) || /\bdef /.test(output)) return output.trim() + "\n";
    return null;
}

/** The last non-empty line, a fallback for callers when there is no answer marker; null when it is an empty marker ("Final answer:"). */
export function lastLine(output: string): string | null {
    const line = output.split(/\r?\n/).map((l) => l.trim()).filter(Boolean).pop();
    if (line === undefined || MARKER.test(line)) return null;
    return cleanAnswer(line);
}
