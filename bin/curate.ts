// `reflect-lab curate`: training sets (D+, D±, D_pref) from batch runs or ReflectEvo-460k files, written as TRL JSONL and ReflectEvo records.
import { Command, InvalidArgumentError } from "commander";
import { emptyCurationAdvice } from "../src/curate/emptyAdvice.js";
import { defaultCuratedDir, exportCuration, type CurationSummary, type PlannedSummary } from "../src/curate/export.js";
import { formatSummary } from "../src/curate/format.js";
import { DEFAULT_EVAL_FRACTION, DEFAULT_SETS, defaultOptions, parseInstructionFilter, parseSets } from "../src/curate/options.js";
import { backoffLine } from "../src/endpoints/backoffLine.js";
import { SESSIONS_DIR } from "../src/paths.js";
import { teacherJudge } from "../src/teacher/judge.js";
import { TEACHER_MAX_TOKENS } from "../src/teacher/sampler.js";
import { openTeacher, type OpenedTeacher } from "../src/teacher/open.js";
import { curateFromReflectEvo } from "../src/curate/reflectevoImport.js";
import type { CuratedSet } from "../src/curate/types.js";
import { withCurationLock } from "../src/curate/writer.js";
import { printable } from "../src/terminalText.js";

const int = (name: string, min: number) => (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min}`);
    return n;
};
const fraction = (v: string) => {
    const n = Number(v);
    if (!(n >= 0 && n < 1)) throw new InvalidArgumentError("--eval-fraction must be a number in [0, 1)");
    return n;
};
const collect = (v: string, prev: string[] = []) => [...prev, v];

const HELP = `
Sets (the paper's curation):
  dplus   D+: samples whose turn-2 correction is correct by ground truth
  dpm     D±: pairs for the same question, failed attempt and instruction, one correction
          correct (chosen) and one incorrect (rejected), paired one-to-one in sample order
  dpref   D_pref: pairs of reflections judged by a teacher model in both orders (needs --teacher)

Files in --out (each .train.jsonl and .eval.jsonl; split by question, never by sample):
  sft.one-stage   from D+: reflect prompt -> reflection + correction (train_on_last 2)
  sft.reflector   from D+: reflect prompt -> reflection (train_on_last 1)
  sft.corrector   from D+: correct prompt -> correction (train_on_last 1)
  pref.dpm        from D±: TRL preference rows, only the reflection is optimised
  pref.dpref      from D_pref
  reflectevo.<set>.jsonl  the rows as ReflectEvo-460k records (the release's fields, then ours)
  curation.json   options, sources, counts and why rows were dropped (written last)
Prompts are the messages recorded at generation, exactly as sent; every row carries its provenance.
An empty set is a warning (printed before the files are written) that says why and what to change.

ReflectEvo-460k data (--from-reflectevo FILES, instead of runs): each file's shape is read from its
content: D+ JSONL (second_trial_reasoning, reflections), D± / D_pref JSONL (reflection_chosen,
reflection_rejected; --reflectevo-set says which, default D±) or raw reflection records (pretty-printed
JSON objects with an "output" list of trials: a failed trial 1 and a right trial 2 give D+, right and
wrong trial-2 entries on one reflect prompt give D± pairs). The conversation is built from the record's
reason_prompt and reflect_prompt (the lab's own templates where a record has none); reflect-lab's own
reflectevo.*.jsonl read back into the identical rows. A broken record stops the import naming the file,
record, line and field; --skip-invalid reports and skips it.

Examples:
  reflect-lab curate sessions/batch-20250101-120000 --out data/curated
  reflect-lab curate run-a run-b --set dplus --cap-per-task 500 --instructions 1-1-1,2-3-2 --json
  reflect-lab curate run-a --teacher gpt-4o            # D+, D± and D_pref judged by the endpoint "gpt-4o"
  reflect-lab curate --from-reflectevo logiqa_D+.jsonl logiqa_Dpref.jsonl --reflectevo-set dpref --out data/evo
`;

const pairSet = (v: string) => {
    const set = v.trim().toLowerCase();
    if (set !== "dpm" && set !== "dpref") throw new InvalidArgumentError("--reflectevo-set must be dpm (D±) or dpref (D_pref)");
    return set as "dpm" | "dpref";
};

/** The empty-set warning, once per distinct message (before writing, and after judging when that emptied D_pref). */
function warner(sets: () => CuratedSet[]) {
    let last: string | null = null;
    return (s: PlannedSummary | CurationSummary) => {
        const advice = emptyCurationAdvice(s, sets());
        if (advice && advice !== last) process.stderr.write(`reflect-lab: warning: ${advice.replace(/\n/g, "\n  ")}\n`);
        last = advice;
    };
}

export interface CurateCommandDeps {
    /** How `--teacher <endpoint>` becomes a model (tests inject a scripted one). */
    openTeacher?: (endpoint: string) => Promise<OpenedTeacher>;
}

export function addCurateCommand(program: Command, deps: CurateCommandDeps = {}): void {
    program
        .command("curate")
        .description("curate training sets (D+, D±, D_pref) from batch runs or ReflectEvo-460k files: TRL SFT/preference JSONL split by question, ReflectEvo records")
        .argument("[runs...]", `batch run folders, or run ids under ${SESSIONS_DIR}`)
        .option("--from-reflectevo <files...>", "curate ReflectEvo-460k files (D+, D±/D_pref JSONL or raw reflection records) instead of runs")
        .option("--reflectevo-set <set>", "what pair files are: dpm (D±, the default) or dpref (D_pref)", pairSet)
        .option("--skip-invalid", "with --from-reflectevo: report and skip broken records instead of stopping")
        .option("-s, --set <sets>", `dplus, dpm, dpref; repeatable or a comma list (default ${DEFAULT_SETS.join(",")}; with --from-reflectevo, the sets the files give)`, collect)
        .option("-o, --out <dir>", "output folder, empty unless --force (default sessions/curated-<time>)")
        .option("--cap-per-task <n>", "at most N rows per task and set, chosen by the seed", int("--cap-per-task", 1))
        .option("--instructions <keys>", "only samples reflected with these instruction keys, e.g. 1-1-1,2-3-2")
        .option("--no-dedup", "keep rows with an identical prompt and target (default: kept once)")
        .option("--eval-fraction <f>", `share of questions held out for eval (default ${DEFAULT_EVAL_FRACTION})`, fraction)
        .option("--seed <n>", "seed of the split and the cap (default: the first run's seed)", int("--seed", 0))
        .option("--force", "write into a non-empty folder, replacing its earlier curated files")
        .option("--teacher <endpoint>", "the D_pref judge: an OpenAI-compatible endpoint by name (adds dpref unless --set is given)")
        .option("--teacher-max-tokens <n>", `longest judge reply (default ${TEACHER_MAX_TOKENS})`, (v: string) => {
            const n = Number(v);
            if (!Number.isInteger(n) || n < 16) throw new InvalidArgumentError("--teacher-max-tokens must be an integer >= 16");
            return n;
        })
        .option("--json", "print the curation summary (curation.json) as JSON")
        .addHelpText("after", HELP)
        .action(async (runs: string[], o) => {
            let teacher: OpenedTeacher | null = null;
            const out = o.out ?? defaultCuratedDir();
            // Exit at once with 128 + the signal: the exit hooks drop the .part files and the folder's lock.
            let exported = false;
            const onSignal = (sig: NodeJS.Signals, code: number) => () => {
                if (!exported) process.stderr.write(`\nreflect-lab: curation stopped (${sig}); ${out} holds no complete export (no curation.json); run the command again (with --force if files were left)\n`);
                process.exit(code);
            };
            const onSigint = onSignal("SIGINT", 130);
            const onSigterm = onSignal("SIGTERM", 143);
            process.on("SIGINT", onSigint);
            process.on("SIGTERM", onSigterm);
            try {
                const files: string[] = o.fromReflectevo ?? [];
                if (files.length && runs.length) throw new Error("give batch runs or --from-reflectevo files, not both");
                if (!files.length && !runs.length) throw new Error("no run given: name batch run folders or run ids (or ReflectEvo files with --from-reflectevo)");
                if (!files.length && (o.reflectevoSet || o.skipInvalid)) throw new Error(`${o.reflectevoSet ? "--reflectevo-set" : "--skip-invalid"} is for --from-reflectevo`);
                const common = {
                    capPerTask: o.capPerTask ?? null,
                    instructions: o.instructions !== undefined ? parseInstructionFilter(o.instructions) : null,
                    dedup: o.dedup !== false,
                    evalFraction: o.evalFraction ?? DEFAULT_EVAL_FRACTION,
                    seed: o.seed ?? null
                };
                let summary: CurationSummary;
                let sets: CuratedSet[] = [];
                const warn = warner(() => sets);
                const onPlan = (p: PlannedSummary) => {
                    sets = p.options.sets;
                    warn(p);
                };
                if (files.length) {
                    // The release's pairs are judged already: no teacher; the sets are those the files give unless --set says.
                    if (o.teacher) process.stderr.write("note: --teacher is not used with --from-reflectevo (D_pref pairs in the files are judged already)\n");
                    const options = { ...defaultOptions(common), sets: o.set ? parseSets(o.set) : null };
                    summary = await withCurationLock(out, o.force === true, (force) =>
                        curateFromReflectEvo({ files, options, out, force, pairSet: o.reflectevoSet, skipInvalid: o.skipInvalid === true, onSkipped: (e) => process.stderr.write(`skipped: ${e.message}\n`), onPlan }),
                    (l) => process.stderr.write(l + "\n"));
                } else {
                    // A teacher is only asked for when it is given, so D+/D± curation never needs an endpoint.
                    const chosen = o.set ? parseSets(o.set) : [...DEFAULT_SETS, ...(o.teacher ? (["dpref"] as const) : [])];
                    if (chosen.includes("dpref") && !o.teacher) throw new Error("D_pref needs a teacher model to judge pairs of reflections: pass --teacher <endpoint>, or curate dplus and/or dpm");
                    if (o.teacher && !chosen.includes("dpref")) process.stderr.write(`note: --teacher is only used for dpref, which --set leaves out\n`);
                    const options = defaultOptions({ ...common, sets: chosen });
                    if (o.teacher && chosen.includes("dpref")) teacher = await (deps.openTeacher ? deps.openTeacher(o.teacher) : openTeacher(o.teacher, { onBackoff: (ev) => process.stderr.write(backoffLine(ev) + "\n") }));
                    // The judge is named by the endpoint's model: curation.json and every D_pref row record it.
                    const judge = teacher ? teacherJudge(teacher.backend, { model: teacher.model, maxTokens: o.teacherMaxTokens }) : undefined;
                    summary = await withCurationLock(out, o.force === true, (force) => exportCuration({ runs, sessionsDir: SESSIONS_DIR, options, out, force, judge, onPlan }), (l) => process.stderr.write(l + "\n"));
                }
                exported = true;
                process.stdout.write(o.json ? JSON.stringify(summary, null, 2) + "\n" : formatSummary(summary) + "\n");
                // An empty training set is to be noticed now, not at `train`; it is a result, not a failure
                // of the command (exit 0). The judge may empty D_pref after the plan: said again then.
                warn(summary);
            } catch (e) {
                process.stderr.write(`reflect-lab: ${printable((e as Error).message)}\n`);
                process.exitCode = 1;
            } finally {
                process.off("SIGINT", onSigint);
                process.off("SIGTERM", onSigterm);
                await teacher?.dispose();
            }
        });
}
