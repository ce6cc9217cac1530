// One body per stage kind, as rows of a known width; the presenter shows a window of them.
import type { Stage } from "../../src/teach/types.js";
import { theme } from "../theme.js";
import { correctionLength, correctionLines } from "./bodies/correction.js";
import { clean, cut, hang, Lines, wrap, type Line, type Seg } from "../lines.js";
import { reflectionLength, reflectionLines, STAGE_NAMES } from "./bodies/reflection.js";
import { summaryLines, verdictLines } from "./bodies/verdict.js";

export interface BodyContext {
    width: number;
    /** Rows the body gets (a layout hint: bodies may be longer, the presenter scrolls them). */
    height: number;
    /** Characters typed so far; null = the whole stage. */
    shown: number | null;
    /** A verdict stage waiting for v. */
    hidden: boolean;
}

/** The typing cursor: shows the class that the model is still "writing". */
const CURSOR: Seg = { text: "▌", color: theme.accent };

/** How many characters a stage types (the same count its body cuts by). */
export function typeLength(stage: Stage): number {
    if (stage.kind === "reflection") return reflectionLength(stage);
    if (stage.kind === "correction") return correctionLength(stage);
    return [...clean(stage.text)].length;
}

function textLines(stage: Stage, ctx: BodyContext, cursor: Seg | null): Line[] {
    const segs: Seg[] = [{ text: clean(stage.text) }];
    const body = ctx.shown === null ? segs : cut(segs, ctx.shown);
    if (!clean(stage.text).trim() && ctx.shown === null) return [[{ text: "(the model wrote nothing)", dim: true, italic: true }]];
    return wrap(cursor ? [...body, cursor] : body, ctx.width);
}

/** The instruction's three stages, each under its name, with a blank row between them when they fit. */
function instructionLines(stage: Stage, ctx: BodyContext): Line[] {
    const stages = stage.instruction?.stages;
    if (!stages) return wrap([{ text: clean(stage.text) }], ctx.width);
    const name = (i: number) => `${i + 1} ${STAGE_NAMES[i]}`;
    const col = Math.max(...stages.map((_, i) => name(i).length)) + 2;
    const groups = stages.map((t, i) => hang([{ text: name(i).padEnd(col), bold: true, color: theme.accent }], [{ text: clean(t) }], ctx.width));
    const total = groups.reduce((n, g) => n + g.length, 0);
    const gap = total + groups.length - 1 <= ctx.height;
    return groups.flatMap((g, i) => (gap && i > 0 ? [[], ...g] : g));
}

/** The body of a stage as rows no wider than `ctx.width`. */
export function stageLines(stage: Stage, ctx: BodyContext): Line[] {
    const typing = ctx.shown !== null && ctx.shown < typeLength(stage);
    const cursor = typing ? CURSOR : null;
    switch (stage.kind) {
        case "verdict":
        case "final":
            return verdictLines(stage, ctx.width, ctx.hidden);
        case "summary":
            return summaryLines(stage, ctx.width);
        case "instruction":
            return instructionLines(stage, ctx);
        case "reflection":
            return reflectionLines(stage, ctx.width, ctx.height, ctx.shown, cursor);
        case "correction":
            return correctionLines(stage, ctx.width, ctx.shown, cursor);
        default:
            return textLines(stage, ctx, cursor);
    }
}

/** The rows a body shows at `scroll`, with a last row saying what is above and below when it does not fit. */
export function bodyWindow(lines: Line[], height: number, scroll: number, follow: boolean): { rows: Line[]; maxScroll: number; scroll: number } {
    if (height <= 0) return { rows: [], maxScroll: 0, scroll: 0 };
    if (lines.length <= height) return { rows: lines, maxScroll: 0, scroll: 0 };
    const visible = Math.max(1, height - 1);
    const maxScroll = lines.length - visible;
    // While a stage types, the window follows the text as it grows.
    const at = follow ? maxScroll : Math.max(0, Math.min(scroll, maxScroll));
    const below = lines.length - at - visible;
    const hint: Seg[] = [];
    if (at > 0) hint.push({ text: `↑ ${at} line${at === 1 ? "" : "s"} above`, color: theme.accent });
    if (below > 0) hint.push({ text: `${hint.length ? " · " : ""}↓ ${below} more line${below === 1 ? "" : "s"}`, color: theme.accent });
    hint.push({ text: " (↑↓ scroll)", dim: true });
    return { rows: height === 1 ? [hint] : [...lines.slice(at, at + visible), hint], maxScroll, scroll: at };
}

/** A body window (from bodyWindow), padded to `height` rows so the caption and footer stay put. */
export function StageBody({ rows, width, height }: { rows: Line[]; width: number; height: number }) {
    const padded = [...rows.slice(0, height), ...Array.from({ length: Math.max(0, height - rows.length) }, (): Line => [])];
    return <Lines lines={padded} width={width} />;
}
