// `reflect-lab audit`: runs stored with deliberately wrong verdicts (a hand-made "old verifier"), re-judged
// by the current ones; counts and accuracies by hand, --write, idempotence, atomicity, report/curate after.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { Command } from "commander";
import type { ChatMessage } from "../src/backend/types.js";
import { auditRun, type AuditResult } from "../src/batch/audit.js";
import { formatAudit } from "../src/batch/auditFormat.js";
import { writeAudit } from "../src/batch/auditWrite.js";
import { compareRuns } from "../src/batch/compare.js";
import { formatRunReport, reportRun } from "../src/batch/report.js";
import { runBatch } from "../src/batch/runner.js";
import type { RunManifest } from "../src/batch/runs.js";
import { RunStore } from "../src/batch/store.js";
import type { BatchConfig } from "../src/batch/types.js";
import type { OracleFn } from "../src/engine/loop.js";
import type { ItemRecord } from "../src/engine/types.js";
import { defaultOptions } from "../src/curate/options.js";
import { planCuration } from "../src/curate/plan.js";
import { closeSources, openSources } from "../src/curate/source.js";
import { itemOracle } from "../src/lab.js";
import { PROJECT_ROOT, PROMPTS_DIR } from "../src/paths.js";
import { loadInstructionPool } from "../src/prompts/pool.js";
import { loadTurnTemplates } from "../src/prompts/templates.js";
import { loadTaskFiles } from "../src/tasks/load.js";
import { closeMathWorker } from "../src/verify/math.js";
import { addAuditCommand } from "../bin/audit.js";
import { tinyConfig } from "./helpers/batchTasks.js";
import { runCommand } from "./helpers/runCommand.js";
import { scriptedParallel } from "./helpers/scriptedBackend.js";

const dir = mkdtempSync(join(tmpdir(), "rl-audit-"));
afterAll(() => {
    closeMathWorker();
    rmSync(dir, { recursive: true, force: true });
});

const COLORS = ["red", "green", "blue", "yellow"];
const mc = (id: string, gold: number) => ({ id, task: "mcq", family: "mc", question: `Item ${id}: which colour?`, choices: COLORS, answer: "ABCD"[gold], answer_index: gold, tests: null, test_setup: null });
const math = (id: string, gold: string) => ({ id, task: "arith", family: "math", question: `Item ${id}: compute it.`, choices: null, answer: gold, answer_index: null, tests: null, test_setup: null });

/**
 * What the model writes at turn 1, and its corrections by sample n (k = 2), and what the hand-made
 * old verifier stored for each output. Clearly right verdicts: a wrong letter or value is wrong,
 * "7 or 5" for 7 is wrong (it names two values), the gold letter or value is right.
 */
const ORACLE_ITEMS = [mc("m0", 1), mc("m1", 2), mc("m2", 3), mc("m3", 0), math("a0", "7"), math("a1", "7"), math("a2", "10")];
const T1: Record<string, string> = { m0: "Final answer: B", m1: "Final answer: A", m2: "Final answer: D", m3: "Final answer: B", a0: "Final answer: 12", a1: "Final answer: 3", a2: "Final answer: 10" };
const FIX: Record<string, string[]> = { m2: ["Final answer: A", "Final answer: D"], m3: ["Final answer: A", "Final answer: C"], a1: ["Final answer: 7", "Final answer: 7 or 5"] };
const STORED: Record<string, boolean> = {
    "m0|Final answer: B": true, // right
    "m1|Final answer: A": true, // wrong: stored correct (gold C)
    "m2|Final answer: D": false, // wrong: stored incorrect (it is the gold), at turn 1 and in correction #1
    "m2|Final answer: A": false, // right
    "m3|Final answer: B": false, // right
    "m3|Final answer: A": false, // wrong: stored incorrect (gold A)
    "m3|Final answer: C": true, // wrong: stored correct
    "a0|Final answer: 12": true, // wrong: stored correct (gold 7)
    "a1|Final answer: 3": false, // right
    "a1|Final answer: 7": true, // right
    "a1|Final answer: 7 or 5": true, // wrong: stored correct
    "a2|Final answer: 10": true // right
};

/** Self-verifier run: s0 is wrong but the model calls it correct; s1 is fixed at turn 2; s2 is right but the model doubts it. */
const SELF_ITEMS = [mc("s0", 1), math("s1", "7"), mc("s2", 2)];
const SELF_T1: Record<string, string> = { s0: "Final answer: A", s1: "Final answer: 3", s2: "Final answer: C" };
const SELF_FIX: Record<string, string> = { s1: "Final answer: 7", s2: "Final answer: B" };
const SELF_SAYS: Record<string, boolean> = { "s0|Final answer: A": true, "s1|Final answer: 3": false, "s1|Final answer: 7": true, "s2|Final answer: C": false, "s2|Final answer: B": true };
Object.assign(STORED, {
    "s0|Final answer: A": true, // wrong: stored correct (gold B)
    "s1|Final answer: 3": false, // right
    "s1|Final answer: 7": false, // wrong: stored incorrect (gold 7)
    "s2|Final answer: C": true, // right
    "s2|Final answer: B": false // right
});

/** The old verifier: the hand-made verdicts above, with the current verifier's reading of the answer (so only `correct` differs). */
const oldOracle: OracleFn = async (item, output, meta) => {
    const stored = STORED[`${item.id}|${output}`];
    if (stored === undefined) throw new Error(`test: no stored verdict for ${item.id} ${JSON.stringify(output)}`);
    return { ...(await itemOracle(item, output, meta)), correct: stored, reason: "the old, lenient verifier said so" };
};

const itemOf = (m: ChatMessage[]) => /Item (\w+):/.exec(m[0]!.content)![1]!;
/** Scripted model (one slot, so an item's chains run in order): reflections name their sample n, corrections read it back. */
function model(first: Record<string, string>, fix: (id: string, n: number) => string) {
    const reflections = new Map<string, number>();
    return (m: ChatMessage[]) => {
        const id = itemOf(m);
        if (m.length === 1 && m[0]!.content.includes("Proposed answer:")) {
            const attempt = /Proposed answer:\n([\s\S]*?)\n\nIs the proposed answer correct\?/.exec(m[0]!.content)![1]!.trim();
            return `Checked.\nVerdict: ${SELF_SAYS[`${id}|${attempt}`] ? "correct" : "incorrect"}`;
        }
        if (m.length === 1) return first[id]!;
        if (m.length === 3) {
            const n = reflections.get(id) ?? 0;
            reflections.set(id, n + 1);
            return `Reflection ${n} on item ${id}: check the question again.`;
        }
        const n = Number(/Reflection (\d+) on item/.exec(m.at(-2)!.content)![1]);
        return fix(id, n);
    };
}

const idsHash = (ids: string[]) => createHash("sha256").update(ids.join("\n")).digest("hex");

/** A batch run made with the old verifier: the real runner and loop, a scripted model, a manifest like startBatch's. */
async function makeRun(name: string, items: object[], over: Partial<BatchConfig>, script: (m: ChatMessage[]) => string): Promise<string> {
    const tasksPath = join(dir, `${name}.jsonl`);
    writeFileSync(tasksPath, items.map((i) => JSON.stringify(i)).join("\n") + "\n");
    const config = tinyConfig(tasksPath, { parallel: 1, k: 2, instructions: { kind: "fixed", keys: ["1-1-1"] }, ...over });
    const tasks = await loadTaskFiles(config.tasks);
    const runDir = join(dir, name);
    const backend = scriptedParallel(1, script);
    const b = backend.info;
    const manifest: RunManifest = {
        schema: "reflect-lab/run@1",
        id: name,
        created_at: new Date().toISOString(),
        config: { ...config, reflector: null, endpoint: null, teacher: null },
        model: { file: b.modelFile, path: b.modelPath, sha256: b.modelSha256, adapters: [] },
        reflector: null,
        backend: { kind: b.kind, compute: b.compute, gpuLayers: b.gpuLayers, totalLayers: b.totalLayers, contextSize: b.contextSize, threads: b.threads, sequences: 1 },
        prompts_sha256: "test",
        tasks: { name: tasks.name, items: tasks.items.length, ids_sha256: idsHash(tasks.items.map((i) => i.id)) },
        versions: {}
    };
    RunStore.writeManifest(runDir, manifest);
    const s = await runBatch({ runDir, runId: name, config, tasks, backend, templates: loadTurnTemplates(PROMPTS_DIR), pool: loadInstructionPool(PROMPTS_DIR), oracle: oldOracle });
    expect(s.errors).toBe(0);
    return runDir;
}

let ORACLE_RUN: string;
let SELF_RUN: string;
let copies = 0;
/** A fresh copy of a stored run (tests that write must not share one). */
function copy(run: string): string {
    const to = join(dir, `copy-${copies++}`);
    cpSync(run, to, { recursive: true });
    return to;
}

beforeAll(async () => {
    ORACLE_RUN = await makeRun("oracle-run", ORACLE_ITEMS, {}, model(T1, (id, n) => FIX[id]![n]!));
    SELF_RUN = await makeRun("self-run", SELF_ITEMS, { verifier: "self", k: 1 }, model(SELF_T1, (id) => SELF_FIX[id]!));
});

function records(run: string): Map<string, { record: ItemRecord; json: string }> {
    const store = RunStore.open(run);
    try {
        const out = new Map<string, { record: ItemRecord; json: string }>();
        for (const { itemId } of store.doneItems()) {
            const base = store.baseRecord(itemId)!;
            out.set(`${itemId}/base`, { record: JSON.parse(base) as ItemRecord, json: base });
        }
        for (const r of store.sampleRecords()) out.set(`${r.itemId}/${r.instructionKey}#${r.sampleIndex}`, { record: JSON.parse(r.record) as ItemRecord, json: r.record });
        return out;
    } finally {
        store.close();
    }
}

const accs = (r: AuditResult["before"]["overall"]) => [r.accByTurn[0]!, r.accByTurn[1]!, r.delta];

describe("audit of an oracle-mode run", () => {
    let result: AuditResult;
    beforeAll(async () => {
        result = await auditRun(ORACLE_RUN);
    });

    it("stored the wrong verdicts it was given (the fixture is not vacuous)", () => {
        const recs = records(ORACLE_RUN);
        expect(recs.get("m1/base")!.record.correct_by_turn).toEqual([true]);
        expect(recs.get("a0/base")!.record.correct_by_turn).toEqual([true]);
        expect(recs.get("a1/1-1-1#1")!.record.correct_by_turn).toEqual([false, true]);
        expect(recs.size).toBe(7 + 6);
    });

    it("counts the verdict changes per task and overall, exactly", () => {
        const c = result.changes;
        expect(c.overall.correctToIncorrect + c.overall.incorrectToCorrect).toBeGreaterThan(0);
        // 7 turn-1 answers (once per item) + 6 corrections; c→i: m1, m3#1, a0, a1#1; i→c: m2 (turn 1), m2#1, m3#0.
        expect(c.overall).toEqual({ answers: 13, correctToIncorrect: 4, incorrectToCorrect: 3, reread: 0, unjudged: 0 });
        expect(c.perTask.mcq).toEqual({ answers: 8, correctToIncorrect: 2, incorrectToCorrect: 3, reread: 0, unjudged: 0 });
        expect(c.perTask.arith).toEqual({ answers: 5, correctToIncorrect: 2, incorrectToCorrect: 0, reread: 0, unjudged: 0 });
        expect(result.skipped).toEqual([]);
        expect(result.interrupted).toBe(false);
    });

    it("gives Acc@t1, Acc@t2 and Δ before (as report shows) and after", () => {
        expect(result.before).toEqual(reportRun(ORACLE_RUN).metrics);
        // Before: mcq m0 1|1, m1 1|1, m2 0|0, m3 0|.5; arith a0 1|1, a1 0|1, a2 1|1.
        expect(accs(result.before.perTask.mcq!)).toEqual([0.5, 0.625, 0.125]);
        expect(accs(result.before.overall).map((x) => x.toFixed(4))).toEqual([4 / 7, 11 / 14, 3 / 14].map((x) => x.toFixed(4)));
        expect(accs(result.before.perTask.arith!).map((x) => x.toFixed(4))).toEqual([2 / 3, 1, 1 / 3].map((x) => x.toFixed(4)));
        // After: m1 0|0; m2 right at turn 1, so its chains end there: 1|1; m3 0|.5 (the other chain); a0 0|0; a1 0|.5.
        // mcq's accuracies come out the same although five of its verdicts change.
        expect(accs(result.after.perTask.mcq!)).toEqual([0.5, 0.625, 0.125]);
        expect(accs(result.after.perTask.arith!).map((x) => x.toFixed(4))).toEqual([1 / 3, 0.5, 1 / 6].map((x) => x.toFixed(4)));
        expect(accs(result.after.overall).map((x) => x.toFixed(4))).toEqual([3 / 7, 4 / 7, 1 / 7].map((x) => x.toFixed(4)));
        // m1 and a0 stopped at turn 1 on a now-wrong answer; m2's two chains are cut to turn 1.
        expect(result.oracleNotes).toEqual({ stoppedOnWrong: 2, cutShort: 2 });
    });

    it("is read-only without --write", () => {
        const before = records(ORACLE_RUN);
        expect(result.patches).toHaveLength(8);
        expect(reportRun(ORACLE_RUN).metrics).toEqual(result.before);
        expect([...records(ORACLE_RUN).values()].map((r) => r.json)).toEqual([...before.values()].map((r) => r.json));
    });
});

describe("audit --write", () => {
    let run: string;
    let first: AuditResult;
    beforeAll(async () => {
        run = copy(ORACLE_RUN);
        first = await auditRun(run);
        expect(first.patches.length).toBeGreaterThan(0);
        expect(writeAudit(first)).toEqual({ records: 8, items: 3, samples: 5 });
    });

    it("stores the new verdicts: report and compare now give the audit's after-metrics", () => {
        const r = reportRun(run);
        expect(r.metrics).toEqual(first.after);
        const cmp = compareRuns(run, ORACLE_RUN);
        expect(cmp.overall.a.accByTurn).toEqual(first.after.overall.accByTurn);
        expect(cmp.overall.b.accByTurn).toEqual(first.before.overall.accByTurn);
        expect(r.audits).toHaveLength(1);
        expect(r.audits![0]!.verifier).toBe(first.verifier);
        expect(formatRunReport(r)).toContain(`verdicts re-judged by reflect-lab audit (1×, last ${first.at} with verifiers ${first.verifier})`);
        const store = RunStore.open(run);
        try {
            const t1 = new Map(store.outcomes().map((o) => [o.itemId, o.t1]));
            expect(Object.fromEntries(t1)).toEqual({ m0: true, m1: false, m2: true, m3: false, a0: false, a1: false, a2: true });
        } finally {
            store.close();
        }
    });

    it("keeps the old ground truth in the record, and the verdict that steered the loop", () => {
        const recs = records(run);
        const m1 = recs.get("m1/base")!.record;
        const verify = m1.steps.find((s) => s.kind === "verify")!;
        expect(verify.verdict!.correct).toBe(true); // what the loop acted on
        expect(verify.verdict!.mode).toBe("oracle");
        expect(verify.oracle_verdict!.correct).toBe(false);
        expect(m1.correct_by_turn).toEqual([false]);
        expect(m1.audits).toHaveLength(1);
        expect(m1.audits![0]).toMatchObject({ verifier: first.verifier, at: first.at, correct_by_turn_before: [true], changed: [{ step: 1, turn: 1, before: { correct: true } }] });
        // m2: right at turn 1 now, so its chains end there; turn 2 stays in the record.
        const m2 = recs.get("m2/1-1-1#0")!.record;
        expect(m2.correct_by_turn).toEqual([true]);
        expect(m2.steps.filter((s) => s.kind === "correct")).toHaveLength(1);
        expect(m2.audits![0]!.correct_by_turn_before).toEqual([false, false]);
        // Records the audit did not change are left as they were.
        expect(recs.get("m0/base")!.record.audits).toBeUndefined();
        expect(recs.get("a1/1-1-1#0")!.record.audits).toBeUndefined();
    });

    it("is idempotent: a second audit finds nothing and writes nothing", async () => {
        const before = records(run);
        const again = await auditRun(run);
        expect(again.changes.overall).toEqual({ answers: 13, correctToIncorrect: 0, incorrectToCorrect: 0, reread: 0, unjudged: 0 });
        expect(again.patches).toEqual([]);
        expect(again.after).toEqual(again.before);
        expect(again.before).toEqual(first.after);
        expect(writeAudit(again)).toEqual({ records: 0, items: 0, samples: 0 });
        expect([...records(run).values()].map((r) => r.json)).toEqual([...before.values()].map((r) => r.json));
        expect(reportRun(run).audits).toHaveLength(1);
    });

    it("curate reads the new verdicts", () => {
        const plan = (r: string) => {
            const sources = openSources([r], dir);
            try {
                return planCuration(sources, defaultOptions({ evalFraction: 0 }));
            } finally {
                closeSources(sources);
            }
        };
        const rows = (p: ReturnType<typeof plan>, set: "dplus" | "dpm") => (p.rows[set] ?? []).map((x) => `${x.itemId}:${x.samples.join(",")}`).sort();
        const old = plan(ORACLE_RUN);
        const now = plan(run);
        // D+ (turn-2 correction right): stored m3#1, a1#0, a1#1; truly m3#0 and a1#0 (m2 was right at turn 1: no sample).
        expect(rows(old, "dplus")).toEqual(["a1:0", "a1:1", "m3:1"]);
        expect(rows(now, "dplus")).toEqual(["a1:0", "m3:0"]);
        // D± (chosen, rejected): stored m3 1>0; truly m3 0>1 and a1 0>1.
        expect(rows(old, "dpm")).toEqual(["m3:1,0"]);
        expect(rows(now, "dpm")).toEqual(["a1:0,1", "m3:0,1"]);
    });
});

describe("audit of a self-verifier run", () => {
    it("re-judges only the ground truth: the model's verdicts stay, metrics follow the new oracle", async () => {
        const run = copy(SELF_RUN);
        const r = await auditRun(run);
        // s0 turn 1 (model and old oracle said correct) and s1's correction (old oracle said incorrect).
        expect(r.changes.overall).toEqual({ answers: 5, correctToIncorrect: 1, incorrectToCorrect: 1, reread: 0, unjudged: 0 });
        expect(r.oracleNotes).toBeNull();
        // Before: s0 1|1, s1 0|0, s2 1|0 (the model talked itself out of it); after: s0 0|0, s1 0|1, s2 1|0.
        expect(accs(r.before.overall).map((x) => x.toFixed(4))).toEqual([2 / 3, 1 / 3, -1 / 3].map((x) => x.toFixed(4)));
        expect(accs(r.after.overall).map((x) => x.toFixed(4))).toEqual([1 / 3, 1 / 3, 0].map((x) => x.toFixed(4)));
        expect(writeAudit(r).records).toBe(2);
        expect(reportRun(run).metrics).toEqual(r.after);
        const recs = records(run);
        const s0 = recs.get("s0/base")!.record.steps.find((s) => s.kind === "verify")!;
        expect(s0.verdict).toMatchObject({ correct: true, mode: "self" });
        expect(s0.oracle_verdict!.correct).toBe(false);
        const s1 = recs.get("s1/1-1-1#0")!.record;
        expect(s1.steps.filter((s) => s.kind === "verify").map((s) => [s.verdict!.correct, s.oracle_verdict!.correct])).toEqual([[false, false], [true, true]]);
        expect(s1.correct_by_turn).toEqual([false, true]);
        // No truncation in self mode: s2's chain keeps its wrong turn 2 after a right turn 1.
        expect(recs.get("s2/1-1-1#0")!.record.correct_by_turn).toEqual([true, false]);
        expect((await auditRun(run)).patches).toEqual([]);
    });
});

describe("safety", () => {
    it("an interrupted audit writes nothing", async () => {
        const run = copy(ORACLE_RUN);
        const before = records(run);
        const controller = new AbortController();
        const r = await auditRun(run, { concurrency: 1, signal: controller.signal, onProgress: (p) => p.items === 2 && controller.abort() });
        expect(r.interrupted).toBe(true);
        expect(() => writeAudit(r)).toThrow(/interrupted/);
        expect([...records(run).values()].map((x) => x.json)).toEqual([...before.values()].map((x) => x.json));
    });

    it("one transaction: a record changed behind the audit's back rolls back every record", async () => {
        const run = copy(ORACLE_RUN);
        const r = await auditRun(run);
        const last = r.patches.at(-1)!;
        expect(last.sample).not.toBeNull();
        // Someone else changes the last record to patch after the audit read it.
        const db = new Database(join(run, "samples.sqlite"));
        const row = db.prepare("SELECT record FROM samples WHERE item_id = ? AND instruction_key = ? AND sample_index = ?").get(last.itemId, last.sample!.key, last.sample!.index) as { record: string };
        const tampered = { ...(JSON.parse(row.record) as ItemRecord), correct_by_turn: [true, true] };
        db.prepare("UPDATE samples SET record = ? WHERE item_id = ? AND instruction_key = ? AND sample_index = ?").run(JSON.stringify(tampered), last.itemId, last.sample!.key, last.sample!.index);
        db.close();
        const before = records(run);
        expect(() => writeAudit(r)).toThrow(/changed while it was audited/);
        expect([...records(run).values()].map((x) => x.json)).toEqual([...before.values()].map((x) => x.json));
        expect(reportRun(run).audits).toBeUndefined();
    });

    it("judges mc/math items missing from (or changed in) the task files with the gold stored in the run", async () => {
        const other = join(dir, "changed.jsonl");
        writeFileSync(other, ORACLE_ITEMS.filter((i) => i.id !== "m1").map((i) => JSON.stringify(i.id === "a0" ? { ...i, answer: "12" } : i)).join("\n") + "\n");
        const r = await auditRun(ORACLE_RUN, { tasks: [other] });
        expect(r.fromRecord).toEqual(["m1", "a0"]);
        expect(r.skipped).toEqual([]);
        expect(r.changes.overall).toEqual({ answers: 13, correctToIncorrect: 4, incorrectToCorrect: 3, reread: 0, unjudged: 0 });
        expect(r.warnings.join()).toMatch(/no longer give the item list/);
    });

    it("audits mc/math from the records when the run's task files are gone; refuses task files given that do not load", async () => {
        const run = copy(ORACLE_RUN);
        const m = RunStore.readManifest<RunManifest>(run);
        RunStore.writeManifest(run, { ...m, config: { ...m.config, tasks: [join(dir, "moved-away.jsonl")] } });
        const r = await auditRun(run);
        expect(r.fromRecord).toHaveLength(7);
        expect(r.changes.overall).toEqual({ answers: 13, correctToIncorrect: 4, incorrectToCorrect: 3, reread: 0, unjudged: 0 });
        expect(r.warnings.join()).toContain("task file not found");
        await expect(auditRun(run, { tasks: [join(dir, "nope.jsonl")] })).rejects.toThrow(/cannot read the task items of run oracle-run .*nope\.jsonl/);
    });

    it("skips text items it has no task item for, and says why", async () => {
        const words = [{ id: "w0", task: "words", family: "text", question: "Item w0: name the animal.", choices: null, answer: "zebra", answer_index: null, tests: null, test_setup: null }, mc("w1", 0)];
        // Both stored wrong (the gold, judged incorrect), at turn 1 and in both corrections.
        Object.assign(STORED, { "w0|Final answer: zebra": false, "w1|Final answer: A": false });
        const answer = { w0: "Final answer: zebra", w1: "Final answer: A" };
        const run = await makeRun("text-run", words, {}, model(answer, (id) => answer[id as "w0" | "w1"]));
        expect((await auditRun(run)).changes.overall).toMatchObject({ answers: 2 + 4, incorrectToCorrect: 6 });
        const onlyMc = join(dir, "only-mc.jsonl");
        writeFileSync(onlyMc, JSON.stringify(words[1]) + "\n");
        const r = await auditRun(run, { tasks: [onlyMc] });
        expect(r.skipped).toEqual([{ itemId: "w0", task: "words", reason: "it is not in the run's task files (a text item needs them: all its accepted answers)" }]);
        expect(r.changes.overall).toMatchObject({ answers: 3, incorrectToCorrect: 3 });
        expect(r.after.perTask.words).toEqual(r.before.perTask.words); // left as stored
        expect(formatAudit(r, null)).toContain("not re-judged (their stored verdicts stay): 1 items: w0");
    });
});

describe("reflect-lab audit (CLI)", () => {
    const cli = (args: string[]) => runCommand((p) => addAuditCommand(p, dir), ["audit", ...args]);

    it("prints the per-task table, then --write stores and a second --write says there is nothing to do", async () => {
        const run = copy(ORACLE_RUN);
        const dry = await cli([run]);
        expect(dry.code).toBeUndefined();
        expect(dry.out).toMatch(/^task\s+N\s+answers\s+c→i\s+i→c\s+re-read\s+Acc@t1\s+Acc@t2\s+Δ\(t1,t2\)$/m);
        expect(dry.out).toMatch(/^arith\s+3\s+5\s+2\s+0\s+0\s+66\.7 → 33\.3\s+100\.0 → 50\.0\s+\+33\.3 → \+16\.7$/m);
        expect(dry.out).toMatch(/^mcq\s+4\s+8\s+2\s+3\s+0\s+50\.0 → 50\.0\s+62\.5 → 62\.5\s+\+12\.5 → \+12\.5$/m);
        expect(dry.out).toMatch(/^overall\s+7\s+13\s+4\s+3\s+0\s+57\.1 → 42\.9\s+78\.6 → 57\.1\s+\+21\.4 → \+14\.3$/m);
        expect(dry.out).toContain("7 verdicts would change (8 records); nothing written");
        const w = await cli([run, "--write"]);
        expect(w.out).toContain("written: 8 records (3 items, 5 samples) in one transaction");
        const again = await cli([run, "--write", "--json"]);
        const j = JSON.parse(again.out) as { changes: AuditResult["changes"]; records_changed: number; written: unknown };
        expect(j.changes.overall.correctToIncorrect + j.changes.overall.incorrectToCorrect).toBe(0);
        expect(j.records_changed).toBe(0);
        expect(j.written).toEqual({ records: 0, items: 0, samples: 0 });
        expect((await cli([run, "--write"])).out).toContain("no changes: the stored verdicts agree with the current verifiers; nothing written");
    });

    it("--json gives the counts and both metric sets", async () => {
        const j = JSON.parse((await cli([ORACLE_RUN, "--json"])).out) as { changes: AuditResult["changes"]; before: AuditResult["before"]; after: AuditResult["after"]; records_changed: number; written: unknown };
        expect(j.changes.overall.correctToIncorrect).toBe(4);
        expect(j.after.overall.accByTurn[1]).toBeCloseTo(4 / 7, 10);
        expect(j.records_changed).toBe(8);
        expect(j.written).toBeNull();
    });

    it("names the path and what it expected when the folder is not a run", async () => {
        const missing = await cli([join(dir, "no-such-run")]);
        expect(missing.code).toBe(2);
        expect(missing.err).toContain(join(dir, "no-such-run"));
        const empty = join(dir, "empty-folder");
        mkdirSync(empty, { recursive: true });
        expect((await cli([empty])).err).toContain(`${empty} holds no manifest.json`);
        const noStore = join(dir, "manifest-only");
        mkdirSync(noStore, { recursive: true });
        cpSync(join(ORACLE_RUN, "manifest.json"), join(noStore, "manifest.json"));
        const r = await cli([noStore]);
        expect(r.code).toBe(2);
        expect(r.err).toContain(`${noStore} holds a batch run manifest but no samples.sqlite`);
    });

    it("--help explains what is stored and how to regenerate curated sets", async () => {
        let out = "";
        const program = new Command().exitOverride().configureOutput({ writeOut: (s) => (out += s) });
        addAuditCommand(program, dir);
        await expect(program.parseAsync(["audit", "--help"], { from: "user" })).rejects.toThrow();
        expect(out).toContain("--write");
        expect(out).toContain("audits");
        expect(out).toContain("reflect-lab curate <run> --out <new folder>");
    });
});

describe("audit of the stored SmolLM2 demo run", () => {
    it("completes read-only with the per-task table", async () => {
        const run = join(dir, "smollm2-demo");
        cpSync(join(PROJECT_ROOT, "test", "fixtures", "runs", "smollm2-demo"), run, { recursive: true });
        const report = reportRun(run).metrics;
        const { out, err, code } = await runCommand((p) => addAuditCommand(p, dir), ["audit", run]);
        expect(err).toBe("");
        expect(code).toBeUndefined();
        for (const task of ["demo-code", "demo-commonsense", "demo-logic", "demo-math", "overall"]) expect(out).toMatch(new RegExp(`^${task}\\s+\\d+\\s+\\d+\\s`, "m"));
        expect(out).toMatch(/^overall\s+10\s+(\d+)\s/m);
        // Read-only: the run reports as before, and no audit was logged.
        expect(reportRun(run).metrics).toEqual(report);
        expect(reportRun(run).audits).toBeUndefined();
    }, 120_000);
});
