import { existsSync, readdirSync, statSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import type { RunManifest } from "../batch/runner.js";
import { RunStore, STORE_FILE } from "../batch/store.js";
import type { ItemRecord } from "../engine/types.js";
import { SESSIONS_DIR } from "../paths.js";

/** A batch run opened for curation. */
export interface CurateSource {
    dir: string;
    id: string;
    manifest: RunManifest;
    store: RunStore;
}

/** A batch run as the curate screen lists it. */
export interface BatchRunInfo {
    dir: string;
    id: string;
    createdAt: string;
    tasks: string;
    items: number;
    done: number;
    samples: number;
    model: string;
    mode: RunManifest["config"]["mode"];
    verifier: RunManifest["config"]["verifier"];
    seed: number;
}

const isDir = (p: string) => existsSync(p) && statSync(p).isDirectory();

/** The folder of a run given as a path or as a run id under the sessions folder; throws naming the run. */
export function resolveRun(ref: string, sessionsDir: string = SESSIONS_DIR): string {
    const candidates = isAbsolute(ref) ? [ref] : [resolve(ref), join(sessionsDir, ref)];
    const dir = candidates.find(isDir);
    if (!dir) throw new Error(`no batch run "${ref}": not a folder, nor a run id under ${sessionsDir}`);
    if (!RunStore.exists(dir)) throw new Error(`${dir} holds no batch run (no manifest.json)`);
    return dir;
}

/** Reads and checks a run's manifest: lab sessions have a manifest too, of another schema. */
export function readRunManifest(dir: string): RunManifest {
    const m = RunStore.readManifest<RunManifest>(dir);
    if (m.schema !== "reflect-lab/run@1") throw new Error(`${dir} is not a batch run (manifest schema ${String(m.schema)}); curate batch runs made with reflect-lab batch`);
    // Opening a store creates one; a run without it has nothing to curate.
    if (!existsSync(join(dir, STORE_FILE))) throw new Error(`batch run ${m.id} (${dir}) has no ${STORE_FILE}`);
    return m;
}

export function openSource(ref: string, sessionsDir: string = SESSIONS_DIR): CurateSource {
    const dir = resolveRun(ref, sessionsDir);
    const manifest = readRunManifest(dir);
    return { dir, id: manifest.id, manifest, store: RunStore.open(dir) };
}

/** Opens every run once (the same folder twice is refused: its samples would count double). */
export function openSources(refs: string[], sessionsDir: string = SESSIONS_DIR): CurateSource[] {
    if (!refs.length) throw new Error("no run given: name batch run folders or run ids");
    const out: CurateSource[] = [];
    try {
        for (const ref of refs) {
            const dir = resolveRun(ref, sessionsDir);
            const dup = out.find((s) => s.dir === dir);
            if (dup) throw new Error(`run ${dup.id} (${dir}) is given twice`);
            out.push(openSource(dir, sessionsDir));
        }
        return out;
    } catch (e) {
        closeSources(out);
        throw e;
    }
}

export function closeSources(sources: CurateSource[]): void {
    for (const s of sources) s.store.close();
}

/** The samples of each question of a run, one question at a time, in the store's item order. */
export function* itemGroups(store: RunStore): IterableIterator<{ itemId: string; records: { instructionKey: string; sampleIndex: number; record: string }[] }> {
    let cur: { itemId: string; records: { instructionKey: string; sampleIndex: number; record: string }[] } | null = null;
    for (const r of store.sampleRecords()) {
        if (cur && cur.itemId !== r.itemId) {
            yield cur;
            cur = null;
        }
        cur ??= { itemId: r.itemId, records: [] };
        cur.records.push({ instructionKey: r.instructionKey, sampleIndex: r.sampleIndex, record: r.record });
    }
    if (cur) yield cur;
}

/** The sample records of one question (scans the store: RunStore has no lookup by item). */
export function itemRecords(store: RunStore, itemId: string): ItemRecord[] {
    const out: ItemRecord[] = [];
    for (const r of store.sampleRecords()) {
        if (r.itemId === itemId) out.push(JSON.parse(r.record) as ItemRecord);
        else if (out.length) break; // an item's samples are contiguous
    }
    return out;
}

/** Batch runs under the sessions folder, newest first, with what the curate screen shows. */
export function listBatchRuns(sessionsDir: string = SESSIONS_DIR): BatchRunInfo[] {
    let names: string[];
    try {
        names = readdirSync(sessionsDir);
    } catch {
        return [];
    }
    const runs: BatchRunInfo[] = [];
    for (const name of names) {
        const dir = join(sessionsDir, name);
        if (!RunStore.exists(dir)) continue;
        let m: RunManifest;
        try {
            m = readRunManifest(dir);
        } catch {
            continue; // lab sessions and unreadable runs are not offered
        }
        const store = RunStore.open(dir);
        try {
            const c = store.counts();
            runs.push({ dir, id: m.id, createdAt: m.created_at, tasks: m.tasks.name, items: m.tasks.items, done: c.done, samples: c.samples, model: m.model.file, mode: m.config.mode, verifier: m.config.verifier, seed: m.config.sampler.seed });
        } finally {
            store.close();
        }
    }
    return runs.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id));
}
