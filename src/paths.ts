import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The project root (where prompts/, models/ and sessions/ live), independent of the working directory. */
export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
export const PROMPTS_DIR = process.env.REFLECT_LAB_PROMPTS ?? join(PROJECT_ROOT, "prompts");
export const MODELS_DIR = join(PROJECT_ROOT, "models");
export const SESSIONS_DIR = process.env.REFLECT_LAB_SESSIONS ?? join(PROJECT_ROOT, "sessions");
export const DEFAULT_MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf";
export const DEFAULT_MODEL_PATH = join(MODELS_DIR, DEFAULT_MODEL_FILE);
