import type { SamplerSettings } from "../backend/types.js";

/** The fixed seed of teacher calls that have no per-step seed (judge, tagger). */
export const TEACHER_SEED = 42;
/** Room for a short check or argument before the final line; a cut-off output has no verdict to parse. */
export const TEACHER_MAX_TOKENS = 1024;

/**
 * Greedy, seeded sampling: a judge or tagger asked twice the same thing should answer the same, so
 * results are reproducible and a resumed tagging run agrees with the first. Penalties are off: the
 * final line repeats words of the prompt on purpose.
 */
export function teacherSampler(seed: number = TEACHER_SEED, maxTokens: number = TEACHER_MAX_TOKENS): SamplerSettings {
    return { temperature: 0, topK: 1, topP: 1, minP: 0, repeatPenalty: 1, seed, maxTokens };
}
