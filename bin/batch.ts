// `reflect-lab batch` and `reflect-lab report`: batch generation over task files, and the metrics of a run.
import { Command, InvalidArgumentError, Option } from "commander";
import { formatReport } from "../src/batch/metrics.js";
import { defaultParallel } from "../src/batch/parallel.js";
import { parseInstructionPlan } from "../src/batch/plan.js";
import { describeReflector, reflectorFromAdapters, reflectorFromEndpoint, reflectorFromModel, reflectorFromTraining } from "../src/batch/reflector.js";
import { readRunManifest, resolveRun, type RunManifest } from "../src/batch/runs.js";
import { resolveEndpoint } from "../src/endpoints/resolve.js";
import { EndpointStore } from "../src/endpoints/store.js";
import { endpointRef, type Endpoint } from "../src/endpoints/types.js";
import { ProgressLines } from "../src/batch/progress.js";
import { formatRunReport, reportRun } from "../src/batch/report.js";
import { startBatch, tasksDifference, type BatchRequest } from "../src/batch/session.js";
import { RunStore } from "../src/batch/store.js";
import type { BatchConfig, ReflectorSpec } from "../src/batch/types.js";
import { PROMPTS_DIR } from "../src/paths.js";
import { loadInstructionPool } from "../src/prompts/pool.js";
import type { SettingsStore } from "../src/settings.js";
import { closeMathWorker } from "../src/verify/math.js";
import { addAuditCommand } from "./audit.js";
import { printable } from "../src/terminalText.js";
import { parseInstructionSpec } from "../src/prompts/instructionSpec.js";
import { batchHelp, reportHelp } from "./helpTexts.js";

const int = (name: string, min = 0) => (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min}`);
    return n;
};

/** --instructions is checked as it is read: a bad one stops before anything loads, saying what is accepted. */
const instructionsArg = (v: string): string => {
    try {
        parseInstructionSpec(v);
    } catch (e) {
        throw new InvalidArgumentError((e as Error).message);
    }
    return v;
};

export function addBatchCommands(program: Command, store: SettingsStore): void {
    program
        .command("batch")
        .description("generate reflection data over task files: parallel sequences, resumable, live Acc@t1/Acc@t2/Δ")
        .option("-t, --tasks <files...>", "task files (BIG-bench task.json, LogiQA .txt, MBPP/MATH/ReflectEvo/reflect-lab JSONL, MATH dirs) or demo; a resumed run uses its own")
        .addOption(new Option("--format <format>", "input format (default: detected from the file)").choices(["auto", "reflect-lab", "bigbench", "logiqa", "mbpp", "math", "reflectevo"]).default("auto"))
        .option("--skip-invalid", "report and skip invalid items instead of stopping")
        .option("--limit <n>", "only the first N items", int("--limit", 1))
        .option("-P, --parallel <n>", `parallel sequences (default ${defaultParallel()} here; with an endpoint, its concurrency)`, int("--parallel", 1))
        .addOption(new Option("-k, --k <n>", "reflections sampled per failed answer and instruction").argParser(int("--k", 1)).default(2, "2, the paper's"))
        .addOption(new Option("--instructions <spec>", "the instructions each failed answer is reflected on: a key list, random:N, round-robin or all (see below)").argParser(instructionsArg).default("random:6", "random:6, the paper's"))
        .option("--max-turns <n>", "turns per question (default: the stored setting; paper: 2)", int("--max-turns", 1))
        .addOption(new Option("--mode <mode>", "reflect, or retry (the paper's w/o reflection baseline)").choices(["reflect", "retry"]).default("reflect"))
        .addOption(new Option("--verifier <mode>", "verifier: ground truth, the model itself, or the teacher endpoint (default: the stored setting)").choices(["oracle", "self", "teacher"]))
        .option("--teacher <name>", "the endpoint that judges answers with --verifier teacher (default: the stored verifier role, else the teacher role)")
        .option("--seed <n>", "run seed (default: the stored setting)", int("--seed"))
        .option("--temperature <x>", "sampling temperature (default: the stored setting; paper: 0.8)", Number)
        .option("--max-tokens <n>", "tokens per generation (default: the stored setting)", int("--max-tokens", 1))
        .option("-m, --model <gguf|hf:uri>", "model (default: the stored setting)")
        .option("--endpoint <name|none>", "generator: a stored OpenAI-compatible endpoint, or none for the local model (default: the stored generator role)")
        .option("--reflector-endpoint <name|none>", "an endpoint reflects and corrects; turn 1 stays with the generator (default: the stored reflector role)")
        .option("--context-size <n>", "tokens per sequence (default: the stored setting)", int("--context-size", 256))
        .addOption(new Option("--engine <engine>", "what runs the local model: node-llama-cpp (in this process), server (a llama-server on the same GGUF, -np P, prompt cache on, stopped when the run ends), or auto: the faster of the two at this P as `npm run bench` measured on this machine (node-llama-cpp when it has not run here); a resumed run keeps its own").choices(["auto", "node-llama-cpp", "server"]).default("auto"))
        .option("--trained <dir>", "a finished training run folder: its trained reflector/corrector (result.json) reflects and corrects; turn 1 stays with the base model")
        .option("--reflector-adapter <gguf>", "a LoRA adapter (GGUF) on the base model as reflector (and corrector, unless --corrector-adapter)")
        .option("--corrector-adapter <gguf>", "a LoRA adapter (GGUF) on the base model as corrector (default: the reflector's)")
        .option("--reflector-model <gguf>", "another local GGUF reflects and corrects over this model's turn 1 (cross-model reflector, paper Tab. 5)")
        .option("--turn1-from <run>", "reuse the stored turn-1 attempts and verdicts of an earlier run (same model, prompts, sampler and seed): only reflections and corrections are generated, so runs compared share turn 1 exactly")
        .option("-o, --out <dir>", "run folder (default sessions/batch-<time>)")
        .option("--resume", "finish the missing items of the run in --out (its stored config is used)")
        .option("--retry-errors", "rerun only the items of --out that errored")
        .option("--json", "JSONL events on stdout instead of progress lines")
        .option("--interval <s>", "seconds between progress lines", Number, 5)
        .option("--unsafe-code-exec", "run code answers even where no sandbox (bubblewrap) can start: they run as you, unisolated")
        .addHelpText("after", batchHelp(store))
        .action(async (o) => {
            if ((o.resume || o.retryErrors) && !o.out) fail("--resume and --retry-errors need --out <run folder>");
            // --turn1-from: what makes turn 1 defaults to the source run's (flags given still win, and a difference is refused).
            let src: BatchConfig | null = null;
            if (o.turn1From) {
                try {
                    o.turn1From = resolveRun(o.turn1From);
                    src = readRunManifest(o.turn1From).config;
                } catch (e) {
                    fail(`--turn1-from: ${(e as Error).message}`);
                }
            }
            if (src && !o.tasks) {
                o.tasks = src.tasks;
                o.limit ??= src.limit ?? undefined;
                if (o.format === "auto") o.format = src.format;
            }
            if (!o.resume && !o.retryErrors && !o.tasks) fail("--tasks is required for a new run (task files or demo); --resume and --retry-errors use the run's stored tasks");
            if ((o.resume || o.retryErrors) && o.tasks && RunStore.exists(o.out)) {
                let diff: string | null = null;
                try {
                    diff = tasksDifference(RunStore.readManifest<RunManifest>(o.out).config.tasks, o.tasks);
                } catch {
                    // startBatch reports the unreadable manifest.
                }
                if (diff) fail(diff);
            }
            const s = store.load();
            const pool = loadInstructionPool(PROMPTS_DIR);
            if (o.trained && (o.reflectorAdapter || o.correctorAdapter)) fail("give either --trained or --reflector-adapter/--corrector-adapter, not both");
            if (o.correctorAdapter && !o.reflectorAdapter) fail("--corrector-adapter needs --reflector-adapter (or use --trained)");
            if ((o.resume || o.retryErrors) && (o.trained || o.reflectorAdapter || o.reflectorEndpoint || o.reflectorModel)) fail("--resume and --retry-errors use the run's stored reflector; drop --trained/--reflector-adapter/--reflector-model/--reflector-endpoint");
            if ((o.resume || o.retryErrors) && o.turn1From) fail("--resume and --retry-errors use the run's stored --turn1-from; drop it");
            if (o.reflectorModel && (o.trained || o.reflectorAdapter || (o.reflectorEndpoint && o.reflectorEndpoint !== "none"))) fail("give one reflector: --reflector-model, --trained, --reflector-adapter or --reflector-endpoint");
            if ((o.resume || o.retryErrors) && o.endpoint) fail("--resume and --retry-errors use the run's stored generator; drop --endpoint");
            if (o.reflectorEndpoint && o.reflectorEndpoint !== "none" && (o.trained || o.reflectorAdapter)) fail("give either --reflector-endpoint or --trained/--reflector-adapter, not both");
            if (o.endpoint && o.endpoint !== "none" && o.model) fail("give either --endpoint or --model, not both");
            if (o.endpoint && o.endpoint !== "none" && o.engine !== "auto") fail(`--engine ${o.engine} chooses how the local model runs, but --endpoint ${o.endpoint} generates on its own server; drop --engine (or use --endpoint none for the local model)`);
            const endpoints = new EndpointStore();
            const continuing = o.resume || o.retryErrors;
            // Explicit options win; otherwise the stored roles (a new run only: a resumed one keeps its manifest's).
            const roleName = (flag: string | undefined, role: "generator" | "reflector", overridden: boolean): string | null =>
                flag === "none" ? null : (flag ?? (continuing || overridden ? null : (endpoints.roles()[role] ?? null)));
            let generator: Endpoint | null = null;
            let reflector: ReflectorSpec | null = null;
            try {
                const gen = roleName(o.endpoint, "generator", o.model !== undefined);
                generator = gen ? resolveEndpoint(gen, endpoints).endpoint : null;
                const refl = roleName(o.reflectorEndpoint, "reflector", Boolean(o.trained || o.reflectorAdapter || o.reflectorModel));
                reflector = o.reflectorModel
                    ? reflectorFromModel(o.reflectorModel)
                    : o.trained
                    ? reflectorFromTraining(o.trained)
                    : o.reflectorAdapter
                      ? reflectorFromAdapters(o.reflectorAdapter, o.correctorAdapter)
                      : refl
                        ? reflectorFromEndpoint(endpointRef(resolveEndpoint(refl, endpoints).endpoint))
                        : null;
            } catch (e) {
                fail((e as Error).message);
            }
            if (generator && !o.endpoint) process.stderr.write(`generator: endpoint ${generator.name} (the stored generator role; --endpoint none for the local model)\n`);
            if (generator && !o.endpoint && o.engine !== "auto") fail(`--engine ${o.engine} chooses how the local model runs, but the generator is endpoint ${generator.name} (the stored generator role); pass --endpoint none to run the local model, or drop --engine`);
            if (reflector?.reflect.endpoint && !o.reflectorEndpoint) process.stderr.write(`reflector: endpoint ${reflector.reflect.endpoint.name} (the stored reflector role; --reflector-endpoint none for the generator)\n`);
            const parallel = o.parallel ?? generator?.concurrency ?? (continuing ? storedEndpointConcurrency(o.out, endpoints) : undefined) ?? defaultParallel();
            const config: BatchConfig = {
                // Resumed: the manifest's tasks are used (startBatch), these only checked above.
                tasks: o.tasks ?? [],
                format: o.format,
                limit: o.limit ?? null,
                parallel,
                k: o.k,
                instructions: parseInstructionPlan(o.instructions, pool),
                maxTurns: o.maxTurns ?? src?.maxTurns ?? s.maxTurns,
                mode: o.mode,
                verifier: o.verifier ?? src?.verifier ?? s.verifier,
                sampler: src
                    ? { ...src.sampler, ...(o.temperature !== undefined ? { temperature: o.temperature } : {}), ...(o.seed !== undefined ? { seed: o.seed } : {}), ...(o.maxTokens !== undefined ? { maxTokens: o.maxTokens } : {}) }
                    : { temperature: o.temperature ?? s.temperature, topK: s.topK, topP: s.topP, minP: s.minP, repeatPenalty: s.repeatPenalty, seed: o.seed ?? s.seed, maxTokens: o.maxTokens ?? s.maxTokens },
                model: o.model ?? src?.model ?? s.model,
                contextSize: o.contextSize ?? src?.contextSize ?? s.contextSize,
                reflector,
                endpoint: generator ? endpointRef(generator) : null,
                teacher: null,
                turn1From: o.turn1From ?? null
            };
            if (config.verifier === "teacher" && !continuing) {
                const name = o.teacher ?? endpoints.roles().verifier ?? endpoints.roles().teacher;
                if (!name) fail('--verifier teacher needs a teacher endpoint: --teacher <name> (see reflect-lab endpoints list)');
                try {
                    config.teacher = endpointRef(resolveEndpoint(name, endpoints).endpoint);
                } catch (e) {
                    fail((e as Error).message);
                }
            }
            const controller = new AbortController();
            let interrupts = 0;
            // The first signal names the exit code: 130 for SIGINT, 143 for SIGTERM (128 + its number).
            let stopCode = 130;
            const onSignal = (sig: NodeJS.Signals) => {
                if (++interrupts > 1) process.exit(stopCode);
                stopCode = sig === "SIGTERM" ? 143 : 130;
                process.stderr.write(`\nstopping (${sig}): items in flight are dropped and will run on --resume (Ctrl-C again to exit now)\n`);
                controller.abort();
            };
            const onSigint = () => onSignal("SIGINT");
            const onSigterm = () => onSignal("SIGTERM");
            // Exit hooks of libraries (when-exit, through conf's atomically) send the signal again to kill the
            // process, which would count as the second Ctrl-C and exit before the run (and a managed
            // llama-server) stopped. Set aside while the batch runs; they still run on "exit".
            const foreign = (["SIGINT", "SIGTERM"] as const).map((sig) => ({ sig, listeners: process.rawListeners(sig) as ((...a: unknown[]) => void)[] }));
            for (const f of foreign) process.removeAllListeners(f.sig);
            process.on("SIGINT", onSigint);
            process.on("SIGTERM", onSigterm);
            const req: BatchRequest = {
                config,
                out: o.out,
                resume: o.resume,
                retryErrors: o.retryErrors,
                engine: o.engine,
                skipInvalid: o.skipInvalid,
                hardware: s,
                endpointStore: endpoints,
                signal: controller.signal,
                allowUnsafeCode: Boolean(o.unsafeCodeExec),
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
                        // The start line's companion: which engine runs the model, and why (auto: the bench's figures).
                        if (e.type === "engine") process.stderr.write(`engine: ${e.engine} (${e.why})\n`);
                        if (o.json) process.stdout.write(JSON.stringify(e.type === "item" ? { type: "item", item_id: e.result.itemId, task: e.result.task, outcome: e.outcome, done: e.done, total: e.total } : e) + "\n");
                        progress.on(e);
                    };
                    try {
                        summary = await startBatch(req);
                    } finally {
                        // Progress lines come from a timer: a run that threw before its "done" event stops it here.
                        progress.close();
                    }
                }
                const report = reportRun(summary.runDir);
                if (o.json) process.stdout.write(JSON.stringify({ type: "report", metrics: report.metrics, progress: report.progress }) + "\n");
                else process.stdout.write(`\n${formatReport(report.metrics)}\n\nrun: ${summary.runDir}\n`);
                const code = exitStatus(summary, report.progress, stopCode);
                if (code.message) process.stderr.write(printable(code.message) + "\n");
                process.exitCode = code.code;
            } finally {
                process.off("SIGINT", onSigint);
                process.off("SIGTERM", onSigterm);
                for (const f of foreign) for (const l of f.listeners) process.on(f.sig, l);
                closeMathWorker();
            }
        });

    program
        .command("report <run>")
        .description("print the metrics of a batch run (finished or not) from its stored records: Acc@t1..t_max, Δ, flips, per task with N and 95% intervals")
        .option("--json", "print JSON")
        .addHelpText("after", reportHelp())
        .action((run: string, o) => {
            const r = reportRun(run);
            if (o.json) process.stdout.write(JSON.stringify(r, null, 2) + "\n");
            else process.stdout.write(formatRunReport(r));
        });
    // audit re-judges what report reads.
    addAuditCommand(program);
}

/**
 * How a finished `batch` ends: 0 only when every item of the run is stored done; 1 when items
 * errored or never ran (or there were none), saying how many and the command that continues;
 * 130/143 when a signal stopped it (what finished is stored).
 */
export function exitStatus(
    summary: { runDir: string; interrupted: boolean },
    p: { items: number; done: number; errors: number },
    stopCode = 130
): { code: number; message: string | null } {
    const dir = summary.runDir;
    if (summary.interrupted) return { code: stopCode, message: `interrupted: ${p.done}/${p.items} items stored. Resume with: reflect-lab batch --out ${dir} --resume` };
    if (p.items === 0) return { code: 1, message: `nothing was done: the tasks gave no items (run ${dir})` };
    const missing = p.items - p.done - p.errors;
    const lines: string[] = [];
    if (p.errors) {
        const first = firstError(dir);
        lines.push(`${p.errors} of ${p.items} items errored (${p.done} done)${first ? `; first: ${first}` : ""}. Rerun them with: reflect-lab batch --out ${dir} --retry-errors`);
    }
    if (missing > 0) lines.push(`${missing} of ${p.items} items never ran (${p.done} done). Run them with: reflect-lab batch --out ${dir} --resume`);
    return lines.length ? { code: 1, message: lines.join("\n") } : { code: 0, message: null };
}

function firstError(dir: string): string | null {
    const store = RunStore.open(dir);
    try {
        const e = store.errors()[0];
        return e ? `${e.itemId}: ${e.error}` : null;
    } finally {
        store.close();
    }
}

/** A resumed endpoint run defaults to its endpoint's concurrency, as it did when it started. */
function storedEndpointConcurrency(out: string, endpoints: EndpointStore): number | undefined {
    if (!RunStore.exists(out)) return undefined;
    const name = RunStore.readManifest<RunManifest>(out).config.endpoint?.name;
    return name ? endpoints.get(name)?.concurrency : undefined;
}

function fail(msg: string): never {
    process.stderr.write(`reflect-lab: ${printable(msg)}\n`);
    process.exit(2);
}
