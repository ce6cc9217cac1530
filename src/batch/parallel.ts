import { availableParallelism } from "node:os";

/**
 * Parallel sequences of a local batch by default (`batch`, `evolve` and the batch form): 8 measured
 * best on a 2-core CPU (full decode batches); more cores, more, up to 32.
 */
export function defaultParallel(): number {
    return Math.max(8, Math.min(32, availableParallelism() * 4));
}
