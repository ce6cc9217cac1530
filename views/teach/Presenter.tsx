import { Box, useInput } from "ink";
import { useEffect, useLayoutEffect, useRef } from "react";
import { useStore } from "zustand";
import type { Stage, Walkthrough } from "../../src/teach/types.js";
import { theme } from "../theme.js";
import { DIFF_LEGEND } from "./bodies/correction.js";
import { clean, ellipsize, hang, Lines, lineWidth, rule, textWidth, truncate, wrap, type Line, type Seg } from "../lines.js";
import { matchTeachKey, teachBarItems, teachHelpRows, type TeachAvailable, type TeachKeyId } from "./keys.js";
import { bodyWindow, stageLines, StageBody, typeLength } from "./StageBody.js";
import { cpsOf, type TeachStore } from "./teachStore.js";
import { useTypewriter } from "./useTypewriter.js";

/** What the presenter hands to its host: switching views, exporting, leaving. */
export type PresenterAction = Extract<TeachKeyId, "gallery" | "side" | "new" | "export" | "esc" | "quit">;

export interface PresenterProps {
    walkthrough: Walkthrough | null;
    store: TeachStore;
    columns: number;
    rows: number;
    /** Live mode: what the model is doing now (null: nothing, the loop is over). */
    pending?: string | null;
    /** Live mode: why the model's run stopped early. */
    error?: string | null;
    live?: boolean;
    /** Off while another view (gallery, side by side, form) has the keys. */
    isActive?: boolean;
    /** Which of the optional keys work here (gallery, side by side, new question, export, back). */
    avail?: TeachAvailable;
    onAction(action: PresenterAction): void;
}

const QUESTION_ROWS = 3;
const CAPTION_ROWS = 4;
const MIN_BODY = 4;

const isVerdict = (s: Stage | undefined) => s?.kind === "verdict" || s?.kind === "final";

function questionLines(w: Walkthrough, width: number): Line[] {
    const q = wrap([{ text: clean(w.item.question).trim(), bold: true }], width);
    const choices = w.item.choices?.length ? wrap(w.item.choices.flatMap((c, i): Seg[] => [{ text: i ? "   " : "" }, { text: `${String.fromCharCode(65 + i)}. `, bold: true, color: theme.accent }, { text: clean(c).replace(/\n/g, " ") }]), width) : [];
    return truncate([...q, ...choices], QUESTION_ROWS, width);
}

function captionLines(stage: Stage, hidden: boolean, width: number): Line[] {
    const text = hidden ? "The verdict is hidden so the class can guess first: was the answer right?" : clean(stage.caption);
    const lines = truncate(hang([{ text: "▎ ", color: theme.accent }], [{ text, italic: true }], width), CAPTION_ROWS, width);
    return stage.kind === "correction" && stage.diff ? [...lines, ellipsize([{ text: "▎ ", color: theme.accent }, ...DIFF_LEGEND], width)] : lines;
}

/** Which keys the footer keeps when not all fit, most useful first (shown in keymap order). */
const BAR_PRIORITY: TeachKeyId[] = ["next", "back", "pause", "reveal", "gallery", "side", "new", "export", "quit", "hide", "up", "esc"];

/** The footer: typing state and speed (with its keys) first, then as many keys as fit, `?` (all keys) always. */
function footerLine(paused: boolean, speed: string, avail: TeachAvailable, hideVerdicts: boolean, width: number): Line {
    const pace: Seg[] = [{ text: ` ${speed} ` }, { text: "-+", bold: true, color: theme.accent }];
    const state: Seg[] = paused ? [{ text: "⏸ paused", color: theme.warn, bold: true }, { text: " ·" }, ...pace] : [{ text: "▶" }, ...pace];
    const items = teachBarItems(avail).filter((it) => it.id !== "reveal" || hideVerdicts);
    const always = new Set<TeachKeyId>(["help"]);
    const seg = (it: (typeof items)[number]): Seg[] => [{ text: " · ", dim: true }, { text: it.keys, bold: true, color: theme.accent }, { text: ` ${it.label}`, dim: true }];
    let used = lineWidth(state) + items.filter((it) => always.has(it.id)).reduce((n, it) => n + lineWidth(seg(it)), 0);
    const chosen = new Set<TeachKeyId>(always);
    for (const id of BAR_PRIORITY) {
        const it = items.find((x) => x.id === id);
        if (!it || chosen.has(it.id)) continue;
        const w = lineWidth(seg(it));
        if (used + w <= width) {
            chosen.add(it.id);
            used += w;
        }
    }
    return ellipsize([...state, ...items.filter((it) => chosen.has(it.id)).flatMap(seg)], width);
}

function helpLines(avail: TeachAvailable, width: number): Line[] {
    const rows = teachHelpRows(avail);
    const col = Math.max(...rows.map((r) => r.keys.length)) + 2;
    return [[{ text: "keys", bold: true }, { text: "  (? or esc closes)", dim: true }], ...rows.flatMap((r) => hang([{ text: r.keys.padEnd(col), bold: true, color: theme.accent }], [{ text: r.description }], width))];
}

/**
 * One stage of one item's loop at a time, laid out row by row so it never needs more than `columns`
 * by `rows`: the question pinned on top, the stage's body in the rows left (scrolled when longer),
 * its caption under a rule, the status line and the keys.
 */
export function Presenter({ walkthrough: w, store, columns, rows, pending = null, error = null, live = false, isActive = true, avail = {}, onAction }: PresenterProps) {
    const s = useStore(store);
    const stages = w?.stages ?? [];
    const count = stages.length;
    const index = Math.max(0, Math.min(s.index, count - 1));
    const stage = stages[index];
    const more = live && pending !== null;
    const length = stage ? typeLength(stage) : 0;
    const types = Boolean(stage?.streamed) && !s.done[index] && s.speed !== "instant";
    const shown = types ? Math.min(s.typed, length) : null;
    const typing = shown !== null && shown < length;
    const hidden = isVerdict(stage) && s.hideVerdicts && !s.revealed[index];

    useTypewriter({ length, typed: s.typed, cps: cpsOf(s.speed), paused: s.paused, active: isActive && types && !s.help, onType: (n) => store.getState().type(n, length) });

    // The walkthrough may shrink (a new item) or grow (live): keep the index in range, and open the
    // next stage as it arrives when space was pressed on the last one.
    useEffect(() => {
        const st = store.getState();
        if (count > 0 && st.index > count - 1) st.goto(count - 1, count);
        else if (st.armed && st.index < count - 1) st.goto(st.index + 1, count);
    }, [count, store]);

    const maxScroll = useRef(0);
    // Ink drops a view's key listener in a passive effect, a moment after it is gone: a key in that moment is not ours.
    const mounted = useRef(false);
    useLayoutEffect(() => {
        mounted.current = true;
        return () => void (mounted.current = false);
    }, []);
    useInput(
        (input, key) => {
            if (!mounted.current) return;
            const st = store.getState();
            const k = matchTeachKey(input, key, avail);
            if (!k) return;
            if (st.help && k.id !== "help" && k.id !== "esc" && k.id !== "quit") return;
            switch (k.id) {
                case "next":
                    if (count) st.next({ count, typing, hiddenVerdict: hidden, more });
                    else if (more) st.setMessage("waiting for the model");
                    return;
                case "back":
                    return st.back();
                case "up":
                    return st.scrollBy(-1, maxScroll.current);
                case "down":
                    return st.scrollBy(1, maxScroll.current);
                case "reveal":
                    return isVerdict(stage) ? st.reveal() : undefined;
                case "hide":
                    return st.toggleHide();
                case "pause":
                    return st.togglePause();
                case "slower":
                    return st.changeSpeed(-1);
                case "faster":
                    return st.changeSpeed(1);
                case "help":
                    return st.toggleHelp();
                case "esc":
                    return st.help ? st.toggleHelp(false) : onAction("esc");
                default:
                    return onAction(k.id);
            }
        },
        { isActive }
    );

    const W = Math.max(1, columns);
    const status = statusLine(s.message, pending, error, live, w, W);
    const footer = footerLine(s.paused, s.speed, avail, s.hideVerdicts, W);
    let header: Line;
    let top: Line[] = [];
    let caption: Line[] = [];
    if (w && stage) {
        const left: Line = [{ text: ` stage ${index + 1}/${count}${more ? "+" : ""} `, bold: true, inverse: true, color: theme.accent }, { text: " " }, { text: clean(stage.title), bold: true }];
        const right = ` ${w.item.id} · ${w.model}`;
        const rw = textWidth(right);
        header = lineWidth(left) + rw + 1 <= W ? [...left, { text: " ".repeat(W - lineWidth(left) - rw) }, { text: right, dim: true }] : left;
        top = questionLines(w, W);
        caption = s.help ? [] : captionLines(stage, hidden, W);
    } else header = [{ text: " reflect-lab teach ", bold: true, inverse: true, color: theme.accent }];

    // Rows: header, question, rule, body, rule, caption, status, footer. A short terminal loses caption rows, then question rows.
    const fixed = () => 1 + top.length + 1 + 1 + caption.length + 1 + 1;
    while (rows - fixed() < MIN_BODY && caption.length > 1) caption = truncate(caption, caption.length - 1, W);
    while (rows - fixed() < MIN_BODY && top.length > 1) top = truncate(top, top.length - 1, W);
    const bodyH = Math.max(0, rows - fixed());

    let body: Line[];
    if (s.help) body = helpLines(avail, W);
    else if (stage) body = stageLines(stage, { width: W, height: bodyH, shown, hidden });
    else body = emptyLines(live, pending, Boolean(avail.source), W);
    const win = bodyWindow(body, bodyH, s.help ? 0 : s.scroll, typing);
    maxScroll.current = win.maxScroll;

    const frame = [header, ...top, rule(W)].map((l) => ellipsize(l, W));
    const after = [rule(W), ...caption, status, footer].map((l) => ellipsize(l, W));
    // A terminal shorter than even the fixed rows: the footer's row goes last.
    const topRows = Math.max(0, Math.min(frame.length, rows - after.length));
    return (
        <Box flexDirection="column" width={W}>
            <Lines lines={frame.slice(0, topRows)} width={W} />
            <StageBody rows={win.rows.map((l) => ellipsize(l, W))} width={W} height={bodyH} />
            <Lines lines={after.slice(Math.max(0, after.length - (rows - topRows - bodyH)))} width={W} />
        </Box>
    );
}

function statusLine(message: string | null, pending: string | null, error: string | null, live: boolean, w: Walkthrough | null, width: number): Line {
    const segs: Seg[] = [];
    if (pending) segs.push({ text: `● ${pending}`, color: theme.accent });
    else if (error) segs.push({ text: `■ the run stopped: ${clean(error).replace(/\n/g, " ")}`, color: theme.bad });
    if (message) segs.push({ text: `${segs.length ? " · " : ""}${message}`, color: theme.warn });
    if (!segs.length) {
        if (live && w) segs.push({ text: "the model is done · n asks a new question", dim: true });
        else if (w) segs.push({ text: w.source.provenance ?? `${w.source.kind} ${w.source.path}`, dim: true });
    }
    return ellipsize(segs, width);
}

function emptyLines(live: boolean, pending: string | null, source: boolean, width: number): Line[] {
    const say = live ? (pending ? "waiting for the model: its first answer shows as soon as it starts" : "press n to type a question for the model") : source ? "nothing open: press g for the gallery" : "nothing to show";
    return [[], ...wrap([{ text: say, italic: true }], width)];
}
