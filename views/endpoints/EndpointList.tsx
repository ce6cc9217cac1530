import { Box, Text } from "ink";
import type { Endpoint } from "../../src/endpoints/types.js";
import { theme } from "../theme.js";
import { formatTest, keySource, type TestState } from "./format.js";

// At 100 columns the key source keeps about 23; every column keeps one space of its width as a gap.
const COLS = { name: 14, url: 34, model: 18, conc: 5 } as const;

/** The endpoints, two lines each: what it is (name, URL, model, concurrency, where its key comes from), then its last test. */
export function EndpointList({ endpoints, sel, storedKey, tests }: { endpoints: Endpoint[]; sel: number; storedKey: Record<string, boolean>; tests: Record<string, TestState> }) {
    if (endpoints.length === 0) {
        return <Text color={theme.muted}>no endpoints yet: a adds one (vLLM, llama-server, Ollama or a hosted OpenAI-compatible API)</Text>;
    }
    return (
        <Box flexDirection="column">
            <Box>
                <Box width={2} flexShrink={0} />
                <Col w={COLS.name}>name</Col>
                <Col w={COLS.url}>URL</Col>
                <Col w={COLS.model}>model</Col>
                <Col w={COLS.conc}>conc</Col>
                <Text color={theme.muted}>key</Text>
            </Box>
            {endpoints.map((e, i) => {
                const active = i === sel;
                const key = keySource(e, storedKey[e.name] ?? false);
                const test = formatTest(tests[e.name], e);
                return (
                    <Box key={e.name} flexDirection="column">
                        <Box>
                            <Box width={2} flexShrink={0}>
                                <Text color={active ? theme.accent : undefined}>{active ? "›" : ""}</Text>
                            </Box>
                            <Box width={COLS.name} flexShrink={0} paddingRight={1}>
                                <Text color={active ? theme.accent : undefined} bold={active} wrap="truncate-end">
                                    {e.name}
                                </Text>
                            </Box>
                            <Box width={COLS.url} flexShrink={0} paddingRight={1}>
                                <Text wrap="truncate-middle">{e.baseURL}</Text>
                            </Box>
                            <Box width={COLS.model} flexShrink={0} paddingRight={1}>
                                <Text wrap="truncate-middle">{e.model}</Text>
                            </Box>
                            <Box width={COLS.conc} flexShrink={0} paddingRight={1}>
                                <Text>×{e.concurrency}</Text>
                            </Box>
                            {/* Cut in the middle: a long variable name keeps its "$" and the "unset" warning. */}
                            <Text color={key.tone ? theme[key.tone] : undefined} wrap="truncate-middle">
                                {key.text}
                            </Text>
                        </Box>
                        <Box paddingLeft={4}>
                            {/* A failure's reason may be long, and all of it matters; a success fits one line. */}
                            <Text color={theme[test.tone]} wrap={test.tone === "bad" ? "wrap" : "truncate-end"}>
                                {test.text}
                            </Text>
                        </Box>
                    </Box>
                );
            })}
        </Box>
    );
}

function Col({ w, children }: { w: number; children: string }) {
    return (
        <Box width={w} flexShrink={0} paddingRight={1}>
            <Text color={theme.muted}>{children}</Text>
        </Box>
    );
}
