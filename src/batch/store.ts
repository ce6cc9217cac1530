import Database from "better-sqlite3";
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ensureDir } from "../fsDirs.js";
import type { ItemOutcome, ItemResult } from "./types.js";

export const STORE_FILE = "samples.sqlite";
export const MANIFEST_FILE = "manifest.json";

/**
 * A run's sample store: SQLite in WAL mode with synchronous=FULL. Each item and all its samples
 * commit in one transaction, so a SIGKILL at any moment loses at most the items in flight and
 * never leaves half an item; resuming reruns exactly the items without a committed row.
 */
export class RunStore {
    private readonly db: Database.Database;

    private constructor(readonly dir: string, db: Database.Database) {
        this.db = db;
    }

    static open(dir: string): RunStore {
        ensureDir(dir, "run folder", "choose another --out");
        const db = new Database(join(dir, STORE_FILE));
        db.pragma("journal_mode = WAL");
        db.pragma("synchronous = FULL");
        db.exec(`
            CREATE TABLE IF NOT EXISTS items (
                item_id TEXT PRIMARY KEY,
                idx INTEGER NOT NULL,
                task TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('done', 'error')),
                correct_t1 INTEGER,
                error TEXT,
                base TEXT,
                output_tokens INTEGER NOT NULL DEFAULT 0,
                ms REAL NOT NULL DEFAULT 0,
                finished_at TEXT NOT NULL
            );
            CREATE TABLE IF NOT EXISTS samples (
                item_id TEXT NOT NULL,
                instruction_key TEXT NOT NULL,
                sample_index INTEGER NOT NULL,
                correct_by_turn TEXT NOT NULL,
                record TEXT NOT NULL,
                PRIMARY KEY (item_id, instruction_key, sample_index)
            );
        `);
        return new RunStore(dir, db);
    }

    static exists(dir: string): boolean {
        return existsSync(join(dir, MANIFEST_FILE));
    }

    /** Writes the manifest atomically (temp file + rename). */
    static writeManifest(dir: string, manifest: unknown): void {
        ensureDir(dir, "run folder", "choose another --out");
        const tmp = join(dir, `${MANIFEST_FILE}.tmp`);
        writeFileSync(tmp, JSON.stringify(manifest, null, 2) + "\n");
        renameSync(tmp, join(dir, MANIFEST_FILE));
    }

    static readManifest<T>(dir: string): T {
        const file = join(dir, MANIFEST_FILE);
        try {
            return JSON.parse(readFileSync(file, "utf8")) as T;
        } catch (e) {
            throw new Error(`cannot read the run manifest ${file}: ${(e as Error).message}`);
        }
    }

    /** Item ids with a committed row, by status. */
    statuses(): Map<string, "done" | "error"> {
        const rows = this.db.prepare("SELECT item_id, status FROM items").all() as { item_id: string; status: "done" | "error" }[];
        return new Map(rows.map((r) => [r.item_id, r.status]));
    }

    /** Commits one finished item and all its samples (replacing an earlier error row for it). */
    putItem(r: ItemResult): void {
        const tx = this.db.transaction(() => {
            this.db.prepare("DELETE FROM samples WHERE item_id = ?").run(r.itemId);
            this.db
                .prepare("INSERT OR REPLACE INTO items (item_id, idx, task, status, correct_t1, error, base, output_tokens, ms, finished_at) VALUES (?, ?, ?, 'done', ?, NULL, ?, ?, ?, ?)")
                .run(r.itemId, r.index, r.task, r.base.correct_by_turn[0] ? 1 : 0, JSON.stringify(r.base), r.outputTokens, r.ms, new Date().toISOString());
            const ins = this.db.prepare("INSERT INTO samples (item_id, instruction_key, sample_index, correct_by_turn, record) VALUES (?, ?, ?, ?, ?)");
            for (const s of r.samples) {
                ins.run(r.itemId, s.sample?.instruction_key ?? "retry", s.sample?.sample_index ?? 0, JSON.stringify(s.correct_by_turn), JSON.stringify(s));
            }
        });
        tx();
    }

    putError(itemId: string, index: number, task: string, error: string): void {
        this.db
            .prepare("INSERT OR REPLACE INTO items (item_id, idx, task, status, correct_t1, error, base, finished_at) VALUES (?, ?, ?, 'error', NULL, ?, NULL, ?)")
            .run(itemId, index, task, error, new Date().toISOString());
    }

    /** What metrics need, without the records: fast even for 100k samples. */
    outcomes(): ItemOutcome[] {
        const items = this.db.prepare("SELECT item_id, task, correct_t1 FROM items WHERE status = 'done' ORDER BY idx").all() as { item_id: string; task: string; correct_t1: number }[];
        const chains = new Map<string, boolean[][]>();
        for (const row of this.db.prepare("SELECT item_id, correct_by_turn FROM samples ORDER BY item_id, instruction_key, sample_index").iterate() as IterableIterator<{ item_id: string; correct_by_turn: string }>) {
            let list = chains.get(row.item_id);
            if (!list) chains.set(row.item_id, (list = []));
            list.push(JSON.parse(row.correct_by_turn));
        }
        return items.map((r) => ({ itemId: r.item_id, task: r.task, t1: r.correct_t1 === 1, chains: chains.get(r.item_id) ?? [] }));
    }

    errors(): { itemId: string; task: string; error: string }[] {
        return (this.db.prepare("SELECT item_id, task, error FROM items WHERE status = 'error' ORDER BY idx").all() as { item_id: string; task: string; error: string }[]).map((r) => ({ itemId: r.item_id, task: r.task, error: r.error }));
    }

    /** Every stored sample record, in item order (exports and tests). */
    *sampleRecords(): IterableIterator<{ itemId: string; instructionKey: string; sampleIndex: number; record: string }> {
        const q = this.db.prepare("SELECT s.item_id, s.instruction_key, s.sample_index, s.record FROM samples s JOIN items i USING (item_id) ORDER BY i.idx, s.instruction_key, s.sample_index");
        for (const r of q.iterate() as IterableIterator<{ item_id: string; instruction_key: string; sample_index: number; record: string }>) {
            yield { itemId: r.item_id, instructionKey: r.instruction_key, sampleIndex: r.sample_index, record: r.record };
        }
    }

    /** One sample's record by its key (a primary-key lookup), or null. */
    sampleRecord(itemId: string, instructionKey: string, sampleIndex: number): string | null {
        const r = this.db.prepare("SELECT record FROM samples WHERE item_id = ? AND instruction_key = ? AND sample_index = ?").get(itemId, instructionKey, sampleIndex) as { record: string } | undefined;
        return r?.record ?? null;
    }

    /** One item's sample records, in (instruction, sample) order. */
    itemSampleRecords(itemId: string): string[] {
        return (this.db.prepare("SELECT record FROM samples WHERE item_id = ? ORDER BY instruction_key, sample_index").all(itemId) as { record: string }[]).map((r) => r.record);
    }

    baseRecord(itemId: string): string | null {
        const r = this.db.prepare("SELECT base FROM items WHERE item_id = ?").get(itemId) as { base: string | null } | undefined;
        return r?.base ?? null;
    }

    /** Done items in run order, without their records (audit walks them one by one). */
    doneItems(): { itemId: string; task: string }[] {
        return (this.db.prepare("SELECT item_id, task FROM items WHERE status = 'done' ORDER BY idx").all() as { item_id: string; task: string }[]).map((r) => ({ itemId: r.item_id, task: r.task }));
    }

    /**
     * Rewrites stored records and logs why, all in one transaction: either every record changes (and
     * `correct_t1` / `correct_by_turn`, which metrics read, with it) or none does. `rewrite` gets each
     * record as stored now and returns its new JSON; throwing rolls everything back.
     */
    rewriteRecords(targets: { itemId: string; sample: { key: string; index: number } | null }[], rewrite: (json: string, i: number) => string, log: { at: string; verifier: string; summary: unknown }): void {
        const tx = this.db.transaction(() => {
            this.db.exec("CREATE TABLE IF NOT EXISTS audits (at TEXT NOT NULL, verifier TEXT NOT NULL, summary TEXT NOT NULL)");
            const getBase = this.db.prepare("SELECT base FROM items WHERE item_id = ? AND status = 'done'");
            const getSample = this.db.prepare("SELECT record FROM samples WHERE item_id = ? AND instruction_key = ? AND sample_index = ?");
            const putBase = this.db.prepare("UPDATE items SET base = ?, correct_t1 = ? WHERE item_id = ?");
            const putSample = this.db.prepare("UPDATE samples SET record = ?, correct_by_turn = ? WHERE item_id = ? AND instruction_key = ? AND sample_index = ?");
            targets.forEach((t, i) => {
                const row = (t.sample ? getSample.get(t.itemId, t.sample.key, t.sample.index) : getBase.get(t.itemId)) as { base?: string | null; record?: string } | undefined;
                const json = row?.record ?? row?.base;
                if (!json) throw new Error(`record ${t.itemId}${t.sample ? ` ${t.sample.key}#${t.sample.index}` : ""} vanished from the run`);
                const next = rewrite(json, i);
                const cbt = (JSON.parse(next) as { correct_by_turn: boolean[] }).correct_by_turn;
                if (t.sample) putSample.run(next, JSON.stringify(cbt), t.itemId, t.sample.key, t.sample.index);
                else putBase.run(next, cbt[0] ? 1 : 0, t.itemId);
            });
            this.db.prepare("INSERT INTO audits (at, verifier, summary) VALUES (?, ?, ?)").run(log.at, log.verifier, JSON.stringify(log.summary));
        });
        tx();
    }

    /** The audits written into this run (`reflect-lab audit --write`), oldest first. */
    audits(): { at: string; verifier: string; summary: unknown }[] {
        const has = this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audits'").get();
        if (!has) return [];
        return (this.db.prepare("SELECT at, verifier, summary FROM audits ORDER BY rowid").all() as { at: string; verifier: string; summary: string }[]).map((r) => ({ ...r, summary: JSON.parse(r.summary) as unknown }));
    }

    counts(): { items: number; done: number; errors: number; samples: number } {
        const c = this.db.prepare("SELECT COUNT(*) AS n, SUM(status = 'done') AS d, SUM(status = 'error') AS e FROM items").get() as { n: number; d: number | null; e: number | null };
        const s = this.db.prepare("SELECT COUNT(*) AS n FROM samples").get() as { n: number };
        return { items: c.n, done: c.d ?? 0, errors: c.e ?? 0, samples: s.n };
    }

    close(): void {
        this.db.close();
    }
}
