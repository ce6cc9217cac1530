import type { InstructionPool } from "../prompts/pool.js";
import { stepSeed } from "../engine/seed.js";
import type { InstructionPlan } from "./types.js";

/** Parses `fixed:1-3-2[,2-1-1]`, `random:6`, `round-robin` or `all`. */
export function parseInstructionPlan(spec: string, pool: InstructionPool): InstructionPlan {
    if (spec === "all") return { kind: "all" };
    if (spec === "round-robin") return { kind: "round-robin" };
    let m = /^random:(\d+)$/.exec(spec);
    if (m) {
        const count = Number(m[1]);
        if (count < 1 || count > pool.keys.length) throw new Error(`--instructions random:N needs 1 <= N <= ${pool.keys.length}`);
        return { kind: "random", count };
    }
    m = /^fixed:(.+)$/.exec(spec) ?? /^(\d-\d-\d(?:,\d-\d-\d)*)$/.exec(spec);
    if (m) {
        const keys = m[1]!.split(",").map((k) => pool.get(k.trim()).key);
        return { kind: "fixed", keys };
    }
    throw new Error(`bad --instructions "${spec}": use fixed:1-3-2 (or fixed:1-3-2,2-1-1), random:6, round-robin or all`);
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
