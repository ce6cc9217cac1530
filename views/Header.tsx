import { Box, Text } from "ink";
import { useMemo } from "react";
import { codeIsolation } from "../src/verify/isolation.js";
import { useCpuContention } from "./useCpuContention.js";
import { useUi } from "./context.js";
import { theme } from "./theme.js";

const COMPUTE: Record<string, string> = { cpu: "CPU", cuda: "CUDA", vulkan: "Vulkan", metal: "Metal" };

/** One line about the model and hardware, one about the run settings. */
export function Header() {
    const b = useUi((s) => s.backend);
    const settings = useUi((s) => s.settings);
    const loopVerifier = useUi((s) => s.verifier);
    const tps = useUi((s) => s.tokensPerSecond);
    // Probed once (it starts a sandbox): which isolation code answers get, always on screen.
    const code = useMemo(() => codeIsolation().kind, []);
    const contention = useCpuContention();
    const verifier = loopVerifier === settings.verifier ? loopVerifier : `${loopVerifier} → ${settings.verifier} next question`;
    return (
        <Box flexDirection="column">
            <Text>
                <Text color={theme.accent} bold>
                    reflect-lab
                </Text>
                {b ? (
                    <Text>
                        {" "}
                        {b.modelFile} <Text color={theme.muted}>·</Text>{" "}
                        {b.kind === "openai" ? (
                            // A remote server: its hardware is unknown here; the note names the endpoint.
                            "remote"
                        ) : (
                            <>
                                {COMPUTE[b.compute] ?? b.compute} <Text color={theme.muted}>·</Text> gpu {b.gpuLayers}/{b.totalLayers} layers <Text color={theme.muted}>·</Text> ctx {b.contextSize}
                            </>
                        )}{" "}
                        <Text color={theme.muted}>·</Text> {tps === null ? "– tok/s" : `${tps.toFixed(1)} tok/s`}
                    </Text>
                ) : null}
            </Text>
            <Text color={theme.muted}>
                verifier <Text color={theme.warn}>{verifier}</Text> · maxTurns {settings.maxTurns} · seed {settings.seed} · temp {settings.temperature}
                {" · code "}
                <Text color={code === "bubblewrap" ? theme.muted : theme.warn}>{code === "bubblewrap" ? "sandboxed" : code === "unsafe" ? "UNSANDBOXED" : "not run (no sandbox)"}</Text>
                {b?.note ? ` · ${b.note}` : ""}
            </Text>
            {contention ? <Text color={theme.warn}>⚠ {contention}</Text> : null}
        </Box>
    );
}
