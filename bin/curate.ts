// `reflect-lab curate`: training sets (D+, D±, D_pref) from batch runs, written as TRL JSONL and ReflectEvo records.
import { Command, InvalidArgumentError } from "commander";
import { defaultCuratedDir, exportCuration } from "../src/curate/export.js";
import { formatSummary } from "../src/curate/format.js";
import { DEFAULT_EVAL_FRACTION, DEFAULT_SETS, defaultOptions, parseInstructionFilter, parseSets } from "../src/curate/options.js";
import { SESSIONS_DIR } from "../src/paths.js";

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
  dpref   D_pref: pairs of reflections judged by a teacher model in both orders (needs a teacher)

Files in --out (each .train.jsonl and .eval.jsonl; split by question, never by sample):
  sft.one-stage   from D+: reflect prompt -> reflection + correction (train_on_last 2)
  sft.reflector   from D+: reflect prompt -> reflection (train_on_last 1)
  sft.corrector   from D+: correct prompt -> correction (train_on_last 1)
  pref.dpm        from D±: TRL preference rows, only the reflection is optimised
  pref.dpref      from D_pref
  reflectevo.<set>.jsonl  ReflectEvo-compatible records; curation.json (written last)
Prompts are the messages recorded at generation, exactly as sent; every row carries its provenance.

Examples:
  reflect-lab curate sessions/batch-20250101-120000 --out data/curated
  reflect-lab curate run-a run-b --set dplus --cap-per-task 500 --instructions 1-1-1,2-3-2 --json
`;

export function addCurateCommand(program: Command): void {
    program
        .command("curate")
        .description("curate training sets (D+, D±, D_pref) from batch runs: TRL SFT/preference JSONL split by question, ReflectEvo records")
        .argument("<runs...>", `batch run folders, or run ids under ${SESSIONS_DIR}`)
        .option("-s, --set <sets>", `dplus, dpm, dpref; repeatable or a comma list (default ${DEFAULT_SETS.join(",")})`, collect)
        .option("-o, --out <dir>", "output folder, empty unless --force (default sessions/curated-<time>)")
        .option("--cap-per-task <n>", "at most N rows per task and set, chosen by the seed", int("--cap-per-task", 1))
        .option("--instructions <keys>", "only samples reflected with these instruction keys, e.g. 1-1-1,2-3-2")
        .option("--no-dedup", "keep rows with an identical prompt and target (default: kept once)")
        .option("--eval-fraction <f>", `share of questions held out for eval (default ${DEFAULT_EVAL_FRACTION})`, fraction)
        .option("--seed <n>", "seed of the split and the cap (default: the first run's seed)", int("--seed", 0))
        .option("--force", "write into a non-empty folder, replacing its earlier curated files")
        .option("--json", "print the curation summary (curation.json) as JSON")
        .addHelpText("after", HELP)
        .action(async (runs: string[], o) => {
            try {
                const options = defaultOptions({
                    sets: o.set ? parseSets(o.set) : [...DEFAULT_SETS],
                    capPerTask: o.capPerTask ?? null,
                    instructions: o.instructions !== undefined ? parseInstructionFilter(o.instructions) : null,
                    dedup: o.dedup !== false,
                    evalFraction: o.evalFraction ?? DEFAULT_EVAL_FRACTION,
                    seed: o.seed ?? null
                });
                const summary = await exportCuration({ runs, sessionsDir: SESSIONS_DIR, options, out: o.out ?? defaultCuratedDir(), force: o.force === true });
                process.stdout.write(o.json ? JSON.stringify(summary, null, 2) + "\n" : formatSummary(summary) + "\n");
            } catch (e) {
                process.stderr.write(`reflect-lab: ${(e as Error).message}\n`);
                process.exitCode = 1;
            }
        });
}
