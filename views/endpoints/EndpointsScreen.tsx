import { Box, Text, useInput } from "ink";
import { useEffect, useRef } from "react";
import { useStore } from "zustand";
import { EndpointStore } from "../../src/endpoints/store.js";
import { HelpBar } from "../HelpBar.js";
import { HelpOverlay } from "../HelpOverlay.js";
import { helpBarItems, helpOverlaySections, matchKey } from "../keymap.js";
import { theme } from "../theme.js";
import { EndpointForm } from "./EndpointForm.js";
import { EndpointList } from "./EndpointList.js";
import { ROLE_KEYS } from "./keys.js";
import { RolesPanel } from "./RolesPanel.js";
import { createEndpointsViewStore, type EndpointsDeps, type EndpointsViewStore } from "./store.js";

export interface EndpointsScreenProps {
    /** Defaults to the user's endpoint store; tests pass one over a temporary config folder. */
    endpoints?: EndpointStore;
    probe?: EndpointsDeps["probe"];
    onBack(): void;
    onQuit(): void;
}

/** The help sections that matter here: this screen's keys, the form's, and the ones that work everywhere. */
const HELP_SECTIONS = new Set(["endpoints", "endpoint form", "everywhere"]);

/** OpenAI-compatible endpoints: list, test a connection with its latency, add/edit/remove, and assign them to roles. */
export function EndpointsScreen({ endpoints, probe, onBack, onQuit }: EndpointsScreenProps) {
    const ref = useRef<EndpointsViewStore | null>(null);
    ref.current ??= createEndpointsViewStore({ endpoints: endpoints ?? new EndpointStore(), probe });
    const store = ref.current;
    const s = useStore(store);
    // Callbacks through a ref: the input handler may run before it is re-subscribed with new props.
    const cb = useRef({ onBack, onQuit });
    useEffect(() => {
        cb.current = { onBack, onQuit };
    });
    // A test still running when the screen closes is abandoned, not left to resolve into a dead store.
    useEffect(() => () => store.getState().dispose(), [store]);

    useInput((input, key) => {
        const st = store.getState();
        const ctrlC = key.ctrl && input === "c";
        if (st.form) {
            // Only the form's own keys act; everything else is text (a key or URL may contain q or ?).
            const b = matchKey("endpointForm", input, key);
            if (b?.id === "endpoints.formNext") return st.formMove(1);
            if (b?.id === "endpoints.formPrev") return st.formMove(-1);
            if (b?.id === "endpoints.formSave") return st.formSave();
            if (b?.id === "endpoints.formCancel") return st.formCancel();
            if (ctrlC) return cb.current.onQuit();
            if (key.backspace || key.delete) return st.formBackspace();
            if (input && !key.ctrl && !key.meta) st.formType(input);
            return;
        }
        if (st.confirm) {
            if (ctrlC) return cb.current.onQuit();
            // Anything but y keeps the endpoint: a removal is the one change here that cannot be undone by a key.
            return st.answer(matchKey("endpoints", input, key)?.id === "endpoints.confirm");
        }
        const b = matchKey("endpoints", input, key);
        if (!b) return;
        if (st.help) {
            if (b.id === "help" || b.id === "endpoints.back") st.setHelp(false);
            else if (b.id === "quit") cb.current.onQuit();
            return;
        }
        if (b.id in ROLE_KEYS) return st.toggleRole(ROLE_KEYS[b.id as keyof typeof ROLE_KEYS]);
        switch (b.id) {
            case "endpoints.up":
                return st.move(-1);
            case "endpoints.down":
                return st.move(1);
            case "endpoints.test":
                return st.test();
            case "endpoints.add":
                return st.openAdd();
            case "endpoints.edit":
                return st.openEdit();
            case "endpoints.remove":
                return st.ask("remove");
            case "endpoints.forgetKey":
                return st.ask("forgetKey");
            case "help":
                return st.setHelp(true);
            case "endpoints.back":
                return cb.current.onBack();
            case "quit":
                return cb.current.onQuit();
        }
    });

    if (s.help) return <HelpOverlay sections={helpOverlaySections().filter((x) => HELP_SECTIONS.has(x.title))} />;
    const bar = s.form
        ? [...helpBarItems("endpointForm").filter((i) => i.id.startsWith("endpoints.form")), { id: "quit" as const, keys: "ctrl+c", label: "quit" }]
        : s.confirm
          ? [
                { id: "endpoints.confirm" as const, keys: "y", label: s.confirm.kind === "remove" ? "remove" : "forget the key" },
                { id: "endpoints.back" as const, keys: "any other key", label: "keep" }
            ]
          : helpBarItems("endpoints");
    return (
        <Box flexDirection="column">
            <Box flexDirection="column" borderStyle="round" borderColor={theme.accent} paddingX={1}>
                <Text>
                    <Text bold>endpoints</Text>
                    <Text color={theme.muted}> · OpenAI-compatible servers (vLLM, llama-server, Ollama, hosted APIs) · saved at once</Text>
                </Text>
                <Box marginTop={1}>
                    <EndpointList endpoints={s.endpoints} sel={s.sel} storedKey={s.storedKey} tests={s.tests} />
                </Box>
                <Box marginTop={1}>
                    <RolesPanel roles={s.roles} endpoints={s.endpoints} />
                </Box>
                {s.form ? (
                    <Box marginTop={1}>
                        <EndpointForm form={s.form} hasStoredKey={s.form.editing ? (s.storedKey[s.form.editing.name] ?? false) : false} />
                    </Box>
                ) : null}
                {s.confirm ? (
                    <Text color={theme.warn}>
                        {s.confirm.kind === "remove"
                            ? `remove ${s.confirm.name}${s.storedKey[s.confirm.name] ? " and its stored key" : ""}? roles it plays go back to their default. y removes, any other key keeps it`
                            : `forget the stored key of ${s.confirm.name}? y forgets it, any other key keeps it`}
                    </Text>
                ) : s.message ? (
                    <Text color={theme[s.message.tone]}>{s.message.text}</Text>
                ) : null}
            </Box>
            <HelpBar screen="endpoints" items={bar} />
        </Box>
    );
}
