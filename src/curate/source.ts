import { existsSync } from "node:fs";
import { join } from "node:path";
import { RunStore, STORE_FILE } from "../batch/store.js";
import type { ItemRecord } from "../engine/types.js";
import { SESSIONS_DIR } from "../paths.js";
import { listBatchRuns, readRunManifest, resolveRun, type BatchRunInfo, type RunManifest } from "../batch/runs.js";

export { listBatchRuns, resolveRun, type BatchRunInfo };

/** A batch run opened for curation. */
export interface CurateSource {
    dir: string;
    id: string;
    manifest: RunManifest;
    store: RunStore;
}

/** A batch run's manifest (runs.ts readRunManifest), if the run also has the sample store curation reads: opening a missing one would create it empty. */
function curableManifest(dir: string): RunManifest {
    const m = readRunManifest(dir);
    if (!existsSync(join(dir, STORE_FILE))) throw new Error(`batch run ${m.id} (${dir}) has no ${STORE_FILE}`);
    return m;
}

export function openSource(ref: string, sessionsDir: string = SESSIONS_DIR): CurateSource {
    const dir = resolveRun(ref, sessionsDir);
    const manifest = curableManifest(dir);
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

/** The sample records of one question (a primary-key lookup: example paging stays instant on big runs). */
export function itemRecords(store: RunStore, itemId: string): ItemRecord[] {
    return store.itemSampleRecords(itemId).map((r) => JSON.parse(r) as ItemRecord);
}

