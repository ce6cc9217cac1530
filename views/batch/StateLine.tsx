import { Box, Text } from "ink";
import { theme } from "../theme.js";
import type { BatchStatus } from "./store.js";

/** Why the run is not progressing (stopping, waiting, backing off) and the last error. */
export function StateLine({ status, state, lastError }: { status: BatchStatus; state: string | null; lastError: string | null }) {
    const msg = status === "stopping" ? "stopping… items in flight will run on --resume" : state;
    if (!msg && !lastError) return null;
    return (
        <Box flexDirection="column">
            {msg ? (
                <Text color={theme.warn} wrap="truncate-end">
                    {msg}
                </Text>
            ) : null}
            {lastError ? (
                <Text color={theme.bad} wrap="truncate-end">
                    last error: {lastError}
                </Text>
            ) : null}
        </Box>
    );
}
