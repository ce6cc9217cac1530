import { Static } from "ink";
import { FinishedLine } from "./FinishedLine.js";
import type { FinishedLine as Line } from "./store.js";

/**
 * Finished items printed once above the live region. Keyed by chunk: the store keeps only the
 * current chunk of lines, and a new <Static> starts at index 0 for each new chunk.
 */
export function FinishedLog({ log, chunk, maxTurns }: { log: Line[]; chunk: number; maxTurns: number }) {
    return (
        <Static key={chunk} items={log}>
            {(line) => <FinishedLine key={line.key} line={line} maxTurns={maxTurns} />}
        </Static>
    );
}
