import { Box, Text } from "ink";
import { SET_LABEL } from "../../src/curate/options.js";
import type { Example } from "../../src/curate/preview.js";
import type { CuratedSet } from "../../src/curate/types.js";
import { theme } from "../theme.js";

/** The first `n` lines of a text, with a marker when there is more. */
function clip(text: string, n: number): string[] {
    const lines = text.trim().split("\n");
    const more = lines.length - n;
    return more > 0 ? [...lines.slice(0, n - 1), `${lines[n - 1]} … (+${more} more line${more > 1 ? "s" : ""})`] : lines;
}

/** One example row: the tail of its prompt, its targets and where it came from. */
export function ExamplePane({ example, set, lines }: { example: Example | null; set: CuratedSet; lines: number }) {
    if (!example) return <Text color={theme.muted}>examples · {SET_LABEL[set]}: none with these runs and options</Text>;
    const p = example.provenance[0]!;
    // The prompt's tail: the failed attempt and the reflect instruction, as sent.
    const tail = example.prompt.slice(-2);
    return (
        <Box flexDirection="column">
            <Text wrap="truncate-end">
                example {example.index + 1}/{example.total}{" "}
                <Text color={theme.muted}>
                    · {SET_LABEL[set]} · {example.split} · {example.task} {example.itemId} · instruction {example.instructionKey}
                </Text>
            </Text>
            {tail.map((m, i) => (
                <Box key={i} flexDirection="column">
                    {clip(m.content, lines).map((l, j) => (
                        <Text key={j} color={theme.muted} wrap="truncate-end">
                            {j === 0 ? `${m.role}: ` : "  "}
                            {l}
                        </Text>
                    ))}
                </Box>
            ))}
            {example.targets.map((t) => (
                <Box key={t.label} flexDirection="column">
                    {clip(t.text, lines).map((l, j) => (
                        <Text key={j} wrap="truncate-end">
                            {j === 0 ? (
                                <Text color={t.correct === undefined ? theme.accent : t.correct ? theme.ok : theme.bad} bold>
                                    {t.label}
                                    {t.correct === undefined ? "" : t.correct ? " ✓" : " ✗"}:{" "}
                                </Text>
                            ) : (
                                "  "
                            )}
                            {l}
                        </Text>
                    ))}
                </Box>
            ))}
            <Text color={theme.muted} wrap="truncate-end">
                {example.provenance.map((x) => `${x.run} #${x.sample_index}`).join(" vs ")} · {p.model_file} · sha256 {p.model_sha256.slice(0, 12)} · seed {p.seed}
            </Text>
        </Box>
    );
}
