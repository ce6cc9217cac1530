#!/usr/bin/env node
// Runs the TypeScript sources directly (tsx's loader registered in-process, no flags added to
// execArgv: node-llama-cpp tests its binary in a child process that inherits Node's flags).
import { register } from "tsx/esm/api";

register();
await import("./cli.ts");
