import { printable } from "../terminalText.js";

/** A problem in a task file, located by file, 1-based line and (when it concerns one) field. */
export class TaskFormatError extends Error {
    override name = "TaskFormatError";
    constructor(
        readonly file: string,
        readonly line: number,
        readonly field: string | null,
        readonly detail: string
    ) {
        // The detail often quotes the file (a value, JSON.parse's excerpt): escaped, since it is printed.
        super(printable(`${file}:${line}: ${field ? `field "${field}": ` : ""}${detail}`, { oneLine: true }));
    }
}
