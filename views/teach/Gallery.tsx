import { Box, Text, useInput } from "ink";
import { useMemo, useReducer, useRef } from "react";
import type { GalleryEntry, Outcome } from "../../src/teach/types.js";
import { theme, type Tone } from "../theme.js";

export type GalleryTab = Outcome | "all";

export const GALLERY_TABS: { tab: GalleryTab; label: string; short: string }[] = [
    { tab: "corrected", label: "corrected", short: "corrected" },
    { tab: "not-corrected", label: "not corrected", short: "not corr." },
    { tab: "flipped", label: "flipped", short: "flipped" },
    { tab: "right-first", label: "right first", short: "right 1st" },
    { tab: "all", label: "all", short: "all" }
];

/** Correctness by turn in three letters: readable on a projector without a legend. */
const OUTCOME_MARK: Record<Outcome, { mark: string; tone: Tone }> = {
    corrected: { mark: "w→r", tone: "ok" },
    "not-corrected": { mark: "w→w", tone: "bad" },
    flipped: { mark: "r→w", tone: "warn" },
    "right-first": { mark: "r", tone: "muted" }
};

const ALL_TASKS = "all tasks";

/** Cuts a cell to `n` characters with an ellipsis; the row's own truncation catches wide characters. */
const cell = (s: string, n: number) => (s.length > n ? `${s.slice(0, Math.max(0, n - 1))}…` : s.padEnd(n));

interface GalleryState {
    tab: GalleryTab;
    /** Index into the task list (0 = all tasks). */
    task: number;
    /** Cursor position in the filtered list. */
    pos: number;
    /** First visible row: a stable viewport, so PgDn turns a page instead of re-centring. */
    top: number;
}

/** Rows around the list: border 2, title, tabs, task line, column heads, the footer, the help line. */
const CHROME_ROWS = 8;

/** Pick an example by outcome and task; only the visible window is rendered, so 10,000 entries page instantly. */
export function Gallery(props: { entries: GalleryEntry[]; columns: number; rows: number; selected?: number; onOpen(entry: GalleryEntry, index: number): void; onSide(entry: GalleryEntry): void; onBack(): void }) {
    const { entries, columns, rows } = props;
    const height = Math.max(1, rows - CHROME_ROWS);
    const inner = Math.max(10, columns - 4);

    const tasks = useMemo(() => [ALL_TASKS, ...new Set(entries.map((e) => e.task))], [entries]);
    // Filtered index lists, cached per (task, tab): built once per filter, reused by every keypress.
    const cache = useMemo(() => new Map<string, number[]>(), [entries]);
    const filtered = (task: number, tab: GalleryTab): number[] => {
        const k = `${task}\u0000${tab}`;
        let v = cache.get(k);
        if (!v) {
            const t = task === 0 ? null : tasks[task];
            v = [];
            for (let i = 0; i < entries.length; i++) {
                const e = entries[i]!;
                if ((t === null || e.task === t) && (tab === "all" || e.outcome === tab)) v.push(i);
            }
            cache.set(k, v);
        }
        return v;
    };
    const counts = (task: number): Record<GalleryTab, number> => {
        const c: Record<GalleryTab, number> = { corrected: 0, "not-corrected": 0, flipped: 0, "right-first": 0, all: 0 };
        for (const t of GALLERY_TABS) c[t.tab] = filtered(task, t.tab).length;
        return c;
    };
    const widths = useMemo(() => {
        let id = 4, task = 4, sample = 2;
        for (const e of entries) {
            id = Math.max(id, e.itemId.length);
            task = Math.max(task, e.task.length);
            sample = Math.max(sample, String(e.sampleIndex).length + 1);
        }
        return { id: Math.min(id, 16), task: Math.min(task, 12), sample };
    }, [entries]);

    // State lives in a ref: keys can arrive before the input handler is re-subscribed with fresh state.
    const st = useRef<GalleryState | null>(null);
    if (!st.current) {
        const pick = props.selected !== undefined && entries[props.selected] ? props.selected : null;
        let tab: GalleryTab = filtered(0, "corrected").length ? "corrected" : "all";
        if (pick !== null && !filtered(0, tab).includes(pick)) tab = "all";
        const pos = pick === null ? 0 : Math.max(0, filtered(0, tab).indexOf(pick));
        st.current = { tab, task: 0, pos, top: Math.max(0, pos - Math.floor(height / 2)) };
    }
    const [, render] = useReducer((x: number) => x + 1, 0);

    /** Moves the cursor, keeping it inside the viewport (scrolling by as much as it moved past an edge). */
    const moveTo = (s: GalleryState, pos: number, n: number): GalleryState => {
        const p = Math.max(0, Math.min(n - 1, pos));
        let top = s.top;
        if (p < top) top = p;
        else if (p >= top + height) top = p - height + 1;
        return { ...s, pos: p, top: Math.max(0, Math.min(top, n - height)) };
    };
    /** Changing a filter keeps the selected entry when it is still listed, else starts at the top. */
    const refilter = (s: GalleryState, task: number, tab: GalleryTab): GalleryState => {
        const before = filtered(s.task, s.tab)[s.pos];
        const list = filtered(task, tab);
        const at = before === undefined ? -1 : list.indexOf(before);
        return moveTo({ tab, task, pos: 0, top: at < 0 ? 0 : s.top }, Math.max(0, at), list.length);
    };

    useInput((input, key) => {
        const s = st.current!;
        const list = filtered(s.task, s.tab);
        const n = list.length;
        const set = (next: GalleryState) => {
            st.current = next;
            render();
        };
        const cur = list[s.pos];
        const tabAt = GALLERY_TABS.findIndex((t) => t.tab === s.tab);
        if (key.escape || input === "q") return props.onBack();
        if (key.return) return cur === undefined ? undefined : props.onOpen(entries[cur]!, cur);
        if (input === "s") return cur === undefined ? undefined : props.onSide(entries[cur]!);
        if (key.upArrow) return set(moveTo(s, s.pos - 1, n));
        if (key.downArrow) return set(moveTo(s, s.pos + 1, n));
        if (key.pageUp) return set(moveTo({ ...s, top: s.top - height }, s.pos - height, n));
        if (key.pageDown) return set(moveTo({ ...s, top: s.top + height }, s.pos + height, n));
        if (key.home) return set(moveTo(s, 0, n));
        if (key.end) return set(moveTo(s, n - 1, n));
        if (key.leftArrow || key.rightArrow || key.tab) {
            const step = key.leftArrow || (key.tab && key.shift) ? -1 : 1;
            return set(refilter(s, s.task, GALLERY_TABS[(tabAt + step + GALLERY_TABS.length) % GALLERY_TABS.length]!.tab));
        }
        if (/^[1-5]$/.test(input)) return set(refilter(s, s.task, GALLERY_TABS[Number(input) - 1]!.tab));
        if (input === "t" || input === "T") return set(refilter(s, (s.task + (input === "T" ? tasks.length - 1 : 1)) % tasks.length, s.tab));
    });

    // New entries or a smaller terminal may leave the task or the cursor out of range: clamp, do not reset.
    if (st.current.task >= tasks.length) st.current = { ...st.current, task: 0 };
    const n0 = filtered(st.current.task, st.current.tab).length;
    if (st.current.pos >= n0 || st.current.top > Math.max(0, n0 - height) || st.current.pos >= st.current.top + height) st.current = moveTo(st.current, Math.min(st.current.pos, n0 - 1), n0);
    const s = st.current;
    const list = filtered(s.task, s.tab);
    const c = counts(s.task);
    const shown = list.slice(s.top, s.top + height);
    // Long labels when the whole tab line fits (the active tab padded by a space either side, two between tabs).
    const long = GALLERY_TABS.reduce((n, t) => n + t.label.length + String(c[t.tab]).length + 1, 0) + 2 + 2 * (GALLERY_TABS.length - 1) <= inner;
    const w = widths;
    const head = `  ${cell("item", w.id)} ${cell("task", w.task)} ${cell("instr", 5)} ${cell("#", w.sample)} ${cell("turns", 5)} question`;
    const below = list.length - s.top - shown.length;

    return (
        <Box flexDirection="column" width={columns}>
            <Box flexDirection="column" borderStyle="round" borderColor={theme.accent} paddingX={1} width={columns}>
                <Text wrap="truncate-end">
                    <Text bold>gallery</Text>
                    <Text color={theme.muted}> · {entries.length} example{entries.length === 1 ? "" : "s"} · pick one to walk through</Text>
                </Text>
                <Text wrap="truncate-end">
                    {GALLERY_TABS.map((t, i) => (
                        <Text key={t.tab}>
                            {i ? "  " : ""}
                            <Text inverse={t.tab === s.tab} bold={t.tab === s.tab} color={t.tab === s.tab ? theme.accent : c[t.tab] ? undefined : theme.muted}>
                                {t.tab === s.tab ? " " : ""}
                                {long ? t.label : t.short} {c[t.tab]}
                                {t.tab === s.tab ? " " : ""}
                            </Text>
                        </Text>
                    ))}
                </Text>
                <Text wrap="truncate-end">
                    <Text color={theme.muted}>task </Text>
                    <Text bold>{tasks[s.task]}</Text>
                    <Text color={theme.muted}>{tasks.length > 2 ? ` (t: next of ${tasks.length - 1})` : ""}</Text>
                </Text>
                <Text color={theme.muted} wrap="truncate-end">
                    {head}
                </Text>
                <Box flexDirection="column" height={height}>
                    {shown.length === 0 ? (
                        <Text color={theme.muted} wrap="truncate-end">
                            {"  "}no {s.tab === "all" ? "" : `${GALLERY_TABS.find((t) => t.tab === s.tab)!.label} `}examples{s.task ? ` in ${tasks[s.task]}` : ""}: ←/→ another outcome
                        </Text>
                    ) : (
                        shown.map((idx, k) => {
                            const e = entries[idx]!;
                            const active = s.top + k === s.pos;
                            const m = OUTCOME_MARK[e.outcome];
                            return (
                                <Text key={idx} wrap="truncate-end">
                                    <Text color={active ? theme.accent : undefined}>{active ? "› " : "  "}</Text>
                                    <Text bold={active} color={active ? theme.accent : undefined}>
                                        {cell(e.itemId, w.id)}
                                    </Text>
                                    <Text color={theme.muted}> {cell(e.task, w.task)} </Text>
                                    <Text>{cell(e.instructionKey ?? "retry", 5)} </Text>
                                    <Text color={theme.muted}>{cell(`#${e.sampleIndex}`, w.sample)} </Text>
                                    <Text color={theme[m.tone]}>{cell(m.mark, 5)} </Text>
                                    <Text bold={active}>{e.title}</Text>
                                </Text>
                            );
                        })
                    )}
                </Box>
                <Text color={theme.muted} wrap="truncate-end">
                    {list.length ? `${s.pos + 1}/${list.length}` : "0/0"}
                    {s.top > 0 ? ` · ↑ ${s.top} more` : ""}
                    {below > 0 ? ` · ↓ ${below} more` : ""}
                </Text>
            </Box>
            <Text color={theme.muted} wrap="truncate-end">
                <Text color={theme.accent}>⏎</Text> open · <Text color={theme.accent}>s</Text> side by side · <Text color={theme.accent}>←→</Text> outcome · <Text color={theme.accent}>t</Text> task · PgUp PgDn Home End · <Text color={theme.accent}>esc</Text> back
            </Text>
        </Box>
    );
}
