// The view tests read live frames from a fake TTY, which Ink only writes when no CI marker is set.
// The screens drop the markers themselves on a real TTY (views/liveEnv.ts); a test's fake terminal
// is not process.stdout, so the markers are dropped here, before any test file loads Ink.
import { dropCiMarkers } from "../../views/liveEnv.js";

dropCiMarkers();
