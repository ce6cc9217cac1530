import { Command } from "commander";

/** Runs one commander subcommand in-process, capturing stdout, stderr and the exit code it set. */
export async function runCommand(register: (program: Command) => void, args: string[]): Promise<{ out: string; err: string; code: number | undefined }> {
    const program = new Command().exitOverride();
    register(program);
    let out = "";
    let err = "";
    const w1 = process.stdout.write.bind(process.stdout);
    const w2 = process.stderr.write.bind(process.stderr);
    const before = process.exitCode;
    process.exitCode = undefined;
    process.stdout.write = ((s: string) => ((out += s), true)) as typeof process.stdout.write;
    process.stderr.write = ((s: string) => ((err += s), true)) as typeof process.stderr.write;
    try {
        await program.parseAsync(args, { from: "user" });
    } finally {
        process.stdout.write = w1;
        process.stderr.write = w2;
    }
    const code = process.exitCode as number | undefined;
    process.exitCode = before;
    return { out, err, code };
}
