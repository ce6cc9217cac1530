import { Box, Text } from "ink";
import { theme } from "./theme.js";

export interface FieldRowProps {
    active: boolean;
    label: string;
    labelWidth: number;
    value: string;
    valueWidth: number;
    /** Being typed into: the typing cursor follows the value. */
    typing?: boolean;
    /** A choice that ←/→ cycle: ‹ › around the value on the active row (not while typing). */
    choice?: boolean;
    /** A field that does not apply or cannot change: label and value greyed. */
    dim?: boolean;
    /** The value's colour when not dimmed (curate greys an option that is "off"). */
    valueColor?: string;
    /** Shown greyed in place of an empty value that is not being typed into. */
    placeholder?: string;
    /** Where a long value is cut: its start (default: the end of a path or of typed text stays in view) or its middle. */
    cut?: "start" | "middle";
    /** After the value, one column apart; none ends the row at the value. */
    hint?: string;
    /** The hint's colour; default muted (the settings show a pending change in the warning colour). */
    hintColor?: string;
    /** The hint's width; default what the row leaves. */
    hintWidth?: number;
}

/**
 * One row of a form, the same on every screen: the cursor mark, the label, the value (with the typing
 * cursor, or ‹ › on a choice), the hint. Fixed widths: a long hint is cut, never the mark or the label.
 */
export function FieldRow(p: FieldRowProps) {
    const arrows = Boolean(p.choice && p.active && !p.typing);
    const placeholder = !p.value && !p.typing && p.placeholder;
    return (
        <Box>
            <Box width={2} flexShrink={0}>
                <Text color={p.active ? theme.accent : undefined}>{p.active ? "›" : " "}</Text>
            </Box>
            <Box width={p.labelWidth} flexShrink={0}>
                <Text color={p.active ? theme.accent : p.dim ? theme.muted : undefined} bold={p.active} wrap="truncate-end">
                    {p.label}
                </Text>
            </Box>
            <Box width={p.valueWidth} flexShrink={0}>
                <Text wrap={p.cut === "middle" ? "truncate-middle" : "truncate-start"} bold={p.active} color={p.dim ? theme.muted : p.valueColor}>
                    {arrows ? "‹ " : ""}
                    {placeholder ? <Text color={theme.muted}>{placeholder}</Text> : p.value}
                    {p.typing ? <Text color={theme.accent}>▌</Text> : arrows ? " ›" : ""}
                </Text>
            </Box>
            {p.hint ? (
                <Box marginLeft={1} width={p.hintWidth} flexShrink={p.hintWidth === undefined ? 1 : 0}>
                    <Text color={p.hintColor ?? theme.muted} wrap="truncate-end">
                        {p.hint}
                    </Text>
                </Box>
            ) : null}
        </Box>
    );
}
