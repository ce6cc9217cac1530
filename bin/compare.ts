// `reflect-lab compare <runs...>`: batch runs in the paper's Tab. 2 layout, each paired with a reference run on identical turn 1.
import type { Command } from "commander";
import { compareMany, type CompareManyResult } from "../src/batch/compareMany.js";
import { formatCompareMany } from "../src/batch/compareTable.js";
import { resolveRun } from "../src/batch/runs.js";
import { SESSIONS_DIR } from "../src/paths.js";
import { printable } from "../src/terminalText.js";
import { compareHelp } from "./helpTexts.js";

export interface CompareArgs {
    baseline?: string;
    sessionsDir?: string;
}

/** Runs by folder or by id under the sessions dir, compared. */
export function compareArgs(runs: string[], o: CompareArgs = {}): CompareManyResult {
    const dir = o.sessionsDir ?? SESSIONS_DIR;
    return compareMany(
        runs.map((r) => resolveRun(r, dir)),
        { baseline: o.baseline ? resolveRun(o.baseline, dir) : undefined }
    );
}

/** The comparison as `--json` prints it (the same structure as the table: runs, rows per task + overall, pairing, warnings). */
export function compareJson(runs: string[], o: CompareArgs = {}): string {
    return JSON.stringify(compareArgs(runs, o), null, 2);
}

export function addCompareCommand(program: Command): void {
    program
        .command("compare <runs...>")
        .description(
            "batch runs side by side as the paper's Tab. 2 (retry, reflect, trained settings): N, Acc@t1, Acc@t2, Δ(t1,t2) per task with 95% intervals, and each run's paired difference against the reference on the items whose turn 1 is identical (runs by folder or by id under sessions/)"
        )
        .option("--baseline <run>", "the reference run for the paired differences (default: the first run given)")
        .option("--json", "print JSON")
        .addHelpText("after", compareHelp())
        .action((runs: string[], o: { json?: boolean; baseline?: string }) => {
            try {
                if (o.json) process.stdout.write(compareJson(runs, { baseline: o.baseline }) + "\n");
                else process.stdout.write(formatCompareMany(compareArgs(runs, { baseline: o.baseline })) + "\n");
            } catch (e) {
                process.stderr.write(`reflect-lab compare: ${printable((e as Error).message)}\n`);
                process.exitCode = 2;
            }
        });
}
