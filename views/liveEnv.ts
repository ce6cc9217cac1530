// Ink (through is-in-ci) stops live rendering when CI or CONTINUOUS_INTEGRATION is set: it writes
// only the last frame and ignores resizes. Our screens open only on a TTY, so a person is watching,
// and a shell that exports CI=true must still see the live lab. This module must be imported
// before Ink by every screen entry, because is-in-ci reads the variables once, at load.

/** Drops the CI markers that switch Ink to its final-frame-only mode. */
export function dropCiMarkers(env: NodeJS.ProcessEnv = process.env): void {
    delete env.CI;
    delete env.CONTINUOUS_INTEGRATION;
}

if (process.stdout.isTTY) dropCiMarkers();
