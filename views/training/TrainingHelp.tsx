import { HelpOverlay } from "../HelpOverlay.js";
import { KEYMAP } from "../keymap.js";
import { TRAINING_KEYS } from "./keys.js";

/** Every key of the training screen, from the keymap (the global help and quit included). */
export function TrainingHelp() {
    const global = KEYMAP.filter((b) => b.id === "help" || b.id === "quit").map((b) => (b.id === "quit" ? { ...b, description: "quit (aborts a running trainer first)" } : b));
    return <HelpOverlay sections={[{ title: "training keys", rows: [...TRAINING_KEYS, ...global] }]} />;
}
