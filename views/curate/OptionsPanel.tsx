import { Box, Text } from "ink";
import { theme } from "../theme.js";
import { LABEL_WIDTH, OPTION_ROWS, shown, type OptionValues } from "./optionsModel.js";

/** The curation options; a text option being edited shows the typed text and a cursor. */
export function OptionsPanel({ values, cursor, focused, editing, defaultSeed }: { values: OptionValues; cursor: number; focused: boolean; editing: string | null; defaultSeed: number | null }) {
    return (
        <Box flexDirection="column">
            <Text color={focused ? theme.accent : theme.muted} bold={focused}>
                options
            </Text>
            {OPTION_ROWS.map((row, i) => {
                const active = focused && i === cursor;
                const isEditing = active && editing !== null;
                const value = isEditing ? editing : shown(row, values, defaultSeed);
                const off = row.kind !== "text" && value === "off";
                return (
                    <Box key={row.id}>
                        <Text color={active ? theme.accent : undefined}>{active ? "› " : "  "}</Text>
                        <Box width={LABEL_WIDTH} flexShrink={0}>
                            <Text color={active ? theme.accent : undefined} bold={active}>
                                {row.label}
                            </Text>
                        </Box>
                        <Box width={row.id === "out" ? 60 : 22} flexShrink={0}>
                            <Text wrap="truncate-start" bold={active} color={off ? theme.muted : undefined}>
                                {value}
                                {isEditing ? <Text color={theme.accent}>▌</Text> : null}
                            </Text>
                        </Box>
                        {row.id === "out" ? null : (
                            <Box marginLeft={1}>
                                <Text color={theme.muted} wrap="truncate-end">
                                    {row.hint}
                                </Text>
                            </Box>
                        )}
                    </Box>
                );
            })}
        </Box>
    );
}
