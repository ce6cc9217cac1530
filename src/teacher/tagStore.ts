import Database from "better-sqlite3";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { ChatMessage, SamplerSettings } from "../backend/types.js";
import { ERROR_TYPES, type ErrorType } from "./errorTypes.js";

/**
 * Teacher annotations live beside the run, not in samples.sqlite: the run's store stays exactly what
 * generation wrote (its resume checks and crash guarantees untouched), and tags can be thrown away
 * and redone by deleting one file.
 */
export const TAG_STORE_FILE = "teacher.sqlite";

/** Which reflection: a sample chain (item, instruction, sample) and the turn it reflects on. */
export interface TagKey {
    itemId: string;
    instructionKey: string;
    sampleIndex: number;
    turn: number;
}

export interface TagRow extends TagKey {
    task: string;
    types: ErrorType[];
    parsed: boolean;
    raw: string;
    messages: ChatMessage[];
    sampler: SamplerSettings;
    teacherModel: string;
}

export const tagKeyString = (k: TagKey) => `${k.itemId}\u0000${k.instructionKey}\u0000${k.sampleIndex}\u0000${k.turn}`;

export class TagStore {
    private constructor(private readonly db: Database.Database) {}

    static exists(runDir: string): boolean {
        return existsSync(join(runDir, TAG_STORE_FILE));
    }

    static open(runDir: string): TagStore {
        const db = new Database(join(runDir, TAG_STORE_FILE));
        db.pragma("journal_mode = WAL");
        // Each tag is one teacher call of seconds; an fsync per row costs nothing next to it and a crash loses none.
        db.pragma("synchronous = FULL");
        db.exec(`
            CREATE TABLE IF NOT EXISTS error_tags (
                item_id TEXT NOT NULL,
                instruction_key TEXT NOT NULL,
                sample_index INTEGER NOT NULL,
                turn INTEGER NOT NULL,
                task TEXT NOT NULL,
                types TEXT NOT NULL,
                parsed INTEGER NOT NULL,
                raw TEXT NOT NULL,
                messages TEXT NOT NULL,
                sampler TEXT NOT NULL,
                teacher_model TEXT NOT NULL,
                tagged_at TEXT NOT NULL,
                PRIMARY KEY (item_id, instruction_key, sample_index, turn)
            );
        `);
        return new TagStore(db);
    }

    /** Keys already tagged (a resumed run skips them). */
    keys(): Set<string> {
        const rows = this.db.prepare("SELECT item_id, instruction_key, sample_index, turn FROM error_tags").all() as { item_id: string; instruction_key: string; sample_index: number; turn: number }[];
        return new Set(rows.map((r) => tagKeyString({ itemId: r.item_id, instructionKey: r.instruction_key, sampleIndex: r.sample_index, turn: r.turn })));
    }

    put(r: TagRow): void {
        this.db
            .prepare("INSERT OR REPLACE INTO error_tags (item_id, instruction_key, sample_index, turn, task, types, parsed, raw, messages, sampler, teacher_model, tagged_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
            .run(r.itemId, r.instructionKey, r.sampleIndex, r.turn, r.task, JSON.stringify(r.types), r.parsed ? 1 : 0, r.raw, JSON.stringify(r.messages), JSON.stringify(r.sampler), r.teacherModel, new Date().toISOString());
    }

    /** What the breakdown needs, without the texts. */
    *summaries(): IterableIterator<{ task: string; types: ErrorType[]; parsed: boolean; teacherModel: string }> {
        const known = new Set<string>(ERROR_TYPES);
        const q = this.db.prepare("SELECT task, types, parsed, teacher_model FROM error_tags ORDER BY task, item_id, instruction_key, sample_index, turn");
        for (const r of q.iterate() as IterableIterator<{ task: string; types: string; parsed: number; teacher_model: string }>) {
            // A hand-edited or future row with an unknown key is ignored rather than counted under a made-up type.
            const types = (JSON.parse(r.types) as string[]).filter((t): t is ErrorType => known.has(t));
            yield { task: r.task, types, parsed: r.parsed === 1, teacherModel: r.teacher_model };
        }
    }

    get(k: TagKey): TagRow | null {
        const r = this.db.prepare("SELECT * FROM error_tags WHERE item_id = ? AND instruction_key = ? AND sample_index = ? AND turn = ?").get(k.itemId, k.instructionKey, k.sampleIndex, k.turn) as
            | { item_id: string; instruction_key: string; sample_index: number; turn: number; task: string; types: string; parsed: number; raw: string; messages: string; sampler: string; teacher_model: string }
            | undefined;
        if (!r) return null;
        return { itemId: r.item_id, instructionKey: r.instruction_key, sampleIndex: r.sample_index, turn: r.turn, task: r.task, types: JSON.parse(r.types), parsed: r.parsed === 1, raw: r.raw, messages: JSON.parse(r.messages), sampler: JSON.parse(r.sampler), teacherModel: r.teacher_model };
    }

    count(): number {
        return (this.db.prepare("SELECT COUNT(*) AS n FROM error_tags").get() as { n: number }).n;
    }

    close(): void {
        this.db.close();
    }
}
