import { Text } from "ink";
import { Fragment } from "react";
import { fitBarItems, helpBarItems, type KeyId, type Screen } from "./keymap.js";
import { theme } from "./theme.js";
import { useTerminalSize } from "./useTerminalSize.js";

type BarItem = ReturnType<typeof helpBarItems>[number];

export interface HelpBarProps {
    screen: Screen;
    /** The items a screen whose keys change with its state shows (default: the screen's from the keymap). */
    items?: BarItem[];
    label?: (it: BarItem) => string;
    /** Columns the bar may take (default: the terminal's). */
    width?: number;
    /** Most important first, when that is not keymap order: the items dropped to fit are the last of this order. */
    priority?: KeyId[];
}

/** The items shown in `width`, in their own order: whole keys are dropped to fit, never cut to "?…". */
export function barItemsFitting(items: BarItem[], width: number, priority?: KeyId[], label?: (it: BarItem) => string): BarItem[] {
    const labelled = items.map((it) => ({ ...it, label: label ? label(it) : it.label }));
    const order = items.map((it) => it.id);
    const rank = (it: BarItem) => (priority?.includes(it.id) ? priority.indexOf(it.id) : (priority?.length ?? 0) + order.indexOf(it.id));
    const ranked = priority ? [...labelled].sort((a, b) => rank(a) - rank(b)) : labelled;
    const kept = new Set(fitBarItems(ranked, width).map((it) => it.id));
    return labelled.filter((it) => kept.has(it.id));
}

/**
 * One line of the most important keys on this screen, built from the keymap. A screen whose keys
 * change with its state (the batch dashboard) passes the items it shows and may relabel them.
 */
export function HelpBar({ screen, items, label, width, priority }: HelpBarProps) {
    const { columns } = useTerminalSize({ columns: width });
    const shown = barItemsFitting(items ?? helpBarItems(screen), columns, priority, label);
    return (
        <Text wrap="truncate-end">
            {shown.map((it, i) => (
                <Fragment key={it.id}>
                    {i > 0 ? <Text color={theme.muted}> · </Text> : null}
                    <Text color={theme.accent} bold>
                        {it.keys}
                    </Text>
                    <Text color={theme.muted}> {it.label}</Text>
                </Fragment>
            ))}
        </Text>
    );
}
