// The layout of a training run folder, shared by the launcher, the run listing and the views.
import { join } from "node:path";

export const REQUEST_SCHEMA = "reflect-lab/training-request@1";

export const runFiles = (out: string) => ({
    /** TrainingRequest + argv, written before the trainer starts (and again on every resume). */
    request: join(out, "request.json"),
    /** TrainerEvent lines, appended by the trainer. */
    events: join(out, "log.jsonl"),
    /** The trainer's stdout and stderr. */
    log: join(out, "trainer.log"),
    /** The trainer's process (group) id while it runs. */
    pid: join(out, "trainer.pid"),
    /** TrainingOutcome, written by the launcher when the trainer has exited. */
    exit: join(out, "exit.json"),
    /** TrainingResult, written by the trainer last, on success. */
    result: join(out, "result.json")
});

export interface StoredRequest {
    schema: typeof REQUEST_SCHEMA;
    request: import("./types.js").TrainingRequest;
    argv: string[];
    command: string;
    launched_at: string;
    /** How many launches this folder has seen (1 = the first; more = resumed). */
    launches: number;
}
