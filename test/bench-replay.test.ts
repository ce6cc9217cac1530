// bench/replayChains.ts and bench/server-replay.ts: the runner's requests rebuilt from a stored real run
// (test/fixtures/runs/smollm2-demo) and checked against counts taken from the records independently;
// the replay's scheduling with a fake sender; one tiny live replay on a real llama-server.
import { afterAll, describe, expect, it } from "vitest";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { PROJECT_ROOT } from "../src/paths.js";
import type { ItemRecord } from "../src/engine/types.js";
import { readReplayPlan, readStoredItems, replayPlan, type ReplayRequest } from "../bench/replayChains.js";
import { runReplay, serverReplay } from "../bench/server-replay.js";

const FIXTURE = join(PROJECT_ROOT, "test", "fixtures", "runs", "smollm2-demo");
const MODEL = join(PROJECT_ROOT, "models", "SmolLM2-135M-Instruct.Q4_1.gguf");
const root = mkdtempSync(join(tmpdir(), "rl-bench-replay-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let copies = 0;
/** A private copy of the stored run (opening the store switches it to WAL mode). */
function copyRun(): string {
    const dir = join(root, `run-${copies++}`);
    cpSync(FIXTURE, dir, { recursive: true });
    return dir;
}

/** The records as the SQL tables hold them, read without the bench code. */
function rawRecords(dir: string): { id: string; base: ItemRecord; samples: ItemRecord[]; tokens: number }[] {
    const db = new Database(join(dir, "samples.sqlite"), { readonly: true });
    try {
        const items = db.prepare("SELECT item_id, base, output_tokens FROM items WHERE status = 'done' ORDER BY idx").all() as { item_id: string; base: string; output_tokens: number }[];
        const sample = db.prepare("SELECT record FROM samples WHERE item_id = ?");
        return items.map((r) => ({
            id: r.item_id, base: JSON.parse(r.base) as ItemRecord, tokens: r.output_tokens,
            samples: (sample.all(r.item_id) as { record: string }[]).map((s) => JSON.parse(s.record) as ItemRecord)
        }));
    } finally {
        db.close();
    }
}

describe("replay chains from a stored run", () => {
    const dir = copyRun();
    const raw = rawRecords(dir);
    const { plan } = readReplayPlan(dir);

    it("has one entry per done item, one chain per stored sample, and the records' request and token counts", () => {
        expect(raw.length).toBe(10);
        expect(plan.items.map((i) => i.itemId)).toEqual(raw.map((r) => r.id));
        const chains = raw.reduce((a, r) => a + r.samples.length, 0);
        expect(chains).toBeGreaterThan(0);
        expect(plan.items.reduce((a, i) => a + i.chains.length, 0)).toBe(chains);
        // Oracle mode: the model answered once per item and made one reflect and one correct step per chain turn.
        const generated = (r: ItemRecord, kinds: string[]) => r.steps.filter((s) => kinds.includes(s.kind) && s.output_tokens !== undefined).length;
        const requests = raw.reduce((a, r) => a + generated(r.base, ["answer"]) + r.samples.reduce((b, s) => b + generated(s, ["reflect", "correct"]), 0), 0);
        expect(requests).toBe(raw.length + 2 * chains);
        expect(plan.requests).toBe(requests);
        expect(plan.tokens).toBe(raw.reduce((a, r) => a + r.tokens, 0));
        for (const [i, item] of plan.items.entries()) expect(item.chains.map((c) => c.length)).toEqual(raw[i]!.samples.map((s) => generated(s, ["reflect", "correct"])));
    });

    it("starts every item with its turn-1 question and every chain from the failed answer", () => {
        expect(plan.items.length).toBe(raw.length);
        for (const [i, item] of plan.items.entries()) {
            const base = raw[i]!.base;
            const answer = base.steps[0]!;
            expect(item.turn1.map((r) => r.kind)).toEqual(["answer"]);
            expect(item.turn1[0]!.messages).toEqual(answer.messages);
            expect(item.turn1[0]!.messages[0]!.content).toContain(base.item.question);
            expect(item.turn1[0]!.maxTokens).toBe(answer.output_tokens);
            expect(item.chains.length > 0).toBe(!base.correct_by_turn[0]);
            for (const chain of item.chains) {
                expect(chain.map((r) => r.kind).slice(0, 2)).toEqual(["reflect", "correct"]);
                const [reflect, correct] = chain as [ReplayRequest, ReplayRequest];
                expect(reflect.messages[0]!.content).toContain(base.item.question);
                expect(reflect.messages).toContainEqual({ role: "assistant", content: answer.output });
                // The correction reads the reflection the runner generated for this chain.
                expect(correct.messages.length).toBeGreaterThan(reflect.messages.length);
                expect(correct.messages.slice(0, reflect.messages.length)).toEqual(reflect.messages);
                expect(correct.sampler.seed).not.toBe(reflect.sampler.seed);
            }
        }
    });

    it("refuses records it cannot replay as the same work", () => {
        const { items } = readStoredItems(copyRun());
        const failed = items.find((i) => i.samples.length > 0)!;
        expect(replayPlan([failed], false).items[0]!.turn1).toEqual([]);
        const other = structuredClone(failed);
        other.samples[0]!.steps[2]!.model = { file: "reflector.gguf", sha256: "x", adapters: [] };
        expect(() => replayPlan([other])).toThrow(/made by another model \(reflector\.gguf\)/);
        const bare = structuredClone(failed);
        delete bare.samples[1]!.steps[3]!.messages;
        expect(() => replayPlan([bare])).toThrow(/chain .*#\d step 3 \(correct\) has no stored messages/);
        const forked = structuredClone(failed);
        forked.samples[0]!.steps[0]!.output = "another answer";
        expect(() => replayPlan([forked])).toThrow(/does not start with the item's stored turn 1/);

        const tampered = copyRun();
        const db = new Database(join(tampered, "samples.sqlite"));
        db.prepare("UPDATE items SET output_tokens = output_tokens + 1 WHERE item_id = ?").run(failed.itemId);
        db.close();
        expect(() => readReplayPlan(tampered)).toThrow(/add up to \d+ generated tokens, but the run tallied \d+/);
    });
});

describe("replay scheduling", () => {
    it("sends every request once, each item's turn 1 before its chains and each chain in order, at most P at a time", async () => {
        const { plan } = readReplayPlan(copyRun());
        const sent: { itemId: string; r: ReplayRequest }[] = [];
        let inFlight = 0, most = 0;
        const made = await runReplay(plan, 3, async (r, itemId) => {
            most = Math.max(most, ++inFlight);
            await new Promise((res) => setTimeout(res, r.maxTokens % 7));
            sent.push({ itemId, r });
            inFlight--;
            return r.maxTokens;
        });
        expect(made).toBe(plan.tokens);
        expect(sent.length).toBe(plan.requests);
        expect(most).toBe(3);
        for (const item of plan.items) {
            const order = sent.filter((s) => s.itemId === item.itemId).map((s) => s.r);
            const at = (r: ReplayRequest) => order.indexOf(r);
            expect(at(item.turn1[0]!)).toBe(0);
            for (const chain of item.chains) {
                const idx = chain.map(at);
                expect(idx.every((x) => x > 0)).toBe(true);
                expect([...idx].sort((a, b) => a - b)).toEqual(idx);
            }
        }
    });

    it("stops every worker when a request fails", async () => {
        const { plan } = readReplayPlan(copyRun());
        let calls = 0;
        await expect(runReplay(plan, 2, async () => {
            if (++calls === 5) throw new Error("HTTP 500");
            return 1;
        })).rejects.toThrow("HTTP 500");
        expect(calls).toBeLessThan(8);
    });
});

describe("live replay on llama-server", () => {
    it("regenerates exactly the recorded tokens of two items at P=1", async () => {
        // A cut-down run: yesno-01 (right at turn 1) and logic-05 with its three shortest chains, its token tally made to match.
        const dir = copyRun();
        const db = new Database(join(dir, "samples.sqlite"));
        db.prepare("DELETE FROM samples WHERE item_id != 'logic-05' OR NOT ((instruction_key = '2-6-2') OR (instruction_key = '2-7-2' AND sample_index = 1))").run();
        db.prepare("DELETE FROM items WHERE item_id NOT IN ('yesno-01', 'logic-05')").run();
        const steps = (json: string) => (JSON.parse(json) as ItemRecord).steps.reduce((a, s) => a + (s.output_tokens ?? 0), 0);
        const base = db.prepare("SELECT base FROM items WHERE item_id = 'logic-05'").get() as { base: string };
        const chains = (db.prepare("SELECT record FROM samples").all() as { record: string }[]).reduce((a, r) => a + steps(r.record) - steps(base.base), 0);
        db.prepare("UPDATE items SET output_tokens = ? WHERE item_id = 'logic-05'").run(steps(base.base) + chains);
        db.close();
        const raw = rawRecords(dir);
        expect(raw.map((r) => `${r.id}:${r.samples.length}`).sort()).toEqual(["logic-05:3", "yesno-01:0"]);
        const tokens = raw.reduce((a, r) => a + r.tokens, 0);
        expect(tokens).toBeLessThan(150); // short: the machine is shared
        const requests = raw.reduce((a, r) => a + 1 + 2 * r.samples.length, 0);
        const t0 = performance.now();
        // One thread: this checks the work, not the speed, and 2 spin-waiting threads crawl beside any other busy process.
        const r = await serverReplay({ runDir: dir, P: 1, threads: 1, model: MODEL });
        const wall = (performance.now() - t0) / 1000;
        expect(r.P).toBe(1);
        expect(r.generated).toBe(tokens);
        expect(r.requests).toBe(requests);
        expect(r.seconds).toBeGreaterThan(0);
        expect(r.seconds).toBeLessThanOrEqual(wall);
        expect(r.genTokensPerSecond).toBeCloseTo(tokens / r.seconds, -1);
    }, 120_000);
});
