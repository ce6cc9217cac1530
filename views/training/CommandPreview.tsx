import { Box, Text } from "ink";
import { buildArgv, trainerPaths, trainerProblem, type TrainerPaths } from "../../src/training/command.js";
import { formRequest, type TrainingFormValues } from "./formModel.js";

export interface CommandCheck {
    /** The exact trainer argv the form would run; null when the form is not valid yet. */
    argv: string[] | null;
    /** What would stop it (no venv, a bad field), with the fix. */
    problem: string | null;
}

export function checkCommand(values: TrainingFormValues, paths: Partial<TrainerPaths>): CommandCheck {
    const p = trainerPaths(paths);
    try {
        const req = formRequest(values);
        return { argv: buildArgv(req, p), problem: trainerProblem(p, req.processes ?? 1) };
    } catch (e) {
        return { argv: null, problem: (e as Error).message };
    }
}

/** The command, already broken into lines (views/training/commandRows.ts), the first after "$ ". */
export function CommandPreview({ lines }: { lines: string[] }) {
    return (
        <Box flexDirection="column" marginTop={1}>
            {lines.map((l, i) => (
                <Text key={i} wrap="truncate-end">
                    {i ? "  " : "$ "}
                    {l}
                </Text>
            ))}
        </Box>
    );
}
