// The step area: the current turn as cards under the collapsed earlier turns, and the window of it
// that fits (scrolled by the user, or following the text as it streams).
import type { StepRecord } from "../../src/engine/types.js";
import { ellipsize, type Line, type Seg } from "../lines.js";
import type { LiveStep } from "../store.js";
import { theme } from "../theme.js";
import { foldLine, liveCard, olderTurnsLine, stepCard, turnSummary, type Card } from "./cards.js";
import { groupTurns, turnOf, type Turn } from "./turns.js";

/** A row of the scrolling part, with the header of the card it belongs to (kept in view when scrolled into the card). */
export interface BodyRow {
    line: Line;
    head: Line | null;
}

export interface StepArea {
    /**
     * Collapsed earlier turns, then the current turn's re-rolled samples folded into a counted line:
     * pinned above the scrolling cards, so they stay in view however long the cards (empty when expanded).
     */
    pinned: Line[];
    rows: BodyRow[];
}

/** At most this many earlier turns get a line of their own; older ones share one. */
const PINNED_TURNS = 2;

const card = (c: Card): BodyRow[] => c.lines.map((line, i) => ({ line, head: i === 0 ? null : c.sticky }));

/** A turn's cards; folded, its re-rolled samples are left to the caller (one line), expanded they are cards where they were written. */
function turnRows(t: Turn, width: number, expanded: boolean): BodyRow[] {
    const rows: BodyRow[] = [];
    const folds = () => {
        if (expanded) for (const f of t.folds) for (const s of f.steps) rows.push(...card(stepCard(s, width, true)));
    };
    // The re-rolled samples sit just before the reflection in effect.
    let folded = false;
    for (const s of t.steps) {
        if (s.kind === "reflect" && !folded) {
            folds();
            folded = true;
        }
        rows.push(...card(stepCard(s, width)));
    }
    if (!folded) folds();
    return rows;
}

export interface StepAreaInput {
    steps: readonly StepRecord[];
    live: LiveStep | null;
    /** The earlier turns and re-rolled samples as full cards. */
    expanded: boolean;
    width: number;
    spin: string;
}

export function stepArea({ steps, live, expanded, width, spin }: StepAreaInput): StepArea {
    const turns = groupTurns(steps);
    const liveTurn = live ? turnOf(live) : 0;
    const last = turns[turns.length - 1];
    // The turn being written is the current one, even before its first step lands.
    const current = last && last.turn >= liveTurn ? last : live ? { turn: liveTurn, steps: [], folds: [] } : last;
    const earlier = turns.filter((t) => t !== current);
    const rows: BodyRow[] = [];
    let pinned: Line[] = [];
    if (expanded) {
        for (const t of earlier) rows.push({ line: ellipsize([{ text: `▾ turn ${t.turn}`, bold: true, color: theme.accent }], width), head: null }, ...turnRows(t, width, true));
        if (earlier.length && current) rows.push({ line: ellipsize([{ text: `▾ turn ${current.turn}`, bold: true, color: theme.accent }, { text: " · now", dim: true }], width), head: null });
    } else if (earlier.length > PINNED_TURNS) {
        const older = earlier.slice(0, earlier.length - PINNED_TURNS + 1);
        pinned = [olderTurnsLine(older, width), ...earlier.slice(older.length).map((t) => turnSummary(t, width))];
    } else pinned = earlier.map((t) => turnSummary(t, width));
    if (current) rows.push(...turnRows(current, width, expanded));
    if (current?.folds.length && !expanded) pinned.push(foldLine(current.folds, width));
    if (live) rows.push(...card(liveCard(live, width, spin)));
    return { pinned, rows };
}

export interface StepWindow {
    lines: Line[];
    /** The largest first row: scrolling stops there (and following the text means being there). */
    maxTop: number;
    top: number;
}

/**
 * The rows shown in `height`: all of them when they fit; else a window from `top` (the bottom when
 * following), its first row the header of a card scrolled into, its last row saying what is hidden.
 */
export function stepWindow(rows: readonly BodyRow[], height: number, top: number, follow: boolean): StepWindow {
    if (height <= 0) return { lines: [], maxTop: 0, top: 0 };
    if (rows.length <= height) return { lines: rows.map((r) => r.line), maxTop: 0, top: 0 };
    const visible = Math.max(1, height - 1);
    const maxTop = rows.length - visible;
    const at = follow ? maxTop : Math.max(0, Math.min(top, maxTop));
    const lines = rows.slice(at, at + visible).map((r) => r.line);
    const first = rows[at]!;
    // Only while the card goes on below it: a lone header over the next card would read as an empty card.
    if (at > 0 && first.head && visible > 1 && rows[at + 1]?.head === first.head) lines[0] = first.head;
    const below = rows.length - at - visible;
    const hint: Seg[] = [];
    if (at > 0) hint.push({ text: `↑ ${at} line${at === 1 ? "" : "s"} above`, color: theme.accent });
    if (below > 0) hint.push({ text: `${hint.length ? " · " : ""}↓ ${below} line${below === 1 ? "" : "s"} below`, color: theme.accent });
    hint.push({ text: " · ↑↓ pgup/pgdn scroll", dim: true });
    lines.push(hint);
    return { lines, maxTop, top: at };
}
