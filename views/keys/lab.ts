import { defineKeys } from "./types.js";

/** Keys of the lab screen (the loop on one question, and the way to every other screen); App dispatches them. */
export const LAB_KEYS = defineKeys([
    { id: "next", keys: "space/enter", description: "next step (answer, verify, reflect, correct)", bar: "next", barKeys: "space", when: ["lab"], match: (i, k) => i === " " || k.return },
    { id: "reroll", keys: "r", description: "re-roll the reflection: a new sample from the same failed attempt", bar: "re-roll", when: ["lab"], match: (i) => i === "r" },
    { id: "prevInstruction", keys: "[", description: "previous reflection instruction", when: ["lab"], match: (i) => i === "[" },
    { id: "nextInstruction", keys: "]", description: "next reflection instruction", bar: "instr", barKeys: "[ ]", when: ["lab"], match: (i) => i === "]" },
    { id: "verifier", keys: "v", description: "switch verifier oracle/self (applies to the next question; saved)", bar: "verifier", when: ["lab"], match: (i) => i === "v" },
    { id: "nextQuestion", keys: "n", description: "next question", bar: "question", barKeys: "n/p", when: ["lab"], match: (i) => i === "n" },
    { id: "prevQuestion", keys: "p", description: "previous question", when: ["lab"], match: (i) => i === "p" },
    { id: "settings", keys: "s", description: "settings screen", bar: "settings", when: ["lab"], match: (i) => i === "s" },
    // No help-bar label: the lab bar is full at 100 columns; the overlay lists it.
    { id: "batch", keys: "b", description: "batch run: generate data over task files with live Acc@t1/Acc@t2/Δ", when: ["lab"], match: (i) => i === "b" },
    { id: "curate", keys: "c", description: "curate training sets (D+, D±, D_pref) from batch runs", when: ["lab"], match: (i) => i === "c" },
    { id: "train", keys: "t", description: "training: launch SFT/DPO, watch loss live, past training runs", when: ["lab"], match: (i) => i === "t" },
    { id: "teach", keys: "T", description: "teaching mode: this question's loop stage by stage with captions, for a class (the shipped examples in its gallery)", when: ["lab"], match: (i) => i === "T" },
    { id: "compare", keys: "m", description: "measure: batch runs (retry, reflect, trained) as the paper's Tab. 2, paired on identical turn 1", when: ["lab"], match: (i) => i === "m" }
]);
