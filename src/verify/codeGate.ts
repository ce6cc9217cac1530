// The check every entry point makes before it runs code answers: real isolation, or the user's
// explicit --unsafe-code-exec, or a refusal that names the fix. Returns the line to show.
import type { TaskFamily } from "../tasks/types.js";
import { allowUnsafeCodeExec, codeIsolation } from "./isolation.js";

export class CodeSandboxUnavailable extends Error {}

/** null when no item is code; else the isolation in force (throws when there is none and unsafe runs were not allowed). */
export function requireCodeSandbox(families: Iterable<TaskFamily>, allowUnsafe: boolean): string | null {
    allowUnsafeCodeExec(allowUnsafe);
    if (![...families].includes("code")) return null;
    const iso = codeIsolation();
    if (iso.kind === "none") throw new CodeSandboxUnavailable(`refusing to run code answers: ${iso.summary}. Fix: ${iso.fix}`);
    return iso.summary;
}
