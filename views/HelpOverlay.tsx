import { Box, Text, useInput } from "ink";
import { useMemo, useState } from "react";
import stringWidth from "string-width";
import { layoutHelp, orderSections, type HelpLine } from "./keys/helpLayout.js";
import { maxOffset, scrollHelp } from "./keys/helpScroll.js";
import { helpOverlaySections, matchKey, type HelpSection, type Screen } from "./keymap.js";
import { useTerminalSize } from "./useTerminalSize.js";
import { theme } from "./theme.js";

export interface HelpOverlayProps {
    /** The screen it was opened from: its section comes first (then the keys that work everywhere). */
    from?: Screen;
    /** What to list; default every binding of the keymap. A screen's own help passes its sections. */
    sections?: readonly HelpSection[];
    /** The size the overlay may take; default the terminal's (follows resizes). It never draws wider or taller (from 5 rows up). */
    columns?: number;
    rows?: number;
    /** Called on ? or esc. Without it the host screen closes the overlay itself (its own useInput sees the keys too). */
    onClose?(): void;
    /** Called on q / ctrl+c; without it the host handles quitting. */
    onQuit?(): void;
    /** Whether the overlay listens for keys (default true). */
    isActive?: boolean;
}

/** Rows the frame takes besides the listed lines: border top and bottom, title, footer. */
const CHROME = 4;

/** The first of the texts that fits the width (the last one is cut by the Text if none does). */
const firstFitting = (texts: string[], width: number) => texts.find((t) => stringWidth(t) <= width) ?? texts[texts.length - 1]!;

function Line({ line, keyWidth }: { line: HelpLine; keyWidth: number }) {
    if (line.kind === "gap") return <Text> </Text>;
    if (line.kind === "title")
        return (
            <Text wrap="truncate-end" color={line.current ? theme.accent : theme.muted} bold={line.current}>
                {line.text}
            </Text>
        );
    return (
        <Text wrap="truncate-end">
            <Text color={theme.accent} bold>
                {line.keys.padEnd(line.keys.length + Math.max(0, keyWidth - stringWidth(line.keys)))}
            </Text>
            {line.text}
        </Text>
    );
}

/**
 * Every key, built from the same keymap as the help bar, as a scrolling list that fits the given
 * size: ↑↓ PgUp PgDn Home End scroll, ? or esc close. Opened from a screen, that screen's keys are on
 * the first page.
 */
export function HelpOverlay({ from, sections, columns, rows, onClose, onQuit, isActive = true }: HelpOverlayProps) {
    const term = useTerminalSize({ columns, rows });
    const width = Math.max(1, term.columns);
    const height = Math.max(1, term.rows);
    const ordered = useMemo(() => orderSections(sections ?? helpOverlaySections(), from), [sections, from]);
    const inner = Math.max(1, width - 4);
    const { lines, keyWidth } = useMemo(() => layoutHelp(ordered, inner, from), [ordered, inner, from]);
    const viewport = Math.max(1, Math.min(lines.length, height - CHROME));
    const [offset, setOffset] = useState(0);
    const top = Math.min(offset, maxOffset(lines.length, viewport));

    useInput(
        (input, key) => {
            const b = matchKey("help", input, key);
            switch (b?.id) {
                case "help":
                case "back":
                    return onClose?.();
                case "quit":
                    return onQuit?.();
                case "help.up":
                case "help.down":
                case "help.pageUp":
                case "help.pageDown":
                case "help.home":
                case "help.end": {
                    const id = b.id;
                    return setOffset((o) => scrollHelp(Math.min(o, maxOffset(lines.length, viewport)), id, lines.length, viewport));
                }
            }
        },
        { isActive }
    );

    const shown = lines.slice(top, top + viewport);
    const below = lines.length - top - shown.length;
    const scrolls = lines.length > viewport;
    const above = top > 0 ? `↑ ${top} more above` : "";
    const where = below > 0 ? `↓ ${below} more below` : "(end)";
    const footer = scrolls ? firstFitting([`${where} · ↑↓ pgup/pgdn home/end · ? or esc closes`, `${where} · ? or esc closes`, where], inner) : "? or esc closes";
    const gap = Math.max(1, inner - 4 - stringWidth(above));
    return (
        <Box flexDirection="column" borderStyle="round" borderColor={theme.accent} paddingX={1} width={width} flexShrink={0}>
            <Text wrap="truncate-end">
                <Text bold>keys</Text>
                {above ? <Text color={theme.muted}>{" ".repeat(gap) + above}</Text> : null}
            </Text>
            {shown.map((l, i) => (
                <Line key={top + i} line={l} keyWidth={keyWidth} />
            ))}
            <Text wrap="truncate-end" color={theme.muted}>
                {footer}
            </Text>
        </Box>
    );
}
