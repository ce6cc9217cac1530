import { join } from "node:path";
import { PROJECT_ROOT, PROMPTS_DIR } from "../paths.js";
import { loadInstructionPool } from "../prompts/pool.js";
import { Captions } from "./captions.js";
import type { TeachKit } from "./walkthrough.js";

/** The captions and the instruction pool from a prompts folder (default: the project's, or REFLECT_LAB_PROMPTS). */
export function loadTeachKit(promptsDir = PROMPTS_DIR): TeachKit {
    return { captions: Captions.load(promptsDir), pool: loadInstructionPool(promptsDir) };
}

/** The example set shipped in the repo: real chains where the default model's reflection fixed its answer (examples/teaching/README.md). */
export const DEFAULT_TEACH_SET = join(PROJECT_ROOT, "examples", "teaching", "set.jsonl");
