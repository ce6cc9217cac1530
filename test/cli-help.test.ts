// `--help` of batch, report, compare (in-process) and ask (the real CLI in a child process): an
// Examples section, the actual defaults (the paper's where they differ, the stored settings read
// as they are now), lines within 80 columns, and no config file created or rewritten by --help.
import { afterAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command, CommanderError } from "commander";
import stringWidth from "string-width";
import { addBatchCommands } from "../bin/batch.js";
import { addCompareCommand } from "../bin/compare.js";
import { PROJECT_ROOT } from "../src/paths.js";
import { SettingsStore } from "../src/settings.js";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A config folder holding `config` as config.json (or no file at all). */
function confDir(config: string | null): string {
    const d = mkdtempSync(join(tmpdir(), "rl-help-"));
    dirs.push(d);
    if (config !== null) writeFileSync(join(d, "config.json"), config);
    return d;
}

const STORED = JSON.stringify({ maxTurns: 3, temperature: 0.5, maxTokens: 200, instructions: "random:6" });

/** `reflect-lab <cmd> --help` in-process, 80 columns wide. */
async function help(args: string[], dir: string): Promise<string> {
    const program = new Command("reflect-lab").exitOverride();
    let out = "";
    program.configureOutput({ writeOut: (s) => void (out += s), writeErr: (s) => void (out += s), getOutHelpWidth: () => 80 });
    addBatchCommands(program, new SettingsStore(dir));
    addCompareCommand(program);
    const e = await program.parseAsync([...args, "--help"], { from: "user" }).catch((x) => x);
    expect(e).toBeInstanceOf(CommanderError);
    expect((e as CommanderError).code).toBe("commander.helpDisplayed");
    return out;
}

/** The example command lines of a help text (after "Examples:"). */
function examples(text: string, cmd: string): string[] {
    const at = text.indexOf("\nExamples:\n");
    expect(at, "no Examples section").toBeGreaterThan(0);
    return text.slice(at).split("\n").filter((l) => l.startsWith(`  reflect-lab ${cmd} `));
}

function expectNarrow(text: string): void {
    const lines = text.split("\n");
    expect(lines.length).toBeGreaterThan(5);
    for (const l of lines) expect(stringWidth(l), l).toBeLessThanOrEqual(80);
}

describe("batch --help", () => {
    it("has examples, the paper's defaults for -k and --instructions and the stored settings as they are now", async () => {
        const dir = confDir(STORED);
        const before = readFileSync(join(dir, "config.json"), "utf8");
        const text = await help(["batch"], dir);
        expect(examples(text, "batch").length).toBeGreaterThanOrEqual(5);
        // Commander wraps descriptions: a default may break across lines.
        expect(text).toMatch(/-k, --k <n>\s+reflections sampled per failed answer and\s+instruction \(default: 2, the paper's\)/);
        expect(text).toMatch(/\(see below\) \(default:\s+random:6, the paper's\)/);
        expect(text).toMatch(/--max-turns <n>\s+turns per question \(default: the stored\s+setting; paper: 2\)/);
        expect(text).toMatch(/--temperature <x>\s+sampling temperature \(default: the stored\s+setting; paper: 0\.8\)/);
        expect(text).toContain("--interval <s>");
        expect(text).toMatch(/seconds between progress lines \(default: 5\)/);
        expect(text).toContain("maxTurns 3 · verifier oracle · temperature 0.5 · maxTokens 200");
        // The grammar, and what k x random:6 costs.
        expect(text).toContain("random:N                   N seeded keys per failed item; random is random:1");
        expect(text).toContain("k 2 x random:6 is up to 12");
        expectNarrow(text);
        // --help read the file and changed nothing.
        expect(readFileSync(join(dir, "config.json"), "utf8")).toBe(before);
        expect(readdirSync(dir)).toEqual(["config.json"]);
    });

    it("shows the built-in defaults without a config file, and says when the file is broken", async () => {
        const none = confDir(null);
        expect(await help(["batch"], none)).toContain("maxTurns 2 · verifier oracle · temperature 0.8 · maxTokens 384");
        expect(existsSync(join(none, "config.json"))).toBe(false);
        const broken = confDir("{ not json");
        const text = await help(["batch"], broken);
        expect(text).toContain("maxTurns 2 · verifier oracle");
        expect(text).toContain(`${join(broken, "config.json")} cannot be read: see reflect-lab config show`);
        const invalid = await help(["batch"], confDir(JSON.stringify({ maxTurns: 0, temperature: 0.3 })));
        expect(invalid).toContain("maxTurns 2 · verifier oracle · temperature 0.3");
        expect(invalid).toContain("invalid in the file (see reflect-lab config show): maxTurns");
    });
});

describe("report and compare --help", () => {
    it("report has examples", async () => {
        const text = await help(["report"], confDir(null));
        expect(examples(text, "report").length).toBeGreaterThanOrEqual(2);
        expect(text).toContain("--json");
        expectNarrow(text);
    });

    it("compare has examples and says which run is the reference by default", async () => {
        const text = await help(["compare"], confDir(null));
        expect(examples(text, "compare").length).toBeGreaterThanOrEqual(3);
        expect(text).toContain("The reference is the first run");
        expect(text).toContain("unless --baseline names another");
        expectNarrow(text);
    });
});

describe("ask --help (the real CLI)", () => {
    it("has examples, the grammar as the lab uses it and the stored settings now", () => {
        const dir = confDir(STORED);
        const r = spawnSync(process.execPath, [join(PROJECT_ROOT, "bin", "reflect-lab.js"), "ask", "--help"], {
            env: { ...process.env, REFLECT_LAB_CONFIG_DIR: dir, COLUMNS: "80" },
            timeout: 60_000,
            stdio: ["ignore", "pipe", "pipe"]
        });
        expect(r.status, r.stderr.toString()).toBe(0);
        const text = r.stdout.toString("utf8");
        expect(examples(text, "ask").length).toBeGreaterThanOrEqual(3);
        expect(text).toMatch(/--max-turns <n>\s+maximum turns per question \(default: the stored\s+setting; paper: 2\)/);
        expect(text).toMatch(/--instructions <sel>\s+instruction selection: 1-3-2 \| fixed:1-3-2,2-1-1 \|/);
        expect(text).toContain('(default: "demo")');
        expect(text).toContain("random:N                   N keys drawn once (seeded), a question each");
        expect(text).toContain("maxTurns 3 · verifier oracle · instructions random:6 · temperature 0.5");
        expectNarrow(text);
        expect(readdirSync(dir)).toEqual(["config.json"]);
    }, 90_000);
});
