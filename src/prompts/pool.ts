import { readFileSync } from "node:fs";
import { join } from "node:path";

/** Stage sizes of the ReflectEvo instruction pool: verify (2) x diagnose (8) x plan (2). */
export const STAGE_SIZES = [2, 8, 2] as const;

export interface Instruction {
    /** "a-b-c", e.g. "1-3-2". */
    key: string;
    /** The three stage texts joined, as given to the model. */
    text: string;
    stages: [string, string, string];
}

export type InstructionSelection =
    | { kind: "fixed"; key: string }
    | { kind: "random" }
    | { kind: "round-robin" }
    | { kind: "subset"; keys: string[] };

export class InstructionPool {
    readonly instructions: Instruction[];
    private readonly byKey: Map<string, Instruction>;

    constructor(instructions: Instruction[]) {
        this.instructions = instructions;
        this.byKey = new Map(instructions.map((i) => [i.key, i]));
    }

    get keys(): string[] {
        return this.instructions.map((i) => i.key);
    }

    get(key: string): Instruction {
        const found = this.byKey.get(key);
        if (!found) throw new Error(`unknown instruction key "${key}": keys are a-b-c with a in 1-2, b in 1-8, c in 1-2 (e.g. 1-3-2)`);
        return found;
    }

    /** The key after (or before, step -1) `key`, wrapping around: used to cycle through the pool in the TUI. */
    step(key: string, step: 1 | -1): string {
        const i = this.keys.indexOf(key);
        const n = this.keys.length;
        return this.keys[(((i < 0 ? 0 : i) + step) % n + n) % n]!;
    }

    /**
     * The instruction for the `index`-th reflection of a run. Deterministic in (seed, index), so a
     * resumed or repeated run picks the same keys.
     */
    select(sel: InstructionSelection, index: number, seed: number): Instruction {
        switch (sel.kind) {
            case "fixed":
                return this.get(sel.key);
            case "round-robin":
                return this.instructions[index % this.instructions.length]!;
            case "subset":
                return this.get(sel.keys[index % sel.keys.length]!);
            case "random":
                return this.instructions[mix(seed, index) % this.instructions.length]!;
        }
    }
}

/** A small integer hash (splitmix-like) so "random" selection needs no global RNG state. */
function mix(seed: number, index: number): number {
    let x = (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(index + 1, 0xc2b2ae35)) | 0;
    x ^= x >>> 16;
    x = Math.imul(x, 0x7feb352d);
    x ^= x >>> 15;
    return x >>> 0;
}

export function parseSelection(spec: string): InstructionSelection {
    if (spec === "random") return { kind: "random" };
    if (spec === "round-robin") return { kind: "round-robin" };
    if (spec.startsWith("fixed:")) return { kind: "fixed", key: spec.slice(6) };
    if (spec.startsWith("subset:")) return { kind: "subset", keys: spec.slice(7).split(",").filter(Boolean) };
    if (/^\d-\d-\d$/.test(spec)) return { kind: "fixed", key: spec };
    throw new Error(`bad instruction selection "${spec}": use fixed:1-3-2, random, round-robin or subset:1-1-1,2-5-2`);
}

export function formatSelection(sel: InstructionSelection): string {
    switch (sel.kind) {
        case "fixed":
            return `fixed:${sel.key}`;
        case "subset":
            return `subset:${sel.keys.join(",")}`;
        default:
            return sel.kind;
    }
}

/** Reads prompts/instructions/stage{1,2,3}-{n}.txt and builds all 32 combinations. */
export function loadInstructionPool(promptsDir: string): InstructionPool {
    const stages = STAGE_SIZES.map((size, s) =>
        Array.from({ length: size }, (_, v) => {
            const file = join(promptsDir, "instructions", `stage${s + 1}-${v + 1}.txt`);
            let text: string;
            try {
                text = readFileSync(file, "utf8").trim();
            } catch {
                throw new Error(`missing instruction file ${file}: the pool needs stage1-1..2, stage2-1..8 and stage3-1..2`);
            }
            if (!text) throw new Error(`instruction file ${file} is empty`);
            return text;
        })
    );
    const out: Instruction[] = [];
    for (let a = 0; a < STAGE_SIZES[0]; a++)
        for (let b = 0; b < STAGE_SIZES[1]; b++)
            for (let c = 0; c < STAGE_SIZES[2]; c++) {
                const parts: [string, string, string] = [stages[0]![a]!, stages[1]![b]!, stages[2]![c]!];
                out.push({ key: `${a + 1}-${b + 1}-${c + 1}`, stages: parts, text: parts.map((p, i) => `${i + 1}. ${p}`).join("\n") });
            }
    return new InstructionPool(out);
}
