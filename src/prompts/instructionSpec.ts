// The one grammar of `--instructions` (ask, the lab, batch, evolve, the `instructions` setting):
//   1-3-2 | fixed:1-3-2 | fixed:1-3-2,2-1-1 | subset:1-1-1,2-5-2 | random | random:N | round-robin | all
// parsed here once; pool.ts maps it to the lab's one-instruction-per-reflection selection and
// batch/plan.ts to a batch run's plan. Pure (no prompt files read), so settings validate cheaply.

/** Stage sizes of the ReflectEvo instruction pool: verify (2) x diagnose (8) x plan (2). */
export const STAGE_SIZES = [2, 8, 2] as const;

/** How many instructions the pool has (2 x 8 x 2). */
export const KEY_COUNT = STAGE_SIZES.reduce((a, b) => a * b, 1);

/** The grammar, for option descriptions and error messages. */
export const INSTRUCTIONS_GRAMMAR = "1-3-2 | fixed:1-3-2,2-1-1 | subset:1-1-1,2-5-2 | random | random:N | round-robin | all";

export type InstructionSpec =
    /** Named keys (`fixed:` and `subset:` are the same list; a bare key list too). */
    | { kind: "keys"; keys: string[] }
    /** `random` (count null) or `random:N`. */
    | { kind: "random"; count: number | null }
    | { kind: "round-robin" }
    | { kind: "all" };

export const KEY_FORMAT = `keys are a-b-c with a in 1-${STAGE_SIZES[0]}, b in 1-${STAGE_SIZES[1]}, c in 1-${STAGE_SIZES[2]} (e.g. 1-3-2)`;

/** A well-formed key of the pool ("1-3-2"), or null. */
export function instructionKey(s: string): string | null {
    const m = /^(\d+)-(\d+)-(\d+)$/.exec(s);
    if (!m) return null;
    const parts = [m[1], m[2], m[3]].map(Number);
    return parts.every((n, i) => n >= 1 && n <= STAGE_SIZES[i]!) ? parts.join("-") : null;
}

export class InstructionSpecError extends Error {}

/** Parses one `--instructions` value; throws InstructionSpecError saying what is wrong and what is accepted. */
export function parseInstructionSpec(raw: string): InstructionSpec {
    const spec = String(raw ?? "").trim();
    const bad = (why: string): never => {
        throw new InstructionSpecError(`bad instruction selection "${spec}": ${why}`);
    };
    if (spec === "") bad(`it is empty; use ${INSTRUCTIONS_GRAMMAR}`);
    const colon = spec.indexOf(":");
    const word = (colon < 0 ? spec : spec.slice(0, colon)).trim().toLowerCase();
    const value = colon < 0 ? null : spec.slice(colon + 1).trim();
    switch (word) {
        case "fixed":
        case "subset":
            if (!value) bad(`${word}: needs at least one key, e.g. ${word}:1-3-2`);
            return { kind: "keys", keys: keyList(value!, bad) };
        case "random": {
            if (value === null) return { kind: "random", count: null };
            if (!/^\d+$/.test(value)) bad(`random:N needs a whole number N from 1 to ${KEY_COUNT}, got "${value}"`);
            const count = Number(value);
            if (count < 1 || count > KEY_COUNT) bad(`random:N needs N from 1 to ${KEY_COUNT} (the pool has ${KEY_COUNT} instructions), got ${count}`);
            return { kind: "random", count };
        }
        case "round-robin":
        case "all":
            if (value !== null) bad(`${word} takes no value (drop ":${value}")`);
            return { kind: word };
    }
    // A bare key or key list ("1-3-2", "1-3-2,2-1-1"); anything made of digits, dashes and commas is read as one.
    if (colon < 0 && /^[\d\s,-]+$/.test(spec)) return { kind: "keys", keys: keyList(spec, bad) };
    return bad(`use ${INSTRUCTIONS_GRAMMAR}`);
}

function keyList(list: string, bad: (why: string) => never): string[] {
    const keys: string[] = [];
    for (const part of list.split(",").map((k) => k.trim())) {
        if (part === "") bad("an empty key in the list (a stray comma?)");
        const key = instructionKey(part);
        if (key === null) bad(`"${part}" is not an instruction key: ${KEY_FORMAT}`);
        if (keys.includes(key!)) bad(`key ${key} is listed twice`);
        keys.push(key!);
    }
    return keys;
}

/** The canonical text of a spec: key lists as `fixed:a,b`. */
export function formatInstructionSpec(s: InstructionSpec): string {
    switch (s.kind) {
        case "keys":
            return `fixed:${s.keys.join(",")}`;
        case "random":
            return s.count === null ? "random" : `random:${s.count}`;
        default:
            return s.kind;
    }
}
