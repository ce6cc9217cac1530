import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");

/** Runs the CLI on a real pseudo-terminal (util-linux `script`) and returns everything it drew. */
async function drawnOnTty(args: string, env: NodeJS.ProcessEnv, quitAfterMs: number): Promise<string> {
    const log = join(mkdtempSync(join(tmpdir(), "rl-tty-")), "tty.log");
    const child = spawn("script", ["-qfec", `node bin/reflect-lab.js ${args}`, log], {
        cwd: root,
        env: { ...env, COLUMNS: "80", LINES: "24", TERM: "xterm-256color" },
        stdio: ["pipe", "ignore", "inherit"]
    });
    const done = new Promise<number | null>((resolve) => child.on("exit", resolve));
    await new Promise((r) => setTimeout(r, quitAfterMs));
    child.stdin.write("q");
    const code = await done;
    expect(code).toBe(0);
    return readFileSync(log, "utf8");
}

describe("a shell that exports CI on a real terminal", () => {
    it("still gets the live screen, frame after frame, not only the last one", async () => {
        const env = { ...process.env, CI: "true", CONTINUOUS_INTEGRATION: "1" };
        const drawn = await drawnOnTty("teach --set examples/teaching/set.jsonl", env, 5000);
        // The presenter types the first answer out; with Ink's CI mode only one frame would be written.
        const frames = drawn.split("stage 1/7").length - 1;
        expect(frames).toBeGreaterThan(3);
    }, 60_000);
});
