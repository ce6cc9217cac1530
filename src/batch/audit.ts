// `reflect-lab audit`: re-judges every stored answer of a batch run with the current oracle verifiers,
// so runs (and the sets curated from them) made before a verifier change can be corrected, not redone.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, isAbsolute, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import type { OracleFn } from "../engine/loop.js";
import type { ItemIdentity, ItemRecord, StepRecord } from "../engine/types.js";
import { itemOracle, versions } from "../lab.js";
import { PROJECT_ROOT } from "../paths.js";
import type { TaskItem } from "../tasks/types.js";
import { requireCodeSandbox } from "../verify/codeGate.js";
import type { Verdict } from "../verify/types.js";
import { computeMetrics, type MetricsReport } from "./metrics.js";
import { readRunManifest, type RunManifest } from "./runs.js";
import { loadBatchTasks } from "./session.js";
import { RunStore, STORE_FILE } from "./store.js";
import type { ItemOutcome } from "./types.js";

/** Verdict changes among re-judged answers. An item's turn-1 answer counts once (its chains hold copies of it). */
export interface VerdictChanges {
    answers: number;
    correctToIncorrect: number;
    incorrectToCorrect: number;
    /** Same verdict, but the verifier now reads another answer out of the output (`extracted`). */
    reread: number;
    /** Answers the verifier failed on (it threw): their stored verdict stays. */
    unjudged: number;
}

export interface AuditProgress {
    items: number;
    total: number;
    /** Verifier calls so far (identical outputs of one item are judged once). */
    judged: number;
    seconds: number;
    /** Seconds left at the rate so far; null before the first item. */
    eta: number | null;
}

export interface AuditOptions {
    /** Task files to read gold data from instead of the manifest's `config.tasks`. */
    tasks?: string[];
    signal?: AbortSignal;
    onProgress?: (p: AuditProgress) => void;
    /** Items judged at once (default: min(2, cores)); code verdicts are subprocesses. */
    concurrency?: number;
    /** The ground-truth check; default the current oracle verifiers (itemOracle). */
    oracle?: OracleFn;
    /** --unsafe-code-exec: judge code answers without isolation where no sandbox can start. */
    allowUnsafeCode?: boolean;
}

/** One stored record whose ground truth changes: base record (sample null) or a sample chain. */
export interface RecordPatch {
    itemId: string;
    sample: { key: string; index: number } | null;
    steps: { step: number; turn: number; before: Verdict | null; after: Verdict }[];
    correctByTurnBefore: boolean[];
    correctByTurnAfter: boolean[];
}

export interface AuditResult {
    run: string;
    id: string;
    /** When the audit judged, and with which verifiers (stored with --write). */
    at: string;
    verifier: string;
    /** The isolation code answers ran in (null: the run has no code items). */
    codeSandbox: string | null;
    config: { verifier: RunManifest["config"]["verifier"]; mode: RunManifest["config"]["mode"]; maxTurns: number };
    items: number;
    samples: number;
    judged: number;
    seconds: number;
    interrupted: boolean;
    changes: { overall: VerdictChanges; perTask: Record<string, VerdictChanges> };
    /** Metrics as stored (what `report` prints now) and with the new verdicts. */
    before: MetricsReport;
    after: MetricsReport;
    /**
     * Oracle-mode runs only, where the verdict steered the loop. stoppedOnWrong: chains (or items without
     * chains) that stopped early on an answer now judged incorrect (the loop would have gone on; their
     * later turns count as that answer). cutShort: chains with an answer now correct before their last
     * stored turn (the loop would have stopped there; later turns no longer count).
     */
    oracleNotes: { stoppedOnWrong: number; cutShort: number } | null;
    skipped: { itemId: string; task: string; reason: string }[];
    /** Items judged with the gold stored in their records (mc/math missing from, or changed in, the task files). */
    fromRecord: string[];
    /** Verifier failures (first 20), and warnings about the task files. */
    errors: { itemId: string; turn: number; error: string }[];
    warnings: string[];
    patches: RecordPatch[];
}

const VERIFY_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "verify");

/** The package version plus a hash of the verifier sources (src/verify/**): changes whenever a verifier does. */
export function verifierVersion(): string {
    const walk = (dir: string): string[] =>
        readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? (e.name === "__pycache__" ? [] : walk(join(dir, e.name))) : /\.(ts|py)$/.test(e.name) ? [join(dir, e.name)] : []));
    let hash = "unknown";
    try {
        const h = createHash("sha256");
        for (const f of walk(VERIFY_DIR).sort()) h.update(`${relative(VERIFY_DIR, f)}\0`).update(readFileSync(f)).update("\0");
        hash = h.digest("hex").slice(0, 12);
    } catch {
        // An installed copy without sources still audits; the version then says so.
    }
    return `${versions()["reflect-lab"]}+verify.${hash}`;
}

/** The ground truth stored for a verify step: `oracle_verdict` beside a model's verdict, else an oracle-mode verdict. */
export function groundTruth(step: StepRecord): Verdict | null {
    if (step.oracle_verdict) return step.oracle_verdict;
    if (step.verdict?.mode === "oracle") {
        const { mode: _mode, ...v } = step.verdict;
        return v;
    }
    return null;
}

export const sameVerdict = (a: Verdict | null, b: Verdict | null) => (a?.correct ?? null) === (b?.correct ?? null) && (a?.extracted ?? null) === (b?.extracted ?? null);
export const zero = (): VerdictChanges => ({ answers: 0, correctToIncorrect: 0, incorrectToCorrect: 0, reread: 0, unjudged: 0 });
const idsHash = (items: TaskItem[]) => createHash("sha256").update(items.map((i) => i.id).join("\n")).digest("hex");

interface JudgedStep {
    step: number;
    turn: number;
    before: Verdict | null;
    beforeCorrect: boolean;
    after: Verdict | null;
    error?: string;
}

/**
 * Re-judges every verify step of one record: the answer it judged is the last live answer/correct
 * step of its turn. correct_by_turn follows the new verdicts; in oracle mode it ends at the first
 * correct turn, as the loop would have.
 */
async function judgeRecord(rec: ItemRecord, judge: (output: string, truncated: boolean) => Promise<Verdict>, oracleMode: boolean): Promise<{ steps: JudgedStep[]; cbt: boolean[]; turns: number; patch: RecordPatch | null }> {
    const steps: JudgedStep[] = [];
    let answer: StepRecord | undefined;
    for (let i = 0; i < rec.steps.length; i++) {
        const s = rec.steps[i]!;
        if (s.superseded) continue;
        if (s.kind === "answer" || s.kind === "correct") answer = s;
        if (s.kind !== "verify" || !answer || answer.turn !== s.turn) continue;
        const before = groundTruth(s);
        const j: JudgedStep = { step: i, turn: s.turn, before, beforeCorrect: before?.correct ?? rec.correct_by_turn[s.turn - 1] === true, after: null };
        try {
            j.after = await judge(answer.output ?? "", answer.stop_reason === "maxTokens");
        } catch (e) {
            j.error = (e as Error).message;
        }
        steps.push(j);
    }
    const byTurn = new Map<number, boolean>();
    for (const j of steps) byTurn.set(j.turn, j.after?.correct ?? j.beforeCorrect);
    const turns = Math.max(0, ...byTurn.keys());
    const cbt = Array.from({ length: turns }, (_, t) => byTurn.get(t + 1) ?? rec.correct_by_turn[t] === true);
    if (oracleMode && cbt.includes(true)) cbt.length = cbt.indexOf(true) + 1;
    const changed = steps.filter((j) => j.after && !sameVerdict(j.before, j.after));
    const patch =
        changed.length > 0 || JSON.stringify(cbt) !== JSON.stringify(rec.correct_by_turn)
            ? { itemId: rec.item.id, sample: null, steps: changed.map((j) => ({ step: j.step, turn: j.turn, before: j.before, after: j.after! })), correctByTurnBefore: rec.correct_by_turn, correctByTurnAfter: cbt }
            : null;
    return { steps, cbt, turns, patch };
}

/** Why a task item may not judge a stored record: its gold data is not the one the run was made with. */
function identityMismatch(item: TaskItem, stored: ItemIdentity): string | null {
    if (item.family !== stored.family) return `its family is ${item.family} in the task files, ${stored.family} in the run`;
    if (item.answer !== stored.answer) return "its gold answer in the task files differs from the one stored with the run";
    if (JSON.stringify(item.choices ?? null) !== JSON.stringify(stored.choices ?? null)) return "its choices in the task files differ from the ones stored with the run";
    return null;
}

/**
 * The gold data to judge a record with: the task item when it matches what the run stored, else for
 * mc and math the gold and choices stored in the record (what the model saw; enough for those
 * verifiers). Code needs the tests and text all accepted answers, which only the task files hold.
 */
function goldOf(stored: ItemIdentity, item: TaskItem | undefined): { item: TaskItem; fromRecord: boolean } | { reason: string } {
    const why = item ? identityMismatch(item, stored) : "it is not in the run's task files";
    if (!why) return { item: item!, fromRecord: false };
    if (stored.family === "mc" || stored.family === "math") return { item: { ...stored, answer_index: null, tests: null, test_setup: null }, fromRecord: true };
    return { reason: `${why} (a ${stored.family} item needs them: ${stored.family === "code" ? "its tests" : "all its accepted answers"})` };
}

/** The run's task items (gold answers, tests), from its task files or `override`; checked against the manifest. */
async function loadRunItems(m: RunManifest, dir: string, override: string[] | undefined): Promise<{ items: Map<string, TaskItem>; warnings: string[] }> {
    // Runs are usually started from the project root: a relative path missing here is tried there.
    const specs = (override?.length ? override : m.config.tasks).map((s) => (s === "demo" || isAbsolute(s) || existsSync(s) || !existsSync(join(PROJECT_ROOT, s)) ? s : join(PROJECT_ROOT, s)));
    let invalid = 0;
    let items: TaskItem[];
    const warnings: string[] = [];
    try {
        items = (await loadBatchTasks({ ...m.config, tasks: specs, limit: null }, true, (e) => (invalid += e.length))).items;
    } catch (e) {
        const why = `cannot read the task items of run ${m.id} (${dir}) from ${specs.join(", ")}: ${(e as Error).message}`;
        // Files named on the command line must load; the run's own may be gone, and mc/math still audit from the records.
        if (override?.length) throw new Error(`${why}. The audit judges with the gold answers and tests of the task files the run was made from`);
        warnings.push(`${why}; mc and math items are judged with the gold stored in the run, code and text items are skipped (pass the task files with --tasks <files...>)`);
        return { items: new Map(), warnings };
    }
    const listed = m.config.limit != null ? items.slice(0, m.config.limit) : items;
    if (idsHash(listed) !== m.tasks.ids_sha256) warnings.push(`the task files (${specs.join(", ")}) no longer give the item list the run started with (${m.tasks.items} items then, ${listed.length} now): items are matched by id and checked against the gold stored with the run`);
    if (invalid > 0) warnings.push(`${invalid} items of the task files are invalid now and were left out`);
    return { items: new Map(items.map((i) => [i.id, i])), warnings };
}

/**
 * Re-judges every stored answer of a run: each item's turn-1 answer and every turn of each sampled
 * chain, with the current verifiers and the run's task items. Reads only; `writeAudit` stores the result.
 * In self/teacher runs only the ground truth (`oracle_verdict`) is re-judged; the model's verdict stays.
 */
export async function auditRun(runDir: string, opts: AuditOptions = {}): Promise<AuditResult> {
    if (!RunStore.exists(runDir)) throw new Error(`${runDir} is not a batch run folder: expected manifest.json and ${STORE_FILE} (made by reflect-lab batch)`);
    const manifest = readRunManifest(runDir);
    // Opening a missing store would create an empty one.
    if (!existsSync(join(runDir, STORE_FILE))) throw new Error(`${runDir} holds a batch run manifest but no ${STORE_FILE}: expected the run's sample store next to it`);
    const { items: taskItems, warnings } = await loadRunItems(manifest, runDir, opts.tasks);
    const t0 = performance.now();
    const at = new Date().toISOString();
    const verifier = verifierVersion();
    const oracle = opts.oracle ?? itemOracle;
    const oracleMode = manifest.config.verifier === "oracle";
    const maxTurns = manifest.config.maxTurns;
    const store = RunStore.open(runDir);
    try {
        const stored = store.outcomes();
        const counts = store.counts();
        const items = store.doneItems();
        // Like batch and verify: code answers run only in the sandbox (or with --unsafe-code-exec); else refuse before judging anything.
        const codeSandbox = requireCodeSandbox(items.flatMap((it) => taskItems.get(it.itemId)?.family ?? []), opts.allowUnsafeCode ?? false);
        const outcomes = new Map<string, ItemOutcome>();
        const patches: RecordPatch[] = [];
        const overall = zero();
        const perTask: Record<string, VerdictChanges> = {};
        const skipped: AuditResult["skipped"] = [];
        const fromRecord: string[] = [];
        const errors: AuditResult["errors"] = [];
        const notes = { stoppedOnWrong: 0, cutShort: 0 };
        let judged = 0;
        let finished = 0;

        const count = (task: string, itemId: string, j: JudgedStep) => {
            const tally = (perTask[task] ??= zero());
            for (const c of [overall, tally]) {
                c.answers++;
                if (!j.after) c.unjudged++;
                else if (j.beforeCorrect && !j.after.correct) c.correctToIncorrect++;
                else if (!j.beforeCorrect && j.after.correct) c.incorrectToCorrect++;
                else if ((j.before?.extracted ?? null) !== j.after.extracted) c.reread++;
            }
            if (j.error && errors.length < 20) errors.push({ itemId, turn: j.turn, error: j.error });
        };

        const auditItem = async ({ itemId, task }: { itemId: string; task: string }) => {
            const baseJson = store.baseRecord(itemId);
            const samples = store.itemSampleRecords(itemId).map((r) => JSON.parse(r) as ItemRecord);
            const base = baseJson ? (JSON.parse(baseJson) as ItemRecord) : null;
            const gold = base ? goldOf(base.item, taskItems.get(itemId)) : { reason: "no base record is stored" };
            if ("reason" in gold) {
                skipped.push({ itemId, task, reason: gold.reason });
                return;
            }
            const item = gold.item;
            if (gold.fromRecord) fromRecord.push(itemId);
            // One verdict per distinct output of this item: the turn-1 answer is in every chain.
            const cache = new Map<string, Promise<Verdict>>();
            const judge = (output: string, truncated: boolean) => {
                const key = `${truncated ? 1 : 0}\u0000${output}`;
                let v = cache.get(key);
                if (!v) {
                    judged++;
                    cache.set(key, (v = oracle(item, output, { truncated })));
                }
                return v;
            };
            const b = await judgeRecord(base!, judge, oracleMode);
            b.steps.forEach((j) => count(task, itemId, j));
            if (b.patch) patches.push(b.patch);
            const chains: { cbt: boolean[]; turns: number }[] = [];
            for (const rec of samples) {
                const r = await judgeRecord(rec, judge, oracleMode);
                // Turn 1 was counted on the base record.
                r.steps.filter((j) => j.turn >= 2).forEach((j) => count(task, itemId, j));
                if (r.patch) patches.push({ ...r.patch, sample: { key: rec.sample?.instruction_key ?? "retry", index: rec.sample?.sample_index ?? 0 } });
                chains.push(r);
            }
            if (oracleMode) {
                // Where the loop ended: each chain, or the base record when none was drawn. An oracle loop
                // stops before maxTurns only on a verdict of correct.
                for (const r of samples.length ? chains : [b]) {
                    if (r.cbt.length === r.turns && r.turns < maxTurns && !r.cbt[r.turns - 1]) notes.stoppedOnWrong++;
                    if (r.cbt.length < r.turns) notes.cutShort++;
                }
            }
            outcomes.set(itemId, { itemId, task, t1: b.cbt[0] === true, chains: chains.map((c) => c.cbt) });
        };

        let next = 0;
        const worker = async () => {
            while (!opts.signal?.aborted && next < items.length) {
                await auditItem(items[next++]!);
                finished++;
                const seconds = (performance.now() - t0) / 1000;
                opts.onProgress?.({ items: finished, total: items.length, judged, seconds, eta: finished ? (seconds / finished) * (items.length - finished) : null });
            }
        };
        const concurrency = Math.max(1, Math.floor(opts.concurrency ?? Math.min(2, availableParallelism())));
        await Promise.all(Array.from({ length: concurrency }, worker));
        // Patches in store order, whichever worker made them.
        const order = new Map(items.map((it, i) => [it.itemId, i]));
        patches.sort((x, y) => order.get(x.itemId)! - order.get(y.itemId)! || (x.sample ? 1 : 0) - (y.sample ? 1 : 0) || `${x.sample?.key}#${x.sample?.index}`.localeCompare(`${y.sample?.key}#${y.sample?.index}`));
        skipped.sort((x, y) => order.get(x.itemId)! - order.get(y.itemId)!);
        fromRecord.sort((x, y) => order.get(x)! - order.get(y)!);
        const sortedTasks = Object.fromEntries(Object.entries(perTask).sort((x, y) => x[0].localeCompare(y[0])));
        return {
            run: runDir,
            id: manifest.id,
            at,
            verifier,
            codeSandbox,
            config: { verifier: manifest.config.verifier, mode: manifest.config.mode, maxTurns },
            items: counts.done,
            samples: counts.samples,
            judged,
            seconds: (performance.now() - t0) / 1000,
            interrupted: opts.signal?.aborted === true && finished < items.length,
            changes: { overall, perTask: sortedTasks },
            before: computeMetrics(stored, maxTurns),
            after: computeMetrics(stored.map((o) => outcomes.get(o.itemId) ?? o), maxTurns),
            oracleNotes: oracleMode ? notes : null,
            skipped,
            fromRecord,
            errors,
            warnings,
            patches
        };
    } finally {
        store.close();
    }
}
