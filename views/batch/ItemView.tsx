import { Box, Text } from "ink";
import { theme } from "../theme.js";
import type { ItemDetail } from "./itemDetail.js";
import { itemLines } from "./itemLines.js";

/** A finished item opened from the dashboard: its lines (itemLines) in a frame of `width` × `rows`. */
export function ItemView({ detail, chain, width, rows }: { detail: ItemDetail; chain: number; width: number; rows: number }) {
    // The round border and the padding take 4 columns and 2 rows.
    const lines = itemLines(detail, chain, Math.max(10, width - 4), Math.max(1, rows - 2));
    return (
        <Box flexDirection="column" borderStyle="round" borderColor={theme.accent} paddingX={1} width={width} flexShrink={0}>
            {lines.map((l, i) => (
                <Text key={i} wrap="truncate-end" bold={l.bold} color={l.tone ? theme[l.tone] : undefined}>
                    {l.text || " "}
                </Text>
            ))}
        </Box>
    );
}
