// The blocks `--help` prints after the options of `batch`, `report`, `ask` and `compare`: the
// instruction grammar as each command uses it, the stored settings the defaults come from, examples.
// Functions, so the stored settings are read only when help is shown.
import type { SettingsStore } from "../src/settings.js";
import { storedDefaultsHelp } from "./storedDefaults.js";

/** What batch runs take from the stored settings when no flag (and no --turn1-from run) gives it. */
const BATCH_STORED = ["maxTurns", "verifier", "temperature", "maxTokens", "seed", "contextSize", "model"] as const;
const ASK_STORED = ["maxTurns", "verifier", "instructions", "temperature", "maxTokens", "seed", "contextSize", "model"] as const;

export function batchHelp(store: Pick<SettingsStore, "path">): () => string {
    return () => `
Instructions (--instructions; one grammar with ask, the lab and config set):
  1-3-2, fixed:1-3-2,2-1-1   every listed key (subset:... is the same list)
  random:N                   N seeded keys per failed item; random is random:1
  round-robin                one key per item, taking the pool in turn
  all                        all 32 keys
  A failed answer gets k reflections per key: k 2 x random:6 is up to 12
  reflect-correct chains per failed item (k 2 x all: 64).

Defaults: -k 2 and --instructions random:6 are the paper's. --max-turns,
--temperature, --max-tokens, --seed, --verifier, --context-size and --model
come from the stored settings (paper: 2 turns, temperature 0.8), or with
--turn1-from from that run's config.
${storedDefaultsHelp(store, [...BATCH_STORED])}

Examples:
  reflect-lab batch --tasks demo --limit 8            # a quick look, demo set
  reflect-lab batch --tasks logiqa.txt -k 2 --instructions random:6  # paper
  reflect-lab batch --tasks demo --mode retry --out sessions/retry-demo
  reflect-lab batch --tasks demo --turn1-from retry-demo --instructions all
  reflect-lab batch --tasks demo --trained sessions/train-20250101-130000
  reflect-lab batch --out sessions/batch-20250101-120000 --resume
  reflect-lab batch --tasks demo --json | grep '"type":"item"'`;
}

export function reportHelp(): string {
    return `
The run is its folder (batch --out, default sessions/batch-<time>).

Examples:
  reflect-lab report sessions/batch-20250101-120000
  reflect-lab report sessions/batch-20250101-120000 --json > report.json`;
}

export function askHelp(store: Pick<SettingsStore, "path">): () => string {
    return () => `
Instructions (--instructions; one grammar with batch and config set): the lab
follows one instruction per question (a re-roll keeps it; [ ] change it);
\`ask\` runs one question, so it takes the first.
  1-3-2, fixed:1-3-2         that key
  fixed:1-3-2,2-1-1          the listed keys, a question each, in turn
                             (subset:... is the same list)
  random                     a seeded random key per question
  random:N                   N keys drawn once (seeded), a question each
  round-robin, all           every key, a question each, in turn

Defaults: an option not given comes from the stored settings (paper: 2 turns,
temperature 0.8); --tasks is demo.
${storedDefaultsHelp(store, [...ASK_STORED])}

Examples:
  reflect-lab ask --tasks demo --id math-02
  reflect-lab ask --tasks my.jsonl --id q7 --verifier self --max-turns 3 \\
      --instructions fixed:1-3-2
  reflect-lab ask --tasks demo --id logic-01 --temperature 0 > record.json
  reflect-lab ask --endpoint local --tasks demo   # see: endpoints list`;
}

export function compareHelp(): string {
    return `
Runs are folders, or run ids under sessions/. The reference is the first run
unless --baseline names another; each run is paired with it on the items whose
turn 1 is identical (batch --turn1-from makes runs share turn 1 exactly).

Examples:
  reflect-lab compare sessions/retry-demo sessions/batch-demo
  reflect-lab compare retry-demo batch-demo trained-demo --baseline retry-demo
  reflect-lab compare sessions/retry-demo sessions/batch-demo --json > cmp.json`;
}
