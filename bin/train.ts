// `reflect-lab train`: launches training/train.py for one of the paper's four settings and follows it headless.
import { Command, InvalidArgumentError, Option } from "commander";
import { SESSIONS_DIR } from "../src/paths.js";
import { buildArgv, commandLine, formatNumber, normalizeRequest, trainerPaths, trainerProblem, TrainingLaunchError } from "../src/training/command.js";
import { checkCuratedData } from "../src/training/data.js";
import { defaultHyper, TRAINING_DEFAULTS, TRAINING_SETTINGS } from "../src/training/defaults.js";
import { eventLine, summaryLines } from "../src/training/format.js";
import { launchTraining, readStoredRequest, type LaunchOptions, type TrainingRun } from "../src/training/launcher.js";
import { defaultTrainingOut } from "../src/training/runs.js";
import type { Hyper, TrainingRequest, TrainingSetting } from "../src/training/types.js";
import { printable } from "../src/terminalText.js";

const num =
    (name: string, opts: { int?: boolean; min?: number } = {}) =>
    (v: string) => {
        const n = Number(v);
        if (!v.trim() || !Number.isFinite(n) || (opts.int && !Number.isInteger(n)) || (opts.min !== undefined && n < opts.min))
            throw new InvalidArgumentError(`${name} must be ${opts.int ? "an integer" : "a number"}${opts.min !== undefined ? ` >= ${opts.min}` : ""}`);
        return n;
    };

const D = TRAINING_DEFAULTS;
const f = formatNumber;

/** Hyperparameter flags: [option key, flag, parser, help]. Every one overrides the setting's default (training/defaults.json). */
const HYPER_FLAGS: [keyof Hyper, string, (v: string) => number, string][] = [
    ["epochs", "--epochs <x>", num("--epochs", { min: 0 }), `epochs (SFT ${f(D.epochs.sft)}, DPO ${f(D.epochs.dpo)})`],
    ["maxSteps", "--max-steps <n>", num("--max-steps", { int: true, min: 1 }), "stop after N optimizer steps per stage (overrides --epochs)"],
    ["lr", "--lr <x>", num("--lr", { min: 0 }), `learning rate (SFT ${f(D.lr.lora)} LoRA, ${f(D.lr.full)} full; DPO ${f(D.lr.dpo)})`],
    ["batchSize", "--batch-size <n>", num("--batch-size", { int: true, min: 1 }), `per-device batch (${D.batchSize})`],
    ["gradAccum", "--grad-accum <n>", num("--grad-accum", { int: true, min: 1 }), `gradient accumulation (default: reaches the paper's effective batch: ${D.effectiveBatch["one-stage"]}, ${D.effectiveBatch["two-stage"]}, ${D.effectiveBatch["dpo-pref"]} for DPO)`],
    ["loraR", "--lora-r <n>", num("--lora-r", { int: true, min: 1 }), `LoRA rank (${D.loraR})`],
    ["loraAlpha", "--lora-alpha <n>", num("--lora-alpha", { int: true, min: 1 }), `LoRA alpha (${D.loraAlpha})`],
    ["loraDropout", "--lora-dropout <x>", num("--lora-dropout", { min: 0 }), `LoRA dropout (${f(D.loraDropout)})`],
    ["beta", "--beta <x>", num("--beta", { min: 0 }), `DPO beta (${f(D.beta)})`],
    ["maxLength", "--max-length <n>", num("--max-length", { int: true, min: 16 }), `max tokens per example (${D.maxLength})`],
    ["seed", "--seed <n>", num("--seed", { int: true, min: 0 }), `seed (${D.seed})`],
    ["loggingSteps", "--logging-steps <n>", num("--logging-steps", { int: true, min: 1 }), `log every N steps (${D.loggingSteps})`],
    ["evalSteps", "--eval-steps <n>", num("--eval-steps", { int: true, min: 1 }), `eval loss every N steps (${D.evalSteps})`],
    ["saveSteps", "--save-steps <n>", num("--save-steps", { int: true, min: 1 }), `checkpoint every N steps (${D.saveSteps})`],
    ["threads", "--threads <n>", num("--threads", { int: true, min: 1 }), "CPU threads (default: the trainer decides)"]
];

/** Flags that define a new request: --resume takes the stored one instead. */
const REQUEST_FLAGS: Record<string, string> = {
    setting: "--setting",
    data: "--data",
    out: "--out",
    base: "--base",
    full: "--full",
    loadIn4bit: "--load-in-4bit",
    ...Object.fromEntries(HYPER_FLAGS.map(([k, f]) => [k, f.split(" ")[0]!]))
};

export interface TrainIo {
    stdout: (s: string) => void;
    stderr: (s: string) => void;
    sessionsDir: string;
    /** Trainer location and environment (tests: the fake trainer). */
    launch: LaunchOptions;
    /** Where SIGINT/SIGTERM/SIGHUP come from (tests emit them). */
    signals: NodeJS.EventEmitter;
}

function defaultsHelp(): string {
    const rows = TRAINING_SETTINGS.map((s) => {
        const h = defaultHyper(s);
        return `  ${s.padEnd(10)} lr ${formatNumber(h.lr)}  epochs ${h.epochs}  batch ${h.batchSize} × accum ${h.gradAccum}${s.startsWith("dpo") ? `  beta ${h.beta}` : ""}  LoRA r ${h.loraR} alpha ${h.loraAlpha} dropout ${h.loraDropout}`;
    });
    return `
Defaults per setting (paper App. B where it says; every one can be overridden):
${rows.join("\n")}
  two-stage --full: full fine-tuning at lr ${f(D.lr.full)} (the paper's choice, bf16).
  4-bit loading (--load-in-4bit ${D.loadIn4bit.lora}) only where CUDA exists. max length ${D.maxLength}, seed ${D.seed}, eval every ${D.evalSteps} steps, save every ${D.saveSteps}.
  All of these come from training/defaults.json, which train.py reads too.

Data: a curated folder (reflect-lab curate --out DIR): one-stage reads sft.one-stage, two-stage sft.reflector
and sft.corrector, dpo-pref pref.dpref, dpo-pm pref.dpm (each .train.jsonl and .eval.jsonl).
The trainer runs in training/.venv (npm run setup:training); REFLECT_LAB_TRAIN_PYTHON overrides it.
The run folder gets request.json, log.jsonl (events), trainer.log (its output), checkpoints, adapters and
result.json. Ctrl-C stops the whole trainer process tree; --resume DIR continues from the last checkpoint.

Examples:
  reflect-lab train --setting one-stage --data sessions/curated-20250101-120000
  reflect-lab train --setting two-stage --data DIR --full --max-steps 200 --dry-run
  reflect-lab train --setting dpo-pm --data DIR --processes 2      (accelerate launch, 2 GPUs)
  reflect-lab train --resume sessions/train-20250101-130000`;
}

/** The request the flags describe: a stored one for --resume, else a new one (throws a message for the user). */
function requestFrom(o: Record<string, unknown>, io: TrainIo): TrainingRequest {
    if (o.resume) {
        const given = Object.keys(REQUEST_FLAGS).filter((k) => o[k] !== undefined);
        if (given.length) throw new TrainingLaunchError(`--resume relaunches the stored request; drop ${given.map((k) => REQUEST_FLAGS[k]).join(", ")} (only --processes and --merge may change)`);
        const stored = readStoredRequest(o.resume as string);
        if (!stored) throw new TrainingLaunchError(`nothing to resume in ${o.resume}: it has no request.json of a training run`);
        return { ...stored.request, out: o.resume as string, resume: true, processes: (o.processes as number | undefined) ?? stored.request.processes, merge: (o.merge as boolean | undefined) ?? stored.request.merge };
    }
    if (!o.setting) throw new TrainingLaunchError(`--setting is required: ${TRAINING_SETTINGS.join(" | ")}`);
    if (!o.data) throw new TrainingLaunchError("--data is required: a curated folder (reflect-lab curate --out DIR)");
    const hyper: Partial<Hyper> = {};
    for (const [k] of HYPER_FLAGS) if (o[k] !== undefined) (hyper as Record<string, unknown>)[k] = o[k];
    if (o.full) hyper.full = true;
    if (o.loadIn4bit) hyper.loadIn4bit = o.loadIn4bit as Hyper["loadIn4bit"];
    return {
        setting: o.setting as TrainingSetting,
        data: o.data as string,
        out: (o.out as string | undefined) ?? defaultTrainingOut(io.sessionsDir),
        base: (o.base as string | undefined) ?? "default",
        hyper,
        merge: o.merge ? true : undefined,
        processes: o.processes as number | undefined
    };
}

async function train(o: Record<string, unknown>, io: TrainIo): Promise<number> {
    let req: TrainingRequest;
    try {
        req = normalizeRequest(requestFrom(o, io));
    } catch (e) {
        io.stderr(`reflect-lab: ${printable((e as Error).message)}\n`);
        return 2;
    }
    const paths = trainerPaths(io.launch);
    if (o.dryRun) {
        io.stdout(commandLine(buildArgv(req, paths)) + "\n");
        const problems = [trainerProblem(paths, req.processes ?? 1), checkCuratedData(req.setting, req.data).problem].filter(Boolean);
        for (const p of problems) io.stderr(`note: ${p}\n`);
        return 0;
    }
    const json = !!o.json;
    let run: TrainingRun;
    try {
        run = launchTraining(req, {
            ...io.launch,
            onEvent: (e, p) => {
                if (json) io.stdout(JSON.stringify(e) + "\n");
                else {
                    const line = eventLine(e, p);
                    if (line) io.stderr(line + "\n");
                }
            }
        });
    } catch (e) {
        io.stderr(`reflect-lab: ${printable((e as Error).message)}\n`);
        return 2;
    }
    if (run.lockNote) io.stderr(`${run.lockNote}\n`);
    if (!json) io.stderr(`run folder ${run.out}\n$ ${run.command}\n`);

    let interrupts = 0;
    // 128 + the first signal's number, as a shell reports a process that signal ended.
    let stopCode = 130;
    const onSignal = (sig: NodeJS.Signals) => {
        if (++interrupts === 1) {
            stopCode = sig === "SIGTERM" ? 143 : sig === "SIGHUP" ? 129 : 130;
            io.stderr("\nstopping the trainer (its whole process tree); Ctrl-C again to kill it at once\n");
            void run.abort();
        } else {
            try {
                process.kill(-run.pid, "SIGKILL");
            } catch {
                // Already gone.
            }
        }
    };
    const signals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
    const handlers = signals.map((s) => [s, () => onSignal(s)] as const);
    for (const [s, h] of handlers) io.signals.on(s, h);
    try {
        const outcome = await run.finished;
        if (json) io.stdout(JSON.stringify({ event: "exit", ...outcome }) + "\n");
        const lines = summaryLines(outcome, run.progress).join("\n") + "\n";
        if (outcome.status === "done") io[json ? "stderr" : "stdout"](lines);
        else io.stderr(lines);
        return outcome.status === "done" ? 0 : outcome.status === "aborted" ? stopCode : 1;
    } finally {
        for (const [s, h] of handlers) io.signals.off(s, h);
    }
}

/** Registers `reflect-lab train`. `io` is for tests; by default the process's streams, SESSIONS_DIR and env. */
export function addTrainCommand(program: Command, io: Partial<TrainIo> = {}): Command {
    const full: TrainIo = {
        stdout: io.stdout ?? ((s) => void process.stdout.write(s)),
        stderr: io.stderr ?? ((s) => void process.stderr.write(s)),
        sessionsDir: io.sessionsDir ?? SESSIONS_DIR,
        launch: io.launch ?? {},
        signals: io.signals ?? process
    };
    const cmd = program
        .command("train")
        .description("train a reflector on a curated folder: one-stage / two-stage SFT or DPO (the paper's four settings), live progress, abort, resume")
        .addOption(new Option("--setting <setting>", "one-stage (SFT on D+), two-stage (reflector + corrector on D+), dpo-pref (D_pref), dpo-pm (D±)").choices(TRAINING_SETTINGS as string[]))
        .option("--data <dir>", "curated folder (reflect-lab curate --out DIR)")
        .option("-o, --out <dir>", "run folder (default sessions/train-<time>)")
        .option("--base <model>", 'base model: GGUF file or Hugging Face model folder (default "default": the lab\'s default model)')
        .option("--full", "full fine-tuning instead of LoRA (the paper's two-stage choice)");
    for (const [, flag, parse, help] of HYPER_FLAGS) cmd.option(flag, help, parse);
    cmd.addOption(new Option("--load-in-4bit <mode>", "4-bit base weights (needs CUDA): auto | on | off").choices(["auto", "on", "off"]))
        .option("--processes <n>", "processes (GPUs): >1 runs `accelerate launch --num_processes N`", num("--processes", { int: true, min: 1 }))
        .option("--resume <dir>", "continue the run in DIR from its last checkpoint (finished stages are skipped)")
        .option("--merge", "also write a merged GGUF (base + adapter)")
        .option("--python <path>", "Python of the training environment (default training/.venv/bin/python, or $REFLECT_LAB_TRAIN_PYTHON)")
        .option("--dry-run", "print the exact trainer command and exit")
        .option("--json", "TrainerEvents as JSONL on stdout (plus a last {event: \"exit\"} line)")
        .addHelpText("after", defaultsHelp())
        .action(async (o: Record<string, unknown>) => {
            const launch = o.python ? { ...full.launch, python: o.python as string } : full.launch;
            process.exitCode = await train(o, { ...full, launch });
        });
    return cmd;
}
