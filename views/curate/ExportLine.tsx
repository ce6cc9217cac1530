import { Box, Text } from "ink";
import type { ExportStatus } from "./store.js";
import { theme } from "../theme.js";

/** Where the export stands; after it, the folder and its files. */
export function ExportLine({ status }: { status: ExportStatus }) {
    switch (status.kind) {
        case "idle":
            return <Text color={theme.muted}>e exports the sets to the out folder</Text>;
        case "exporting":
            return <Text color={theme.accent}>… exporting</Text>;
        case "error":
            return (
                <Text color={theme.bad} wrap="wrap">
                    export failed: {status.message}
                </Text>
            );
        case "done": {
            const s = status.summary;
            return (
                <Box flexDirection="column">
                    <Text color={theme.ok} wrap="truncate-start">
                        ● wrote {s.files.length + 1} files to {s.out}
                    </Text>
                    <Text color={theme.muted} wrap="wrap">
                        {s.files.map((f) => `${f.name} (${f.rows})`).join(" · ")} · curation.json
                    </Text>
                </Box>
            );
        }
    }
}
