import { Box, Text } from "ink";
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

/** Rows the box takes at `width` columns of text (border and head included; its body wraps). */
export function endBoxRows(e: EndInfo, width: number): number {
    const m = endMessage(e);
    if (!m) return 0;
    const body = (m.body ?? "").split("\n").reduce((a, l) => a + Math.max(1, Math.ceil(l.length / Math.max(10, width))), 0);
    return 3 + (m.body ? body : 0);
}

export function EndBox(props: EndInfo) {
    const m = endMessage(props);
    if (!m) return null;
    return (
        <Box flexDirection="column" borderStyle="round" borderColor={theme[m.tone]} paddingX={1}>
            <Text color={theme[m.tone]} bold>
                {m.head}
            </Text>
            {m.body ? <Text>{m.body}</Text> : null}
        </Box>
    );
}
