// The line under the endpoints screen's panels: the removal question, or the last message.
import { truncate, wrap, type Line } from "../lines.js";
import { theme } from "../theme.js";
import type { EndpointsState } from "./endpointsState.js";

/** Rows of the question or message at most. */
const NOTE_ROWS = 3;

export function noteLines(s: Pick<EndpointsState, "confirm" | "message" | "storedKey">, width: number): Line[] {
    const c = s.confirm;
    if (c) {
        const text =
            c.kind === "remove"
                ? `remove ${c.name}${s.storedKey[c.name] ? " and its stored key" : ""}? roles it plays go back to their default. y removes, any other key keeps it`
                : `forget the stored key of ${c.name}? y forgets it, any other key keeps it`;
        return truncate(wrap([{ text, color: theme.warn }], width), NOTE_ROWS, width);
    }
    return s.message ? truncate(wrap([{ text: s.message.text, color: theme[s.message.tone] }], width), NOTE_ROWS, width) : [];
}
