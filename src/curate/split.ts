import { createHash } from "node:crypto";

export type Split = "train" | "eval";
export const SPLITS: readonly Split[] = ["train", "eval"];

/** A number in [0, 1) from a hash of the parts: stable across runs, machines and Node versions. */
export function unitHash(...parts: (string | number)[]): number {
    const h = createHash("sha256").update(parts.join("\u0000")).digest();
    return h.readUInt32BE(0) / 2 ** 32;
}

/**
 * Train or eval for a question. By question, never by sample: every sample of a question, from
 * any run over the same task, lands on the same side, so no question is seen in both.
 */
export function splitOf(task: string, itemId: string, seed: number, evalFraction: number): Split {
    return unitHash("split", task, itemId, seed) < evalFraction ? "eval" : "train";
}
