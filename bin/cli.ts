// The command line: the TUI by default, headless `ask` and `verify` beside it, all on the same core.
import { Command, InvalidArgumentError, Option } from "commander";
import { closeLab, openGenerator, openLab, startLoop } from "../src/lab.js";
import { backoffLine } from "../src/endpoints/backoffLine.js";
import { SettingsStore, validateSetting, DEFAULT_SETTINGS, type Settings } from "../src/settings.js";
import { loadTasks, findItem } from "../src/tasks/load.js";
import type { TaskFamily } from "../src/tasks/types.js";
import { verifyOracle } from "../src/verify/oracle.js";
import { requireCodeSandbox } from "../src/verify/codeGate.js";
import { allowUnsafeCodeExec } from "../src/verify/isolation.js";
import { closeMathWorker } from "../src/verify/math.js";
import { verdictLine } from "../src/verify/line.js";
import { printable } from "../src/terminalText.js";
import { addAnalyzeCommands } from "./analyze.js";
import { addBatchCommands } from "./batch.js";
import { addCompareCommand } from "./compare.js";
import { addCurateCommand } from "./curate.js";
import { addEndpointsCommands } from "./endpoints.js";
import { addEvolveCommand } from "./evolve.js";
import { addTeacherCommands } from "./teacher.js";
import { addTeachCommand } from "./teach.js";
import { addTrainCommand } from "./train.js";
import { askHelp } from "./helpTexts.js";
import { INSTRUCTIONS_GRAMMAR } from "../src/prompts/instructionSpec.js";

const int = (name: string) => (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n)) throw new InvalidArgumentError(`${name} must be an integer`);
    return n;
};
const float = (name: string) => (v: string) => {
    const n = Number(v);
    if (!Number.isFinite(n)) throw new InvalidArgumentError(`${name} must be a number`);
    return n;
};
const collect = (v: string, prev: string[] = []) => [...prev, v];

/** Options shared by the lab and `ask`: they override the stored settings for this run only. */
function addRunOptions(cmd: Command): Command {
    return cmd
        .option("-m, --model <gguf|hf:uri>", "model: a GGUF path, an hf: URI, or \"default\" (embedded SmolLM2-135M-Instruct); default: the stored setting")
        .option("--endpoint <name|none>", "generator: a stored OpenAI-compatible endpoint (see `endpoints list`), or none for the local model; default: the stored generator role")
        .option("-t, --tasks <file|demo>", "task set: reflect-lab task JSONL or \"demo\" (built in, 40 items)", "demo")
        .option("--id <item>", "item id to start on (default: the first)")
        .addOption(new Option("--verifier <mode>", "verifier mode: ground truth, the model itself, or the teacher endpoint (default: the stored setting)").choices(["oracle", "self", "teacher"]))
        .option("--teacher <name>", "the endpoint that judges answers with --verifier teacher (default: the stored verifier role, else the teacher role)")
        .option("--max-turns <n>", "maximum turns per question (default: the stored setting; paper: 2)", int("--max-turns"))
        .option("--seed <n>", "sampling seed (default: the stored setting)", int("--seed"))
        .option("--temperature <x>", "sampling temperature (default: the stored setting; paper: 0.8)", float("--temperature"))
        .option("--max-tokens <n>", "maximum tokens per generation (default: the stored setting)", int("--max-tokens"))
        .option("--instructions <sel>", `instruction selection: ${INSTRUCTIONS_GRAMMAR} (default: the stored setting)`)
        .addOption(new Option("--gpu <backend>", "compute backend (default: the stored setting)").choices(["auto", "cuda", "vulkan", "metal", "cpu"]))
        .option("--gpu-layers <n>", "cap on layers offloaded to the GPU (default: the stored setting)", int("--gpu-layers"))
        .option("--vram-cap <MiB>", "cap on the VRAM the model may use (default: the stored setting)", int("--vram-cap"))
        .option("--context-size <n>", "context size in tokens (default: the stored setting)", int("--context-size"))
        .option("--threads <n>", "CPU threads (default: the stored setting, else one per core)", int("--threads"))
        .option("--unsafe-code-exec", "run code answers even where no sandbox (bubblewrap) can start: they run as you, unisolated");
}

function settingsFrom(store: SettingsStore, o: Record<string, unknown>): Settings {
    const s = store.load();
    const over: Partial<Settings> = {
        model: o.model as string | undefined,
        verifier: o.verifier as Settings["verifier"] | undefined,
        maxTurns: o.maxTurns as number | undefined,
        seed: o.seed as number | undefined,
        temperature: o.temperature as number | undefined,
        maxTokens: o.maxTokens as number | undefined,
        instructions: o.instructions as string | undefined,
        gpu: o.gpu as Settings["gpu"] | undefined,
        gpuLayers: o.gpuLayers as number | undefined,
        vramCapMiB: o.vramCap as number | undefined,
        contextSize: o.contextSize as number | undefined,
        threads: o.threads as number | undefined
    };
    for (const [k, v] of Object.entries(over) as [keyof Settings, never][]) {
        if (v === undefined) continue;
        const err = validateSetting(k, v);
        if (err) fail(`--${k.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase()).replace("vram-cap-mi-b", "vram-cap")}: ${err}`);
        (s as unknown as Record<string, unknown>)[k] = v;
    }
    return s;
}

/** The generator's endpoint: a name, null for the local model (--endpoint none, or --model given), undefined = the stored role. */
function endpointChoice(o: Record<string, unknown>): string | null | undefined {
    if (o.endpoint === "none") return null;
    if (typeof o.endpoint === "string") return o.endpoint;
    return o.model !== undefined ? null : undefined;
}

function fail(msg: string, code = 2): never {
    process.stderr.write(`reflect-lab: ${printable(msg)}\n`);
    process.exit(code);
}

/** Headless: one item through the whole loop; prints the record as JSON and progress on stderr. */
async function ask(o: Record<string, unknown>, store: SettingsStore): Promise<void> {
    allowUnsafeCodeExec(o.unsafeCodeExec === true);
    const settings = settingsFrom(store, o);
    const tasks = await loadTasks(o.tasks as string);
    const item = o.id ? findItem(tasks, o.id as string) : tasks.items[0];
    if (!item) fail(`task set ${tasks.source} has no items`);
    const lab = await openLab({ settings, kind: "ask", endpoint: endpointChoice(o), teacherEndpoint: o.teacher as string | undefined, onBackoff: (ev) => process.stderr.write(`${backoffLine(ev)}\n`), onProgress: (m) => process.stderr.write(`${m}\n`) });
    const b = lab.backend.info;
    process.stderr.write(`model ${b.modelFile} · ${b.compute} · gpu ${b.gpuLayers}/${b.totalLayers} layers · ctx ${b.contextSize}${b.note ? ` · ${b.note}` : ""}\n`);
    const loop = startLoop(lab, item, (e) => {
        if (e.type === "phase" && e.phase !== "done") process.stderr.write(`turn ${e.turn}: ${e.phase}\n`);
    });
    const stop = () => loop.abort();
    process.once("SIGINT", stop);
    try {
        const record = await loop.runToEnd();
        process.stdout.write(JSON.stringify(record, null, 2) + "\n");
        process.stderr.write(`recorded in ${lab.recorder.dir}\n`);
    } finally {
        process.off("SIGINT", stop);
        await closeLab(lab);
        closeMathWorker();
    }
}

async function verify(o: Record<string, unknown>): Promise<void> {
    const family = o.taskType as TaskFamily;
    const choices = (o.choice as string[] | undefined) ?? (o.choices ? (o.choices as string).split("|").map((c) => c.trim()) : null);
    if (family === "mc" && !choices?.length) fail("--task-type mc needs the options: --choices \"first|second|third|fourth\" or --choice repeated");
    if (family === "code" && !(o.test as string[] | undefined)?.length) fail("--task-type code needs at least one --test \"assert f(1) == 2\"");
    try {
        const sandbox = requireCodeSandbox([family], o.unsafeCodeExec === true);
        if (sandbox) process.stderr.write(`code sandbox: ${sandbox}\n`);
    } catch (e) {
        fail((e as Error).message);
    }
    try {
        const verdict = await verifyOracle({
            family,
            output: o.answer as string,
            gold: o.gold as string,
            choices,
            answerIndex: null,
            tests: (o.test as string[] | undefined) ?? null,
            testSetup: (o.setup as string | undefined) ?? null,
            truncated: o.truncated === true
        });
        // One readable line (verdict, what was extracted and by which rule, gold, why), then the JSON; --json: the JSON only.
        if (!o.json) process.stdout.write(verdictLine(verdict) + "\n");
        process.stdout.write(JSON.stringify(verdict, null, 2) + "\n");
    } finally {
        closeMathWorker();
    }
}

export function buildProgram(): Command {
    // Lazy: reads config.json only when a command asks for the settings (verify, report, --help never do).
    const store = new SettingsStore();
    const program = new Command("reflect-lab")
        .description("A terminal lab for self-reflection with small language models (ReflectEvo).\nWith no command: opens the interactive lab (the TUI) on a terminal; without a TTY or with --json, runs one item headless like `ask`.")
        .showHelpAfterError()
        // The lab and `ask` share option names: keep program options before the subcommand.
        .enablePositionalOptions();
    addRunOptions(program).option("--json", "headless: run one item and print its record as JSON").action(async (o) => {
        allowUnsafeCodeExec(o.unsafeCodeExec === true);
        if (o.json || !process.stdout.isTTY || !process.stdin.isTTY) return ask(o, store);
        const { runTui } = await import("../views/run.js");
        const settings = settingsFrom(store, o);
        const tasks = await loadTasks(o.tasks);
        const startIndex = o.id ? tasks.items.indexOf(findItem(tasks, o.id)) : 0;
        // A choice made on the command line opens here; otherwise the lab takes the stored generator role (or the local model) itself.
        const endpoint = endpointChoice(o);
        const backend = endpoint === undefined ? undefined : await openGenerator(settings, { endpoint, onProgress: (m) => process.stderr.write(`${m}\n`) });
        await runTui({ settings, settingsStore: store, tasks, startIndex, backend });
    });
    addRunOptions(program.command("ask").description("run one item through answer, verify, reflect and correct; print the record as JSON").option("--json", "(default) print JSON"))
        .addHelpText("after", askHelp(store))
        .action((o) => ask(o, store));
    program
        .command("verify")
        .description("run a verifier on an answer and print its verdict and why (debug scoring)")
        .addOption(new Option("--task-type <family>", "task family").choices(["mc", "math", "code", "text"]).makeOptionMandatory())
        .requiredOption("--answer <text>", "the answer or model output to judge (code: the function source)")
        .option("--gold <text>", "the gold answer (mc: letter or option text; math: value; text: reference)", "")
        .option("--choices <a|b|c|d>", "mc options separated by |")
        .option("--choice <text>", "one mc option (repeat in order)", collect)
        .option("--test <assert>", "code: one assert statement (repeat)", collect)
        .option("--setup <code>", "code: the task's setup code (MBPP test_setup_code), run after the answer and before the tests")
        .option("--unsafe-code-exec", "code: run the answer even where no sandbox (bubblewrap) can start: it runs as you, unisolated")
        .option("--truncated", "the output was cut off at maxTokens (without a final-answer marker it has no answer)")
        .option("--json", "print only the verdict as JSON (no summary line)")
        .action(verify);
    addBatchCommands(program, store);
    addCurateCommand(program);
    addTrainCommand(program);
    addEvolveCommand(program, store);
    addCompareCommand(program);
    addAnalyzeCommands(program);
    addEndpointsCommands(program);
    addTeacherCommands(program);
    addTeachCommand(program, store, settingsFrom);
    const config = program.command("config").description("show or change the stored settings");
    config.command("show").description("print the settings and where they are stored (and what is wrong with the file, if anything)").action(() => {
        // A broken file is shown, not thrown: this is where the user looks first.
        const { settings, problem } = store.inspect();
        process.stdout.write(JSON.stringify({ path: store.path, settings, ...(problem ? { problem } : {}) }, null, 2) + "\n");
        if (problem) {
            process.stderr.write(`reflect-lab: ${printable(problem)}\n`);
            process.exitCode = 1;
        }
    });
    config
        .command("set <key> <value>")
        .description(`set one setting; keys: ${Object.keys(DEFAULT_SETTINGS).join(", ")}`)
        .action((key: string, value: string) => {
            if (!(key in DEFAULT_SETTINGS)) fail(`unknown setting "${key}"; keys: ${Object.keys(DEFAULT_SETTINGS).join(", ")}`);
            const def = DEFAULT_SETTINGS[key as keyof Settings];
            const parsed = value === "null" ? null : value === "auto" ? "auto" : typeof def === "number" || def === null || key === "gpuLayers" ? Number(value) : value;
            try {
                store.set(key as keyof Settings, parsed as never);
            } catch (e) {
                fail((e as Error).message);
            }
            process.stdout.write(`${key} = ${JSON.stringify(parsed)}\n`);
        });
    config.command("reset").description("restore the defaults (works on a broken config.json too: it is kept as config.json.bad)").action(() => {
        const { kept } = store.reset();
        process.stdout.write(`settings reset to defaults in ${store.path}${kept ? ` (the unreadable file was kept as ${kept})` : ""}\n`);
    });
    return program;
}

try {
    await buildProgram().parseAsync(process.argv);
} catch (e) {
    fail((e as Error).message, 1);
}
