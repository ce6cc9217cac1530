import { Text } from "ink";
import { useUi } from "./context.js";
import { theme } from "./theme.js";

/** The last status message or error, if any, on one row (cut, not wrapped: the screen above keeps its rows). */
export function StatusLine() {
    const status = useUi((s) => s.status);
    const error = useUi((s) => s.error);
    if (error)
        return (
            <Text color={theme.bad} wrap="truncate-end">
                error: {error.replace(/\s*\n\s*/g, " ")}
            </Text>
        );
    if (status)
        return (
            <Text color={theme.warn} wrap="truncate-end">
                {status.replace(/\s*\n\s*/g, " ")}
            </Text>
        );
    return null;
}
