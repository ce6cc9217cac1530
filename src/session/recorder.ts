import { closeSync, fsyncSync, openSync, writeSync, writeFileSync } from "node:fs";
import { folderStamp } from "../paths.js";
import { join } from "node:path";
import type { EngineEvent } from "../engine/types.js";
import { ensureDir } from "../fsDirs.js";

export const SESSION_SCHEMA = "reflect-lab/session@1";

/** A lab, ask or teach session's manifest.json (a batch run's is RunManifest, src/batch/runs.ts). */
export interface SessionManifest {
    schema: typeof SESSION_SCHEMA;
    id: string;
    kind: "lab" | "ask" | "teach";
    created_at: string;
    model: { file: string; path: string; sha256: string; adapters: string[] };
    backend: Record<string, unknown>;
    settings: Record<string, unknown>;
    versions: Record<string, string>;
}

/**
 * Appends every engine event worth keeping to sessions/<id>/steps.jsonl, one fsynced line each,
 * so quitting (or a crash) at any moment keeps every step already taken. Prompts are written
 * when they are sent, before the model answers.
 */
export class SessionRecorder {
    readonly dir: string;
    private fd: number | null;
    private currentItem = "";

    constructor(sessionsDir: string, readonly manifest: SessionManifest) {
        this.dir = join(sessionsDir, manifest.id);
        ensureDir(this.dir, "session folder", "set REFLECT_LAB_SESSIONS to a writable folder");
        writeFileSync(join(this.dir, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
        this.fd = openSync(join(this.dir, "steps.jsonl"), "a");
    }

    get stepsFile(): string {
        return join(this.dir, "steps.jsonl");
    }

    /** Feed this every engine event; text chunks are not stored (the finished step holds the whole output). */
    onEvent(e: EngineEvent): void {
        switch (e.type) {
            case "prompt":
                this.write({ ...e, item_id: this.currentItem });
                break;
            case "step":
                this.write({ type: "step", item_id: e.record.item.id, step: e.step });
                break;
            case "done":
                this.write({ type: "item", record: e.record });
                break;
            case "error":
                this.write({ type: "item", record: e.record, error: e.error.message });
                break;
            default:
                break;
        }
    }

    /** Records which item the following prompts belong to (prompt events carry no record). */
    beginItem(itemId: string): void {
        this.currentItem = itemId;
        this.write({ type: "begin", item_id: itemId, at: new Date().toISOString() });
    }

    write(obj: unknown): void {
        if (this.fd === null) return;
        writeSync(this.fd, JSON.stringify(obj) + "\n");
        fsyncSync(this.fd);
    }

    close(): void {
        if (this.fd !== null) {
            closeSync(this.fd);
            this.fd = null;
        }
    }
}

export function newSessionId(kind: string, now = new Date()): string {
    const stamp = folderStamp(now);
    return `${stamp}-${kind}-${Math.random().toString(36).slice(2, 6)}`;
}
