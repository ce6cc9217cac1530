import { Box, Text } from "ink";
import { theme } from "../theme.js";

/** The one-line input o opens: a run folder path (the end of a long one stays in view), and why it was refused. */
export function PathInput({ text, error }: { text: string; error: string | null }) {
    return (
        <Box flexDirection="column" marginTop={1}>
            <Box>
                <Box flexShrink={0}>
                    <Text color={theme.accent}>run folder: </Text>
                </Box>
                <Text wrap="truncate-start">
                    {text}
                    <Text color={theme.accent}>▌</Text>
                </Text>
            </Box>
            {error ? (
                <Text color={theme.bad} wrap="truncate-end">
                    {error}
                </Text>
            ) : (
                <Text color={theme.muted} wrap="truncate-end">
                    absolute, ~/…, or relative to {process.cwd()}
                </Text>
            )}
        </Box>
    );
}

/** Rows PathInput takes (its margin, the input, the error or hint). */
export const PATH_INPUT_ROWS = 3;
