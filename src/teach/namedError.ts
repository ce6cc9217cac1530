import type { NamedError } from "./types.js";

/*
 * Did the reflection name the real error? A heuristic, labelled as one on screen:
 *  - n/a: the first answer was right, or there is no reflection to read;
 *  - yes: the reflection mentions the wrong answer (for multiple choice its letter, in a form that
 *    cannot be an article or a list marker — "option B", "(B)", "answer B", "B)" — or that option's
 *    text), or the right answer (or its option text), or a significant word the correction removed;
 *  - no: none of these.
 * Matching is on whole tokens, never substrings: "4" does not match "14", "4th" or "4.5"; numbers
 * compare by value ("1,200" = "1200", "12.0" = "12"). Removed words count when they are numbers or
 * at least 3 letters and not stop words (nor words every reflection uses, like "answer").
 */

interface Token {
    text: string;
    key: string;
    start: number;
    end: number;
}

// Numbers first (signed only where a "-" cannot be a minus between two operands), then words.
const TOKEN = /(?<![\p{L}\p{N}])-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\p{L}\p{N}])|[\p{L}\p{M}\p{N}]+(?:['’\-][\p{L}\p{M}\p{N}]+)*/gu;
const NUMBER = /^-?[\d,]+(?:\.\d+)?$/;

function tokens(s: string): Token[] {
    return [...s.matchAll(TOKEN)].map((m) => {
        const text = m[0];
        // NFC: "é" typed as e + accent must equal the precomposed "é".
        const key = NUMBER.test(text) ? `#${Number(text.replace(/,/g, ""))}` : text.normalize("NFC").toLowerCase();
        return { text, key, start: m.index, end: m.index + text.length };
    });
}

const STOP = new Set(
    ("the and but not are was were for with from that this these those then than there their they them have has had " +
        "its it's you your our his her she him who whom which what when where why how all any can could would should will shall " +
        "into onto over under about also just only very more most some such each both does did done doing being been " +
        "you're you've you'll i'm i've i'll we're we've it'll that's there's let's don't doesn't didn't isn't aren't can't won't " +
        "already again still yet here now well really sure let may might must need please thank thanks glad help " +
        // Words nearly every reflection says: sharing them proves nothing.
        "answer answers final solution step steps question result therefore thus so because correct incorrect wrong right error mistake")
        .split(" ")
);

const significant = (t: Token): boolean => t.key.startsWith("#") || ([...t.key].length >= 3 && !STOP.has(t.key));

/** Where the token sequence of `phrase` occurs in the reflection, as written (lower-cased), or null. */
function findPhrase(refl: string, rt: Token[], phrase: string): string | null {
    const pt = tokens(phrase);
    if (pt.length === 0) return null;
    for (let i = 0; i + pt.length <= rt.length; i++) {
        if (pt.every((p, j) => rt[i + j]!.key === p.key)) return refl.slice(rt[i]!.start, rt[i + pt.length - 1]!.end).toLowerCase();
    }
    return null;
}

/** An option letter in a form that names it: "option b", "(B)", "[B]", "answer B", "chose B", "B)". */
function findLetter(refl: string, letter: string): string | null {
    const L = letter.toUpperCase();
    // "answer A student gives", "chose I think": an article or pronoun, unless a connector follows.
    const notWord = L === "A" || L === "I" ? String.raw`(?!\s+(?!(?:or|and|is|was|because|since|as|but)\b)[a-z])` : "";
    const forms = [
        new RegExp(String.raw`\b(?:option|choice)\s*[:\-]?\s*\(?${L}\)?(?![\p{L}\p{N}])`, "iu"),
        new RegExp(String.raw`(?<![\p{L}\p{N}])[([]${L}[)\]]`, "iu"),
        new RegExp(String.raw`\b(?:answer(?:\s+(?:is|was|of))?|chose|chosen|choose|picked|pick|selected|select)\s*[:\-]?\s*${L}(?![\p{L}\p{N}'’])${notWord}`, "u"),
        new RegExp(String.raw`(?<![\p{L}\p{N}(\[])${L}\)`, "u")
    ];
    for (const re of forms) {
        const m = re.exec(refl);
        if (m) return m[0].toLowerCase().replace(/\s+/g, " ");
    }
    return null;
}

/** An option text without its inline label ("B. London" → "London"). */
const optionText = (c: string): string => c.replace(/^\s*[([]?[A-Za-z]\s*[.)\]:]\s*/, "").trim() || c.trim();
const isLetter = (s: string, choices: string[] | null): boolean =>
    /^[A-Za-z]$/.test(s) && (!choices || s.toUpperCase().charCodeAt(0) - 65 < choices.length);

/** The option index an answer names: its letter, or its text. */
function optionIndex(answer: string, choices: string[]): number {
    const a = answer.trim();
    if (isLetter(a, choices)) return a.toUpperCase().charCodeAt(0) - 65;
    const norm = (s: string): string => tokens(s).map((t) => t.key).join(" ");
    const labelled = /^\(?([A-Za-z])[.):]\s/.exec(a);
    if (labelled && isLetter(labelled[1]!, choices)) return labelled[1]!.toUpperCase().charCodeAt(0) - 65;
    return choices.findIndex((c) => norm(optionText(c)) === norm(a));
}

const quote = (s: string): string => {
    const one = s.replace(/\s+/g, " ").trim();
    return `"${one.length > 40 ? one.slice(0, 39) + "…" : one}"`;
};

export function namedError(input: {
    reflection: string | null;
    firstAnswer: string;
    extracted: string | null;
    gold: string;
    choices: string[] | null;
    removedWords: string[];
    wasWrong: boolean;
    /** Removed words the question (or the instruction) itself uses are no evidence: restating them names no error. */
    question?: string;
}): NamedError {
    const { reflection, extracted, gold, choices } = input;
    if (!input.wasWrong) return { verdict: "n/a", why: "the first answer was right, so there was no error to name", matched: [] };
    if (!reflection || !reflection.trim()) return { verdict: "n/a", why: "there is no reflection to read", matched: [] };
    const rt = tokens(reflection);

    // One answer (wrong or right): its letter or value, and for multiple choice its option text.
    const mentions = (answer: string | null): { hits: string[]; shown: string } => {
        if (answer === null || !answer.trim()) return { hits: [], shown: "" };
        const hits: string[] = [];
        const idx = choices ? optionIndex(answer, choices) : -1;
        if (isLetter(answer.trim(), choices)) {
            const hit = findLetter(reflection, answer.trim());
            if (hit) hits.push(hit);
        } else {
            const hit = findPhrase(reflection, rt, answer);
            if (hit) hits.push(hit);
        }
        const text = idx >= 0 ? optionText(choices![idx]!) : null;
        if (text && text.toLowerCase() !== answer.trim().toLowerCase()) {
            const hit = findPhrase(reflection, rt, text);
            if (hit) hits.push(hit);
        }
        const shown = text && text.toLowerCase() !== answer.trim().toLowerCase() ? `${quote(answer)} (${quote(text)})` : quote(answer);
        return { hits, shown };
    };

    const wrong = mentions(extracted);
    const right = mentions(gold);
    const asked = new Set(tokens(input.question ?? "").map((t) => t.key));
    const removed = new Set(input.removedWords.flatMap((w) => tokens(w)).filter(significant).map((t) => t.key).filter((k) => !asked.has(k)));
    const shared = [...new Set(rt.filter((t) => removed.has(t.key)).map((t) => t.text.toLowerCase()))];

    const reasons: string[] = [];
    if (wrong.hits.length) reasons.push(`the wrong answer ${wrong.shown}`);
    if (right.hits.length) reasons.push(`the right answer ${right.shown}`);
    if (shared.length) reasons.push(`words the correction removed (${shared.slice(0, 3).map(quote).join(", ")}${shared.length > 3 ? ", …" : ""})`);
    const matched = [...new Set([...wrong.hits, ...right.hits, ...shared])];
    if (reasons.length) return { verdict: "yes", why: `it mentions ${join(reasons)}`, matched };

    const missed: string[] = [];
    if (wrong.shown) missed.push(`the wrong answer ${wrong.shown}`);
    if (right.shown) missed.push(`the right answer ${right.shown}`);
    missed.push(input.question ? "any word the correction removed (other than the question's or the instruction's)" : "any word the correction removed");
    return { verdict: "no", why: `it never mentions ${join(missed, "or")}`, matched: [] };
}

const join = (xs: string[], and = "and"): string => (xs.length <= 1 ? xs.join("") : `${xs.slice(0, -1).join(", ")} ${and} ${xs[xs.length - 1]}`);
