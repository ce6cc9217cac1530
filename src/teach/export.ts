import { randomBytes } from "node:crypto";
import { closeSync, fsyncSync, openSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, extname, join, resolve } from "node:path";
import { walkthroughHtml } from "./exportHtml.js";
import { walkthroughMarkdown } from "./exportMarkdown.js";
import type { Walkthrough } from "./types.js";

export type HandoutFormat = "md" | "html";

const FORMATS: Record<string, HandoutFormat> = { ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html" };

/** The handout format a file name asks for; anything else is an error naming the file and what is accepted. */
export function handoutFormat(file: string): HandoutFormat {
    const ext = extname(file).toLowerCase();
    const format = FORMATS[ext];
    if (!format) throw new Error(`${file}: cannot tell the handout format from ${ext ? `the extension "${ext}"` : "a name without an extension"}; use .md or .markdown (Markdown), .html or .htm (HTML)`);
    return format;
}

/**
 * Writes the handout for one or several walkthroughs, the format picked by the extension. Atomic:
 * the text goes to a temp file in the same folder (a rename is atomic only within one file system),
 * is flushed, then renamed over `file`, so an interrupted export leaves the old file whole or none.
 */
export function exportWalkthrough(w: Walkthrough | Walkthrough[], file: string): { file: string; format: HandoutFormat; bytes: number } {
    const format = handoutFormat(file);
    const abs = resolve(file);
    const dir = dirname(abs);
    let st;
    try {
        st = statSync(dir);
    } catch {
        throw new Error(`${file}: the folder ${dir} does not exist (create it first)`);
    }
    if (!st.isDirectory()) throw new Error(`${file}: ${dir} is not a folder`);
    try {
        if (statSync(abs).isDirectory()) throw new Error(`${file}: is a folder, not a file name`);
    } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
    // Render before touching the disk: a failure here leaves nothing behind.
    const data = Buffer.from(format === "md" ? walkthroughMarkdown(w) : walkthroughHtml(w), "utf8");
    const tmp = join(dir, `.${basename(abs)}.${process.pid}-${randomBytes(4).toString("hex")}.tmp`);
    let fd: number | null = null;
    try {
        fd = openSync(tmp, "wx");
        for (let off = 0; off < data.length; ) off += writeSync(fd, data, off, data.length - off);
        fsyncSync(fd);
        closeSync(fd);
        fd = null;
        renameSync(tmp, abs);
    } catch (e) {
        if (fd !== null) closeSync(fd);
        try {
            unlinkSync(tmp);
        } catch {
            // already gone (or never made): nothing to clean
        }
        throw new Error(`${file}: could not write the handout (${(e as Error).message}); any earlier file there is unchanged`);
    }
    return { file: abs, format, bytes: data.length };
}

/** The TUI's x key: both handouts of one walkthrough, named for its item and the time, in `dir`. */
export function exportBoth(w: Walkthrough, dir: string, now = new Date()): string[] {
    const stem = `teach-${w.item.id.replace(/[^\w.-]+/g, "_")}-${now.toISOString().replace(/[-:]/g, "").replace(/\..+/, "").replace("T", "-")}`;
    return (["md", "html"] as const).map((ext) => exportWalkthrough(w, join(dir, `${stem}.${ext}`)).file);
}
