import { Text } from "ink";
import { Fragment } from "react";
import { helpBarItems, type Screen } from "./keymap.js";
import { theme } from "./theme.js";

/** One line of the most important keys on this screen, built from the keymap. */
export function HelpBar({ screen }: { screen: Screen }) {
    const items = helpBarItems(screen);
    return (
        <Text wrap="truncate-end">
            {items.map((it, i) => (
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
