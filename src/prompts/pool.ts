import { readFileSync } from "node:fs";
import { join } from "node:path";
import { KEY_FORMAT, parseInstructionSpec, STAGE_SIZES } from "./instructionSpec.js";

export { STAGE_SIZES };

export interface Instruction {
    /** "a-b-c", e.g. "1-3-2". */
    key: string;
    /** The three stage texts joined, as given to the model. */
    text: string;
    stages: [string, string, string];
}

/**
 * Which instruction each reflection of the lab (and `ask`) follows: one per reflection. `random`
 * draws one key per reflection; `random` with a count draws that many keys once (seeded) and takes
 * them in turn, so N reflections use each of them once, as a batch run would.
 */
export type InstructionSelection =
    | { kind: "fixed"; key: string }
    | { kind: "random"; count?: number }
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
        if (!found) throw new Error(`unknown instruction key "${key}": ${KEY_FORMAT}`);
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
                if (sel.count === undefined) return this.instructions[mix(seed, index) % this.instructions.length]!;
                return this.get(this.drawn(sel.count, seed)[index % sel.count]!);
        }
    }

    /** `count` distinct keys, a seeded partial Fisher-Yates shuffle: the same for the same seed. */
    private drawn(count: number, seed: number): string[] {
        const a = [...this.keys];
        const n = Math.min(count, a.length);
        for (let i = 0; i < n; i++) {
            const j = i + (mix(seed ^ 0x5bd1e995, i) % (a.length - i));
            [a[i], a[j]] = [a[j]!, a[i]!];
        }
        return a.slice(0, n);
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

/**
 * The lab's selection from the one `--instructions` grammar (instructionSpec.ts). One instruction
 * per reflection: a key list is taken in turn; `random:N` draws N keys and takes them in turn;
 * `all` is every key in turn (round-robin), the lab's way of using all of them.
 */
export function parseSelection(spec: string): InstructionSelection {
    const s = parseInstructionSpec(spec);
    switch (s.kind) {
        case "keys":
            return s.keys.length === 1 ? { kind: "fixed", key: s.keys[0]! } : { kind: "subset", keys: s.keys };
        case "random":
            return s.count === null ? { kind: "random" } : { kind: "random", count: s.count };
        case "round-robin":
        case "all":
            return { kind: "round-robin" };
    }
}

export function formatSelection(sel: InstructionSelection): string {
    switch (sel.kind) {
        case "fixed":
            return `fixed:${sel.key}`;
        case "subset":
            return `subset:${sel.keys.join(",")}`;
        case "random":
            return sel.count === undefined ? "random" : `random:${sel.count}`;
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
