import { Box, Text } from "ink";
import { Lines, truncate, wrap, type Line } from "../lines.js";
import { theme, type Tone } from "../theme.js";
import type { EvolveStatus } from "./evolveStore.js";

export interface EndInfo {
    status: EvolveStatus;
    stopped: string | null;
    error: string | null;
    out: string;
    rounds: number;
}

/** A long error (a trainer's last lines) keeps its first lines: the CLI prints the whole message after the screen ends. */
const clip = (text: string, lines = 6): string => text.split("\n").slice(0, lines).join("\n");

/** What the box says for an ended loop (null while it runs): why it stopped, and how to go on. */
export function endMessage(e: EndInfo): { tone: Tone; head: string; body: string | null } | null {
    switch (e.status) {
        case "done":
            return { tone: "ok", head: `● done: ${e.rounds} round${e.rounds === 1 ? "" : "s"}`, body: `one more round: reflect-lab evolve --out ${e.out} --resume --rounds ${e.rounds + 1}` };
        case "stopped":
            return { tone: "warn", head: "■ the loop stopped", body: e.stopped };
        case "interrupted":
            return { tone: "warn", head: "■ interrupted: finished steps and items are kept", body: `continue with: reflect-lab evolve --out ${e.out} --resume` };
        case "failed":
            return { tone: "bad", head: "✗ failed", body: clip(e.error ?? "unknown error") };
        default:
            return null;
    }
}

/** The body's rows at `width` columns of text (inside the box's own border and padding). */
const bodyLines = (body: string | null, width: number): Line[] => (body ? wrap([{ text: body }], Math.max(10, width)) : []);

/** Rows the box takes at `width` columns of text: border 2, head, and its wrapped body. */
export function endBoxRows(e: EndInfo, width: number): number {
    const m = endMessage(e);
    return m ? 3 + bodyLines(m.body, width).length : 0;
}

/** The box in at most `maxRows` rows (its body cut with "…" beyond them); `width` is its text's. */
export function EndBox({ maxRows = Infinity, width, ...props }: EndInfo & { width: number; maxRows?: number }) {
    const m = endMessage(props);
    if (!m) return null;
    const body = truncate(bodyLines(m.body, width), Math.max(0, maxRows - 3), width);
    return (
        <Box flexDirection="column" borderStyle="round" borderColor={theme[m.tone]} paddingX={1}>
            <Text color={theme[m.tone]} bold wrap="truncate-end">
                {m.head}
            </Text>
            {body.length ? <Lines lines={body} width={Math.max(10, width)} /> : null}
        </Box>
    );
}
