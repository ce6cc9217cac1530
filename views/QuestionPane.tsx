import { Box, Text } from "ink";
import type { TaskItem } from "../src/tasks/types.js";
import { theme } from "./theme.js";

/** The question as the model sees it: task, id, position, text and lettered choices. */
export function QuestionPane({ item, index, total }: { item: TaskItem; index: number; total: number }) {
    return (
        <Box flexDirection="column" marginTop={1}>
            <Text>
                <Text color={theme.accent} bold>
                    question {index + 1}/{total}
                </Text>
                <Text color={theme.muted}>
                    {" "}
                    · {item.task} · {item.id}
                </Text>
            </Text>
            <Text>{item.question.trim()}</Text>
            {item.choices?.map((c, i) => (
                <Text key={i}>
                    {"  "}
                    <Text bold>{String.fromCharCode(65 + i)}.</Text> {c}
                </Text>
            ))}
        </Box>
    );
}
