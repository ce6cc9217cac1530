import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The project root (where prompts/, models/ and sessions/ live), independent of the working directory. */
export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
export const PROMPTS_DIR = process.env.REFLECT_LAB_PROMPTS ?? join(PROJECT_ROOT, "prompts");
export const MODELS_DIR = join(PROJECT_ROOT, "models");
export const SESSIONS_DIR = process.env.REFLECT_LAB_SESSIONS ?? join(PROJECT_ROOT, "sessions");
export const DEFAULT_MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf";
export const DEFAULT_MODEL_PATH = join(MODELS_DIR, DEFAULT_MODEL_FILE);

/**
 * The folder of config.json, endpoints.json and endpoint-keys.json: REFLECT_LAB_CONFIG_DIR, else
 * where `conf` put it by default (env-paths' config dir for "reflect-lab-nodejs"), computed here so
 * the folder can be checked before conf touches it.
 */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
    if (env.REFLECT_LAB_CONFIG_DIR) return resolve(env.REFLECT_LAB_CONFIG_DIR);
    const name = "reflect-lab-nodejs";
    const home = homedir();
    if (process.platform === "darwin") return join(home, "Library", "Preferences", name);
    if (process.platform === "win32") return join(env.APPDATA || join(home, "AppData", "Roaming"), name, "Config");
    return join(env.XDG_CONFIG_HOME || join(home, ".config"), name);
}

/** What to tell the user when the config folder is unusable. */
export const CONFIG_DIR_FIX = "set REFLECT_LAB_CONFIG_DIR to a writable folder";

/** YYYYMMDD-HHMMSS (UTC): the time part of every default session, run, curation, training and evolve folder name. */
export const folderStamp = (now = new Date()): string => now.toISOString().replace(/[-:]/g, "").replace(/\..+/, "").replace("T", "-");
