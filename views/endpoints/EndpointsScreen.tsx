import { Box, Text } from "ink";
import { useEffect, useRef } from "react";
import { useStore } from "zustand";
import { EndpointStore } from "../../src/endpoints/store.js";
import { HelpBar } from "../HelpBar.js";
import { HelpOverlay } from "../HelpOverlay.js";
import { helpBarItems, helpOverlaySections } from "../keymap.js";
import { Lines } from "../lines.js";
import { theme } from "../theme.js";
import { useTerminalSize, WIDE_TERMINAL_SIZE } from "../useTerminalSize.js";
import { EndpointsController, type EndpointsDeps } from "./controller.js";
import { EndpointForm, formRows } from "./EndpointForm.js";
import { endpointsLayout } from "./layout.js";
import { emptyListLines, entryLines, listColumns, listHead } from "./listLines.js";
import { noteLines } from "./noteLines.js";
import { ROLES_PANEL_ROWS, RolesPanel, RolesSummary } from "./RolesPanel.js";
import { useEndpointsKeys } from "./useEndpointsKeys.js";

export interface EndpointsScreenProps {
    /** Defaults to the user's endpoint store; tests pass one over a temporary config folder. */
    endpoints?: EndpointStore;
    probe?: EndpointsDeps["probe"];
    onBack(): void;
    onQuit(): void;
    /** Terminal size (default: stdout's, else 100×40); tests pass it. */
    rows?: number;
    columns?: number;
}

/** The help sections that matter here: this screen's keys, the form's, and the ones that work everywhere. */
const HELP_SECTIONS = new Set(["endpoints", "endpoint form", "everywhere"]);

/** OpenAI-compatible endpoints: list, test a connection with its latency, add/edit/remove, and assign them to roles. */
export function EndpointsScreen({ endpoints, probe, onBack, onQuit, rows: rowsProp, columns: colsProp }: EndpointsScreenProps) {
    const ref = useRef<EndpointsController | null>(null);
    ref.current ??= new EndpointsController({ endpoints: endpoints ?? new EndpointStore(), probe });
    const controller = ref.current;
    const s = useStore(controller.store);
    // Follows resizes: the list window is sized from it (100x40 where the stream reports no size, as before).
    const { rows, columns } = useTerminalSize({ rows: rowsProp, columns: colsProp, fallback: WIDE_TERMINAL_SIZE });
    useEndpointsKeys({ driver: controller, onBack, onQuit });
    // A test still running when the screen closes is abandoned, not left to resolve into a dead store.
    useEffect(() => () => controller.dispose(), [controller]);

    // The screen's own input hook closes the overlay (? or esc) and quits under it.
    if (s.help) return <HelpOverlay from="endpoints" sections={helpOverlaySections().filter((x) => HELP_SECTIONS.has(x.title))} rows={rows} columns={columns} />;
    // The round border and its padding take 4 columns.
    const width = Math.max(30, columns - 4);
    const cols = listColumns(width);
    const entries = s.endpoints.map((e, i) => entryLines(e, i === s.sel, s.storedKey[e.name] ?? false, s.tests[e.name], cols, width));
    const empty = emptyListLines(width);
    const note = noteLines(s, width);
    const L = endpointsLayout({ rows, entries: entries.map((e) => e.length), empty: empty.length, sel: s.sel, roles: ROLES_PANEL_ROWS, form: s.form ? formRows(s.form, width) : 0, note: note.length });
    const list = s.endpoints.length ? [listHead(cols, { from: L.from, to: L.to, total: entries.length }), ...entries.slice(L.from, L.to).flat()] : empty;
    const gap = L.roomy ? 1 : 0;
    const bar = s.form
        ? [...helpBarItems("endpointForm").filter((i) => i.id.startsWith("endpoints.form")), { id: "quit" as const, keys: "ctrl+c", label: "quit" }]
        : s.confirm
          ? [
                { id: "endpoints.confirm" as const, keys: "y", label: s.confirm.kind === "remove" ? "remove" : "forget the key" },
                { id: "endpoints.back" as const, keys: "any other key", label: "keep" }
            ]
          : helpBarItems("endpoints");
    return (
        <Box flexDirection="column" width={columns}>
            <Box flexDirection="column" borderStyle="round" borderColor={theme.accent} paddingX={1}>
                <Text wrap="truncate-end">
                    <Text bold>endpoints</Text>
                    <Text color={theme.muted}> · OpenAI-compatible servers (vLLM, llama-server, Ollama, hosted APIs) · saved at once</Text>
                </Text>
                <Box marginTop={gap}>
                    <Lines lines={list} width={width} />
                </Box>
                <Box marginTop={gap}>{L.rolesFolded ? <RolesSummary roles={s.roles} endpoints={s.endpoints} /> : <RolesPanel roles={s.roles} endpoints={s.endpoints} />}</Box>
                {s.form ? (
                    <Box marginTop={gap}>
                        <EndpointForm form={s.form} hasStoredKey={s.form.editing ? (s.storedKey[s.form.editing.name] ?? false) : false} width={width} />
                    </Box>
                ) : null}
                <Lines lines={note} width={width} />
            </Box>
            <HelpBar screen="endpoints" items={bar} width={columns} />
        </Box>
    );
}
