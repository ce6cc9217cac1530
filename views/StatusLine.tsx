import { Text } from "ink";
import { useUi } from "./context.js";
import { theme } from "./theme.js";

/** The last status message or error, if any. */
export function StatusLine() {
    const status = useUi((s) => s.status);
    const error = useUi((s) => s.error);
    if (error) return <Text color={theme.bad}>error: {error}</Text>;
    if (status) return <Text color={theme.warn}>{status}</Text>;
    return null;
}
