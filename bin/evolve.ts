// `reflect-lab evolve`: the self-evolving loop in rounds (generate → curate → train → evaluate), resumable at any step.
import { Command, InvalidArgumentError, Option } from "commander";
import { join } from "node:path";
import { formatDuration, ProgressLines } from "../src/batch/progress.js";
import { parseInstructionPlan } from "../src/batch/plan.js";
import { teacherJudge } from "../src/teacher/judge.js";
import { openTeacher, type OpenedTeacher } from "../src/teacher/open.js";
import { evolvePaths } from "../src/evolve/layout.js";
import { EvolveInterrupted } from "../src/evolve/steps.js";
import { readEvolveManifest, runEvolve, type EvolveEvent, type EvolveRequest } from "../src/evolve/run.js";
import { formatRoundsTable } from "../src/evolve/table.js";
import type { EvolveConfig, EvolveManifest } from "../src/evolve/types.js";
import { folderStamp, PROMPTS_DIR, SESSIONS_DIR } from "../src/paths.js";
import { loadInstructionPool } from "../src/prompts/pool.js";
import type { SettingsStore } from "../src/settings.js";
import { TRAINING_SETTINGS } from "../src/training/defaults.js";
import { eventLine } from "../src/training/format.js";
import type { Hyper, TrainingSetting } from "../src/training/types.js";
import { closeMathWorker } from "../src/verify/math.js";
import { printable } from "../src/terminalText.js";
import { defaultParallel } from "../src/batch/parallel.js";

const int = (name: string, min = 0) => (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min}`);
    return n;
};
const share = (v: string) => {
    const n = Number(v);
    if (!(n > 0 && n < 1)) throw new InvalidArgumentError("--eval-share must be a number in (0, 1)");
    return n;
};

/** The loop's defaults on the embedded model (README "The self-evolving loop"): enough chains per failed answer for D+ to fill. */
export const EVOLVE_DEFAULTS = { rounds: 2, setting: "one-stage" as TrainingSetting, evalShare: 0.3, k: 2, instructions: "random:4", maxTurns: 2, maxTokens: 128 };

const HELP = `
Steps (each its own folder under --out; --resume continues at any step):
  split/            the items split once by question (per task) into train.jsonl and eval.jsonl
  round-0/eval      the base model on the eval part: turn 1 made here is reused by every evaluation
  round-0/retry     the w/o-reflection baseline on the same turn 1
  round-N/batch     reflections over the train part with the current reflector (round 1: the base)
  round-N/curated   D+ (or D± / D_pref) from rounds 1..N, deduplicated
  round-N/train     a new adapter on it
  round-N/eval      the trained reflector on the eval part, turn 1 reused from round 0
An empty curated set stops the loop with why and what to change; no empty training run is started.

Examples:
  reflect-lab evolve --tasks examples/strategyqa/task.json --rounds 2 --out sessions/evolve-sqa
  reflect-lab evolve --out sessions/evolve-sqa --resume            # after Ctrl-C, at any step
  reflect-lab evolve --out sessions/evolve-sqa --resume --rounds 3 # one more round
`;

export function addEvolveCommand(program: Command, store: SettingsStore): void {
    program
        .command("evolve")
        .description("the self-evolving loop in rounds: generate reflections, curate, train a reflector, evaluate it paired against the base (turn 1 shared), resumable")
        .option("-t, --tasks <files...>", "task files (any format batch reads) or demo")
        .addOption(new Option("--format <format>", "input format (default: detected)").choices(["auto", "reflect-lab", "bigbench", "logiqa", "mbpp", "math", "reflectevo"]).default("auto"))
        .option("--limit <n>", "only the first N items", int("--limit", 2))
        .option("--rounds <n>", `rounds of generate → curate → train → evaluate (default ${EVOLVE_DEFAULTS.rounds})`, int("--rounds", 1))
        .addOption(new Option("--setting <setting>", `training setting (default ${EVOLVE_DEFAULTS.setting})`).choices([...TRAINING_SETTINGS]))
        .option("--eval-share <x>", `share of questions held out for evaluation (default ${EVOLVE_DEFAULTS.evalShare})`, share)
        .option("-k, --k <n>", `reflections per failed answer and instruction (default ${EVOLVE_DEFAULTS.k})`, int("--k", 1))
        .option("--instructions <spec>", `instruction plan (default ${EVOLVE_DEFAULTS.instructions})`)
        .option("--max-turns <n>", `turns per question (default ${EVOLVE_DEFAULTS.maxTurns})`, int("--max-turns", 2))
        .option("--seed <n>", "split and run seed (default: the stored setting)", int("--seed"))
        .option("--temperature <x>", "sampling temperature", Number)
        .option("--max-tokens <n>", `tokens per generation (default ${EVOLVE_DEFAULTS.maxTokens})`, int("--max-tokens", 16))
        .option("-m, --model <gguf>", "base model (default: the stored setting)")
        .option("--context-size <n>", "tokens per sequence", int("--context-size", 256))
        .option("-P, --parallel <n>", `parallel sequences (default ${defaultParallel()})`, int("--parallel", 1))
        .option("--epochs <x>", "training epochs per round (default: the setting's)", Number)
        .option("--max-steps <n>", "training steps per round (overrides --epochs)", int("--max-steps", 1))
        .option("--lr <x>", "learning rate (default: the setting's)", Number)
        .option("--teacher <endpoint>", "the D_pref judge (dpo-pref only)")
        .option("-o, --out <dir>", "evolve folder (default sessions/evolve-<time>)")
        .option("--resume", "continue the evolve folder in --out where it stopped (its stored settings are used)")
        .option("--json", "JSONL events on stdout")
        .option("--unsafe-code-exec", "run code answers even where no sandbox (bubblewrap) can start")
        .addHelpText("after", HELP)
        .action(async (o) => {
            const code = await evolveAction(o, store);
            process.exitCode = code;
        });
}

function fail(msg: string): number {
    process.stderr.write(`reflect-lab evolve: ${printable(msg)}\n`);
    return 2;
}

async function evolveAction(o: Record<string, any>, store: SettingsStore): Promise<number> {
    if (o.resume && !o.out) return fail("--resume needs --out <evolve folder>");
    if (!o.resume && !o.tasks) return fail("--tasks is required for a new loop (task files or demo)");
    const s = store.load();
    const out: string = o.out ?? join(SESSIONS_DIR, `evolve-${folderStamp()}`);
    let config: EvolveConfig;
    try {
        config = o.resume ? resumedConfig(out, o) : newConfig(o, s);
    } catch (e) {
        return fail((e as Error).message);
    }
    if (config.setting === "dpo-pref" && !config.teacher) return fail("--setting dpo-pref needs --teacher <endpoint> to judge pairs of reflections");
    const controller = new AbortController();
    let stops = 0;
    let stopCode = 130;
    const onSignal = (sig: NodeJS.Signals) => {
        if (++stops > 1) process.exit(stopCode);
        stopCode = sig === "SIGTERM" ? 143 : 130;
        process.stderr.write(`\nstopping (${sig}): finished steps and items are kept; continue with: reflect-lab evolve --out ${out} --resume\n`);
        controller.abort();
    };
    const onInt = () => onSignal("SIGINT");
    const onTerm = () => onSignal("SIGTERM");
    process.on("SIGINT", onInt);
    process.on("SIGTERM", onTerm);
    let teacher: OpenedTeacher | null = null;
    const t0 = performance.now();
    const tui = !o.json && process.stdout.isTTY === true && process.stdin.isTTY === true;
    try {
        if (config.teacher) teacher = await openTeacher(config.teacher);
        const req: EvolveRequest = {
            out,
            resume: Boolean(o.resume),
            config,
            hardware: s,
            signal: controller.signal,
            allowUnsafeCode: Boolean(o.unsafeCodeExec),
            judge: teacher ? teacherJudge(teacher.backend, { model: teacher.model }) : undefined,
            onEvent: o.json ? (e) => process.stdout.write(JSON.stringify(jsonEvent(e)) + "\n") : tui ? undefined : headlessPrinter(config.maxTurns)
        };
        // On a terminal the live screen (Ink needs raw mode on stdin); q / Ctrl-C stop through our controller.
        const result = tui ? await (await import("../views/evolve/run.js")).runEvolveDashboard(req, { abort: () => controller.abort() }) : await runEvolve(req);
        // The live screen stays printed with its table; headless prints the table once more at the end.
        if (!o.json) process.stdout.write(`${tui ? "" : `\n${formatRoundsTable(result.table)}\n`}\nevolve: ${result.out} · ${formatDuration((performance.now() - t0) / 1000)}\n`);
        else process.stdout.write(JSON.stringify({ type: "result", table: result.table, stopped: result.stopped }) + "\n");
        if (result.stopped) {
            process.stderr.write(`reflect-lab evolve: ${printable(result.stopped)}\n`);
            return 1;
        }
        return 0;
    } catch (e) {
        if (e instanceof EvolveInterrupted || controller.signal.aborted) {
            process.stderr.write(`interrupted: continue with reflect-lab evolve --out ${out} --resume\n`);
            return stopCode;
        }
        process.stderr.write(`reflect-lab evolve: ${printable((e as Error).message)}\n`);
        return 1;
    } finally {
        process.off("SIGINT", onInt);
        process.off("SIGTERM", onTerm);
        await teacher?.dispose();
        closeMathWorker();
    }
}

/** A new loop's config from the flags, the loop's defaults and the stored settings. */
function newConfig(o: Record<string, any>, s: ReturnType<SettingsStore["load"]>): EvolveConfig {
    const hyper: Partial<Hyper> = {};
    if (o.epochs !== undefined) hyper.epochs = o.epochs;
    if (o.maxSteps !== undefined) hyper.maxSteps = o.maxSteps;
    if (o.lr !== undefined) hyper.lr = o.lr;
    const seed = o.seed ?? s.seed;
    return {
        tasks: o.tasks,
        format: o.format,
        limit: o.limit ?? null,
        rounds: o.rounds ?? EVOLVE_DEFAULTS.rounds,
        setting: o.setting ?? EVOLVE_DEFAULTS.setting,
        evalShare: o.evalShare ?? EVOLVE_DEFAULTS.evalShare,
        seed,
        k: o.k ?? EVOLVE_DEFAULTS.k,
        instructions: parseInstructionPlan(o.instructions ?? EVOLVE_DEFAULTS.instructions, loadInstructionPool(PROMPTS_DIR)),
        maxTurns: o.maxTurns ?? EVOLVE_DEFAULTS.maxTurns,
        sampler: { temperature: o.temperature ?? s.temperature, topK: s.topK, topP: s.topP, minP: s.minP, repeatPenalty: s.repeatPenalty, seed, maxTokens: o.maxTokens ?? EVOLVE_DEFAULTS.maxTokens },
        model: o.model ?? s.model,
        contextSize: o.contextSize ?? s.contextSize,
        parallel: o.parallel ?? defaultParallel(),
        hyper,
        teacher: o.teacher ?? null
    };
}

/** --resume: the stored config; only --rounds and --parallel may be given. */
function resumedConfig(out: string, o: Record<string, any>): EvolveConfig {
    let m: EvolveManifest;
    try {
        m = readEvolveManifest(evolvePaths(out).manifest);
    } catch (e) {
        throw new Error(`nothing to resume: ${(e as Error).message}`);
    }
    const given = ["tasks", "setting", "evalShare", "k", "instructions", "maxTurns", "seed", "temperature", "maxTokens", "model", "contextSize", "epochs", "maxSteps", "lr", "teacher", "limit"].filter((k) => o[k] !== undefined);
    if (given.length) throw new Error(`--resume continues with the stored settings; drop --${given.map((k) => k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)).join(", --")} (only --rounds and --parallel may change)`);
    return { ...m.config, rounds: o.rounds ?? m.config.rounds, parallel: o.parallel ?? m.config.parallel };
}

/** Headless lines: each step's start, its batch progress lines, training lines, and the table after each round. */
function headlessPrinter(maxTurns: number): (e: EvolveEvent) => void {
    let progress: ProgressLines | null = null;
    const err = (l: string) => process.stderr.write(printable(l) + "\n");
    return (e) => {
        switch (e.type) {
            case "step":
                // Progress lines come on a timer: a step that ended without a "done" event (a throw) must not keep writing.
                progress?.close();
                progress = null;
                if (e.state === "start") {
                    err(`── round ${e.round} · ${e.step} → ${e.dir}`);
                    progress = new ProgressLines(maxTurns, err, 10_000);
                } else if (e.state === "skipped") err(`── round ${e.round} · ${e.step}: already done (${e.dir})`);
                break;
            case "batch":
                progress?.on(e.event);
                break;
            case "train": {
                // Every logged step: on a CPU each takes tens of seconds, so this is the progress line.
                const line = eventLine(e.event, e.progress);
                if (line) err(line);
                break;
            }
            case "curated":
                err(`curated: ${e.rows} training rows (D+ ${e.summary.counts.dplus?.total ?? 0}, D± ${e.summary.counts.dpm?.total ?? 0})`);
                break;
            case "table":
                err("\n" + formatRoundsTable(e.table) + "\n");
                break;
            case "stopped":
            case "note":
                if (e.type === "stopped") {
                    progress?.close();
                    progress = null;
                }
                err(e.type === "stopped" ? e.reason : e.message);
                break;
        }
    };
}

/** JSON events: batch items are summarised (the records are in the run folders). */
function jsonEvent(e: EvolveEvent): unknown {
    if (e.type === "batch" && e.event.type === "item") return { type: "batch", round: e.round, step: e.step, event: { type: "item", item_id: e.event.result.itemId, outcome: e.event.outcome, done: e.event.done, total: e.event.total } };
    if (e.type === "curated") return { type: "curated", round: e.round, rows: e.rows, counts: e.summary.counts };
    return e;
}
