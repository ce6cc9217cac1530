// Reading ReflectEvo-460k files into records: JSON Lines (D+, D±, D_pref) or pretty-printed JSON
// objects one after another, or in a top-level array (the raw reflection records). Every record
// keeps its number and starting line, so errors and provenance can point at it.
import { resolve } from "node:path";
import { lineFinder } from "../tasks/importers/common.js";
import { TaskFormatError } from "../tasks/formatError.js";
import { readTaskText } from "../tasks/readText.js";
import { printable } from "../terminalText.js";
import type { EvoShape } from "./types.js";

/** A problem with one record of a ReflectEvo file: the file, the record number, its line and the field. */
export class EvoRecordError extends TaskFormatError {
    override name = "EvoRecordError";
    constructor(
        file: string,
        readonly record: number,
        line: number,
        field: string | null,
        detail: string
    ) {
        super(file, line, field, detail);
        this.message = printable(`${file}: record ${record} (line ${line}): ${field ? `field "${field}": ` : ""}${detail}`, { oneLine: true });
    }
}

/** One record as read: its parsed value (null when it is not valid JSON) and where it is. */
export interface EvoRawRecord {
    record: number;
    line: number;
    value: Record<string, unknown> | null;
    /** Why the record cannot be read (invalid JSON, not an object, invalid UTF-8 in it). */
    error: EvoRecordError | null;
}

export interface EvoFile {
    file: string;
    shape: EvoShape | null;
    records: EvoRawRecord[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The shape a record's keys say: raw records have `output`, pairs chosen/rejected trials, D+ one second trial. */
export function shapeOf(o: Record<string, unknown>): EvoShape | null {
    if (Array.isArray(o.output)) return "raw";
    if ("second_trial_reasoning_chosen" in o || "reflection_chosen" in o || "second_trial_reasoning_rejected" in o) return "pair";
    if ("second_trial_reasoning" in o || ("reflections" in o && "first_trial_reasoning" in o)) return "dplus";
    return null;
}

/** One JSON object per line: every line whose first character opens an object, or the first line is one whole object. */
function isJsonLines(lines: string[]): boolean {
    const filled = lines.map((l) => l.trim()).filter(Boolean);
    if (!filled.length) return false;
    try {
        if (isObject(JSON.parse(filled[0]!))) return true;
    } catch {
        // a pretty-printed object starts with a line that is no JSON on its own
    }
    return filled.length > 1 && filled.every((l) => l.startsWith("{"));
}

/**
 * Spans of the top-level values of a text of concatenated JSON objects (or of the elements of one
 * top-level array): balanced braces and brackets outside strings. Text between values that is not
 * whitespace (or an array's commas) becomes a span of its own, reported as not a JSON object. An
 * unterminated string runs to the end of the file, into one record.
 */
function valueSpans(text: string): { start: number; end: number }[] {
    const spans: { start: number; end: number }[] = [];
    let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
    const skip = () => {
        while (i < text.length && /\s/.test(text[i]!)) i++;
    };
    skip();
    const inArray = text[i] === "[";
    if (inArray) i++;
    for (;;) {
        skip();
        if (inArray && text[i] === ",") {
            i++;
            continue;
        }
        if (i >= text.length || (inArray && text[i] === "]")) break;
        const start = i;
        if (text[i] !== "{" && text[i] !== "[") {
            // Stray text: up to the next line that opens an object.
            const next = text.slice(i).search(/\n\s*\{/);
            i = next === -1 ? text.length : i + next + 1;
            spans.push({ start, end: i });
            continue;
        }
        let depth = 0;
        for (; i < text.length; i++) {
            const c = text[i]!;
            if (c === '"') {
                for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === "\\") i++;
            } else if (c === "{" || c === "[") depth++;
            else if (c === "}" || c === "]") {
                if (--depth === 0) {
                    i++;
                    break;
                }
            }
        }
        spans.push({ start, end: i });
    }
    return spans;
}

/**
 * The records of a ReflectEvo file and its shape (from the first record that parses as an object
 * with known keys). Unreadable files (missing, a FIFO or device, over the size cap) throw; invalid
 * UTF-8 or NUL bytes make an error of each record they are in (a line error when the record cannot
 * be told), which the caller throws or, with --skip-invalid, reports.
 */
export async function readEvoFile(path: string): Promise<EvoFile> {
    const file = resolve(path);
    const { text, invalid } = await readEvoText(file);
    const badLines = new Set(invalid.map((e) => e.line));
    const lines = text.split("\n");
    const records: EvoRawRecord[] = [];
    const add = (src: string, line: number, endLine: number) => {
        const record = records.length + 1;
        const fail = (detail: string) => records.push({ record, line, value: null, error: new EvoRecordError(file, record, line, null, detail) });
        if (badLines.size) for (let l = line; l <= endLine; l++) if (badLines.has(l)) return fail(invalid.find((e) => e.line === l)!.detail);
        let v: unknown;
        try {
            v = JSON.parse(src);
        } catch (e) {
            return fail(`invalid JSON: ${(e as Error).message}`);
        }
        if (!isObject(v)) return fail(`expected a JSON object, got ${Array.isArray(v) ? "an array" : JSON.stringify(v)?.slice(0, 40)}`);
        records.push({ record, line, value: v, error: null });
    };
    if (isJsonLines(lines)) {
        lines.forEach((l, i) => {
            if (l.trim()) add(l, i + 1, i + 1);
        });
    } else {
        const lineAt = lineFinder(text);
        for (const s of valueSpans(text)) add(text.slice(s.start, s.end), lineAt(s.start), lineAt(Math.max(s.start, s.end - 1)));
    }
    const first = records.find((r) => r.value && shapeOf(r.value));
    return { file, shape: first ? shapeOf(first.value!) : null, records };
}

/** The file's text; lines of invalid UTF-8 are kept (lossily decoded) and listed, so records can own them. */
async function readEvoText(file: string): Promise<{ text: string; invalid: TaskFormatError[] }> {
    try {
        return await readTaskText(file, { invalid: "skip", blankSkipped: false });
    } catch (e) {
        throw new Error((e as Error).message.replace(/^task file/, "ReflectEvo file").replace(/ task file /, " ReflectEvo file "));
    }
}
