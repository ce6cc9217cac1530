import { readFile } from "node:fs/promises";

/** Reads a task file as UTF-8 without BOM; clear errors for missing files and directories. */
export async function readText(path: string): Promise<string> {
    let text: string;
    try {
        text = await readFile(path, "utf8");
    } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === "ENOENT") throw new Error(`task file not found: ${path}`);
        if (code === "EISDIR") throw new Error(`task file is a directory: ${path}`);
        throw new Error(`cannot read task file ${path}: ${(e as Error).message}`);
    }
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
