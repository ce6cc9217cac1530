// The corrected answer as a word diff against the first. Colour alone fails on a black-and-white
// projector (and for colour-blind students), so removed and added words also get bracket markers.
import type { DiffPart, Stage } from "../../../src/teach/types.js";
import { diffWords } from "../../../src/teach/wordDiff.js";
import { theme } from "../../theme.js";
import { clean, cut, segsLength, wrap, type Line, type Seg } from "../../lines.js";

export const DEL_OPEN = "[-";
export const DEL_CLOSE = "-]";
export const ADD_OPEN = "{+";
export const ADD_CLOSE = "+}";

const DEL: Omit<Seg, "text"> = { color: theme.bad, strike: true };
const ADD: Omit<Seg, "text"> = { color: theme.ok, bold: true };

/** The legend shown in the caption area of a correction stage. */
export const DIFF_LEGEND: Line = [
    { text: "legend: ", dim: true },
    { text: `${DEL_OPEN}removed${DEL_CLOSE}`, ...DEL },
    { text: " red, struck out · ", dim: true },
    { text: `${ADD_OPEN}added${ADD_CLOSE}`, ...ADD },
    { text: " green, bold · plain: kept", dim: true }
];

/** One diff part as runs: the changed words inside markers, the whitespace around them outside (so rows still wrap at spaces). */
function partSegs(p: DiffPart): Seg[] {
    const text = clean(p.text);
    if (p.op === "same") return [{ text }];
    const m = /^(\s*)([\s\S]*?)(\s*)$/.exec(text)!;
    const [, lead = "", core = "", trail = ""] = m;
    if (!core) return [{ text }];
    const style = p.op === "del" ? DEL : ADD;
    const [open, close] = p.op === "del" ? [DEL_OPEN, DEL_CLOSE] : [ADD_OPEN, ADD_CLOSE];
    return [{ text: lead }, { text: open, color: style.color, bold: true }, { text: core, ...style }, { text: close, color: style.color, bold: true }, { text: trail }].filter((s) => s.text);
}

/** What the typewriter types on a correction stage: the diff with its markers (or the plain text without a diff). */
export function correctionSegs(stage: Stage): Seg[] {
    if (!stage.diff) return [{ text: clean(stage.text) }];
    return stage.diff.flatMap(partSegs);
}

export const correctionLength = (stage: Stage): number => segsLength(correctionSegs(stage));

/** The count line, then the diff (the first `shown` characters of it while it types). */
export function correctionLines(stage: Stage, width: number, shown: number | null, cursor: Seg | null): Line[] {
    const segs = correctionSegs(stage);
    const out: Line[] = [];
    if (stage.diff) {
        const { removed, added } = diffWords(stage.diff);
        const same = removed.length === 0 && added.length === 0;
        out.push(...wrap([{ text: same ? "identical to the first answer" : `${removed.length} word${removed.length === 1 ? "" : "s"} removed · ${added.length} added`, dim: true }], width), []);
    }
    const body = shown === null ? segs : cut(segs, shown);
    out.push(...wrap(cursor ? [...body, cursor] : body, width));
    return out;
}
