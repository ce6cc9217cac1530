#!/usr/bin/env node
// Runs the TypeScript sources directly (tsx's loader registered in-process, no flags added to
// execArgv: node-llama-cpp tests its binary in a child process that inherits Node's flags).
import { register } from "tsx/esm/api";

register();
// Errors that escape cli.ts's own handler (a module that fails to load, a stray rejection) are
// printed with their control characters escaped too, like every other error.
const { printable } = await import("../src/terminalText.ts");
const die = (e) => {
    process.stderr.write(`reflect-lab: ${printable(e instanceof Error ? (e.stack ?? e.message) : String(e))}\n`);
    process.exit(1);
};
// `reflect-lab verify ... | head -1`: the reader went away; that is the end of the output, not an error.
for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (e) => (e && e.code === "EPIPE" ? process.exit(0) : die(e)));
}
process.on("uncaughtException", die);
process.on("unhandledRejection", die);
await import("./cli.ts");
