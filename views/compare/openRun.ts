// A typed run folder path (after o) checked and read as the compare list shows runs, or why it cannot be.
import { existsSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { listBatchRuns, readRunManifest, type BatchRunInfo } from "../../src/batch/runs.js";
import { MANIFEST_FILE, STORE_FILE } from "../../src/batch/store.js";

/** The folder a typed path means: absolute, ~/…, or relative to `cwd`. */
export const runPathOf = (text: string, cwd: string): string => resolve(cwd, text.trim().replace(/^~(?=$|\/)/, homedir()));

/** The batch run at the typed path, or a one-line reason for the inline error. */
export function openRunPath(text: string, cwd: string = process.cwd()): BatchRunInfo | string {
    if (!text.trim()) return "type the path of a batch run folder (absolute, or relative to the working folder)";
    const dir = runPathOf(text, cwd);
    if (!existsSync(dir)) return `no such folder: ${dir}`;
    if (!statSync(dir).isDirectory()) return `${dir} is a file, not a run folder`;
    const missing = [MANIFEST_FILE, STORE_FILE].filter((f) => !existsSync(join(dir, f)));
    if (missing.length) return `${basename(dir)} is not a batch run: it has no ${missing.join(" and no ")} (reflect-lab batch writes both)`;
    try {
        readRunManifest(dir);
    } catch (e) {
        return (e as Error).message;
    }
    // Read as the sessions list reads its runs (counts from samples.sqlite), so it shows the same.
    return listBatchRuns(dirname(dir)).find((r) => r.dir === dir) ?? `${basename(dir)}: its samples could not be read`;
}
