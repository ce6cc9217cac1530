// Creating folders without Node's `mkdirSync(dir, { recursive: true })`: on Linux it loops forever in
// native code (no JS runs, so SIGTERM handlers never fire) when mkdir of a child answers ENOENT while
// its parent exists, as under /proc or /sys (e.g. REFLECT_LAB_CONFIG_DIR=/proc/nope). conf and its
// atomic writer call it for the config folder, so every store creates its folder here first.
import { accessSync, constants, mkdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";

/** A folder that cannot be created or used; the message names it, the errno and the fix. */
export class DirError extends Error {
    constructor(
        message: string,
        readonly path: string,
        readonly code: string
    ) {
        super(message);
        this.name = "DirError";
    }
}

const REASONS: Record<string, string> = {
    EACCES: "permission denied",
    EPERM: "operation not permitted",
    EROFS: "read-only file system",
    ENOSPC: "no space left on the device",
    EDQUOT: "disk quota exceeded",
    ENAMETOOLONG: "the name is too long",
    ELOOP: "too many symbolic links",
    EIO: "input/output error"
};

/**
 * Creates `dir` and its missing parents, one level at a time, and checks it is a writable folder.
 * Returns the resolved path. Throws DirError: "cannot create the <what> <dir> (<CODE>: why); <fix>".
 * `fix` says what the user can do, e.g. "set REFLECT_LAB_CONFIG_DIR to a writable folder".
 */
export function ensureDir(dir: string, what: string, fix: string): string {
    const abs = resolve(dir);
    const fail = (code: string, why: string): never => {
        throw new DirError(`cannot create the ${what} ${abs} (${code}: ${why}); ${fix}`, abs, code);
    };
    const made = makeDir(abs, fail);
    if (!made) {
        try {
            accessSync(abs, constants.W_OK | constants.X_OK);
        } catch (e) {
            const code = (e as NodeJS.ErrnoException).code ?? "EACCES";
            throw new DirError(`cannot write in the ${what} ${abs} (${code}: ${REASONS[code] ?? (e as Error).message}); ${fix}`, abs, code);
        }
    }
    return abs;
}

/** true = created here, false = already a folder. Depth is bounded by the path's own components. */
function makeDir(abs: string, fail: (code: string, why: string) => never): boolean {
    const code = tryMkdir(abs);
    if (code === null) return true;
    if (code === "EEXIST") {
        if (isDir(abs)) return false;
        return fail("ENOTDIR", `${abs} is a file, not a folder`);
    }
    if (code === "ENOENT") {
        const parent = dirname(abs);
        if (parent === abs) return fail(code, "the root does not exist");
        makeDir(parent, fail);
        const again = tryMkdir(abs);
        if (again === null) return true;
        if (again === "EEXIST" && isDir(abs)) return false;
        // The parent is there yet mkdir says ENOENT: a virtual file system (/proc, /sys) that takes no new folders.
        if (again === "ENOENT") return fail(again, `${parent} does not accept new folders`);
        return fail(again, REASONS[again] ?? again);
    }
    if (code === "ENOTDIR") return fail(code, `a parent of ${abs} is a file, not a folder`);
    return fail(code, REASONS[code] ?? code);
}

function tryMkdir(p: string): string | null {
    try {
        mkdirSync(p);
        return null;
    } catch (e) {
        return (e as NodeJS.ErrnoException).code ?? "EIO";
    }
}

function isDir(p: string): boolean {
    try {
        return statSync(p).isDirectory();
    } catch {
        return false;
    }
}
