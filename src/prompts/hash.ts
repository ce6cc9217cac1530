import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

/** sha256 over every file under prompts/ (paths and contents): a run records which prompts it used. */
export function hashPromptsDir(dir: string): string {
    const h = createHash("sha256");
    const walk = (d: string): string[] =>
        readdirSync(d)
            .sort()
            .flatMap((name) => {
                const p = join(d, name);
                return statSync(p).isDirectory() ? walk(p) : [p];
            });
    for (const file of walk(dir)) {
        h.update(relative(dir, file).split("\\").join("/") + "\0");
        h.update(readFileSync(file));
        h.update("\0");
    }
    return h.digest("hex");
}
