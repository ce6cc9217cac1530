// A process that takes a run lock through the real module and holds it until its stdin ends:
// node --import tsx test/helpers/lockHolder.ts <dir> [--child]  (--child: a detached `sleep` works for it).
import { spawn } from "node:child_process";
import { acquireRunLock } from "../../src/runLock.js";

const dir = process.argv[2]!;
try {
    const lock = acquireRunLock(dir, { what: "run folder", command: "lockHolder" });
    let child: number | null = null;
    if (process.argv.includes("--child")) {
        const c = spawn("sleep", ["120"], { detached: true, stdio: "ignore" });
        c.unref();
        child = c.pid!;
        lock.setChild(child);
    }
    // As the commands do: a signal ends the process through exit, whose hook drops the lock.
    process.on("SIGTERM", () => process.exit(143));
    process.on("SIGINT", () => process.exit(130));
    process.stdout.write(JSON.stringify({ held: process.pid, child, tookOver: lock.tookOver }) + "\n");
    process.stdin.resume();
    process.stdin.on("end", () => {
        lock.release();
        process.exit(0);
    });
} catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(3);
}
