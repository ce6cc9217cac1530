// `reflect-lab tag-errors`: a teacher model tags the error types each reflection of a batch run names (the paper's Fig. 2b).
import { Command, InvalidArgumentError } from "commander";
import { resolveRun } from "../src/batch/runs.js";
import { backoffLine } from "../src/endpoints/backoffLine.js";
import { SESSIONS_DIR } from "../src/paths.js";
import { errorTypeBreakdown, formatErrorTypes } from "../src/teacher/breakdown.js";
import { openTeacher, type OpenedTeacher } from "../src/teacher/open.js";
import { tagRun, type TagProgress } from "../src/batch/tagRun.js";
import { TEACHER_MAX_TOKENS } from "../src/teacher/sampler.js";
import { printable } from "../src/terminalText.js";

const int = (name: string, min: number) => (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min}`);
    return n;
};

export interface TeacherCommandDeps {
    /** How `--teacher <endpoint>` becomes a model (tests inject a scripted one). */
    open?: (endpoint: string) => Promise<OpenedTeacher>;
    /** Milliseconds between progress lines. */
    progressMs?: number;
}

const progressLine = (p: TagProgress, t0: number) => {
    const done = p.already + p.tagged;
    const rate = p.tagged / Math.max(0.001, (performance.now() - t0) / 1000);
    return `tagged ${done}/${p.total} (${p.total ? ((100 * done) / p.total).toFixed(0) : 100}%) · ${p.already} before · ${rate.toFixed(1)}/s${p.unparsed ? ` · ${p.unparsed} unreadable` : ""}${p.errors ? ` · ${p.errors} errors (last: ${p.lastError})` : ""}`;
};

export function addTeacherCommands(program: Command, deps: TeacherCommandDeps = {}): void {
    // Retries are worth a line: a long tagging run that goes quiet for a minute is a 429 backing off.
    const open = deps.open ?? ((name: string) => openTeacher(name, { onBackoff: (ev) => process.stderr.write(backoffLine(ev) + "\n") }));
    program
        .command("tag-errors")
        .description("tag the error types each reflection of a batch run names, with a teacher model (resumable; `report` then shows the breakdown)")
        .argument("<run>", `a batch run folder, or a run id under ${SESSIONS_DIR}`)
        .requiredOption("--teacher <endpoint>", "the teacher: an OpenAI-compatible endpoint by name")
        .option("--concurrency <n>", "teacher requests in flight (default: the endpoint's)", int("--concurrency", 1))
        .option("--teacher-max-tokens <n>", `longest teacher reply (default ${TEACHER_MAX_TOKENS})`, int("--teacher-max-tokens", 16))
        .option("--json", "print the breakdown as JSON (progress stays on stderr)")
        .addHelpText(
            "after",
            `
Types (the paper's): calculation, algorithm, logic, inconsistency, context, incomplete, format, factual.
Each reflection is asked once and stored in <run>/teacher.sqlite with the teacher's model name and output;
running the command again tags only what is missing (after Ctrl-C or errors).`
        )
        .action(async (run: string, o) => {
            let teacher: OpenedTeacher | null = null;
            const controller = new AbortController();
            const onSigint = () => {
                process.stderr.write("\nstopping: what is tagged is kept; run the same command again to tag the rest\n");
                controller.abort();
            };
            process.on("SIGINT", onSigint);
            try {
                const runDir = resolveRun(run, SESSIONS_DIR);
                teacher = await open(o.teacher);
                const t0 = performance.now();
                let last = 0;
                const every = deps.progressMs ?? 2000;
                const summary = await tagRun(runDir, teacher.backend, {
                    concurrency: o.concurrency ?? teacher.concurrency,
                    model: teacher.model,
                    maxTokens: o.teacherMaxTokens,
                    signal: controller.signal,
                    onProgress: (p) => {
                        const now = performance.now();
                        if (now - last < every && p.already + p.tagged + p.errors < p.total) return;
                        last = now;
                        process.stderr.write(progressLine(p, t0) + "\n");
                    }
                });
                process.stderr.write(`${progressLine(summary, t0)} · teacher ${summary.teacher} · ${summary.seconds.toFixed(1)} s\n`);
                const b = errorTypeBreakdown(runDir);
                if (o.json) process.stdout.write(JSON.stringify({ run: runDir, tagging: summary, errorTypes: b }, null, 2) + "\n");
                else process.stdout.write(b ? `${formatErrorTypes(b)}\n` : "no reflections tagged\n");
                if (summary.interrupted) process.exitCode = 130;
                else if (summary.errors) {
                    process.stderr.write(`${summary.errors} reflections could not be tagged; run the same command again to retry them\n`);
                    process.exitCode = 1;
                }
            } catch (e) {
                process.stderr.write(`reflect-lab: ${printable((e as Error).message)}\n`);
                process.exitCode = 1;
            } finally {
                process.off("SIGINT", onSigint);
                await teacher?.dispose();
            }
        });
}
