import type { ItemRecord } from "../engine/types.js";
import type { TaskSet } from "../tasks/types.js";
import { readRunManifest, resolveRun, type RunManifest } from "./runs.js";
import { RunStore } from "./store.js";
import type { BatchConfig } from "./types.js";

/**
 * `batch --turn1-from <run>`: the stored turn-1 attempts and verdicts of an earlier run, reused so that
 * two runs compared share turn 1 byte for byte (the paper's protocol: turn 1 by the frozen base model).
 * Only runs whose turn 1 would have come out the same may lend it: same model file, prompts, sampler,
 * seed, generator and verifier; anything else is refused with the difference named.
 */
export interface Turn1Source {
    dir: string;
    id: string;
    manifest: RunManifest;
    /** The stored base record of an item (its turn-1 answer and verdict). */
    record(itemId: string): ItemRecord;
    close(): void;
}

/** What differs between the source run and this one in what makes turn 1 (empty: it may be reused). */
export function turn1Differences(source: RunManifest, config: BatchConfig, promptsSha256: string, modelSha256?: string): string[] {
    const d: string[] = [];
    const s = source.config;
    if (modelSha256 !== undefined && source.model.sha256 !== modelSha256) d.push(`model: ${source.model.file} (sha256 ${source.model.sha256.slice(0, 12)}) there, sha256 ${modelSha256.slice(0, 12)} here`);
    if (source.prompts_sha256 !== promptsSha256) d.push(`prompts: prompts/ sha256 ${source.prompts_sha256.slice(0, 12)} there, ${promptsSha256.slice(0, 12)} here`);
    for (const k of Object.keys(config.sampler) as (keyof BatchConfig["sampler"])[]) {
        if (JSON.stringify(s.sampler[k]) !== JSON.stringify(config.sampler[k])) d.push(`${k === "seed" ? "seed" : `sampler ${k}`}: ${JSON.stringify(s.sampler[k])} there, ${JSON.stringify(config.sampler[k])} here`);
    }
    if (s.verifier !== config.verifier) d.push(`verifier: ${s.verifier} there, ${config.verifier} here`);
    const gen = (c: BatchConfig) => (c.endpoint ? `endpoint ${c.endpoint.name} (${c.endpoint.model})` : "the local model");
    if (JSON.stringify(s.endpoint ?? null) !== JSON.stringify(config.endpoint ?? null)) d.push(`generator: ${gen(s)} there, ${gen(config)} here`);
    if (JSON.stringify(s.teacher ?? null) !== JSON.stringify(config.teacher ?? null)) d.push(`teacher verifier: ${s.teacher?.name ?? "none"} there, ${config.teacher?.name ?? "none"} here`);
    return d;
}

const refuse = (dir: string, why: string) => new Error(`--turn1-from ${dir}: ${why}`);

/**
 * Opens the source run and checks it against this run's config (model hash checked later, once the
 * model is loaded: `checkModel`) and task items: every item must be done there, with the same question
 * and gold answer.
 */
export function openTurn1Source(arg: string, config: BatchConfig, promptsSha256: string, tasks: TaskSet): Turn1Source {
    const dir = resolveRun(arg);
    const manifest = readRunManifest(dir);
    const diff = turn1Differences(manifest, config, promptsSha256);
    if (diff.length) throw refuse(dir, `its turn 1 was made differently, so it cannot be reused: ${diff.join("; ")}`);
    const store = RunStore.open(dir);
    try {
        const status = store.statuses();
        const missing = tasks.items.filter((i) => status.get(i.id) !== "done");
        if (missing.length) {
            const ids = missing.slice(0, 5).map((i) => i.id).join(", ");
            throw refuse(dir, `${missing.length} of this run's ${tasks.items.length} items are not done there (${ids}${missing.length > 5 ? ", ..." : ""}); finish that run first (reflect-lab batch --out ${dir} --resume) or use the same tasks`);
        }
        const read = (id: string): ItemRecord => {
            const json = store.baseRecord(id);
            if (!json) throw refuse(dir, `item ${id} has no stored record`);
            return JSON.parse(json) as ItemRecord;
        };
        // Checked once up front (records are read again one by one as items run, so memory stays flat).
        for (const item of tasks.items) {
            const r = read(item.id);
            if (r.item.question !== item.question || r.item.answer !== item.answer) throw refuse(dir, `item ${item.id} is not the same question there (its question or gold answer differs); use the same task files`);
        }
        return { dir, id: manifest.id, manifest, record: read, close: () => store.close() };
    } catch (e) {
        store.close();
        throw e;
    }
}

/** The model-file check, once the generator is loaded (its sha256 is known then). */
export function checkTurn1Model(source: Turn1Source, modelSha256: string, modelFile: string): void {
    if (source.manifest.model.sha256 !== modelSha256) throw refuse(source.dir, `its turn 1 was made by ${source.manifest.model.file} (sha256 ${source.manifest.model.sha256.slice(0, 12)}), not ${modelFile} (${modelSha256.slice(0, 12)})`);
}
