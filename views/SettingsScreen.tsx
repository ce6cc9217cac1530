import { Box, Text, useInput } from "ink";
import { useRef, useState } from "react";
import type { Settings } from "../src/settings.js";
import { useLab, useUi } from "./context.js";
import { matchKey } from "./keymap.js";
import { formatSetting, pendingChanges, pendingMark, SETTING_ROWS } from "./settingsModel.js";
import { FieldRow } from "./FieldRow.js";
import { theme } from "./theme.js";

const VALUE_WIDTH = 18;

/**
 * The stored settings: up/down select, left/right change and save at once. A saved value not yet
 * in effect carries the same marker as in the lab's header: `in effect → saved (when)`.
 */
export function SettingsScreen({ columns = 80 }: { columns?: number }) {
    const { controller, store } = useLab();
    const settings = useUi((s) => s.settings);
    const effective = useUi((s) => s.effective);
    const [sel, setSelState] = useState(0);
    // Keys can arrive before the input handler is re-subscribed with fresh state: read the latest from a ref and the store.
    const selRef = useRef(0);
    const setSel = (i: number) => {
        selRef.current = i;
        setSelState(i);
    };

    useInput((input, key) => {
        if (store.getState().screen !== "settings") return;
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

    const pending = new Map(pendingChanges(effective, settings).map((p) => [p.key, p]));
    const width = Math.max(1, columns);
    const keyWidth = Math.max(...SETTING_ROWS.map((r) => r.key.length)) + 2;
    // Border and padding take 4 columns, the cursor 2, the gap before the hint 1: what is left after the value is the hint's.
    const hintWidth = Math.max(1, width - 4 - 2 - keyWidth - VALUE_WIDTH - 1);
    return (
        <Box flexDirection="column" borderStyle="round" borderColor={theme.accent} paddingX={1} width={width} flexShrink={0}>
            <Text bold>settings</Text>
            {SETTING_ROWS.map((row, i) => {
                const active = i === sel;
                const p = pending.get(row.key);
                return (
                    <FieldRow
                        key={row.key}
                        active={active}
                        label={row.key}
                        labelWidth={keyWidth}
                        value={formatSetting(row, settings[row.key])}
                        valueWidth={VALUE_WIDTH}
                        choice={Boolean(row.step)}
                        cut="middle"
                        hint={p ? pendingMark(p) : row.hint}
                        hintColor={p ? theme.warn : undefined}
                        hintWidth={hintWidth}
                    />
                );
            })}
            <Box marginTop={1} flexDirection="column">
                <Text color={theme.muted} wrap="truncate-end">
                    Saved at once; temperature and maxTokens apply from the next generation.
                </Text>
                <Text color={theme.muted} wrap="truncate-end">
                    <Text color={theme.warn}>old → new (next question | next start)</Text>: saved, not in effect yet.
                </Text>
            </Box>
        </Box>
    );
}
