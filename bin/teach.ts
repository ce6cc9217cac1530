// `reflect-lab teach`: teaching mode. Replays recorded loops stage by stage (no model), picks examples from a run, runs one live, exports a handout.
import { Command, InvalidArgumentError, Option } from "commander";
import { closeLab, openLab } from "../src/lab.js";
import type { Settings, SettingsStore } from "../src/settings.js";
import { loadTasks, findItem } from "../src/tasks/load.js";
import type { TaskFamily, TaskItem } from "../src/tasks/types.js";
import { exportWalkthrough } from "../src/teach/export.js";
import { walkthroughMarkdown } from "../src/teach/exportMarkdown.js";
import { DEFAULT_TEACH_SET, loadTeachKit } from "../src/teach/kit.js";
import { LiveTeach, typedItem } from "../src/teach/live.js";
import { DEFAULT_PICK, pickExamples, teachSetOf } from "../src/teach/pick.js";
import { writeTeachSet } from "../src/teach/set.js";
import { openTeachSource, outcomeCounts, type TeachSource } from "../src/teach/sources.js";
import type { GalleryEntry, Outcome, Walkthrough } from "../src/teach/types.js";
import type { TeachKit } from "../src/teach/walkthrough.js";
import { requireCodeSandbox } from "../src/verify/codeGate.js";
import { allowUnsafeCodeExec } from "../src/verify/isolation.js";
import { closeMathWorker } from "../src/verify/math.js";
import { printable } from "../src/terminalText.js";


const OUTCOMES: Outcome[] = ["corrected", "not-corrected", "flipped", "right-first"];
const outcomes = (v: string): Outcome[] => {
    const list = v.split(",").map((s) => s.trim()).filter(Boolean);
    for (const o of list) if (!OUTCOMES.includes(o as Outcome)) throw new InvalidArgumentError(`unknown outcome "${o}": use ${OUTCOMES.join(", ")} (comma-separated)`);
    return list as Outcome[];
};
const int = (name: string, min: number) => (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min}`);
    return n;
};

const HELP = `
Sources (one; default: the shipped example set, ${"examples/teaching/set.jsonl"}):
  --replay <session>   a lab session folder (sessions/<id>, its steps.jsonl)
  --run <run>          a batch run folder (its samples.sqlite): a gallery by outcome
  --set <file>         an example set saved with --save-set
  --live               run the current model on --tasks/--id, or on --question/--expected/--type

Keys in the presenter: space next stage · backspace back · v reveal a hidden verdict · h hide verdicts
  p pause/resume typing · - + slower/faster · g gallery · s side by side · n new question (live) · x export · q quit

Examples:
  reflect-lab teach                                              # the shipped examples, offline, no model
  reflect-lab teach --run sessions/batch-20261201-101500         # gallery of a batch run
  reflect-lab teach --run sessions/my-run --item logiqa-7 --sample 1-3-2#0 --export walkthrough.html
  reflect-lab teach --run sessions/my-run --save-set my-examples.jsonl --outcome corrected --max 2
  reflect-lab teach --live --question "Is 17 a prime number?" --expected yes --type text
`;

type SettingsFrom = (store: SettingsStore, o: Record<string, unknown>) => Settings;

function fail(msg: string, code = 2): never {
    process.stderr.write(`reflect-lab teach: ${printable(msg)}\n`);
    process.exit(code);
}

/** The entry --item/--sample name, or null; an unknown one is an error listing what there is. */
function chooseEntry(source: TeachSource, item: string | undefined, sample: string | undefined): GalleryEntry | null {
    if (!item) {
        if (sample) fail("--sample needs --item");
        return null;
    }
    const mine = source.entries.filter((e) => e.itemId === item);
    if (mine.length === 0) fail(`${source.path} has no recorded chain for item "${item}"${source.entries.length ? `; items: ${[...new Set(source.entries.map((e) => e.itemId))].slice(0, 12).join(", ")}` : ""}`);
    if (!sample) return mine.find((e) => e.outcome === "corrected") ?? mine[0]!;
    const label = (e: GalleryEntry) => `${e.instructionKey ?? "retry"}#${e.sampleIndex}`;
    const found = /^\d+$/.test(sample) ? mine[Number(sample)] : mine.find((e) => label(e) === sample || (e.instructionKey === null && sample === `${e.sampleIndex}`));
    if (!found) fail(`item "${item}" has no sample "${sample}"; its samples: ${mine.map(label).join(", ")} (or a position 0-${mine.length - 1})`);
    return found;
}

function writeExport(ws: Walkthrough[], file: string): void {
    const r = exportWalkthrough(ws, file);
    process.stderr.write(`wrote ${r.file} (${r.format}, ${ws.length} walkthrough${ws.length === 1 ? "" : "s"}, ${r.bytes} bytes)\n`);
}

async function live(o: Record<string, unknown>, store: SettingsStore, settingsFrom: SettingsFrom, kit: TeachKit): Promise<void> {
    allowUnsafeCodeExec(o.unsafeCodeExec === true);
    const settings = settingsFrom(store, o);
    let item: TaskItem;
    if (o.question !== undefined) {
        const family = (o.type as TaskFamily | undefined) ?? "text";
        const choices = o.choices ? (o.choices as string).split("|").map((c) => c.trim()).filter(Boolean) : null;
        try {
            item = typedItem({ question: o.question as string, answer: (o.expected as string | undefined) ?? "", family, choices });
        } catch (e) {
            fail(`--question: ${(e as Error).message}`);
        }
    } else {
        const tasks = await loadTasks((o.tasks as string | undefined) ?? "demo");
        const found = o.id ? findItem(tasks, o.id as string) : tasks.items[0];
        if (!found) fail(`task set ${tasks.source} has no items`);
        item = found;
    }
    const tui = !o.export && process.stdout.isTTY && process.stdin.isTTY;
    try {
        const sandbox = requireCodeSandbox([item.family], o.unsafeCodeExec === true);
        if (sandbox && !tui) process.stderr.write(`code sandbox: ${sandbox}\n`);
    } catch (e) {
        fail((e as Error).message);
    }
    const lab = await openLab({ settings, kind: "teach", endpoint: null, teacherEndpoint: null, reflectorEndpoint: null, onProgress: (m) => process.stderr.write(`${m}\n`) });
    const b = lab.backend.info;
    process.stderr.write(`model ${b.modelFile} · ${b.compute} · gpu ${b.gpuLayers}/${b.totalLayers} layers · ${b.threads} threads\n`);
    try {
        if (tui) {
            const { runTeachLive } = await import("../views/teach/runLive.js");
            const { exportBoth } = await import("../src/teach/export.js");
            await runTeachLive({ lab, kit, item, hideVerdicts: o.hideVerdicts === true, speed: o.speed as never, onExport: async (w) => exportBoth(w, process.cwd()) });
            return;
        }
        let last = "";
        const driver = new LiveTeach(lab, kit, (s) => {
            if (s.pending && s.pending !== last) process.stderr.write(`${(last = s.pending)}\n`);
        });
        const stop = () => driver.abort();
        process.once("SIGINT", stop);
        const record = await driver.run(item).finally(() => process.off("SIGINT", stop));
        const w = driver.current.walkthrough;
        if (!w) fail(`the loop stopped before any step (${record.status}${record.error ? `: ${record.error}` : ""})`, 1);
        if (o.export) writeExport([w], o.export as string);
        else process.stdout.write(walkthroughMarkdown(w));
        process.stderr.write(`recorded in ${lab.recorder.dir} (replay: reflect-lab teach --replay ${lab.recorder.dir})\n`);
        if (record.status === "aborted") process.exitCode = 130;
    } finally {
        await closeLab(lab);
        closeMathWorker();
    }
}

async function replay(o: Record<string, unknown>, kit: TeachKit): Promise<void> {
    const given = [o.replay, o.run, o.set].filter((x) => x !== undefined);
    if (given.length > 1) fail("give one source: --replay <session>, --run <run> or --set <file>");
    const path = (given[0] as string | undefined) ?? DEFAULT_TEACH_SET;
    let source: TeachSource;
    try {
        source = openTeachSource(path, kit);
    } catch (e) {
        fail((e as Error).message);
    }
    try {
        if (source.entries.length === 0) fail(`${path} has no finished item to show (a lab session records an item when its loop ends)`);
        const entry = chooseEntry(source, o.item as string | undefined, o.sample as string | undefined);
        const wanted = (o.outcome as Outcome[] | undefined) ?? null;
        if (o.saveSet) {
            const picked = pickExamples(source, { outcomes: wanted ?? DEFAULT_PICK.outcomes, perTask: (o.max as number | undefined) ?? DEFAULT_PICK.perTask });
            const madeBy = `reflect-lab teach ${process.argv.slice(3).map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(" ")}`;
            const chosen = entry ? [{ entry, walkthrough: entry.open() }] : picked;
            // Other instructions on the same failed attempts, so side by side (s) works in the saved set too.
            const siblings = o.withSiblings ? chosen.flatMap((p) => source.siblings(p.entry)).filter((e, i, all) => all.indexOf(e) === i && !chosen.some((p) => p.entry === e)).map((e) => ({ entry: e, walkthrough: e.open() })) : [];
            const { header, examples } = teachSetOf(source, [...chosen, ...siblings], madeBy, o.note as string | undefined);
            writeTeachSet(o.saveSet as string, header, examples);
            process.stderr.write(`wrote ${o.saveSet}: ${examples.length} examples (${Object.entries(header.outcomes).map(([k, v]) => `${v} ${k}`).join(", ")}) from ${source.path}\n`);
            return;
        }
        const selected = (): Walkthrough[] => {
            if (entry) return [entry.open()];
            const picked = pickExamples(source, { outcomes: wanted ?? ["corrected"], perTask: (o.max as number | undefined) ?? 3 });
            if (picked.length === 0) {
                const c = outcomeCounts(source.entries);
                fail(`${path} has no chain with outcome ${(wanted ?? ["corrected"]).join("/")} (it has ${OUTCOMES.map((k) => `${c[k]} ${k}`).join(", ")}); pick others with --outcome, or one with --item`);
            }
            return picked.map((p) => p.walkthrough);
        };
        if (o.export) return writeExport(selected(), o.export as string);
        if (!process.stdout.isTTY || !process.stdin.isTTY) {
            process.stdout.write(walkthroughMarkdown(selected()));
            return;
        }
        const { runTeach } = await import("../views/teach/run.js");
        const { exportBoth } = await import("../src/teach/export.js");
        // An item named opens on its chain; otherwise the shipped set opens on its first example (a corrected one), other sources on the gallery.
        const index = entry ? source.entries.indexOf(entry) : source.kind === "set" ? 0 : -1;
        await runTeach({ source, start: index >= 0 ? "presenter" : "gallery", entryIndex: Math.max(0, index), hideVerdicts: o.hideVerdicts === true, speed: o.speed as never, onExport: async (w) => exportBoth(w, process.cwd()) });
    } finally {
        source.close();
    }
}

export function addTeachCommand(program: Command, store: SettingsStore, settingsFrom: SettingsFrom): void {
    program
        .command("teach")
        .description("teaching mode: a presenter view of one question's loop, stage by stage with plain-language captions; replays recorded sessions and runs (no model), a gallery by outcome, a live run, handouts")
        .option("--replay <session>", "replay a lab session folder")
        .option("--run <run>", "replay a batch run folder: the gallery picks examples by outcome")
        .option("--set <file>", "replay an example set (default: the shipped examples/teaching/set.jsonl)")
        .option("--item <id>", "open this item's chain directly")
        .option("--sample <key#n|n>", "which of the item's chains (batch runs): instruction key and sample, e.g. 1-3-2#0, or a position")
        .option("--outcome <list>", `for --export/--save-set without --item: outcomes to take (${OUTCOMES.join(", ")})`, outcomes)
        .option("--max <n>", "for --export/--save-set: at most N chains per task and outcome", int("--max", 1))
        .option("--export <file>", "write a self-contained handout (.md or .html) and exit, no TUI")
        .option("--save-set <file>", "save picked chains as an example set (JSONL with provenance) and exit")
        .option("--note <text>", "with --save-set: a note stored in the set's header")
        .option("--with-siblings", "with --save-set: also save the other chains on each picked failed attempt (other instructions or samples), for side by side")
        .option("--hide-verdicts", "start with verdicts hidden until revealed (v), so the class can guess first")
        .addOption(new Option("--speed <level>", "typing speed of model text").choices(["instant", "fast", "readable", "slow"]).default("readable"))
        .option("--live", "run the current model on the item (--tasks/--id) or a typed question, through the same presenter")
        .option("-t, --tasks <file|demo>", "--live: task set (default demo)")
        .option("--id <item>", "--live: item id (default: the first)")
        .option("--question <text>", "--live: your own question")
        .option("--expected <answer>", "--live: its expected answer (mc: letter or choice; code: assert lines)")
        .addOption(new Option("--type <family>", "--live: the question's type").choices(["mc", "math", "code", "text"]))
        .option("--choices <a|b|c>", "--live, --type mc: the options separated by |")
        .option("-m, --model <gguf|hf:uri>", "--live: model (default: the stored setting)")
        .option("--seed <n>", "--live: sampling seed", int("--seed", 0))
        .option("--max-tokens <n>", "--live: tokens per generation", int("--max-tokens", 8))
        .option("--max-turns <n>", "--live: turns", int("--max-turns", 2))
        .option("--instructions <sel>", "--live: instruction selection (fixed:1-3-2 | random | round-robin)")
        .option("--threads <n>", "--live: CPU threads", int("--threads", 1))
        .option("--unsafe-code-exec", "--live: run code answers even where no sandbox can start")
        .addHelpText("after", HELP)
        .action(async (o: Record<string, unknown>) => {
            let kit: TeachKit;
            try {
                kit = loadTeachKit();
            } catch (e) {
                fail((e as Error).message);
            }
            if (o.live) return live(o, store, settingsFrom, kit);
            return replay(o, kit);
        });
}
