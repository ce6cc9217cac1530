// `reflect-lab audit <run>`: re-judge a batch run's stored answers with the current verifiers; --write stores the new verdicts.
import type { Command } from "commander";
import { RunStore } from "../src/batch/store.js";
import { acquireRunLock, type RunLock } from "../src/runLock.js";
import { auditRun, type AuditProgress } from "../src/batch/audit.js";
import { auditJson, formatAudit } from "../src/batch/auditFormat.js";
import { writeAudit } from "../src/batch/auditWrite.js";
import { formatDuration } from "../src/batch/progress.js";
import { resolveRun } from "../src/batch/runs.js";
import { SESSIONS_DIR } from "../src/paths.js";
import { closeMathWorker } from "../src/verify/math.js";
import { printable } from "../src/terminalText.js";

const HELP = `
What it does:
  Every verdict (Acc@t, Δ, curated rows) rests on the ground-truth verifiers. audit re-judges each
  stored answer of a batch run (every item's turn-1 answer and every turn of every sampled chain)
  with the verifiers as they are now, using the run's task files for gold answers and tests (mc
  and math items missing from them are judged with the gold stored in the run), and
  prints per task and overall how many verdicts change (c→i, i→c; re-read = same verdict, another
  answer extracted) and Acc@t1, Acc@t_max and Δ before → after. Without --write nothing is changed.
  Code answers run in the bubblewrap sandbox, as in batch: where none can start, audit refuses
  (before judging anything) unless --unsafe-code-exec is given.

--write:
  Stores the new ground truth in the run, in one transaction (Ctrl-C or a crash leaves the run as it
  was or fully audited): each changed verify step's oracle_verdict, the record's correct_by_turn and
  the store columns report/compare/curate read; each record keeps the ground truth it had in its
  "audits" list (time, verifier version). A second audit --write finds nothing to change and says so.
  self/teacher runs: the model's own verdict (which steered the loop) is kept; only the ground truth
  changes. oracle runs: the loop stopped on the verdict, so a chain now correct earlier ends there,
  and one that stopped on an answer now judged incorrect counts that answer for its later turns.

Curated sets:
  Curated folders are not changed. After audit --write, regenerate them from the run:
    reflect-lab curate <run> --out <new folder>

Examples:
  reflect-lab audit sessions/batch-20250101-120000
  reflect-lab audit batch-20250101-120000 --write
  reflect-lab audit old-run --tasks data/math.jsonl --json
`;

/** One status line on stderr: redrawn in place on a terminal, else a line every 10 s. */
function progressLine(): { update: (p: AuditProgress) => void; end: () => void } {
    const tty = process.stderr.isTTY === true;
    let last = 0;
    let drawn = false;
    const text = (p: AuditProgress) => `audit: ${p.items}/${p.total} items · ${p.judged} verdicts · ${formatDuration(p.seconds)} · ETA ${p.eta === null ? "?" : formatDuration(p.eta)}`;
    return {
        update: (p) => {
            const now = performance.now();
            if (now - last < (tty ? 200 : 10_000) && p.items < p.total) return;
            last = now;
            if (tty) {
                process.stderr.write(`\r\x1b[2K${text(p)}`);
                drawn = true;
            } else if (p.seconds >= 10) process.stderr.write(`${text(p)}\n`);
        },
        end: () => {
            if (drawn) process.stderr.write("\r\x1b[2K");
        }
    };
}

export function addAuditCommand(program: Command, sessionsDir: string = SESSIONS_DIR): void {
    program
        .command("audit <run>")
        .description("re-judge every stored answer of a batch run with the current verifiers: verdict changes and Acc@t1/Acc@t2/Δ before → after per task; --write stores the new verdicts")
        .option("--json", "print JSON")
        .option("--write", "store the new verdicts in the run (one transaction; the old ones stay in each record's audits list)")
        .option("--tasks <files...>", "task files with the items' gold answers and tests (default: the ones the run's manifest names)")
        .option("--unsafe-code-exec", "judge code answers even where no sandbox (bubblewrap) can start: they run as you, unisolated")
        .addHelpText("after", HELP)
        .action(async (run: string, o: { json?: boolean; write?: boolean; tasks?: string[]; unsafeCodeExec?: boolean }) => {
            const controller = new AbortController();
            let interrupts = 0;
            const onSigint = () => {
                if (++interrupts > 1) process.exit(130);
                process.stderr.write("\nstopping the audit: nothing will be written (Ctrl-C again to exit now)\n");
                controller.abort();
            };
            process.on("SIGINT", onSigint);
            process.on("SIGTERM", onSigint);
            const progress = progressLine();
            let lock: RunLock | null = null;
            try {
                const dir = resolveRun(run, sessionsDir);
                // --write changes the store: no batch (or other audit) may be using the run meanwhile.
                lock = o.write && RunStore.exists(dir) ? acquireRunLock(dir, { what: "run folder" }) : null;
                if (lock?.tookOver) process.stderr.write(`${lock.tookOver}\n`);
                const result = await auditRun(dir, { tasks: o.tasks, allowUnsafeCode: Boolean(o.unsafeCodeExec), signal: controller.signal, onProgress: progress.update });
                progress.end();
                if (result.interrupted) {
                    process.stderr.write(`reflect-lab audit: interrupted; nothing written\n`);
                    process.exitCode = 130;
                    return;
                }
                // Synchronous from here: a Ctrl-C now is handled after the transaction has committed.
                const written = o.write ? writeAudit(result) : null;
                process.stdout.write(o.json ? JSON.stringify(auditJson(result, written), null, 2) + "\n" : formatAudit(result, written));
            } catch (e) {
                progress.end();
                process.stderr.write(`reflect-lab audit: ${printable((e as Error).message)}\n`);
                process.exitCode = 2;
            } finally {
                lock?.release();
                process.off("SIGINT", onSigint);
                process.off("SIGTERM", onSigint);
                closeMathWorker();
            }
        });
}
