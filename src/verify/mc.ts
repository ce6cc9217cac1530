// Multiple-choice verifier. Models name an option in many ways ("D", "(d)", "Option D", "D.Text",
// "B: text", "the correct option is D", the option's text...), so we read the letter tolerantly
// but refuse to pick one when the answer names several different options (or negates one).
import { markedAnswer } from "./extract.js";
import { reasonLine, shown } from "./line.js";
import type { Verdict } from "./types.js";
import { letterOf } from "../tasks/options.js";


/** Lowercase, punctuation and extra whitespace removed: for comparing option texts. */
export function normaliseOption(s: string): string {
    return s
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s]/gu, " ")
        .replace(/\s+/g, " ")
        .trim();
}

/** An option text without its own label: "B. London" at index 1 -> "London" (ReflectEvo writes labels inline). */
export function stripLabel(text: string, i: number): string {
    const l = letterOf(i);
    return text.replace(new RegExp(`^\\s*[([]?[${l}${l.toLowerCase()}]\\s*[.)\\]:：]\\s*`), "").trim() || text.trim();
}

/** How a letter was read: `how` becomes the verdict's rule. */
export type Pick = { letters: string[]; how: string; negated?: boolean };

/** Words that join or qualify option letters ("A or C", "not B"): they are not option text. */
const FILLER = /\b(?:or|and|nor|not|either|neither|vs|versus|maybe|perhaps|possibly|probably|likely|then|but|option|options|choice|choices|answer|answers|is|are|the|correct|right|final|i|think|it|it's|its)\b/gi;
const NEGATION = /(?:\bnot|n't|\bnever|\bexcept|\bnor|\bneither|\brather\s+than|\binstead\s+of)\s*(?:(?:option|choice)\s*)?[([]?\s*$/i;
/** Words after which a capital "A"/"I" is still a letter ("A or C", "A is correct"), not an article or pronoun. */
const AFTER_LETTER = /^\s+(?:or|and|nor|is|was|seems|looks|vs|versus|because|since|as|then|but|\(|-|–)/i;

/** The letter an answer opens with as a label, and the rest: "B) foo", "B.Text", "B:Text", "(b) foo", "Option B: foo". */
function labelled(s: string): { letter: string; rest: string } | null {
    const forms: RegExp[] = [
        /^(?:the\s+)?(?:correct\s+|right\s+|final\s+)?(?:option|choice|answer)\s*(?:is\s*)?[:\-]?\s*\(([A-Za-z])\)\s*[).:,\-–—]?\s*(.*)$/isu,
        /^(?:the\s+)?(?:correct\s+|right\s+|final\s+)?(?:option|choice|answer)\s*(?:is\s*)?[:\-]?\s*([A-Z])(?![\p{L}\p{N}'’])\s*[).:,\-–—]?\s*(.*)$/su,
        /^(?:the\s+)?(?:correct\s+|right\s+|final\s+)?(?:option|choice)\s*(?:is\s*)?[:\-]?\s*([a-z])(?:\s*[).:,\-–—]\s*(.*)|\s*$)/isu,
        /^[([]([A-Za-z])[)\]]\s*[.:\-–—]?\s*(.*)$/su,
        // Capitals may run into the text ("B.Text"), but "U.S." / "A.D." are abbreviations.
        /^(?![A-Z]\.[A-Z]\.)([A-Z])\s*[).:：]\s*(.*)$/su,
        /^([a-z])(?:[.:]\s+|\)\s*)(.*)$/su
    ];
    for (const re of forms) {
        const m = re.exec(s);
        if (m) return { letter: m[1]!, rest: (m[2] ?? "").trim() };
    }
    return null;
}

interface Mention {
    letter: string;
    at: number;
    named: boolean;
}

/** Every option letter `s` names: "(c)", "option c", "is B", bare capitals, or lowercase letters in a letters-only answer. */
function mentions(s: string, valid: (l: string) => boolean, strict: boolean): Mention[] {
    const out: Mention[] = [];
    const add = (l: string, at: number, named: boolean): void => {
        if (valid(l) && !out.some((m) => m.at === at)) out.push({ letter: l.toUpperCase(), at, named });
    };
    for (const m of s.matchAll(/(?<![\p{L}\p{N}])[([]([A-Za-z])[)\]]/gu)) add(m[1]!, m.index! + 1, false);
    for (const m of s.matchAll(/\b(?:option|choice|answer(?:\s+is)?|is|be|pick|choose|select)\s*[:\-]?\s*\(?([A-Za-z])\)?(?=$|[\s.,;:!?)])/giu)) {
        const l = m[1]!;
        const at = m.index! + m[0].lastIndexOf(l);
        // Lowercase only at the end or before punctuation/connectors ("is a city" is not option A).
        if (l === l.toLowerCase() && !/^\)?\s*(?:$|[.,;:!?]|(?:or|and|not|nor|because|since)\b)/i.test(s.slice(at + 1))) continue;
        if ((l === "A" || l === "I") && /^\s+[a-z]/.test(s.slice(at + 1)) && !AFTER_LETTER.test(s.slice(at + 1))) continue;
        add(l, at, true);
    }
    const words = s.split(/\s+/).filter(Boolean).length;
    if (!strict || words <= 4) {
        for (const m of s.matchAll(/(?<![\p{L}\p{N}'’.\-\\])([A-Z])(?![\p{L}\p{N}'’]|\.[A-Za-z])/gu)) {
            const after = s.slice(m.index! + 1);
            // "A cat", "I think": an article or a pronoun, unless a connector follows ("A or C").
            if ((m[1] === "A" || m[1] === "I") && /^\s+[a-z]/.test(after) && !AFTER_LETTER.test(after)) continue;
            add(m[1]!, m.index!, false);
        }
    }
    // "b or c", "either a or d": an answer made only of letters and connectors.
    const rest = s.replace(FILLER, " ").replace(/[^\p{L}\s]/gu, " ").trim();
    if (rest && rest.split(/\s+/).every((t) => t.length === 1)) {
        for (const m of s.matchAll(/(?<![\p{L}\p{N}'’])([a-z])(?![\p{L}\p{N}'’])/gu)) add(m[1]!, m.index!, false);
    }
    return out.sort((a, b) => a.at - b.at);
}

const uniq = (ls: string[]): string[] => [...new Set(ls)];

/**
 * The option letters a piece of answer text names, most specific form first. `strict` (used on an
 * unmarked last line) disables the loosest rule: bare capitals in a long sentence.
 */
export function lettersIn(raw: string, choices: string[], strict = false): Pick {
    const n = choices.length;
    const valid = (l: string): boolean => {
        const i = l.toUpperCase().charCodeAt(0) - 65;
        return l.length === 1 && i >= 0 && i < n;
    };
    const texts = choices.map((c, i) => normaliseOption(stripLabel(c, i)));
    const textIndex = (t: string): number => {
        const norm = normaliseOption(t);
        return norm ? texts.findIndex((c) => c === norm) : -1;
    };
    const s = raw
        .replace(/\*\*|__|`/g, "")
        .replace(/\\(?:boxed|text|textbf|mathrm|mbox)\s*\{([^{}]*)\}/g, "$1")
        .replace(/(?<!\\)\$/g, "")
        .trim();

    // "D", "(D)", "D.", "D)", "[D]", "d"
    let m = /^[\s([{]*([a-z])[\s)\]}.:]*$/i.exec(s);
    if (m && valid(m[1]!)) return { letters: [m[1]!.toUpperCase()], how: "letter" };

    // The option text itself (exactly, after normalisation).
    const exact = textIndex(s);
    if (exact >= 0) return { letters: [letterOf(exact)], how: "option text" };

    // A label opening the answer; the text after it must not name a different option.
    const label = labelled(s);
    if (label && valid(label.letter)) {
        const L = label.letter.toUpperCase();
        const t = textIndex(label.rest);
        if (t >= 0 && letterOf(t) !== L) return { letters: [L, letterOf(t)], how: "a label and a different option's text" };
        const more = mentions(label.rest, valid, false);
        const others = uniq(more.map((x) => x.letter).filter((x) => x !== L));
        if (others.length > 0) return { letters: uniq([L, ...others]), how: "option label" };
        if (more.some((x) => NEGATION.test(label.rest.slice(0, x.at)))) return { letters: [L], how: "option label", negated: true };
        return { letters: [L], how: label.rest ? "option label" : "named option" };
    }

    const found = mentions(s, valid, strict);
    if (found.length > 0) {
        const letters = uniq(found.map((x) => x.letter));
        const negated = found.some((x) => NEGATION.test(s.slice(0, x.at)));
        const how = found.some((x) => x.named) ? "named option" : "letter";
        // "B (Paris)": the words beside the letter are a different option's text.
        if (letters.length === 1) {
            let rest = s;
            for (const x of [...found].reverse()) rest = rest.slice(0, x.at) + " " + rest.slice(x.at + 1);
            const t = textIndex(rest.replace(FILLER, " "));
            if (t >= 0 && letterOf(t) !== letters[0]) return { letters: [letters[0]!, letterOf(t)], how: "a letter and a different option's text" };
        }
        return { letters, how, ...(negated ? { negated } : {}) };
    }

    // The option text contained in a longer answer, when exactly one option's text appears.
    const norm = normaliseOption(s);
    const contained = texts.map((c, i) => ({ c, i })).filter(({ c }) => c.length > 0 && ` ${norm} `.includes(` ${c} `));
    // A shorter option inside a longer one ("York" in "New York City") is one mention, not two.
    const outer = contained.filter(({ c }) => !contained.some((o) => o.c !== c && o.c.includes(c)));
    if (outer.length > 0) return { letters: outer.map(({ i }) => letterOf(i)), how: "option text" };
    return { letters: [], how: "" };
}

type Located = { pick: Pick; source: string; where: string } | { none: string; why: string };

/** Where the answer is: the marked answer if any, else (not when cut off) the last non-empty line. */
function locate(output: string, choices: string[], truncated: boolean): Located {
    const marked = markedAnswer(output);
    if (marked) return { pick: lettersIn(marked.value, choices), source: marked.value, where: marked.rule };
    if (truncated) return { none: "cut off", why: "cut off before a final answer" };
    const lines = output.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
    if (lines.length === 0) return { none: "none", why: "the output is empty" };
    // Small models often end by restating the options ("A. ...\nB. ...\nC. ..."): that lists, it does not choose.
    const tail = lines.slice(-3);
    const listed = uniq(tail.map((l) => /^\(?([A-Z])[).:]\s*\S/.exec(l)?.[1]).filter((x): x is string => !!x));
    if (listed.length >= 2) return { pick: { letters: listed, how: "a list of options" }, source: tail.join(" / "), where: "last lines" };
    const last = lines[lines.length - 1]!;
    return { pick: lettersIn(last, choices, true), source: last, where: "last line" };
}

const WHERE: Record<string, string> = {
    "final-answer line": "the final-answer line",
    boxed: "a \\boxed{}",
    "answer-is": "\"the answer is …\"",
    "last line": "the last line",
    "last lines": "the last lines"
};
const whereText = (w: string): string => WHERE[w] ?? w;

/** Why several letters are no answer: "names options A, B", "lists options A, B, C", "negates option B". */
function ambiguity(p: Pick): string {
    const [first, second] = p.letters;
    if (p.negated && p.letters.length === 1) return `negates option ${first}`;
    if (p.how === "a list of options") return `lists options ${p.letters.join(", ")}`;
    if (p.how.endsWith("a different option's text")) return `names option ${first} with the text of option ${second}`;
    return `names options ${p.letters.join(", ")}`;
}

export interface MCOptions {
    /** The generation stopped at maxTokens: without a final-answer marker it has no answer. */
    truncated?: boolean;
}

export function verifyMC(output: string, choices: string[], goldIndex: number, opts: MCOptions = {}): Verdict {
    const text = (i: number): string => stripLabel(choices[i] ?? "?", i);
    const gold = `${letterOf(goldIndex)} (${text(goldIndex)})`;
    const range = `A-${letterOf(Math.max(0, choices.length - 1))}`;
    const found = locate(output, choices, opts.truncated === true);
    if ("none" in found) {
        const none = { extracted: null, rule: found.none };
        return { correct: false, ...none, reason: reasonLine(none, gold, found.why) };
    }
    const { letters, how, negated } = found.pick;
    if (letters.length === 0) {
        const none = { extracted: null, rule: "none" };
        return { correct: false, ...none, reason: reasonLine(none, gold, `no option letter (${range}) or option text in ${whereText(found.where)} ${shown(found.source)}`) };
    }
    if (letters.length > 1 || negated) {
        const none = { extracted: null, rule: "ambiguous" };
        return {
            correct: false,
            ...none,
            reason: reasonLine(none, gold, `ambiguous: ${ambiguity(found.pick)}`),
            details: { letters, candidate: found.source, candidateRule: found.where }
        };
    }
    const letter = letters[0]!;
    const idx = letter.charCodeAt(0) - 65;
    const got = { extracted: letter, rule: how };
    return {
        correct: idx === goldIndex,
        ...got,
        reason: reasonLine(got, gold, ""),
        details: { letter, goldLetter: letterOf(goldIndex), where: found.where }
    };
}
