import { Box, Text } from "ink";
import { useUi } from "./context.js";
import { theme } from "./theme.js";

/** The instruction the next (or re-rolled) reflection will follow: its key and full text. */
export function InstructionBar() {
    const key = useUi((s) => s.instructionKey);
    const text = useUi((s) => s.instructionText);
    if (!key) return null;
    return (
        <Box flexDirection="column" marginTop={1}>
            <Text>
                <Text color={theme.warn} bold>
                    instruction [{key}]
                </Text>
                <Text color={theme.muted}> ([ ] to change)</Text>
            </Text>
            <Text color={theme.muted}>{text}</Text>
        </Box>
    );
}
