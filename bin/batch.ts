// `reflect-lab batch` and `reflect-lab report`: batch generation over task files, and the metrics of a run.
import { Command, InvalidArgumentError, Option } from "commander";
import { availableParallelism } from "node:os";
import { formatReport } from "../src/batch/metrics.js";
import { parseInstructionPlan } from "../src/batch/plan.js";
import { describeReflector, reflectorFromAdapters, reflectorFromTraining } from "../src/batch/reflector.js";
import { ProgressLines } from "../src/batch/progress.js";
import { reportRun } from "../src/batch/report.js";
import { startBatch, type BatchRequest } from "../src/batch/session.js";
import type { BatchConfig, ReflectorSpec } from "../src/batch/types.js";
import { PROMPTS_DIR } from "../src/paths.js";
import { loadInstructionPool } from "../src/prompts/pool.js";
import type { SettingsStore } from "../src/settings.js";
import { closeMathWorker } from "../src/verify/math.js";

const int = (name: string, min = 0) => (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min}`);
    return n;
};

/** Parallel sequences by default: 8 measured best on a 2-core CPU (full decode batches); more cores, more. */
export function defaultParallel(): number {
    return Math.max(8, Math.min(32, availableParallelism() * 4));
}

export function addBatchCommands(program: Command, store: SettingsStore): void {
    program
        .command("batch")
        .description("generate reflection data over task files: parallel sequences, resumable, live Acc@t1/Acc@t2/Δ")
        .requiredOption("-t, --tasks <files...>", "task files (BIG-bench task.json, LogiQA .txt, MBPP/MATH/ReflectEvo/reflect-lab JSONL, MATH dirs) or demo")
        .addOption(new Option("--format <format>", "input format (default: detected from the file)").choices(["auto", "reflect-lab", "bigbench", "logiqa", "mbpp", "math", "reflectevo"]).default("auto"))
        .option("--skip-invalid", "report and skip invalid items instead of stopping")
        .option("--limit <n>", "only the first N items", int("--limit", 1))
        .option("-P, --parallel <n>", `parallel sequences (default ${defaultParallel()} here)`, int("--parallel", 1))
        .option("-k, --k <n>", "reflections sampled per failed answer and instruction (paper: 2)", int("--k", 1), 2)
        .option("--instructions <spec>", "fixed:1-3-2 | random:6 | round-robin | all", "random:6")
        .option("--max-turns <n>", "turns per question (paper: 2)", int("--max-turns", 1))
        .addOption(new Option("--mode <mode>", "reflect, or retry (the paper's w/o reflection baseline)").choices(["reflect", "retry"]).default("reflect"))
        .addOption(new Option("--verifier <mode>", "verifier").choices(["oracle", "self"]))
        .option("--seed <n>", "run seed", int("--seed"))
        .option("--temperature <x>", "sampling temperature (paper: 0.8)", Number)
        .option("--max-tokens <n>", "tokens per generation", int("--max-tokens", 1))
        .option("-m, --model <gguf|hf:uri>", "model (default: the stored setting)")
        .option("--context-size <n>", "tokens per sequence", int("--context-size", 256))
        .option("--trained <dir>", "a finished training run folder: its trained reflector/corrector (result.json) reflects and corrects; turn 1 stays with the base model")
        .option("--reflector-adapter <gguf>", "a LoRA adapter (GGUF) on the base model as reflector (and corrector, unless --corrector-adapter)")
        .option("--corrector-adapter <gguf>", "a LoRA adapter (GGUF) on the base model as corrector (default: the reflector's)")
        .option("-o, --out <dir>", "run folder (default sessions/batch-<time>)")
        .option("--resume", "finish the missing items of the run in --out (its stored config is used)")
        .option("--retry-errors", "rerun only the items of --out that errored")
        .option("--json", "JSONL events on stdout instead of progress lines")
        .option("--interval <s>", "seconds between progress lines", Number, 5)
        .action(async (o) => {
            if ((o.resume || o.retryErrors) && !o.out) fail("--resume and --retry-errors need --out <run folder>");
            const s = store.load();
            const pool = loadInstructionPool(PROMPTS_DIR);
            if (o.trained && (o.reflectorAdapter || o.correctorAdapter)) fail("give either --trained or --reflector-adapter/--corrector-adapter, not both");
            if (o.correctorAdapter && !o.reflectorAdapter) fail("--corrector-adapter needs --reflector-adapter (or use --trained)");
            if ((o.resume || o.retryErrors) && (o.trained || o.reflectorAdapter)) fail("--resume and --retry-errors use the run's stored reflector; drop --trained/--reflector-adapter");
            let reflector: ReflectorSpec | null = null;
            try {
                reflector = o.trained ? reflectorFromTraining(o.trained) : o.reflectorAdapter ? reflectorFromAdapters(o.reflectorAdapter, o.correctorAdapter) : null;
            } catch (e) {
                fail((e as Error).message);
            }
            const config: BatchConfig = {
                tasks: o.tasks,
                format: o.format,
                limit: o.limit ?? null,
                parallel: o.parallel ?? defaultParallel(),
                k: o.k,
                instructions: parseInstructionPlan(o.instructions, pool),
                maxTurns: o.maxTurns ?? s.maxTurns,
                mode: o.mode,
                verifier: o.verifier ?? s.verifier,
                sampler: { temperature: o.temperature ?? s.temperature, topK: s.topK, topP: s.topP, minP: s.minP, repeatPenalty: s.repeatPenalty, seed: o.seed ?? s.seed, maxTokens: o.maxTokens ?? s.maxTokens },
                model: o.model ?? s.model,
                contextSize: o.contextSize ?? s.contextSize,
                reflector
            };
            const controller = new AbortController();
            let interrupts = 0;
            const onSigint = () => {
                if (++interrupts > 1) process.exit(130);
                process.stderr.write("\nstopping: items in flight are dropped and will run on --resume (Ctrl-C again to exit now)\n");
                controller.abort();
            };
            process.on("SIGINT", onSigint);
            process.on("SIGTERM", onSigint);
            const req: BatchRequest = {
                config,
                out: o.out,
                resume: o.resume,
                retryErrors: o.retryErrors,
                skipInvalid: o.skipInvalid,
                hardware: s,
                signal: controller.signal,
                onSkipped: (errs) => errs.forEach((e) => process.stderr.write(`skipped: ${e.message}\n`)),
                onProgress: (m) => process.stderr.write(`${m}\n`)
            };
            try {
                let summary;
                if (!o.json && process.stdout.isTTY && process.stdin.isTTY) {
                    const { runBatchDashboard } = await import("../views/batch/run.js");
                    summary = await runBatchDashboard(req);
                } else {
                    const progress = new ProgressLines(config.maxTurns, (l) => process.stderr.write(l + "\n"), o.interval * 1000);
                    req.onEvent = (e) => {
                        if (o.json) process.stdout.write(JSON.stringify(e.type === "item" ? { type: "item", item_id: e.result.itemId, task: e.result.task, outcome: e.outcome, done: e.done, total: e.total } : e) + "\n");
                        progress.on(e);
                    };
                    summary = await startBatch(req);
                }
                const report = reportRun(summary.runDir);
                if (o.json) process.stdout.write(JSON.stringify({ type: "report", metrics: report.metrics, progress: report.progress }) + "\n");
                else process.stdout.write(`\n${formatReport(report.metrics)}\n\nrun: ${summary.runDir}\n`);
                if (summary.interrupted) {
                    process.stderr.write(`interrupted: ${summary.done}/${summary.total} items stored. Resume with: reflect-lab batch --tasks ${config.tasks.join(" ")} --out ${summary.runDir} --resume\n`);
                    process.exitCode = 130;
                } else if (summary.errors) {
                    process.stderr.write(`${summary.errors} items errored; rerun them with --retry-errors --out ${summary.runDir}\n`);
                }
            } finally {
                process.off("SIGINT", onSigint);
                process.off("SIGTERM", onSigint);
                closeMathWorker();
            }
        });

    program
        .command("report <run>")
        .description("print the metrics of a batch run (finished or not) from its stored records: Acc@t1..t_max, Δ, flips, per task with N and 95% intervals")
        .option("--json", "print JSON")
        .action((run: string, o) => {
            const r = reportRun(run);
            if (o.json) process.stdout.write(JSON.stringify(r, null, 2) + "\n");
            else {
                const p = r.progress;
                process.stdout.write(`${r.run}: ${p.done}/${p.items} items done, ${p.errors} errors, ${p.samples} samples · model ${r.manifest.model.file} · reflector ${describeReflector(r.manifest.config.reflector)} · verifier ${r.manifest.config.verifier} · mode ${r.manifest.config.mode}\n\n${formatReport(r.metrics)}\n`);
            }
        });
}

function fail(msg: string): never {
    process.stderr.write(`reflect-lab: ${msg}\n`);
    process.exit(2);
}
