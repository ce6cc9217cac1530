import { Box, useApp, useInput } from "ink";
import { BatchDashboard } from "./batch/BatchDashboard.js";
import { BatchForm } from "./batch/BatchForm.js";
import { CompareScreen } from "./compare/CompareScreen.js";
import { CurateScreen } from "./curate/CurateScreen.js";
import { EndpointsScreen } from "./endpoints/EndpointsScreen.js";
import { TrainingScreen } from "./training/TrainingScreen.js";
import { LabTeach } from "./teach/LabTeach.js";
import { useLab, useUi } from "./context.js";
import { Header } from "./Header.js";
import { HelpBar } from "./HelpBar.js";
import { HelpOverlay } from "./HelpOverlay.js";
import { InstructionBar } from "./InstructionBar.js";
import { matchKey, type Screen } from "./keymap.js";
import { LivePane } from "./LivePane.js";
import { SettingsScreen } from "./SettingsScreen.js";
import { StatusLine } from "./StatusLine.js";
import { StepsView } from "./StepsView.js";

/** Screens that own their keys (forms with text editors, where q and ? are characters) and draw their own help bar. */
const OWN_KEYS = new Set<Screen>(["batchForm", "batch", "curate", "train", "compare", "endpoints", "teach"]);

/** Screen switch and key dispatch through the keymap; the history (<Static>) stays mounted on every screen so it is never printed twice. */
export function App() {
    const { store, controller } = useLab();
    const { exit } = useApp();
    const screen = useUi((s) => s.screen);
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
                ui.setScreen(ui.screen === "help" ? "lab" : "help");
                break;
            case "back":
                ui.setScreen("lab");
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
            case "next":
                void controller.step();
                break;
            case "reroll":
                void controller.reroll();
                break;
            case "prevInstruction":
            case "nextInstruction":
                controller.cycleInstruction(b.id === "nextInstruction" ? 1 : -1);
                break;
            case "verifier":
                controller.toggleVerifier();
                break;
            case "nextQuestion":
                void controller.nextQuestion();
                break;
            case "prevQuestion":
                void controller.prevQuestion();
                break;
            default:
                // Settings-screen keys are handled by SettingsScreen.
                break;
        }
    });

    return (
        <Box flexDirection="column">
            <StepsView />
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
                <LabTeach record={controller.loop?.record ?? null} sessionDir={controller.lab.recorder.dir} exportDir={process.cwd()} onBack={back} onQuit={quit} />
            ) : screen === "endpoints" ? (
                // A sub-screen of the settings: esc goes back there, after this key's other handlers have run
                // (App's own may come second and would take the same esc as "back to the lab").
                <EndpointsScreen onBack={() => queueMicrotask(() => store.getState().setScreen("settings"))} onQuit={quit} />
            ) : screen === "settings" ? (
                <SettingsScreen />
            ) : screen === "help" ? (
                <HelpOverlay />
            ) : (
                <Box flexDirection="column" marginTop={1}>
                    <Header />
                    <LivePane />
                    <InstructionBar />
                </Box>
            )}
            {OWN_KEYS.has(screen) ? null : (
                <>
                    <StatusLine />
                    <HelpBar screen={screen} />
                </>
            )}
        </Box>
    );
}
