import { Box, Text } from "ink";
import { KEYMAP } from "../keymap.js";
import { theme } from "../theme.js";
import { TRAINING_KEYS } from "./keys.js";

/** Every key of the training screen, from the keymap (the global help and quit included). */
export function TrainingHelp() {
    const rows = [...TRAINING_KEYS, ...KEYMAP.filter((b) => b.id === "help" || b.id === "quit")];
    const width = Math.max(...rows.map((r) => r.keys.length)) + 2;
    return (
        <Box flexDirection="column">
            <Text bold>training keys</Text>
            {rows.map((r) => (
                <Box key={r.id}>
                    <Box width={width} flexShrink={0}>
                        <Text color={theme.accent} bold>
                            {r.keys}
                        </Text>
                    </Box>
                    <Text>{r.id === "quit" ? "quit (aborts a running trainer first)" : r.description}</Text>
                </Box>
            ))}
            <Text color={theme.muted}>? or esc closes</Text>
        </Box>
    );
}
