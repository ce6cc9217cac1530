import { execFile } from "node:child_process";
import { accessSync, constants, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { pathToFileURL } from "node:url";

/** Chromium's binary: /usr/bin/chromium, else the first chromium on PATH; null when none. */
export function findChromium(): string | null {
    const candidates = ["/usr/bin/chromium", ...(process.env.PATH ?? "").split(delimiter).flatMap((d) => (d ? [join(d, "chromium"), join(d, "chromium-browser")] : []))];
    for (const c of candidates) {
        try {
            accessSync(c, constants.X_OK);
            return c;
        } catch {
            // try the next
        }
    }
    return null;
}

/** The DOM a real headless Chromium builds from `file` (--dump-dom); fails, never skips, when Chromium is missing. */
export async function dumpDom(file: string): Promise<string> {
    const chromium = findChromium();
    if (!chromium) throw new Error("Chromium is not installed (no /usr/bin/chromium, none on PATH): install it with `apt-get install chromium` (the Debian package chromium); .ci/run does this as root");
    const profile = mkdtempSync(join(tmpdir(), "rl-chromium-"));
    // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
    const args = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-dev-shm-usage", `--user-data-dir=${profile}`, "--dump-dom", pathToFileURL(file).href];
    try {
        return await new Promise<string>((res, rej) =>
            execFile(chromium, args, { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => (err ? rej(new Error(`${chromium} failed: ${err.message}\n${String(stderr).slice(-2000)}`)) : res(String(stdout))))
        );
    } finally {
        rmSync(profile, { recursive: true, force: true });
    }
}

/** Text as Chromium serializes a text node in --dump-dom: only & < > and no-break spaces are escaped. */
export const domText = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\u00a0/g, "&nbsp;");
