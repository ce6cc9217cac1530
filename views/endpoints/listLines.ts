// The endpoint list as rows: a head, then two rows per endpoint (what it is; its last test, a failure
// wrapped to at most three rows). Columns follow the width, so 80 columns still show the key source.
import type { Endpoint } from "../../src/endpoints/types.js";
import { ellipsize, hang, pad, textWidth, truncate, wrap, type Line, type Seg } from "../lines.js";
import { theme } from "../theme.js";
import { formatTest, keySource, type TestState } from "./format.js";

export interface ListColumns {
    name: number;
    url: number;
    model: number;
    conc: number;
    /** What is left for the key source. */
    key: number;
}

/** The cursor's column. */
const MARK = 2;
/** Rows of one endpoint's test result at most: a failure's reason may be long, and all of it matters. */
const TEST_ROWS = 3;

/** Column widths for `width`; each keeps one space as a gap (at 96 columns: 14, 34, 18, 5 and 23 for the key). */
export function listColumns(width: number): ListColumns {
    const name = 14;
    const conc = 5;
    const rest = Math.max(12, width - MARK - name - conc);
    const url = Math.round(rest * 0.45);
    const model = Math.round(rest * 0.25);
    return { name, url, model, conc, key: rest - url - model };
}

/** `text` in `width` columns, cut in the middle (a URL keeps its host and its path's end). */
export function middle(text: string, width: number): string {
    if (textWidth(text) <= width) return text;
    const chars = [...text];
    const room = Math.max(0, width - 1);
    let head = "";
    let tail = "";
    for (const ch of chars) {
        if (textWidth(head + ch) > Math.ceil(room / 2)) break;
        head += ch;
    }
    for (const ch of chars.reverse()) {
        if (textWidth(ch + tail) > room - textWidth(head)) break;
        tail = ch + tail;
    }
    return `${head}…${tail}`;
}

/** One cell: the text in the column's width less its gap, padded to the full width. */
const cell = (seg: Seg, w: number, cut: "end" | "middle" = "end"): Line => pad([{ ...seg, text: cut === "middle" ? middle(seg.text, w - 1) : seg.text }], w - 1).concat({ text: " " });

export function listHead(c: ListColumns, range: { from: number; to: number; total: number } | null): Line {
    const heads = [cell({ text: "name" }, c.name), cell({ text: "URL" }, c.url), cell({ text: "model" }, c.model), cell({ text: "conc" }, c.conc)].flat();
    const more = range && range.to - range.from < range.total ? `   ${range.from + 1}-${range.to} of ${range.total}` : "";
    return [{ text: " ".repeat(MARK) }, ...heads.map((s) => ({ ...s, color: theme.muted })), { text: `key${more}`, color: theme.muted }];
}

/** An endpoint's rows: what it is (name, URL, model, concurrency, where its key comes from), then its last test. */
export function entryLines(e: Endpoint, active: boolean, hasStoredKey: boolean, test: TestState | undefined, c: ListColumns, width: number): Line[] {
    const key = keySource(e, hasStoredKey);
    const row: Line = [
        { text: active ? "› " : "  ", color: active ? theme.accent : undefined },
        ...cell({ text: e.name, color: active ? theme.accent : undefined, bold: active }, c.name),
        ...cell({ text: e.baseURL }, c.url, "middle"),
        ...cell({ text: e.model }, c.model, "middle"),
        ...cell({ text: `×${e.concurrency}` }, c.conc),
        // Cut in the middle: a long variable name keeps its "$" and the "unset" warning.
        { text: middle(key.text, Math.max(1, width - MARK - c.name - c.url - c.model - c.conc)), color: key.tone ? theme[key.tone] : undefined }
    ];
    const t = formatTest(test, e);
    const indent = [{ text: "    " }];
    const result = t.tone === "bad" ? truncate(hang(indent, [{ text: t.text, color: theme.bad }], width), TEST_ROWS, width) : [ellipsize([...indent, { text: t.text, color: theme[t.tone] }], width)];
    return [row, ...result];
}

export function emptyListLines(width: number): Line[] {
    return wrap([{ text: "no endpoints yet: a adds one (vLLM, llama-server, Ollama or a hosted OpenAI-compatible API)", color: theme.muted }], width);
}
