import { Box, useApp, useInput } from "ink";
import { BatchDashboard } from "./batch/BatchDashboard.js";
import { BatchForm } from "./batch/BatchForm.js";
import { CompareScreen } from "./compare/CompareScreen.js";
import { CurateScreen } from "./curate/CurateScreen.js";
import { EndpointsScreen } from "./endpoints/EndpointsScreen.js";
import { TrainingScreen } from "./training/TrainingScreen.js";
import { LabTeach } from "./teach/LabTeach.js";
import { useLab, useUi } from "./context.js";
import { HelpBar } from "./HelpBar.js";
import { HelpOverlay } from "./HelpOverlay.js";
import { matchKey, type Screen } from "./keymap.js";
import { LabScreen } from "./lab/LabScreen.js";
import { useTerminalSize } from "./useTerminalSize.js";
import { SettingsScreen } from "./SettingsScreen.js";
import { StatusLine } from "./StatusLine.js";

/** Screens that own their keys (forms with text editors, where q and ? are characters) and draw their own help bar. */
const OWN_KEYS = new Set<Screen>(["batchForm", "batch", "curate", "train", "compare", "endpoints", "teach"]);

/**
 * Screen switch and the keys that move between screens, through the keymap (the lab screen
 * dispatches its own). One screen at a time fills the terminal; a resize wipes it and redraws.
 */
export function App() {
    const { store, controller } = useLab();
    const { exit } = useApp();
    const screen = useUi((s) => s.screen);
    const helpFrom = useUi((s) => s.helpFrom);
    const size = useTerminalSize({ clear: true });
    const back = () => store.getState().setScreen("lab");
    const quit = () => void controller.quit().then(() => exit());

    useInput((input, key) => {
        // Read the screen from the store, not the render closure: keys may arrive before the handler is re-subscribed.
        const ui = store.getState();
        // The batch screens own their keys (the form has a text editor, where q and ? are characters).
        if (OWN_KEYS.has(ui.screen)) return;
        const b = matchKey(ui.screen, input, key);
        if (!b) return;
        switch (b.id) {
            case "quit":
                void controller.quit().then(() => exit());
                break;
            case "help":
                ui.setScreen(ui.screen === "help" ? ui.helpFrom : "help");
                break;
            case "back":
                ui.setScreen(ui.screen === "help" ? ui.helpFrom : "lab");
                break;
            case "settings":
                ui.setScreen("settings");
                break;
            case "endpoints":
                ui.setScreen("endpoints");
                break;
            case "batch":
                ui.setScreen("batchForm");
                break;
            case "curate":
            case "train":
            case "compare":
            case "teach":
                ui.setScreen(b.id);
                break;
            default:
                // The lab's own keys are LabScreen's (useLabKeys), the settings' SettingsScreen's.
                break;
        }
    });

    return (
        <Box flexDirection="column">
            {screen === "batchForm" ? (
                <BatchForm />
            ) : screen === "batch" ? (
                <BatchDashboard
                    store={controller.batch.store}
                    staticLog={false}
                    onStop={() => void controller.batch.stop()}
                    onBack={() => store.getState().setScreen("lab")}
                    onQuit={() => void controller.quit().then(() => exit())}
                />
            ) : screen === "curate" ? (
                <CurateScreen sessionsDir={controller.batch.sessionsDir} onBack={back} onQuit={quit} />
            ) : screen === "train" ? (
                // The base defaults to the file the lab runs (an hf: model's downloaded file, too).
                <TrainingScreen sessionsDir={controller.batch.sessionsDir} defaults={{ base: controller.lab.backend.info.kind === "openai" ? "default" : controller.lab.backend.info.modelPath }} onBack={back} onQuit={quit} />
            ) : screen === "compare" ? (
                <CompareScreen sessionsDir={controller.batch.sessionsDir} onBack={back} onQuit={quit} />
            ) : screen === "teach" ? (
                <LabTeach record={controller.record} sessionDir={controller.lab.recorder.dir} exportDir={process.cwd()} onBack={back} onQuit={quit} />
            ) : screen === "endpoints" ? (
                // A sub-screen of the settings: esc goes back there, after this key's other handlers have run
                // (App's own may come second and would take the same esc as "back to the lab").
                <EndpointsScreen onBack={() => queueMicrotask(() => store.getState().setScreen("settings"))} onQuit={quit} />
            ) : screen === "settings" ? (
                <SettingsScreen columns={size.columns} />
            ) : screen === "help" ? (
                // App closes it (? and esc are in its keys too); one row stays free below, as on every screen.
                <HelpOverlay from={helpFrom} columns={size.columns} rows={size.rows - 1} />
            ) : (
                <LabScreen columns={size.columns} rows={size.rows} />
            )}
            {OWN_KEYS.has(screen) || screen === "lab" || screen === "help" ? null : (
                <>
                    <StatusLine />
                    <HelpBar screen={screen} width={size.columns} />
                </>
            )}
        </Box>
    );
}
