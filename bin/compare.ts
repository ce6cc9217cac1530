// `reflect-lab compare <runA> <runB>`: two batch runs side by side (base vs trained reflector) on the same questions.
import type { Command } from "commander";
import { compareRuns } from "../src/batch/compare.js";
import { formatCompare } from "../src/batch/compareTable.js";
import { resolveRun } from "../src/batch/runs.js";
import { SESSIONS_DIR } from "../src/paths.js";
import { printable } from "../src/terminalText.js";

/** The compare result as printed by --json: the manifests stay out (they are in the run folders). */
export function compareJson(a: string, b: string, sessionsDir = SESSIONS_DIR): string {
    const r = compareRuns(resolveRun(a, sessionsDir), resolveRun(b, sessionsDir));
    const side = ({ manifest, ...s }: typeof r.a) => ({ ...s, config: manifest.config, reflector_files: manifest.reflector ?? null });
    return JSON.stringify({ ...r, a: side(r.a), b: side(r.b) }, null, 2);
}

export function addCompareCommand(program: Command): void {
    program
        .command("compare <runA> <runB>")
        .description("compare two batch runs on the items done in both: Acc@t1..t_max, Δ(t1,t2) per task with 95% intervals, and the paired difference B−A (runs by folder or by id under sessions/)")
        .option("--json", "print JSON")
        .action((runA: string, runB: string, o: { json?: boolean }) => {
            try {
                if (o.json) process.stdout.write(compareJson(runA, runB) + "\n");
                else process.stdout.write(formatCompare(compareRuns(resolveRun(runA, SESSIONS_DIR), resolveRun(runB, SESSIONS_DIR))) + "\n");
            } catch (e) {
                process.stderr.write(`reflect-lab compare: ${printable((e as Error).message)}\n`);
                process.exitCode = 2;
            }
        });
}
