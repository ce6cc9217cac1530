import { Box, Text, useInput } from "ink";
import { useRef, useState } from "react";
import type { Settings } from "../src/settings.js";
import { useLab, useUi } from "./context.js";
import { matchKey } from "./keymap.js";
import { formatSetting, SETTING_ROWS } from "./settingsModel.js";
import { theme } from "./theme.js";

const VALUE_WIDTH = 18;

/** The stored settings: up/down select, left/right change and save at once. */
export function SettingsScreen() {
    const { controller, store } = useLab();
    const settings = useUi((s) => s.settings);
    const error = useUi((s) => s.error);
    const [sel, setSelState] = useState(0);
    // Keys can arrive before the input handler is re-subscribed with fresh state: read the latest from a ref and the store.
    const selRef = useRef(0);
    const setSel = (i: number) => {
        selRef.current = i;
        setSelState(i);
    };

    useInput((input, key) => {
        const b = matchKey("settings", input, key);
        if (!b) return;
        const n = SETTING_ROWS.length;
        if (b.id === "settingUp") setSel((selRef.current - 1 + n) % n);
        else if (b.id === "settingDown") setSel((selRef.current + 1) % n);
        else if (b.id === "settingInc" || b.id === "settingDec") {
            const row = SETTING_ROWS[selRef.current]!;
            if (!row.step) return;
            const next = row.step(store.getState().settings[row.key], b.id === "settingInc" ? 1 : -1, controller.lab.pool.keys);
            controller.updateSetting(row.key, next as Settings[keyof Settings]);
        }
    });

    const width = Math.max(...SETTING_ROWS.map((r) => r.key.length)) + 2;
    return (
        <Box flexDirection="column" borderStyle="round" borderColor={theme.accent} paddingX={1}>
            <Text bold>settings</Text>
            {SETTING_ROWS.map((row, i) => {
                const active = i === sel;
                return (
                    <Box key={row.key}>
                        <Text color={active ? theme.accent : undefined}>{active ? "› " : "  "}</Text>
                        <Box width={width} flexShrink={0}>
                            <Text color={active ? theme.accent : undefined} bold={active}>
                                {row.key}
                            </Text>
                        </Box>
                        <Box width={VALUE_WIDTH} flexShrink={0}>
                            <Text wrap="truncate-middle" bold={active}>
                                {row.step && active ? "‹ " : "  "}
                                {formatSetting(row, settings[row.key])}
                                {row.step && active ? " ›" : ""}
                            </Text>
                        </Box>
                        <Text color={theme.muted}>
                            {row.hint}
                            {row.restart ? <Text color={theme.warn}> · next start</Text> : null}
                        </Text>
                    </Box>
                );
            })}
            <Box marginTop={1}>
                <Text color={theme.muted}>
                    Changes are saved at once. "next start": model and hardware settings apply when the lab starts again; the others apply from the next question.
                </Text>
            </Box>
            {error ? <Text color={theme.bad}>{error}</Text> : null}
        </Box>
    );
}
