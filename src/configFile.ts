// The JSON files in the config folder (config.json, endpoints.json, endpoint-keys.json), opened
// through `conf` with the folder made by ensureDir first and every parse error naming the file.
import { join } from "node:path";
import Conf from "conf";
import { CONFIG_DIR_FIX } from "./paths.js";
import { DirError, ensureDir } from "./fsDirs.js";
import { printable } from "./terminalText.js";

/** A config file that cannot be read or written, or holds a wrong value; the message names the file and the fix. */
export class ConfigFileError extends Error {
    constructor(
        message: string,
        readonly file: string
    ) {
        super(printable(message));
        this.name = "ConfigFileError";
    }
}

/** A value as a message may quote it: JSON, one line, escaped, cut at 40 characters. */
export function quoteValue(v: unknown): string {
    const s = v === undefined ? "undefined" : JSON.stringify(v) ?? String(v);
    const chars = Array.from(s);
    return printable(chars.slice(0, 40).join(""), { oneLine: true }) + (chars.length > 40 ? "..." : "");
}

/** A name from a file for a message or a suggested command: one line, escaped, whole. */
export const shownName = (s: string): string => printable(s, { oneLine: true });

export const typeName = (v: unknown): string => (v === null ? "null" : Array.isArray(v) ? "list" : typeof v === "object" ? "object" : typeof v);

/**
 * Why `text` is not a JSON object, in words that quote none of the file's content (the key file
 * holds secrets): "it is empty", "it holds binary data", "unterminated string at line 1 column 15".
 */
export function jsonProblem(text: string): { problem: string; value?: undefined } | { problem: null; value: Record<string, unknown> } {
    if (text.trim() === "") return { problem: "it is empty" };
    if (text.includes("\u0000") || text.includes("\ufffd")) return { problem: "it holds binary data, not JSON text" };
    let v: unknown;
    try {
        v = JSON.parse(text);
    } catch (e) {
        return { problem: describeParseError(text, (e as Error).message) };
    }
    if (typeName(v) !== "object") return { problem: `it holds a JSON ${typeName(v)}, not an object` };
    return { problem: null, value: v as Record<string, unknown> };
}

function describeParseError(text: string, msg: string): string {
    if (/Unexpected end of JSON input/i.test(msg)) return "it ends early (truncated?)";
    const at = /^(.*?) in JSON at position (\d+)/.exec(msg);
    if (at) {
        const pos = Number(at[2]);
        const before = text.slice(0, pos);
        const line = before.split("\n").length;
        const col = pos - before.lastIndexOf("\n");
        return `${at[1]!.replace(/^./, (c) => c.toLowerCase())} at line ${line} column ${col}${pos >= text.length - 1 ? " (truncated?)" : ""}`;
    }
    const tok = /^Unexpected token '(.+?)'/.exec(msg);
    if (tok) return `unexpected character ${printable(JSON.stringify(tok[1]), { oneLine: true })}`;
    return "it is not valid JSON";
}

export interface ConfFileOptions<T extends Record<string, any>> {
    dir: string;
    /** File name without .json. */
    name: string;
    defaults: T;
    /** What the user can do about a broken file, e.g. "run `reflect-lab config reset`". */
    fix: string;
    fileMode?: number;
    dotNotation?: boolean;
}

export function confFilePath(dir: string, name: string): string {
    return join(dir, `${name}.json`);
}

/**
 * A conf store on `<dir>/<name>.json`: the folder checked first (never conf's recursive mkdir on
 * an unusable path), a file that is not a JSON object refused naming it and `fix` (conf would
 * otherwise throw a bare SyntaxError, or treat `null` as empty and overwrite it with the defaults).
 */
export function openConfFile<T extends Record<string, any>>(o: ConfFileOptions<T>): Conf<T> {
    const file = confFilePath(o.dir, o.name);
    ensureDir(o.dir, "config folder", CONFIG_DIR_FIX);
    const deserialize = (text: string): T => {
        // Editors on Windows may add a BOM; JSON.parse refuses it.
        const { problem, value } = jsonProblem(text.replace(/^\ufeff/, ""));
        if (problem !== null) throw new ConfigFileError(`${file} is not valid JSON: ${problem}; ${o.fix}`, file);
        return value as T;
    };
    return withFileErrors(file, () => new Conf<T>({ projectName: "reflect-lab", cwd: o.dir, configName: o.name, defaults: o.defaults, deserialize, accessPropertiesByDotNotation: o.dotNotation ?? true, ...(o.fileMode !== undefined ? { configFileMode: o.fileMode } : {}) }));
}

/** Runs a conf read or write; an fs error comes back naming the file and the fix for the folder. */
export function withFileErrors<R>(file: string, fn: () => R): R {
    try {
        return fn();
    } catch (e) {
        if (e instanceof ConfigFileError || e instanceof DirError) throw e;
        // fs messages already start with the code: "EACCES: permission denied, open '...tmp-1'".
        const code = (e as NodeJS.ErrnoException).code;
        const msg = (e as Error).message;
        throw new ConfigFileError(`cannot use ${file} (${code && !msg.startsWith(code) ? `${code}: ` : ""}${msg}); ${CONFIG_DIR_FIX}`, file);
    }
}
