// Ground-truth verification: routes an answer to its family's verifier. The verdict never
// depends on a model, only on the task's gold data.
import { verifyCode } from "./code.js";
import { verifyMath } from "./math.js";
import { normaliseOption, stripLabel, verifyMC } from "./mc.js";
import { verifyText } from "./text.js";
import type { OracleInput, Verdict } from "./types.js";

/**
 * The gold option's index: the given index, else the gold as a letter ("C", "(c)", "Option C",
 * "C. text") or as an option text (labels in the options ignored).
 */
export function goldIndex(gold: string, choices: string[], answerIndex?: number | null): number | null {
    if (answerIndex !== null && answerIndex !== undefined && answerIndex >= 0 && answerIndex < choices.length) return answerIndex;
    const letter = /^\s*(?:(?:option|choice)\s*)?[([]?([a-z])[)\]]?[.):]?\s*$/i.exec(gold) ?? /^\s*[([]?([A-Z])[)\]]?\s*[.):]\s*\S/.exec(gold);
    if (letter) {
        const i = letter[1]!.toUpperCase().charCodeAt(0) - 65;
        if (i < choices.length) return i;
    }
    const norm = normaliseOption(gold);
    if (!norm) return null;
    const i = choices.findIndex((c, k) => normaliseOption(stripLabel(c, k)) === norm || normaliseOption(c) === norm);
    return i >= 0 ? i : null;
}

/** `answers`: all accepted golds of a free-text item (TaskItem.answers); when given, text answers may match any. */
export async function verifyOracle(input: OracleInput & { answers?: string[] | null }): Promise<Verdict> {
    switch (input.family) {
        case "mc": {
            const choices = input.choices ?? [];
            if (choices.length === 0) return { correct: false, reason: "multiple-choice task without choices", extracted: null, rule: "no choices" };
            const gi = goldIndex(input.gold, choices, input.answerIndex);
            if (gi === null) return { correct: false, reason: `cannot locate the gold answer "${input.gold}" among the choices`, extracted: null, rule: "no gold" };
            return verifyMC(input.output, choices, gi, { truncated: input.truncated });
        }
        case "math":
            return verifyMath(input.output, input.gold, { truncated: input.truncated });
        case "code":
            return verifyCode(input.output, input.tests ?? [], input.testSetup ?? null);
        case "text":
            return verifyText(input.output, input.answers && input.answers.length > 0 ? input.answers : input.gold, { truncated: input.truncated });
        default: {
            const family: never = input.family;
            return { correct: false, reason: `unknown task family ${String(family)}`, extracted: null };
        }
    }
}
