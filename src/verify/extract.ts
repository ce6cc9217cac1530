// Pulls the final answer (or the code) out of a free-form model output. The prompts ask the
// model to end with `Final answer: <answer>`; small models decorate it (bold, boxes, a trailing
// full stop), so the extraction is tolerant but never guesses from unmarked prose (null instead).

/** `Final answer:` / `Answer:` (optionally bold, optionally "The final answer is:"), case-insensitive. */
const MARKER = /^[\s>*_#-]*(?:the\s+)?(?:final\s+)?answer(?:\s+is)?\s*(?:\*\*|__)?\s*[:：]\s*(?:\*\*|__)?\s*(.*)$/i;

/** The contents of every `\boxed{...}` (and `\fbox{...}`) in `text`, with balanced braces. */
export function boxedContents(text: string): string[] {
    const out: string[] = [];
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
        if (depth === 0) out.push(text.slice(start, i - 1).trim());
        re.lastIndex = i;
    }
    return out;
}

/** Removes decoration around an answer: markdown emphasis, surrounding quotes, a closing full stop. */
export function cleanAnswer(s: string): string {
    let t = s.trim();
    for (let prev = ""; prev !== t; ) {
        prev = t;
        t = t.replace(/^(\*\*|__|\*|`)(.*)\1$/s, "$2").trim();
        t = t.replace(/^\*\*(.*?)\*\*(\s*[.!])?$/s, "$1").trim();
        t = t.replace(/^["'“‘](.*)["'”’]$/s, "$1").trim();
    }
    // A sentence-ending full stop is not part of the answer, but keep "5." style decimals intact.
    return t.replace(/(?<!\d)\s*[.!]+$/, "").replace(/(\d)\.$/, "$1").trim();
}

/**
 * The model's final answer: the content of the last `Final answer:`/`Answer:` line (or the line
 * after it when the marker stands alone), or of the last `\boxed{}`; null when neither exists.
 * A `\boxed{}` inside the marked line wins over the surrounding words.
 */
export function extractFinalAnswer(output: string): string | null {
    const lines = output.split(/\r?\n/);
    for (let i = lines.length - 1; i >= 0; i--) {
        const m = MARKER.exec(lines[i]!);
        if (!m) continue;
        let content = m[1]!.trim();
        if (!content || /^(\*\*|__)$/.test(content)) {
            content = lines.slice(i + 1).find((l) => l.trim() !== "")?.trim() ?? "";
        }
        const boxed = boxedContents(content).pop();
        if (boxed !== undefined) return boxed;
        const cleaned = cleanAnswer(content);
        if (cleaned) return cleaned;
    }
    const boxed = boxedContents(output).pop();
    if (boxed !== undefined) return boxed;
    // Small models often write "... the answer is 3." without the colon the format asks for.
    for (let i = lines.length - 1; i >= 0; i--) {
        const m = ANSWER_IS.exec(lines[i]!);
        if (m) return cleanAnswer(m[1]!) || null;
    }
    return null;
}

/** "the answer is X" / "the final answer is X" inside a sentence, X running to the end of the sentence. */
const ANSWER_IS = /\b(?:final\s+)?answer\s+is\s+(?!not\b)(.+?)(?:\.\s|[.!]?\s*$)/i;

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

/** The last non-empty line, a fallback for callers when there is no answer marker. */
export function lastLine(output: string): string | null {
    const line = output.split(/\r?\n/).map((l) => l.trim()).filter(Boolean).pop();
    return line === undefined ? null : cleanAnswer(line);
}
