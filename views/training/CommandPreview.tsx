import { Box, Text } from "ink";
import { useMemo } from "react";
import { buildArgv, commandLine, trainerPaths, trainerProblem, type TrainerPaths } from "../../src/training/command.js";
import { theme } from "../theme.js";
import { formRequest, type TrainingFormValues } from "./formModel.js";

/** The exact trainer command the form would run, and what would stop it (no venv) with the fix. */
export function CommandPreview({ values, paths }: { values: TrainingFormValues; paths: Partial<TrainerPaths> }) {
    const { command, problem } = useMemo(() => {
        const p = trainerPaths(paths);
        try {
            const req = formRequest(values);
            return { command: commandLine(buildArgv(req, p)), problem: trainerProblem(p, req.processes ?? 1) };
        } catch (e) {
            return { command: null, problem: (e as Error).message };
        }
    }, [values, paths.python, paths.script]);
    return (
        <Box flexDirection="column" marginTop={1}>
            <Text color={theme.muted}>command</Text>
            {command ? <Text>$ {command}</Text> : null}
            {problem ? <Text color={theme.warn}>{problem}</Text> : null}
        </Box>
    );
}
