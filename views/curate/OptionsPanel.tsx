import { Box, Text } from "ink";
import { SET_LABEL } from "../../src/curate/options.js";
import { FieldRow } from "../FieldRow.js";
import { theme } from "../theme.js";
import { LABEL_WIDTH, OPTION_ROWS, shown, type OptionValues } from "./optionsModel.js";

/** Rows of the panel: its title and one per option. */
export const OPTIONS_PANEL_ROWS = 1 + OPTION_ROWS.length;

/** Width of a value cell (the out folder takes the rest of the row, it has no hint). */
const VALUE_WIDTH = 22;

/** The panel folded to one row (the runs have the focus on a small screen). */
export function OptionsSummary({ values, defaultSeed }: { values: OptionValues; defaultSeed: number | null }) {
    const text = OPTION_ROWS.filter((r) => r.kind !== "set")
        .map((r) => `${r.label} ${shown(r, values, defaultSeed)}`)
        .join(" · ");
    return (
        <Text color={theme.muted} wrap="truncate-end">
            options · {values.sets.map((s) => SET_LABEL[s]).join(" ") || "no set"} · {text}
        </Text>
    );
}

/** The curation options; a text option being edited shows the typed text (its end) and a cursor. */
export function OptionsPanel({ values, cursor, focused, editing, defaultSeed, width }: { values: OptionValues; cursor: number; focused: boolean; editing: string | null; defaultSeed: number | null; width: number }) {
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
                    <FieldRow
                        key={row.id}
                        active={active}
                        label={row.label}
                        labelWidth={LABEL_WIDTH}
                        value={value}
                        valueWidth={row.id === "out" ? Math.max(8, width - 2 - LABEL_WIDTH) : VALUE_WIDTH}
                        typing={isEditing}
                        valueColor={off ? theme.muted : undefined}
                        hint={row.id === "out" ? undefined : row.hint}
                    />
                );
            })}
        </Box>
    );
}
