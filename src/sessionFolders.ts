import { readdirSync } from "node:fs";
import { join } from "node:path";

/**
 * Every entry directly under a sessions folder, as paths: the one lister behind the batch-run,
 * training-run and curated-folder lists, which each keep only their own kind. A missing or
 * unreadable folder lists nothing (a fresh checkout has no sessions/ yet).
 */
export function sessionFolders(sessionsDir: string): string[] {
    try {
        return readdirSync(sessionsDir).map((name) => join(sessionsDir, name));
    } catch {
        return [];
    }
}
