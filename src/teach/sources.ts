import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import Database from "better-sqlite3";
import type { ItemRecord } from "../engine/types.js";
import { MANIFEST_FILE, STORE_FILE } from "../batch/store.js";
import { checkRecord, readJsonLines } from "./records.js";
import { readTeachSet } from "./set.js";
import type { GalleryEntry, Outcome, WalkthroughSource } from "./types.js";
import { buildWalkthrough, outcomeOf, type TeachKit } from "./walkthrough.js";

/** Recorded walkthroughs to replay: a lab session, a batch run or an example set, listed for the gallery. */
export interface TeachSource {
    kind: "session" | "run" | "set";
    path: string;
    entries: GalleryEntry[];
    /** Other chains on the same failed attempt (same item, byte-identical turn-1 answer): other instructions or samples. */
    siblings(entry: GalleryEntry): GalleryEntry[];
    close(): void;
}

const firstLine = (q: string) => {
    const l = q.trim().split("\n")[0] ?? "";
    return l.length > 100 ? `${l.slice(0, 99)}…` : l;
};

function entryFor(record: ItemRecord, source: WalkthroughSource, kit: TeachKit): GalleryEntry {
    return {
        itemId: record.item.id,
        task: record.item.task,
        outcome: outcomeOf(record),
        instructionKey: record.sample?.instruction_key ?? record.steps.find((s) => s.kind === "reflect" && !s.superseded)?.instruction_key ?? null,
        sampleIndex: record.sample?.sample_index ?? 0,
        title: firstLine(record.item.question),
        open: () => buildWalkthrough(record, source, kit)
    };
}

/** Siblings among in-memory records: same item id and the same turn-1 output. */
function memorySiblings(pairs: { entry: GalleryEntry; record: ItemRecord }[]) {
    const t1 = (r: ItemRecord) => r.steps.find((s) => s.kind === "answer")?.output ?? "";
    return (entry: GalleryEntry) => {
        const me = pairs.find((p) => p.entry === entry);
        if (!me) return [];
        return pairs.filter((p) => p !== me && p.record.item.id === me.record.item.id && t1(p.record) === t1(me.record)).map((p) => p.entry);
    };
}

/** A lab or ask session: every finished item line of its steps.jsonl, in the order they happened. */
export function readSession(dir: string, kit: TeachKit): TeachSource {
    const file = join(dir, "steps.jsonl");
    const pairs: { entry: GalleryEntry; record: ItemRecord }[] = [];
    for (const { line, value } of readJsonLines(file, "session steps")) {
        const v = value as { type?: string; record?: unknown };
        if (v.type !== "item") continue;
        const record = checkRecord(v.record, { file, line, what: "record" });
        if (!record.steps.some((s) => s.kind === "answer")) continue;
        pairs.push({ record, entry: entryFor(record, { kind: "session", path: dir, itemId: record.item.id }, kit) });
    }
    return { kind: "session", path: dir, entries: pairs.map((p) => p.entry), siblings: memorySiblings(pairs), close: () => {} };
}

interface SampleRow {
    item_id: string;
    task: string;
    instruction_key: string;
    sample_index: number;
    correct_by_turn: string;
    title: string | null;
}

/**
 * A batch run's store, read-only. The list reads only keys, outcomes and question titles (SQLite's
 * json_extract, so a 100k-sample run lists in a moment); a record is parsed when it is opened.
 * Items right at turn 1 have no samples: their base record stands for them.
 */
export function readRun(dir: string, kit: TeachKit): TeachSource {
    const file = join(dir, STORE_FILE);
    if (!existsSync(file)) throw new Error(`${dir} is not a batch run: no ${STORE_FILE} (a lab session has steps.jsonl; pass it with --replay)`);
    const db = new Database(file, { readonly: true, fileMustExist: true });
    const getSample = db.prepare("SELECT record FROM samples WHERE item_id = ? AND instruction_key = ? AND sample_index = ?");
    const getBase = db.prepare("SELECT base FROM items WHERE item_id = ?");
    const parse = (json: string | undefined, what: string) => {
        if (!json) throw new Error(`${file}: ${what} is gone from the run`);
        try {
            return checkRecord(JSON.parse(json), { file, what });
        } catch (e) {
            throw new Error(e instanceof SyntaxError ? `${file} (${what}): not JSON (${e.message})` : (e as Error).message);
        }
    };
    const rows = db
        .prepare(
            `SELECT s.item_id, i.task, s.instruction_key, s.sample_index, s.correct_by_turn, substr(json_extract(s.record, '$.item.question'), 1, 300) AS title
             FROM samples s JOIN items i USING (item_id) WHERE i.status = 'done' ORDER BY i.idx, s.instruction_key, s.sample_index`
        )
        .all() as SampleRow[];
    const bases = db
        .prepare(`SELECT item_id, task, correct_by_turn_json AS correct_by_turn, title FROM (SELECT i.item_id, i.task, i.idx, json_extract(i.base, '$.correct_by_turn') AS correct_by_turn_json, substr(json_extract(i.base, '$.item.question'), 1, 300) AS title FROM items i WHERE i.status = 'done' AND NOT EXISTS (SELECT 1 FROM samples s WHERE s.item_id = i.item_id)) ORDER BY idx`)
        .all() as Omit<SampleRow, "instruction_key" | "sample_index">[];
    const entries: GalleryEntry[] = [];
    const turn1 = new Map<GalleryEntry, string>();
    const outcome = (json: string): Outcome => outcomeOf({ correct_by_turn: JSON.parse(json) as boolean[] });
    for (const r of rows) {
        const key = r.instruction_key === "retry" ? null : r.instruction_key;
        const what = `item ${r.item_id}, sample ${r.instruction_key}#${r.sample_index}`;
        const source: WalkthroughSource = { kind: "run", path: dir, itemId: r.item_id, sample: { instructionKey: key, sampleIndex: r.sample_index } };
        entries.push({ itemId: r.item_id, task: r.task, outcome: outcome(r.correct_by_turn), instructionKey: key, sampleIndex: r.sample_index, title: firstLine(r.title ?? ""), open: () => buildWalkthrough(parse((getSample.get(r.item_id, r.instruction_key, r.sample_index) as { record: string } | undefined)?.record, what), source, kit) });
    }
    for (const r of bases) {
        const source: WalkthroughSource = { kind: "run", path: dir, itemId: r.item_id };
        entries.push({ itemId: r.item_id, task: r.task, outcome: outcome(r.correct_by_turn), instructionKey: null, sampleIndex: 0, title: firstLine(r.title ?? ""), open: () => buildWalkthrough(parse((getBase.get(r.item_id) as { base: string | null } | undefined)?.base ?? undefined, `item ${r.item_id}`), source, kit) });
    }
    // Batch samples of one item share its turn-1 attempt (unless --turn1-from mixed runs): compared lazily, on request.
    const t1Of = db.prepare("SELECT json_extract(record, '$.steps[0].output') AS t1 FROM samples WHERE item_id = ? AND instruction_key = ? AND sample_index = ?");
    const t1 = (e: GalleryEntry) => {
        let v = turn1.get(e);
        if (v === undefined) turn1.set(e, (v = ((t1Of.get(e.itemId, e.instructionKey ?? "retry", e.sampleIndex) as { t1: string | null } | undefined)?.t1 ?? "") as string));
        return v;
    };
    return {
        kind: "run",
        path: dir,
        entries,
        siblings: (entry) => entries.filter((e) => e !== entry && e.itemId === entry.itemId && e.instructionKey !== null && t1(e) === t1(entry)),
        close: () => db.close()
    };
}

/** An example set (JSONL of recorded chains with provenance, see set.ts). */
export function readSetSource(file: string, kit: TeachKit): TeachSource {
    const set = readTeachSet(file);
    const pairs = set.examples.map(({ record, provenance }) => ({ record, entry: entryFor(record, { kind: "set", path: file, itemId: record.item.id, provenance }, kit) }));
    return { kind: "set", path: file, entries: pairs.map((p) => p.entry), siblings: memorySiblings(pairs), close: () => {} };
}

/** Opens what `path` is: a session folder (steps.jsonl), a batch run folder (samples.sqlite + manifest) or an example-set file. */
export function openTeachSource(path: string, kit: TeachKit): TeachSource {
    const abs = resolve(path);
    let st;
    try {
        st = statSync(abs);
    } catch {
        throw new Error(`${path}: no such file or folder`);
    }
    if (st.isDirectory()) {
        if (existsSync(join(abs, "steps.jsonl"))) return readSession(abs, kit);
        if (existsSync(join(abs, STORE_FILE)) || existsSync(join(abs, MANIFEST_FILE))) return readRun(abs, kit);
        throw new Error(`${path} is neither a lab session (no steps.jsonl) nor a batch run (no ${STORE_FILE})`);
    }
    return readSetSource(abs, kit);
}

/** Entries by outcome, for the gallery's filter line. */
export function outcomeCounts(entries: GalleryEntry[]): Record<Outcome, number> {
    const c: Record<Outcome, number> = { corrected: 0, "not-corrected": 0, flipped: 0, "right-first": 0 };
    for (const e of entries) c[e.outcome]++;
    return c;
}
