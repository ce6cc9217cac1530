// ReflectEvo-460k data in and out: the release's three shapes read into curated folders (`curate
// --from-reflectevo`), broken records located, and our export read back into the identical rows.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { addCurateCommand } from "../bin/curate.js";
import type { ChatMessage } from "../src/backend/types.js";
import { exportCuration } from "../src/curate/export.js";
import type { PreferenceJudge } from "../src/curate/judge.js";
import { defaultOptions, type CurateOptions } from "../src/curate/options.js";
import { parsePythonStringList, promptParts } from "../src/curate/pyList.js";
import { readEvoFile } from "../src/curate/reflectevoRead.js";
import { curateFromReflectEvo, type EvoImportRequest } from "../src/curate/reflectevoImport.js";
import type { PreferenceRow, SftRow } from "../src/curate/types.js";
import { PROJECT_ROOT, PROMPTS_DIR } from "../src/paths.js";
import { loadTurnTemplates } from "../src/prompts/templates.js";
import type { TaskItem } from "../src/tasks/types.js";
import { checkCuratedData } from "../src/training/data.js";
import { runCommand } from "./helpers/runCommand.js";

const dir = mkdtempSync(join(tmpdir(), "rl-evo-io-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fix = (name: string) => join(PROJECT_ROOT, "test", "fixtures", "reflectevo-release", name);
const readJsonl = <T>(p: string): T[] => readFileSync(p, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as T);
const lineOf = <T>(p: string, n: number) => JSON.parse(readFileSync(p, "utf8").split("\n")[n - 1]!) as T;
const templates = loadTurnTemplates(PROMPTS_DIR);
const correctTurn = (family: TaskItem["family"]) => templates.render("correct", { id: "x", task: "t", family, question: "q", choices: null, answer: "a", answer_index: null, tests: null, test_setup: null });
const options = (over: Partial<CurateOptions> = {}): EvoImportRequest["options"] => ({ ...defaultOptions({ evalFraction: 0, ...over }), sets: over.sets ?? null });
let n = 0;
const evo = (files: string[], over: Partial<EvoImportRequest> = {}) => curateFromReflectEvo({ files, options: options(), out: join(dir, `out-${++n}`), ...over });
const u = (content: string): ChatMessage => ({ role: "user", content });
const a = (content: string): ChatMessage => ({ role: "assistant", content });

describe("prompt lists", () => {
    it("reads Python list literals with either quotes, escapes, adjacent literals and a trailing comma", () => {
        expect(parsePythonStringList(`['You are a bot.', "Don't stop", 'Q: x\\n']`)).toEqual(["You are a bot.", "Don't stop", "Q: x\n"]);
        expect(parsePythonStringList(`['it\\'s', "say \\"hi\\"", 'tab\\there', '\\x41\\u00e9\\\\', 'a' 'b', ]`)).toEqual(["it's", 'say "hi"', "tab\there", "Aé\\", "ab"]);
        expect(parsePythonStringList(`[u'x', r'\\d+']`)).toEqual(["x", "\\d+"]);
        expect(parsePythonStringList("[]")).toEqual([]);
        for (const bad of ["['open", "[1, 2]", "['a'] tail", "'a'", "['a' 'b' c]"]) expect(parsePythonStringList(bad)).toBeNull();
    });

    it("takes a list, a JSON list, a Python list or one plain string", () => {
        expect(promptParts(["a", "b"])).toEqual(["a", "b"]);
        expect(promptParts('["a", "b"]')).toEqual(["a", "b"]);
        expect(promptParts("['a', 'Finish[A]']")).toEqual(["a", "Finish[A]"]);
        expect(promptParts("Solve it.")).toEqual(["Solve it."]);
        expect(promptParts("[not a list]")).toEqual(["[not a list]"]);
        expect(promptParts(3)).toBeNull();
        expect(promptParts([1])).toBeNull();
    });
});

describe("reading ReflectEvo files", () => {
    it("tells the shape from the content, not the name, and numbers the records by their first line", async () => {
        const renamed = join(dir, "records.txt");
        copyFileSync(fix("logiqa_dpm.jsonl"), renamed);
        expect((await readEvoFile(renamed)).shape).toBe("pair");
        const plus = await readEvoFile(fix("logiqa_dplus.jsonl"));
        expect([plus.shape, plus.records.map((r) => r.line)]).toEqual(["dplus", [1, 2, 3, 4]]);
        const raw = await readEvoFile(fix("mixed_raw.json"));
        const starts = readFileSync(fix("mixed_raw.json"), "utf8").split("\n").flatMap((l, i) => (l === "{" ? [i + 1] : []));
        expect(starts).toHaveLength(4);
        expect([raw.shape, raw.records.map((r) => [r.record, r.line])]).toEqual(["raw", starts.map((l, i) => [i + 1, l])]);
        const arr = await readEvoFile(fix("mixed_raw_array.json"));
        expect([arr.shape, arr.records.length, arr.records[0]!.line]).toEqual(["raw", 2, 2]);
    });

    it("refuses files that are not ReflectEvo-460k data, not regular files, or empty", async () => {
        await expect(evo([join(PROJECT_ROOT, "test", "fixtures", "reflectevo", "logiqa_test.jsonl")])).rejects.toThrow(/logiqa_test\.jsonl is not a ReflectEvo-460k file: .*keys seen: .*question/);
        mkdirSync(join(dir, "a-dir"));
        await expect(evo([join(dir, "a-dir")])).rejects.toThrow(/a-dir is a directory, not a regular file/);
        writeFileSync(join(dir, "empty.jsonl"), "\n\n");
        await expect(evo([join(dir, "empty.jsonl")])).rejects.toThrow(/empty\.jsonl holds no records/);
        await expect(evo([fix("logiqa_dplus.jsonl"), fix("logiqa_dplus.jsonl")])).rejects.toThrow(/given twice/);
        const fifo = join(dir, "a-fifo");
        execFileSync("mkfifo", [fifo]);
        await expect(evo([fifo])).rejects.toThrow(/a-fifo is a FIFO \(named pipe\), not a regular file/);
    });
});

describe("curate --from-reflectevo", () => {
    it("builds D+ conversations from the record's prompts, with the lab's correct turn", async () => {
        const s = await evo([fix("logiqa_dplus.jsonl")]);
        expect(s.options.sets).toEqual(["dplus"]);
        // The task is the file's name without its set: "logiqa_dplus" is logiqa.
        expect(s.counts.dplus).toEqual({ train: 4, eval: 0, total: 4, per_task: { logiqa: { train: 4, eval: 0 } } });
        const one = readJsonl<SftRow>(join(s.out, "sft.one-stage.train.jsonl"));
        expect(one).toHaveLength(4);
        type Rec = Record<string, string>;
        const [r1, r2, r3, r4] = [1, 2, 3, 4].map((i) => lineOf<Rec>(fix("logiqa_dplus.jsonl"), i)) as [Rec, Rec, Rec, Rec];
        // A Python list holding the question: its parts joined.
        expect(one[0]!.messages).toEqual([
            u(`Solve a question answering task by having a Thought, then Finish with your answer. You don't need to explain more.\n\nQuestion: ${r1.question}\nThought:`),
            a(r1.first_trial_reasoning!),
            u(r1.reflect_prompt!),
            a(r1.reflections!),
            u(correctTurn("mc")),
            a(r1.second_trial_reasoning!)
        ]);
        expect(one[0]!.train_on_last).toBe(2);
        expect(one[1]!.messages[3]).toEqual(a((r2.reflections as unknown as string[]).join("\n\n")));
        // Double-quoted parts with escapes, and no question in them: the question is added.
        expect(one[2]!.messages[0]).toEqual(u(`You're an expert at logical reasoning.\tAnswer with Finish[letter].\n\nThink step by step.\n\n${r3.question}`));
        // A plain string prompt, and a math item's answer format.
        expect(one[3]!.messages[0]).toEqual(u(`Solve the math problem.\n\n${r4.question}`));
        expect(one[3]!.messages[4]).toEqual(u(correctTurn("math")));
        expect(one[2]!.provenance).toEqual({ run: "reflectevo:logiqa_dplus.jsonl", item_id: "6", task: "logiqa", model_file: "", model_sha256: "", instruction_key: "unknown", sample_index: 0, seed: 0, source: { file: fix("logiqa_dplus.jsonl"), shape: "dplus", record: 3, line: 3, id: "6" } });
        // Two samples of question 2: numbered apart.
        expect(one.map((r) => `${r.provenance.item_id}#${r.provenance.sample_index}`)).toEqual(["2#0", "2#1", "6#0", "7#0"]);
        const refl = readJsonl<SftRow>(join(s.out, "sft.reflector.train.jsonl"));
        expect(refl[0]).toEqual({ ...one[0]!, messages: one[0]!.messages.slice(0, 4), train_on_last: 1 });
        expect(readJsonl<SftRow>(join(s.out, "sft.corrector.train.jsonl"))[0]).toEqual({ ...one[0]!, train_on_last: 1 });
        expect(s.sources[0]).toMatchObject({ run: "logiqa_dplus.jsonl", kind: "reflectevo", shape: "dplus", records: 4, skipped: 0, items: 3, samples: 4 });
        expect(s.samples).toMatchObject({ items: 3, failed_attempts: 3, corrections: 4, correct_corrections: 4 });
    });

    it("reads pair files as D± by default, as D_pref when told, and drops pairs with one reflection twice", async () => {
        const s = await evo([fix("logiqa_dpm.jsonl")]);
        expect(s.options.sets).toEqual(["dpm"]);
        expect(s.counts.dpm!.total).toBe(2);
        expect(s.dropped.dpm).toEqual({ filter: 0, identical: 1, dedup: 0, cap: 0 });
        const rows = readJsonl<PreferenceRow>(join(s.out, "pref.dpm.train.jsonl"));
        const r1 = lineOf<Record<string, string>>(fix("logiqa_dpm.jsonl"), 1);
        expect(rows[0]).toMatchObject({ prompt: [u(`Solve a question answering task by having a Thought, then Finish with your answer.\n\nQuestion: ${r1.question}\nThought:`), a(r1.first_trial_reasoning!), u(r1.reflection_prompt!)], chosen: [a(r1.reflection_chosen!)], rejected: [a(r1.reflection_rejected!)] });
        expect(rows[0]!.provenance.chosen.source).toEqual({ file: fix("logiqa_dpm.jsonl"), shape: "pair", record: 1, line: 1, id: "3" });
        expect(s.samples).toMatchObject({ corrections: 6, correct_corrections: 3, prompt_groups: 2, mixed_groups: 2 });
        const pref = await evo([fix("logiqa_dpm.jsonl")], { pairSet: "dpref" });
        expect([pref.options.sets, pref.counts.dpref!.total, existsSync(join(pref.out, "pref.dpm.train.jsonl"))]).toEqual([["dpref"], 2, false]);
        expect(readJsonl<PreferenceRow>(join(pref.out, "pref.dpref.train.jsonl")).map((r) => r.chosen)).toEqual(rows.map((r) => r.chosen));
        // --set filters what the files give.
        const only = await evo([fix("logiqa_dplus.jsonl"), fix("logiqa_dpm.jsonl")], { options: options({ sets: ["dpm"] }) });
        expect([only.options.sets, only.counts.dpm!.total, only.counts.dplus]).toEqual([["dpm"], 2, undefined]);
    });

    it("turns raw records into D+ (failed trial 1, right trial 2) and D± (right and wrong trial 2 on one prompt)", async () => {
        const s = await evo([fix("mixed_raw.json")]);
        expect(s.options.sets).toEqual(["dplus", "dpm"]);
        // Record 1: two right trial-2s; record 2: one right, one wrong (and a trial 3, left out); record 3: right at trial 1; record 4: code.
        expect([s.counts.dplus!.total, s.counts.dpm!.total]).toEqual([4, 1]);
        expect(s.samples).toMatchObject({ items: 4, solved_first: 1, failed_attempts: 3, corrections: 5, correct_corrections: 4, prompt_groups: 3, mixed_groups: 1 });
        const one = readJsonl<SftRow>(join(s.out, "sft.one-stage.train.jsonl"));
        expect(one.map((r) => [r.provenance.item_id, r.provenance.source!.record, r.provenance.source!.line, r.provenance.source!.output_index])).toEqual([["2", 1, 1, 1], ["2", 1, 1, 2], ["4", 2, 41, 2], ["mbpp-2", 4, 109, 1]]);
        // The environment's verdict line is not the model's: dropped from every trial.
        for (const r of one) for (const m of r.messages) expect(m.content).not.toMatch(/Observation: Answer is/);
        const code = one[3]!.messages;
        expect(code[0]!.content).toContain("Your code should pass these tests:\n\nassert set(similar_elements((3, 4, 5, 6),(5, 7, 4, 10))) == set((4, 5))");
        expect(code[2]!.content).toMatch(/^Your answer is incorrect\.\n\nReflect on your previous answer/);
        expect(code[4]).toEqual(u(correctTurn("code")));
        expect(code[5]).toEqual(a("def similar_elements(a, b):\n    return tuple(set(a) & set(b))"));
        const [pair] = readJsonl<PreferenceRow>(join(s.out, "pref.dpm.train.jsonl"));
        expect([pair!.chosen[0]!.content, pair!.rejected[0]!.content]).toEqual(["The flaw is the generalization, not the sample.", "I should defend D better."]);
        expect([pair!.provenance.chosen.source!.output_index, pair!.provenance.rejected.source!.output_index]).toEqual([2, 1]);
        const arr = await evo([fix("mixed_raw_array.json")]);
        expect([arr.counts.dplus!.total, arr.counts.dpm!.total]).toEqual([3, 1]);
    });

    it("writes a folder train accepts, through the CLI, split by question", async () => {
        const out = join(dir, "cli");
        const r = await runCommand((p) => addCurateCommand(p), ["curate", "--from-reflectevo", fix("logiqa_dplus.jsonl"), fix("logiqa_dpm.jsonl"), fix("mixed_raw.json"), "--out", out, "--eval-fraction", "0.5", "--seed", "3"]);
        expect([r.code, r.err]).toEqual([undefined, ""]);
        expect(r.out).toMatch(/D\+\s+all\s+\d+\s+\d+\s+8/);
        expect(r.out).toMatch(/D±\s+all\s+\d+\s+\d+\s+3/);
        for (const setting of ["one-stage", "two-stage", "dpo-pm"] as const) expect(checkCuratedData(setting, out).problem).toBeNull();
        expect(checkCuratedData("dpo-pref", out).problem).toMatch(/no dpo-pref data/);
        const sides = new Map<string, Set<string>>();
        for (const split of ["train", "eval"]) for (const row of readJsonl<SftRow>(join(out, `sft.one-stage.${split}.jsonl`))) (sides.get(`${row.provenance.task}/${row.provenance.item_id}`) ?? sides.set(`${row.provenance.task}/${row.provenance.item_id}`, new Set()).get(`${row.provenance.task}/${row.provenance.item_id}`)!).add(split);
        expect(sides.size).toBe(6);
        for (const s of sides.values()) expect(s.size).toBe(1);
        const both = await runCommand((p) => addCurateCommand(p), ["curate", "some-run", "--from-reflectevo", fix("logiqa_dplus.jsonl"), "--out", join(dir, "cli-both")]);
        expect([both.code, both.err.trim()]).toEqual([1, "reflect-lab: give batch runs or --from-reflectevo files, not both"]);
        await expect(runCommand((p) => addCurateCommand(p), ["curate", "--from-reflectevo", fix("logiqa_dpm.jsonl"), "--reflectevo-set", "dplus"])).rejects.toThrow(/--reflectevo-set must be dpm \(D±\) or dpref \(D_pref\)/);
        const stray = await runCommand((p) => addCurateCommand(p), ["curate", "some-run", "--skip-invalid", "--out", join(dir, "cli-stray")]);
        expect([stray.code, stray.err.trim()]).toEqual([1, "reflect-lab: --skip-invalid is for --from-reflectevo"]);
    });
});

const PYTHON = join(PROJECT_ROOT, "training", ".venv", "bin", "python");
it.skipIf(!existsSync(PYTHON))("the trainer's own reader takes the imported folder (no model loaded)", async () => {
    const { out } = await evo([fix("logiqa_dplus.jsonl"), fix("logiqa_dpm.jsonl"), fix("mixed_raw.json")], { options: options({ evalFraction: 0.5 }) });
    // split_files checks the fields train.py needs; the mask rule of tokenize_sft is checked without a tokenizer.
    const script = `import json, sys
from reflect_train import data
d = sys.argv[1]
n = {}
for name in ("sft.one-stage", "sft.reflector", "sft.corrector"):
    train, ev = data.split_files(d, name, ("messages",))
    for row in train + ev:
        m = row["messages"]; last = int(row.get("train_on_last", 1))
        assert m[-1]["role"] == "assistant" and 1 <= last <= sum(x["role"] == "assistant" for x in m), row["_where"]
    n[name] = len(train) + len(ev)
train, ev = data.split_files(d, "pref.dpm", ("prompt", "chosen", "rejected"))
n["pref.dpm"] = len(train) + len(ev)
print(json.dumps(n))`;
    const got = JSON.parse(execFileSync(PYTHON, ["-c", script, out], { cwd: join(PROJECT_ROOT, "training"), encoding: "utf8" })) as Record<string, number>;
    expect(got).toEqual({ "sft.one-stage": 8, "sft.reflector": 8, "sft.corrector": 8, "pref.dpm": 3 });
});

describe("broken records", () => {
    it("stop the import naming the file, record, line and field; --skip-invalid reports and skips them", async () => {
        const f = fix("logiqa_dplus_broken.jsonl");
        await expect(evo([f])).rejects.toThrow(`${f}: record 2 (line 2): invalid JSON`);
        const skipped: string[] = [];
        const s = await evo([f], { skipInvalid: true, onSkipped: (e) => skipped.push(e.message) });
        expect(skipped).toHaveLength(3);
        expect(skipped[0]).toMatch(new RegExp(`^${f.replace(/[.+]/g, "\\$&")}: record 2 \\(line 2\\): invalid JSON`));
        expect(skipped[1]).toBe(`${f}: record 3 (line 4): field "reflect_prompt": missing`);
        expect(skipped[2]).toBe(`${f}: record 4 (line 5): field "second_trial_reasoning": expected a string, got 42`);
        expect([s.counts.dplus!.total, s.sources[0]!.records, s.sources[0]!.skipped]).toEqual([2, 5, 3]);
        expect(readJsonl<SftRow>(join(s.out, "sft.one-stage.train.jsonl")).map((r) => r.provenance.source!.record)).toEqual([1, 5]);
    });

    it("in a pretty-printed raw file: a mistyped trial field and invalid JSON, each its own record", async () => {
        const f = fix("mixed_raw_broken.json");
        await expect(evo([f])).rejects.toThrow(`${f}: record 2 (line 41): field "output[1].is_correct": expected true or false, got "yes"`);
        const skipped: string[] = [];
        const s = await evo([f], { skipInvalid: true, onSkipped: (e) => skipped.push(e.message) });
        expect(skipped.map((m) => /record (\d+) \(line (\d+)\)/.exec(m)!.slice(1).join("@"))).toEqual(["2@41", "3@93"]);
        expect(skipped[1]).toContain("invalid JSON");
        expect(s.counts.dplus!.total).toBe(3);
    });

    it("invalid UTF-8 is an error of the record holding it; the CLI prints skipped records and exits 0", async () => {
        const good = readFileSync(fix("logiqa_dplus.jsonl"), "utf8").split("\n");
        const p = join(dir, "latin1.jsonl");
        // Record 2 holds a Latin-1 "é" (0xe9) inside its question.
        writeFileSync(p, Buffer.concat([Buffer.from(good[0]! + "\n" + good[2]!.slice(0, 30)), Buffer.from([0xe9]), Buffer.from(good[2]!.slice(30) + "\n" + good[3]! + "\n")]));
        await expect(evo([p])).rejects.toThrow(/latin1\.jsonl: record 2 \(line 2\): invalid UTF-8 at byte \d+/);
        const r = await runCommand((c) => addCurateCommand(c), ["curate", "--from-reflectevo", p, "--skip-invalid", "--out", join(dir, "cli-skip"), "--eval-fraction", "0"]);
        expect(r.code).toBeUndefined();
        expect(r.err.trim().split("\n")).toEqual([expect.stringMatching(/^skipped: .*latin1\.jsonl: record 2 \(line 2\): invalid UTF-8/)]);
        expect(r.out).toMatch(/D\+\s+all\s+2\s+0\s+2/);
        expect(r.out).toContain("· 1 invalid records skipped");
    });
});

describe("round trip: our export, the release's schema, our rows again", () => {
    const run = join(dir, "smollm2-demo");
    /** Rows without the import's source (the one thing a re-import adds). */
    const strip = (row: SftRow | PreferenceRow) => JSON.parse(JSON.stringify(row, (k, v) => (k === "source" ? undefined : v))) as unknown;
    const files = (out: string, names: string[]) => names.flatMap((f) => ["train", "eval"].map((s) => `${f}.${s}.jsonl`)).map((f) => ({ f, rows: readJsonl<SftRow | PreferenceRow>(join(out, f)) }));
    beforeAll(() => cpSync(join(PROJECT_ROOT, "test", "fixtures", "runs", "smollm2-demo"), run, { recursive: true }));

    it("gives the identical SFT and D± rows (messages, targets, provenance), split alike, and the same records again", async () => {
        const first = await exportCuration({ runs: [run], options: defaultOptions({ evalFraction: 0.5 }), out: join(dir, "rt-1") });
        // Both splits hold rows, so the split is compared too.
        expect([first.counts.dplus, first.counts.dpm].map((c) => [c!.train, c!.eval])).toEqual([[1, 2], [1, 2]]);
        // The default seed of the import is the runs' (from the provenance): the same split.
        const back = await curateFromReflectEvo({ files: [join(first.out, "reflectevo.dplus.jsonl"), join(first.out, "reflectevo.dpm.jsonl")], options: { ...defaultOptions({ evalFraction: 0.5 }), sets: null }, out: join(dir, "rt-2") });
        expect(back.options).toEqual(first.options);
        expect(back.counts).toEqual(first.counts);
        const names = ["sft.one-stage", "sft.reflector", "sft.corrector", "pref.dpm"];
        const [was, now] = [files(first.out, names), files(back.out, names)];
        expect(was.reduce((k, x) => k + x.rows.length, 0)).toBe(12);
        expect(now.map((x) => [x.f, x.rows.map(strip)])).toEqual(was.map((x) => [x.f, x.rows.map(strip)]));
        // Each imported row names its record in our export file.
        const plus = now.filter((x) => x.f.startsWith("sft.one-stage")).flatMap((x) => x.rows as SftRow[]);
        expect(plus.map((r) => r.provenance.source!.record).sort()).toEqual([1, 2, 3]);
        for (const set of ["dplus", "dpm"]) {
            const again = readJsonl<object>(join(back.out, `reflectevo.${set}.jsonl`)).map((r) => strip(r as SftRow));
            expect(again).toEqual(readJsonl<object>(join(first.out, `reflectevo.${set}.jsonl`)));
        }
    });

    it("keeps D_pref pairs D_pref (our records say so) with the judge's verdict", async () => {
        const judge: PreferenceJudge = { model: "scripted", judge: async (_p, x, y) => ({ winner: x.content.length >= y.content.length ? "a" : "b", reason: "longer" }) };
        const first = await exportCuration({ runs: [run], options: defaultOptions({ sets: ["dpref"], evalFraction: 0 }), out: join(dir, "rt-pref-1"), judge });
        expect(first.counts.dpref!.total).toBeGreaterThan(0);
        const back = await curateFromReflectEvo({ files: [join(first.out, "reflectevo.dpref.jsonl")], options: { ...defaultOptions({ evalFraction: 0 }), sets: null }, out: join(dir, "rt-pref-2") });
        expect(back.options.sets).toEqual(["dpref"]);
        const rows = (out: string) => readJsonl<PreferenceRow>(join(out, "pref.dpref.train.jsonl")).map(strip);
        expect(rows(back.out)).toEqual(rows(first.out));
        expect((rows(back.out)[0] as PreferenceRow).provenance.judge).toEqual({ model: "scripted", reason: expect.stringContaining("longer") });
    });
});
