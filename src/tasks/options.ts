// Option labels and option lists written inside a question ("...\nA. foo\nB. bar"), as in the
// LogiQA and BIG-bench files of the ReflectEvo release, whose `question` carries the options.

/** The label of the option at position i: "A" for 0 (the one letterOf every module uses). */
export const letterOf = (i: number): string => String.fromCharCode(65 + i);

interface Label {
    /** The option text after the label. */
    rest: string;
    /** "A." "A)" "(A)" "[A]" "A:" "A、" "A．" "A?" are strong; "A " (letter, space) is weak: it reads as a word too. */
    strong: boolean;
}

const strongRe: RegExp[] = [];
const weakRe: RegExp[] = [];
for (let i = 0; i < 26; i++) {
    const l = letterOf(i);
    const c = `[${l}${l.toLowerCase()}]`;
    // "?" is there for LogiQA's English release, where a full-width colon became "?" ("C?text").
    strongRe.push(new RegExp(`^\\s*(?:[(（\\[]\\s*${c}\\s*[)）\\]]\\s*[.:：]?|${c}\\s*[.)．、:：?？\\]])\\s*`));
    weakRe.push(new RegExp(`^\\s*${l}\\s+(?=\\S)`)); // upper case only: "a cat" is a sentence
}

/** The label of the option at position i ("A" for 0) at the start of `text`, or null. */
export function optionLabel(text: string, i: number): Label | null {
    if (i < 0 || i > 25) return null;
    let m = strongRe[i]!.exec(text);
    if (m) return { rest: text.slice(m[0].length).trim(), strong: true };
    m = weakRe[i]!.exec(text);
    if (m) return { rest: text.slice(m[0].length).trim(), strong: false };
    return null;
}

/**
 * Strips each option's own position label ("A.", "(b)", "C)", "D:", "C?", "A "). A weak "A " label is
 * stripped only when every option carries its label, so ["A dog", "Two cats"] keeps "A dog";
 * `onlyIfAll` strips nothing unless every option carries a strong label ("A." ..; text a user wrote).
 */
export function stripOptionLabels(options: string[], opts: { onlyIfAll?: boolean } = {}): string[] {
    const labels = options.map((o, i) => optionLabel(o, i));
    const all = labels.every((l) => l !== null && l.rest !== "");
    if (opts.onlyIfAll) return labels.every((l) => l?.strong && l.rest !== "") ? labels.map((l) => l!.rest) : options;
    return options.map((o, i) => {
        const l = labels[i];
        return l && (l.strong || all) ? l.rest : o.trim();
    });
}

export interface InlineOptions {
    /** The question without the option lines. */
    stem: string;
    /** The option texts, labels stripped (possibly empty strings: callers report those). */
    options: string[];
}

const HEADER = /^\s*(?:answer\s+)?(?:options|choices)\s*[:：]?\s*$/i;

/** True if one of the next few lines (from `from`) carries the label of position `i`: the lines between continue an option. */
function labelAhead(lines: string[], from: number, i: number): boolean {
    for (let j = from; j < Math.min(lines.length, from + 4); j++) {
        if (optionLabel(lines[j]!, i)) return true;
    }
    return false;
}

/**
 * The options a question lists as consecutive labelled lines A., B., ... (at least two; the last
 * such block wins, as the options come after the passage). A line between two labels continues the
 * option before it; lines after the last option stay in the stem. Falls back to one line of
 * "(A) x (B) y". Null when the question lists no options.
 */
export function splitInlineOptions(question: string): InlineOptions | null {
    const lines = question.replace(/\r\n?/g, "\n").split("\n");
    for (let s = lines.length - 1; s >= 0; s--) {
        const first = optionLabel(lines[s]!, 0);
        if (!first) continue;
        const options = [first.rest];
        let end = s + 1;
        for (let j = s + 1; j < lines.length && options.length < 26; j++) {
            const line = lines[j]!;
            if (!line.trim()) continue;
            const next = optionLabel(line, options.length);
            if (next) {
                options.push(next.rest);
                end = j + 1;
            } else if (labelAhead(lines, j + 1, options.length)) {
                options[options.length - 1] += `\n${line.trim()}`;
            } else break;
        }
        if (options.length < 2) continue;
        const before = lines.slice(0, s);
        while (before.length > 0 && (!before.at(-1)!.trim() || HEADER.test(before.at(-1)!))) before.pop();
        const after = lines.slice(end).join("\n").trim();
        const stem = [before.join("\n").trim(), after].filter(Boolean).join("\n");
        return { stem, options: options.map((o) => o.trim()) };
    }
    return oneLineOptions(lines);
}

/** "Options: (A) red (B) blue (C) green" on one line (the last such line). */
function oneLineOptions(lines: string[]): InlineOptions | null {
    for (let k = lines.length - 1; k >= 0; k--) {
        const line = lines[k]!;
        const marks = [...line.matchAll(/\(([A-Z])\)/g)];
        const start = marks.findIndex((m) => m[1] === "A");
        if (start < 0) continue;
        const seq: RegExpMatchArray[] = [];
        for (const m of marks.slice(start)) if (m[1] === letterOf(seq.length)) seq.push(m);
        if (seq.length < 2) continue;
        const options = seq.map((m, i) => line.slice(m.index! + m[0].length, i + 1 < seq.length ? seq[i + 1]!.index : line.length).trim().replace(/[,;]$/, "").trim());
        const head = line.slice(0, seq[0]!.index).replace(/(?:answer\s+)?(?:options|choices)\s*[:：]?\s*$/i, "").trim();
        const stem = [...lines.slice(0, k), ...(head ? [head] : []), ...lines.slice(k + 1)].join("\n").trim();
        return { stem, options };
    }
    return null;
}

const norm = (s: string) => s.replace(/\s+/g, " ").trim().replace(/[.;,。；，]+$/, "").trim().toLowerCase();

/** Whether two option lists are the same options (labels, case, spacing and end punctuation aside). */
export function sameOptions(a: string[], b: string[]): boolean {
    if (a.length !== b.length) return false;
    const x = stripOptionLabels(a).map(norm);
    const y = stripOptionLabels(b).map(norm);
    return x.every((v, i) => v === y[i]);
}

/** BIG-bench's own way of listing options in an input: trailing "choice: <text>" lines. */
function choiceLines(question: string): InlineOptions | null {
    const lines = question.replace(/\r\n?/g, "\n").trimEnd().split("\n");
    if (lines.length > 1 && /^\s*(?:A|Answer)\s*:\s*$/i.test(lines.at(-1)!)) lines.pop(); // the "A:" cue after them
    let k = lines.length;
    while (k > 0 && /^\s*choice\s*:/i.test(lines[k - 1]!)) k--;
    if (lines.length - k < 2) return null;
    const options = lines.slice(k).map((l) => l.replace(/^\s*choice\s*:\s*/i, "").trim());
    return { stem: lines.slice(0, k).join("\n").trim(), options };
}

/** The question without its inline option lines when they are these choices; else the question as is. */
export function stripListedOptions(question: string, choices: string[] | null): string {
    if (!choices || choices.length === 0) return question;
    for (const inline of [splitInlineOptions(question), choiceLines(question)]) {
        if (inline && inline.stem && sameOptions(inline.options, choices)) return inline.stem;
    }
    return question;
}

/** True if the question already lists these choices inline. */
export function listsOptions(question: string, choices: string[] | null): boolean {
    return stripListedOptions(question, choices) !== question;
}

/** The 0-based option a gold answer names as a bare letter ("d", "(B)", "C."), or null if it is not a letter. */
export function letterIndex(answer: string): number | null {
    const m = /^\(?\s*([A-Za-z])\s*[).:]?$/.exec(answer.trim());
    return m ? m[1]!.toUpperCase().charCodeAt(0) - 65 : null;
}

/**
 * The options of an item that has none of its own but lists them in its question, when the gold
 * says it is multiple choice: it is a letter, an index, or one option's text (unless `byText` is
 * false: a math value "2" may equal an option), or `mc` is forced.
 */
export function inlineChoices(question: string, gold: string | null, opts: { index?: boolean; mc?: boolean; byText?: boolean } = {}): InlineOptions | null {
    const inline = splitInlineOptions(question);
    if (!inline) return null;
    if (opts.mc || opts.index) return inline;
    const g = (gold ?? "").trim();
    if (letterIndex(g) !== null) return inline;
    if (opts.byText === false) return null;
    const n = norm(g);
    return n && inline.options.filter((o) => norm(o) === n).length === 1 ? inline : null;
}
