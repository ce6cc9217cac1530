import type { InstructionPool } from "../prompts/pool.js";
import { parseInstructionSpec } from "../prompts/instructionSpec.js";
import { stepSeed } from "../engine/seed.js";
import type { InstructionPlan } from "./types.js";

/**
 * A batch run's plan from the one `--instructions` grammar (instructionSpec.ts): a key list
 * (`1-3-2`, `fixed:…`, `subset:…`) reflects each failed answer on every listed key; `random` is
 * `random:1` (one seeded key per item, as the lab draws one per reflection); `random:N`, N keys;
 * `round-robin` one key per item in turn; `all` every key.
 */
export function parseInstructionPlan(spec: string, pool: InstructionPool): InstructionPlan {
    const s = parseInstructionSpec(spec);
    switch (s.kind) {
        case "keys":
            // The pool's own keys (its files may be edited, never its key set): get() names a missing one.
            return { kind: "fixed", keys: s.keys.map((k) => pool.get(k).key) };
        case "random":
            return { kind: "random", count: Math.min(s.count ?? 1, pool.keys.length) };
        case "round-robin":
        case "all":
            return { kind: s.kind };
    }
}

export function formatInstructionPlan(p: InstructionPlan): string {
    switch (p.kind) {
        case "fixed":
            return `fixed:${p.keys.join(",")}`;
        case "random":
            return `random:${p.count}`;
        default:
            return p.kind;
    }
}

/**
 * The instruction keys a failed item is reflected on. Depends only on (plan, item, its index,
 * seed), never on scheduling, so resumed and repeated runs draw the same keys.
 */
export function instructionsFor(plan: InstructionPlan, pool: InstructionPool, itemId: string, index: number, seed: number): string[] {
    const keys = pool.keys;
    switch (plan.kind) {
        case "fixed":
            return plan.keys;
        case "all":
            return keys;
        case "round-robin":
            return [keys[index % keys.length]!];
        case "random": {
            // A seeded partial Fisher-Yates shuffle: `count` distinct keys.
            const a = [...keys];
            for (let i = 0; i < plan.count; i++) {
                const j = i + (stepSeed(seed, itemId, i, "instructions", 0) % (a.length - i));
                [a[i], a[j]] = [a[j]!, a[i]!];
            }
            return a.slice(0, plan.count);
        }
    }
}
