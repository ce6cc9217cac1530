// Multiple-choice verifier. Models name an option in many ways ("D", "(D)", "Option D",
// "the answer is D", the option's text...), so we read the letter tolerantly but refuse to
// pick one when the answer names several different options.
import { extractFinalAnswer } from "./extract.js";
import type { Verdict } from "./types.js";

export const letterOf = (i: number): string => String.fromCharCode(65 + i);

/** Lowercase, punctuation and extra whitespace removed: for comparing option texts. */
export function normaliseOption(s: string): string {
    return s
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s]/gu, " ")
        .replace(/\s+/g, " ")
        .trim();
}

type Pick = { letters: string[]; how: string };

/**
 * The option letters a piece of answer text names, most specific form first. `strict` (used
 * when scanning unmarked lines) disables the loosest rule: bare capitals in a long sentence.
 */
export function lettersIn(raw: string, choices: string[], strict = false): Pick {
    const n = choices.length;
    const valid = (l: string): boolean => {
        const i = l.toUpperCase().charCodeAt(0) - 65;
        return i >= 0 && i < n;
    };
    const uniq = (ls: string[]): string[] => [...new Set(ls.map((l) => l.toUpperCase()).filter(valid))];
    const s = raw.replace(/\*\*|__|`/g, "").trim();

    // "D", "(D)", "D.", "D)", "[D]", "d"
    let m = /^[\s([{]*([a-z])[\s)\]}.:]*$/i.exec(s);
    if (m && valid(m[1]!)) return { letters: uniq([m[1]!]), how: "letter" };
    // "D) option text", "D. option text", "(D) option text"
    m = /^\(?([a-z])[).:]\s+\S/i.exec(s);
    if (m && valid(m[1]!)) return { letters: uniq([m[1]!]), how: "letter before option text" };

    // The option text itself (exactly, after normalisation).
    const norm = normaliseOption(s);
    const exact = choices.findIndex((c) => normaliseOption(c) === norm && norm !== "");
    if (exact >= 0) return { letters: [letterOf(exact)], how: "option text" };

    // "Option D", "choice (d)", "the answer is D", "answer: D": capitals anywhere, lowercase
    // only at the end (so "the answer is a dog" is not option A).
    const named = [
        ...[...s.matchAll(/\b(?:option|choice|answer(?:\s+is)?|is)\s*[:\-]?\s*\(?([A-Z])\)?(?![\p{L}\p{N}])/gu)].map((x) => x[1]!),
        ...[...s.matchAll(/\b(?:option|choice|answer(?:\s+is)?|is)\s*[:\-]?\s*\(?([a-z])\)?[\s.!)]*$/giu)].map((x) => x[1]!)
    ];
    if (uniq(named).length > 0) return { letters: uniq(named), how: "named letter" };

    // The option text contained in a longer answer, when exactly one option's text appears.
    const contained = choices
        .map((c, i) => ({ c: normaliseOption(c), i }))
        .filter(({ c }) => c.length > 0 && ` ${norm} `.includes(` ${c} `));
    if (contained.length === 1) return { letters: [letterOf(contained[0]!.i)], how: "option text" };

    // Bare capitals ("A or C", "B, because ..."); in long unmarked lines they are too often words.
    if (!strict || s.split(/\s+/).length <= 4) {
        const bare = uniq([...s.matchAll(/(?<![\p{L}\p{N}'])\(?([A-Z])\)?(?![\p{L}\p{N}'])/gu)].map((x) => x[1]!));
        if (bare.length > 0) return { letters: bare, how: "letter" };
    }
    if (contained.length > 1) return { letters: contained.map(({ i }) => letterOf(i)), how: "option text" };
    return { letters: [], how: "" };
}

/** Where the answer is: the `Final answer:` line if any, else the last few non-empty lines. */
function locate(output: string, choices: string[]): { pick: Pick; source: string } | null {
    const final = extractFinalAnswer(output);
    if (final !== null) return { pick: lettersIn(final, choices), source: final };
    const lines = output.split(/\r?\n/).map((l) => l.trim()).filter(Boolean).slice(-3).reverse();
    // Small models often end by restating the options ("A. ...\nB. ...\nC. ..."): that lists, it does not choose.
    const listed = [...new Set(lines.map((l) => /^\(?([A-Z])[).:]\s+\S/.exec(l)?.[1]).filter((x): x is string => !!x))];
    if (listed.length >= 2) return { pick: { letters: listed.reverse(), how: "a list of options" }, source: lines.join(" / ") };
    for (const line of lines) {
        const pick = lettersIn(line, choices, true);
        if (pick.letters.length > 0) return { pick, source: line };
    }
    return null;
}

export function verifyMC(output: string, choices: string[], goldIndex: number): Verdict {
    const gold = `${letterOf(goldIndex)} (${choices[goldIndex] ?? "?"})`;
    const found = locate(output, choices);
    if (!found || found.pick.letters.length === 0) {
        return { correct: false, reason: `no option letter found in the answer; gold is ${gold}`, extracted: null };
    }
    const { letters } = found.pick;
    if (letters.length > 1) {
        return {
            correct: false,
            reason: `ambiguous answer: it names options ${letters.join(", ")}; gold is ${gold}`,
            extracted: letters.join(","),
            details: { letters }
        };
    }
    const letter = letters[0]!;
    const idx = letter.charCodeAt(0) - 65;
    const correct = idx === goldIndex;
    return {
        correct,
        reason: `extracted ${letter} (${choices[idx]}) via ${found.pick.how}; gold is ${gold}`,
        extracted: letter,
        details: { letter, goldLetter: letterOf(goldIndex) }
    };
}
