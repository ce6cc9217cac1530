import { Box, Text } from "ink";
import { ROLES, type Endpoint, type RoleAssignment } from "../../src/endpoints/types.js";
import { theme } from "../theme.js";
import { roleDefault } from "./format.js";

/** Who plays each role: an endpoint, or the default (the local model; no teacher). Keys 1-4 follow the order shown. */
export function RolesPanel({ roles, endpoints }: { roles: RoleAssignment; endpoints: Endpoint[] }) {
    return (
        <Box flexDirection="column">
            <Text bold>roles</Text>
            {ROLES.map((role, i) => {
                const name = roles[role];
                // An assignment to an endpoint that is gone (hand-edited config) would fail at run time: flag it here.
                const missing = name !== undefined && !endpoints.some((e) => e.name === name);
                return (
                    <Box key={role}>
                        <Text color={theme.accent}>{i + 1} </Text>
                        <Box width={11} flexShrink={0}>
                            <Text>{role}</Text>
                        </Box>
                        <Text color={missing ? theme.bad : name ? theme.ok : theme.muted}>
                            → {name ?? roleDefault(role)}
                            {missing ? " (no such endpoint)" : ""}
                        </Text>
                    </Box>
                );
            })}
        </Box>
    );
}
