import { renameSync, writeFileSync } from "node:fs";
import type { ItemRecord } from "../engine/types.js";
import { checkRecord, readJsonLines } from "./records.js";

export const TEACH_SET_SCHEMA = "reflect-lab/teach-set@1";

/** The first line of an example set: how it was made, from what, by which model. */
export interface TeachSetHeader {
    schema: typeof TEACH_SET_SCHEMA;
    created_at: string;
    /** The command line that made it. */
    made_by: string;
    /** The batch run or session the examples were taken from, as given. */
    source: string;
    model: { file: string; sha256: string };
    /** Counts by outcome of the examples in the set. */
    outcomes: Record<string, number>;
    note?: string;
}

export interface TeachExample {
    /** Where this chain was recorded: "<source> · item <id> · sample <key>#<n>". */
    provenance: string;
    record: ItemRecord;
}

export interface TeachSet {
    file: string;
    header: TeachSetHeader;
    examples: TeachExample[];
}

/** Reads an example set; a bad header, line or record field is an error naming the file and line. */
export function readTeachSet(file: string): TeachSet {
    const lines = readJsonLines(file, "teaching example set");
    if (lines.length === 0) throw new Error(`${file}: the example set is empty (its first line is the header, then one example per line)`);
    const head = lines[0]!;
    const header = head.value as TeachSetHeader;
    if (!header || header.schema !== TEACH_SET_SCHEMA) throw new Error(`${file}:${head.line}: field "schema" must be "${TEACH_SET_SCHEMA}" (the set's header line)`);
    const examples = lines.slice(1).map(({ line, value }) => {
        const v = value as Partial<TeachExample> | null;
        if (!v || typeof v !== "object") throw new Error(`${file}:${line}: not an example (expected {"provenance", "record"})`);
        if (typeof v.provenance !== "string" || !v.provenance) throw new Error(`${file}:${line}: field "provenance" must say where the chain was recorded`);
        return { provenance: v.provenance, record: checkRecord(v.record, { file, line, what: "record" }) };
    });
    if (examples.length === 0) throw new Error(`${file}: the example set has a header but no examples`);
    return { file, header, examples };
}

/** Writes a set atomically (temp file + rename): an interrupted save never leaves half a set. */
export function writeTeachSet(file: string, header: TeachSetHeader, examples: TeachExample[]): void {
    const tmp = `${file}.tmp-${process.pid}`;
    writeFileSync(tmp, [header, ...examples].map((x) => JSON.stringify(x)).join("\n") + "\n");
    renameSync(tmp, file);
}
