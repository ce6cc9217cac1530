import { Text } from "ink";
import { Fragment } from "react";
import { helpBarItems, type Screen } from "./keymap.js";
import { theme } from "./theme.js";

type BarItem = ReturnType<typeof helpBarItems>[number];

/**
 * One line of the most important keys on this screen, built from the keymap. A screen whose keys
 * change with its state (the batch dashboard) passes the items it shows and may relabel them.
 */
export function HelpBar({ screen, items, label }: { screen: Screen; items?: BarItem[]; label?: (it: BarItem) => string }) {
    const shown = items ?? helpBarItems(screen);
    return (
        <Text wrap="truncate-end">
            {shown.map((it, i) => (
                <Fragment key={it.id}>
                    {i > 0 ? <Text color={theme.muted}> · </Text> : null}
                    <Text color={theme.accent} bold>
                        {it.keys}
                    </Text>
                    <Text color={theme.muted}> {label ? label(it) : it.label}</Text>
                </Fragment>
            ))}
        </Text>
    );
}
