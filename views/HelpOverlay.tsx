import { Box, Text } from "ink";
import { helpOverlaySections, type KeyBinding } from "./keymap.js";
import { theme } from "./theme.js";

/** Every key, built from the same keymap as the help bar (or the given sections of it: a screen's own help). */
export function HelpOverlay({ sections = helpOverlaySections() }: { sections?: { title: string; rows: KeyBinding[] }[] }) {
    const width = Math.max(...sections.flatMap((s) => s.rows.map((r) => r.keys.length))) + 2;
    return (
        <Box flexDirection="column" borderStyle="round" borderColor={theme.accent} paddingX={1}>
            <Text bold>keys</Text>
            {sections.map((s) => (
                <Box key={s.title} flexDirection="column" marginTop={1}>
                    <Text color={theme.muted}>{s.title}</Text>
                    {s.rows.map((r) => (
                        <Box key={r.id}>
                            <Box width={width} flexShrink={0}>
                                <Text color={theme.accent} bold>
                                    {r.keys}
                                </Text>
                            </Box>
                            <Text>{r.description}</Text>
                        </Box>
                    ))}
                </Box>
            ))}
            <Text color={theme.muted}>? or esc closes</Text>
        </Box>
    );
}
