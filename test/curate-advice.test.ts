// The empty-curation advice: pure on summaries (each cause gives its reason and its fix), and the
// `curate` command printing it before any file is written, with exit code 0.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { addCurateCommand } from "../bin/curate.js";
import { emptyCurationAdvice, emptySets } from "../src/curate/emptyAdvice.js";
import { exportCuration, planRuns, type PlannedSummary } from "../src/curate/export.js";
import { defaultOptions } from "../src/curate/options.js";
import type { SetCounts } from "../src/curate/plan.js";
import { PROJECT_ROOT } from "../src/paths.js";
import { runCommand } from "./helpers/runCommand.js";

const rows = (train: number, ev = 0): SetCounts => ({ train, eval: ev, total: train + ev, per_task: train + ev ? { demo: { train, eval: ev } } : {} });
const none = { filter: 0, identical: 0, dedup: 0, cap: 0 };

/** A summary of one run: 10 items, 8 failed at turn 1, 48 corrections of which `correct` were right. */
function summary(over: Partial<PlannedSummary> = {}, samples: Partial<PlannedSummary["samples"]> = {}): PlannedSummary {
    return {
        options: { sets: ["dplus", "dpm"], cap_per_task: null, instructions: null, dedup: true, eval_fraction: 0.1, seed: 7 },
        sources: [{ run: "run-demo", dir: "/x/run-demo", model_file: "m.gguf", model_sha256: "0".repeat(64), mode: "reflect", verifier: "oracle", seed: 7, items: 10, samples: 48 }],
        counts: { dplus: rows(0), dpm: rows(0) },
        questions: { train: 8, eval: 0 },
        dropped: { dplus: { ...none }, dpm: { ...none } },
        samples: { read: 48, incomplete: 0, items: 10, solved_first: 2, failed_attempts: 8, corrections: 48, correct_corrections: 0, prompt_groups: 24, mixed_groups: 0, ...samples },
        ...over
    };
}

describe("emptyCurationAdvice", () => {
    it("is null when a requested set has training rows, and names the sets otherwise", () => {
        expect(emptyCurationAdvice(summary({ counts: { dplus: rows(3), dpm: rows(0) } }), ["dplus", "dpm"])).toBeNull();
        expect(emptyCurationAdvice(summary({ counts: { dplus: rows(3), dpm: rows(0) } }), ["dplus"])).toBeNull();
        // Asked about D± alone, its emptiness is reported.
        const dpm = emptyCurationAdvice(summary({ counts: { dplus: rows(3), dpm: rows(0) } }, { correct_corrections: 3 }), ["dpm"])!;
        expect(dpm.split("\n")).toHaveLength(3);
        expect(dpm).toMatch(/^no training rows for D±\n/);
        expect(dpm).toContain("0 of 24 D± groups (one failed attempt, one instruction) had both a correct and an incorrect correction");
        expect(dpm).toContain("D± needs a right and a wrong correction on one prompt: sample more per instruction (batch --k 4)");
        expect(emptySets(summary({ counts: { dplus: rows(3), dpm: rows(0) } }), ["dplus", "dpm", "dpref"])).toEqual(["dpm", "dpref"]);
    });

    it("says how many items failed, corrections were sampled and right, and what to change", () => {
        const a = emptyCurationAdvice(summary(), ["dplus", "dpm"])!;
        const [head, why, change] = a.split("\n");
        expect(head).toBe("no training rows for D+, D±");
        expect(why).toBe("why: 10 items: 2 right at turn 1, 8 failed; 48 corrections sampled after a reflection, 0 correct; 0 of 24 D± groups (one failed attempt, one instruction) had both a correct and an incorrect correction");
        expect(change).toMatch(/^change: batch more items .*more samples per instruction \(--k 4\), more instructions \(--instructions random:12 or all\), or another model or task family/);
    });

    it("points at the cause when it is not the model: all right at turn 1, no corrections, the filter, the eval split", () => {
        expect(emptyCurationAdvice(summary({}, { solved_first: 10, failed_attempts: 0, corrections: 0, read: 0, prompt_groups: 0 }), ["dplus"])).toMatch(/every item was right at turn 1: use harder items or another task family$/);
        expect(emptyCurationAdvice(summary({}, { corrections: 0, prompt_groups: 0 }), ["dplus"])).toMatch(/no correction was sampled: make the runs with --mode reflect/);
        expect(emptyCurationAdvice(summary({}, { items: 0, solved_first: 0, failed_attempts: 0, corrections: 0 }), ["dplus"])).toMatch(/hold no finished item: run `reflect-lab batch` first/);
        const filtered = emptyCurationAdvice(summary({ dropped: { dplus: { ...none, filter: 5 }, dpm: { ...none } } }, { correct_corrections: 5 }), ["dplus"])!;
        expect(filtered).toContain("D+ dropped 5 by the instruction filter");
        expect(filtered).toMatch(/change: widen --instructions \(or leave it out\)$/);
        const evalOnly = emptyCurationAdvice(summary({ counts: { dplus: rows(0, 2), dpm: rows(0) } }, { correct_corrections: 2 }), ["dplus"])!;
        expect(evalOnly).toContain("all 2 D+ rows fell into the eval split");
        expect(evalOnly).toContain("lower --eval-fraction (now 0.1) or curate more questions");
    });

    it("reports the judge for D_pref, files for imports, and copes with a curation.json that lacks the counts", () => {
        const judged = emptyCurationAdvice(summary({ counts: { dpref: rows(0) }, judge: { model: "gpt-judge", candidates: 4, kept: 0, ties: 3, disagreements: 1 } }), ["dpref"])!;
        expect(judged).toContain("the judge gpt-judge kept 0 of 4 pairs (3 ties, 1 disagreements)");
        expect(judged).toContain("judge with another teacher model");
        const imported = emptyCurationAdvice(summary({ sources: [{ run: "a.jsonl", dir: "/a.jsonl", model_file: "", model_sha256: "", mode: "reflectevo", verifier: "recorded", seed: 0, items: 0, samples: 0, kind: "reflectevo", shape: "dplus", records: 3, skipped: 3 }] }, { corrections: 0 }), ["dplus"])!;
        expect(imported).toContain("3 records read from 1 file, 3 skipped as invalid");
        expect(imported).not.toContain("--k");
        const old = summary();
        (old as { samples: unknown }).samples = { read: 48, incomplete: 0 };
        expect(emptyCurationAdvice(old, ["dplus"])).toBe("no training rows for D+\nwhy: the counts are not recorded\nchange: curate more runs or items");
    });
});

describe("curate with nothing to train on", () => {
    const dir = mkdtempSync(join(tmpdir(), "rl-curate-advice-"));
    const run = join(dir, "smollm2-demo");
    beforeAll(() => cpSync(join(PROJECT_ROOT, "test", "fixtures", "runs", "smollm2-demo"), run, { recursive: true }));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it("counts the stored run: items, failed attempts, corrections, right ones and D± groups", async () => {
        const out = join(dir, "counted");
        const s = await exportCuration({ runs: [run], options: defaultOptions({ evalFraction: 0 }), out });
        // 10 items, 2 right at turn 1; 8 failed ones with 3 instructions x k 2 corrections each, 3 right (in 3 mixed groups).
        expect(s.samples).toEqual({ read: 48, incomplete: 0, items: 10, solved_first: 2, failed_attempts: 8, corrections: 48, correct_corrections: 3, prompt_groups: 24, mixed_groups: 3 });
        expect(s.counts.dplus!.train).toBe(3);
        expect(emptyCurationAdvice(s, ["dplus", "dpm"])).toBeNull();
        // The same counts without writing a file.
        const planned = planRuns({ runs: [run], options: defaultOptions({ evalFraction: 0 }) });
        expect([planned.samples, planned.counts]).toEqual([s.samples, s.counts]);
        expect(emptyCurationAdvice(planRuns({ runs: [run], options: defaultOptions({ instructions: ["2-1-1"] }) }), ["dplus"])).toMatch(/^no training rows for D\+\n/);
    });

    it("warns before writing: the plan is seen while the folder has no file yet", async () => {
        const out = join(dir, "before");
        let seen: string[] | null = null;
        const s = await exportCuration({ runs: [run], options: defaultOptions({ instructions: ["2-1-1"] }), out, onPlan: (p) => {
            seen = existsSync(out) ? readdirSync(out) : [];
            expect(emptyCurationAdvice(p, p.options.sets)).toContain("widen --instructions");
        } });
        expect(seen).toEqual([]);
        expect(s.files.every((f) => f.rows === 0)).toBe(true);
        expect(existsSync(join(out, "curation.json"))).toBe(true);
    });

    it("prints the advice on stderr and still exits 0 with the empty files written", async () => {
        const out = join(dir, "cli-empty");
        const r = await runCommand((p) => addCurateCommand(p), ["curate", run, "--out", out, "--instructions", "2-1-1"]);
        expect(r.code).toBeUndefined();
        const lines = r.err.trim().split("\n");
        expect(lines[0]).toBe("reflect-lab: warning: no training rows for D+, D±");
        expect(lines[1]).toMatch(/^ {2}why: 10 items: 2 right at turn 1, 8 failed; 48 corrections sampled after a reflection, 3 correct; 3 of 24 D± groups .*; D\+ dropped 3 by the instruction filter; D± dropped 3 by the instruction filter$/);
        expect(lines[2]).toBe("  change: widen --instructions (or leave it out)");
        expect(lines).toHaveLength(3);
        expect(readFileSync(join(out, "sft.one-stage.train.jsonl"), "utf8")).toBe("");
        expect(JSON.parse(readFileSync(join(out, "curation.json"), "utf8")).samples.correct_corrections).toBe(3);
        // With rows, nothing is said.
        const ok = await runCommand((p) => addCurateCommand(p), ["curate", run, "--out", join(dir, "cli-ok"), "--eval-fraction", "0"]);
        expect(ok.err).toBe("");
    });
});
