// The reflection beside the instruction it follows: each part the aligner matched to a stage sits
// on the row of that stage, so the class sees which request each sentence answers (or that none does).
import type { AlignedPart, Stage } from "../../../src/teach/types.js";
import { instructionWords } from "../../../src/teach/walkthrough.js";
import { theme } from "../../theme.js";
import { clean, cut, hang, pad, segsLength, wrap, type Line, type Seg } from "../../lines.js";

export const STAGE_NAMES = ["Verify", "Diagnose", "Plan"] as const;

/** Below this the two columns get too narrow to read: the parts are stacked with a stage tag instead. */
const TWO_COLUMNS_MIN = 56;
const SEP: Seg[] = [{ text: " │ ", dim: true }];

/** The left column's width at `width` columns: 30 at 80 (30 + 3 + 47). */
export function leftWidth(width: number): number {
    return Math.max(18, Math.min(40, Math.round(width * 0.375)));
}

/** A part's runs as the typewriter types them: its label (bold) and its text. */
function partSegs(p: AlignedPart): Seg[] {
    const text = clean(p.text).trim();
    const label = clean(p.label).trim();
    if (!label) return [{ text }];
    return [{ text: label, bold: true }, { text: text ? ` ${text}` : "" }].filter((s) => s.text);
}

const partsOf = (stage: Stage): AlignedPart[] => (stage.alignment?.length ? stage.alignment : [{ stage: null, label: "", text: stage.text }]);

export const reflectionLength = (stage: Stage): number => partsOf(stage).reduce((n, p) => n + segsLength(partSegs(p)), 0);

/** What each instruction stage asks, in a few words (the instruction stage shows the full texts). */
function asks(stages: [string, string, string]): [string, string, string] {
    const w = instructionWords(stages);
    return [`by ${w.verify_way}`, `focus: ${w.focus}`, `a ${w.level} fix`];
}

interface Row {
    /** null = no cell on the left (an unaligned part). */
    stage: 0 | 1 | 2 | null;
    /** The stage appeared in an earlier row: its left cell only says "cont.". */
    again: boolean;
    right: Seg[] | null;
}

/**
 * Rows in the model's order. Instruction stages it skipped are shown where they would have come, with
 * a dash, so the left column always lists verify, diagnose, plan.
 */
function rowsOf(parts: { part: AlignedPart; segs: Seg[] }[]): Row[] {
    const rows: Row[] = [];
    const seen = new Set<number>();
    let next = 0;
    const missingUpTo = (s: number) => {
        for (let k = next; k < s; k++) if (!seen.has(k)) rows.push({ stage: k as 0 | 1 | 2, again: false, right: null }), seen.add(k);
    };
    for (const { part, segs } of parts) {
        if (part.stage === null) {
            if (segs.length) rows.push({ stage: null, again: false, right: segs });
            continue;
        }
        missingUpTo(part.stage);
        const again = seen.has(part.stage);
        // A part not typed yet: its stage still shows (empty) the first time, a repeat waits.
        if (!segs.length && again) continue;
        rows.push({ stage: part.stage, again, right: segs.length ? segs : [] });
        seen.add(part.stage);
        next = Math.max(next, part.stage + 1);
    }
    missingUpTo(3);
    return rows;
}

/** Cuts the parts to the first `shown` characters (all when null); the cursor goes after the last typed character. */
function typed(stage: Stage, shown: number | null, cursor: Seg | null) {
    let left = shown ?? Infinity;
    return partsOf(stage).map((part) => {
        const all = partSegs(part);
        const n = segsLength(all);
        const segs = left >= n ? all : cut(all, Math.max(0, left));
        const mid = left < n && left >= 0;
        left -= n;
        return { part, segs: mid && cursor ? [...segs, cursor] : segs };
    });
}

export function reflectionLines(stage: Stage, width: number, height: number, shown: number | null, cursor: Seg | null): Line[] {
    const parts = typed(stage, shown, cursor);
    const ins = stage.instruction?.stages;
    if (!ins || !stage.alignment?.length) return wrap(parts.flatMap((p) => p.segs), width);
    if (!stage.alignment.some((p) => p.stage !== null)) {
        // Nothing to put beside the instruction: three empty rows of it would only say the same thing three times.
        return [...wrap([{ text: "No part of this reflection could be matched to the instruction's stages; it is shown as written.", dim: true, italic: true }], width), [], ...wrap(parts.flatMap((p) => p.segs), width)];
    }
    const ask = asks(ins);
    const rows = rowsOf(parts);

    if (width < TWO_COLUMNS_MIN) {
        // Stacked: each part under a one-line tag of the stage it answers.
        const out: Line[] = [];
        for (const r of rows) {
            if (r.stage !== null && !r.again) out.push([{ text: `${r.stage + 1} ${STAGE_NAMES[r.stage]} `, bold: true, color: theme.accent }, { text: ask[r.stage], dim: true }]);
            out.push(...(r.right === null ? [[{ text: "—", dim: true }]] : r.right.length ? hang([{ text: "  " }], r.right, width) : []));
        }
        return out.map((l) => (l.length ? l : []));
    }

    const lw = leftWidth(width);
    const rw = width - lw - SEP[0]!.text.length;
    const groups: Line[][] = rows.map((r) => {
        const left: Line[] =
            r.stage === null
                ? []
                : r.again
                  ? [[{ text: `  ${STAGE_NAMES[r.stage]}, cont.`, dim: true }]]
                  : [[{ text: `${r.stage + 1} ${STAGE_NAMES[r.stage]}`, bold: true, color: theme.accent }], ...hang([{ text: "  " }], [{ text: ask[r.stage], dim: true }], lw)];
        const right: Line[] = r.right === null ? [[{ text: "— (no part of the reflection answers this)", dim: true, italic: true }]] : r.right.length ? wrap(r.right, rw) : [];
        const n = Math.max(left.length, right.length, 1);
        return Array.from({ length: n }, (_, i) => [...pad(left[i] ?? [], lw), ...SEP, ...(right[i] ?? [])]);
    });
    const total = groups.reduce((n, g) => n + g.length, 0);
    // A blank row between stages reads better, when the stage still fits the screen with it.
    const gap = total + groups.length - 1 <= height;
    const blank = (): Line => [...pad([], lw), ...SEP];
    return groups.flatMap((g, i) => (gap && i > 0 ? [blank(), ...g] : g));
}
