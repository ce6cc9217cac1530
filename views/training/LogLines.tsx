import { Box, Text } from "ink";
import { theme } from "../theme.js";

/** The trainer's last output lines (like Ink's subprocess-output example), one terminal line each. */
export function LogLines({ title, lines, tone = "muted" }: { title: string; lines: string[]; tone?: "muted" | "bad" }) {
    if (!lines.length) return null;
    return (
        <Box flexDirection="column">
            <Text color={theme.muted}>{title}</Text>
            {lines.map((l, i) => (
                <Text key={i} color={theme[tone]} wrap="truncate-end">
                    {"  "}
                    {l}
                </Text>
            ))}
        </Box>
    );
}
