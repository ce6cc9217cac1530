// The requests a finished batch run made, rebuilt from its stored records, so a plain llama-server can
// be driven with exactly the same work (bench/server-replay.ts): per item its turn-1 request(s), then
// per sampled chain the reflect and correct requests, each with the messages the runner sent (records
// keep them verbatim, captured before generation) and the number of tokens the runner generated.
import Database from "better-sqlite3";
import { join } from "node:path";
import type { ChatMessage, SamplerSettings } from "../src/backend/types.js";
import type { ItemRecord, StepRecord } from "../src/engine/types.js";
import { readRunManifest, type RunManifest } from "../src/batch/runs.js";
import { RunStore, STORE_FILE } from "../src/batch/store.js";

export interface ReplayRequest {
    kind: StepRecord["kind"];
    turn: number;
    messages: ChatMessage[];
    /** tokens the runner generated for this step: the replay asks for exactly these */
    maxTokens: number;
    /** the step's own sampler (its per-step seed included) */
    sampler: SamplerSettings;
}

export interface ReplayItem {
    itemId: string;
    /** the item's turn-1 requests (the answer; in `self` mode also its verification); empty with --turn1-from */
    turn1: ReplayRequest[];
    /** one list per sampled chain, in the store's (instruction, sample) order; each is sent in order */
    chains: ReplayRequest[][];
}

export interface ReplayPlan {
    items: ReplayItem[];
    requests: number;
    /** the sum of every request's maxTokens: what the runner generated */
    tokens: number;
}

/** What the store holds for one done item. */
export interface StoredItem {
    itemId: string;
    base: ItemRecord;
    samples: ItemRecord[];
}

const where = (r: ItemRecord, i: number) => `item ${r.item.id}${r.sample ? ` chain ${r.sample.instruction_key ?? "retry"}#${r.sample.sample_index}` : ""} step ${i} (${r.steps[i]?.kind})`;

/** A step the generator made (it has a token count); null for steps that generated nothing (oracle verification). */
function requestOf(r: ItemRecord, i: number): ReplayRequest | null {
    const s = r.steps[i]!;
    if (s.output_tokens === undefined) return null;
    // A trained reflector's or a teacher's step is another model's work, which a plain server of the base model cannot replay.
    if (s.model) throw new Error(`${where(r, i)} was made by another model (${s.model.file}); the replay serves only the run's own model`);
    if (!s.messages?.length) throw new Error(`${where(r, i)} has no stored messages, so its request cannot be rebuilt`);
    if (!Number.isInteger(s.output_tokens) || s.output_tokens < 0) throw new Error(`${where(r, i)} has an invalid output_tokens ${s.output_tokens}`);
    const sampler = s.sampler ?? { ...r.config.sampler, ...(s.seed !== undefined ? { seed: s.seed } : {}) };
    return { kind: s.kind, turn: s.turn, messages: s.messages, maxTokens: s.output_tokens, sampler };
}

const requestsOf = (r: ItemRecord, from: number): ReplayRequest[] =>
    r.steps.slice(from).flatMap((_, j) => requestOf(r, from + j) ?? []);

/**
 * The runner's requests for each item, from its stored records (pure). A sample record repeats the
 * item's turn-1 steps before its own (the chains fork from the failed turn 1), so its requests are
 * the steps after those; `turn1Generated` false (a --turn1-from run) drops the reused turn 1.
 */
export function replayPlan(stored: StoredItem[], turn1Generated = true): ReplayPlan {
    const items = stored.map(({ itemId, base, samples }): ReplayItem => {
        const shared = base.steps.length;
        for (const s of samples) {
            const same = s.steps.length > shared && base.steps.every((b, i) => s.steps[i]!.kind === b.kind && s.steps[i]!.turn === b.turn && s.steps[i]!.output === b.output);
            if (!same) throw new Error(`item ${itemId}: chain ${s.sample?.instruction_key ?? "retry"}#${s.sample?.sample_index} does not start with the item's stored turn 1`);
        }
        return { itemId, turn1: turn1Generated ? requestsOf(base, 0) : [], chains: samples.map((s) => requestsOf(s, shared)) };
    });
    const all = items.flatMap((it) => [...it.turn1, ...it.chains.flat()]);
    return { items, requests: all.length, tokens: all.reduce((a, r) => a + r.maxTokens, 0) };
}

/** The run's done items and their records, in run order, through the run's own store. */
export function readStoredItems(runDir: string): { manifest: RunManifest; items: StoredItem[]; errors: number } {
    const manifest = readRunManifest(runDir);
    const store = RunStore.open(runDir);
    try {
        const items = store.doneItems().map(({ itemId }): StoredItem => {
            const base = store.baseRecord(itemId);
            if (!base) throw new Error(`${runDir}: item ${itemId} is done but has no stored turn-1 record`);
            return { itemId, base: JSON.parse(base) as ItemRecord, samples: store.itemSampleRecords(itemId).map((j) => JSON.parse(j) as ItemRecord) };
        });
        return { manifest, items, errors: store.counts().errors };
    } finally {
        store.close();
    }
}

/** The items table's own token count (the runner's per-item tally of every step it generated). */
function storedTokenTotal(runDir: string): number {
    const db = new Database(join(runDir, STORE_FILE), { readonly: true, fileMustExist: true });
    try {
        return (db.prepare("SELECT COALESCE(SUM(output_tokens), 0) AS n FROM items WHERE status = 'done'").get() as { n: number }).n;
    } finally {
        db.close();
    }
}

/**
 * The replay plan of a finished run. Refuses what a plain server cannot redo as the same work: a run
 * on an endpoint, items that failed (their work is not stored), or records that do not add up to the
 * token count the runner tallied per item.
 */
export function readReplayPlan(runDir: string): { manifest: RunManifest; plan: ReplayPlan } {
    const { manifest, items, errors } = readStoredItems(runDir);
    if (manifest.config.endpoint) throw new Error(`${runDir}: the run was generated on the endpoint ${manifest.config.endpoint.name}, not on a local model; nothing to replay`);
    if (errors > 0) throw new Error(`${runDir}: ${errors} item(s) failed in the run; their requests are not stored, so a replay would not be the same work`);
    if (items.length === 0) throw new Error(`${runDir}: the run has no done items to replay`);
    const plan = replayPlan(items, !manifest.turn1_from);
    const tallied = storedTokenTotal(runDir);
    if (plan.tokens !== tallied) throw new Error(`${runDir}: the records' steps add up to ${plan.tokens} generated tokens, but the run tallied ${tallied}`);
    return { manifest, plan };
}
