import { Box, Text } from "ink";
import { ROLES, type Endpoint, type RoleAssignment } from "../../src/endpoints/types.js";
import { theme } from "../theme.js";
import { roleDefault } from "./format.js";

/** Rows of the open panel: its title and one per role. */
export const ROLES_PANEL_ROWS = 1 + ROLES.length;

/** An assignment to an endpoint that is gone (hand-edited config) would fail at run time: flagged. */
const missing = (name: string | undefined, endpoints: Endpoint[]) => name !== undefined && !endpoints.some((e) => e.name === name);

/** The panel folded to one row (the form takes the rows on a small screen). */
export function RolesSummary({ roles, endpoints }: { roles: RoleAssignment; endpoints: Endpoint[] }) {
    return (
        <Text color={theme.muted} wrap="truncate-end">
            roles · {ROLES.map((r) => `${r} → ${roles[r] ?? roleDefault(r)}${missing(roles[r], endpoints) ? " (no such endpoint)" : ""}`).join(" · ")}
        </Text>
    );
}

/** Who plays each role: an endpoint, or the default (the local model; no teacher). Keys 1-4 follow the order shown. */
export function RolesPanel({ roles, endpoints }: { roles: RoleAssignment; endpoints: Endpoint[] }) {
    return (
        <Box flexDirection="column">
            <Text bold>roles</Text>
            {ROLES.map((role, i) => {
                const name = roles[role];
                const gone = missing(name, endpoints);
                return (
                    <Text key={role} wrap="truncate-end">
                        <Text color={theme.accent}>{i + 1} </Text>
                        <Text>{role.padEnd(11)}</Text>
                        <Text color={gone ? theme.bad : name ? theme.ok : theme.muted}>
                            → {name ?? roleDefault(role)}
                            {gone ? " (no such endpoint)" : ""}
                        </Text>
                    </Text>
                );
            })}
        </Box>
    );
}
