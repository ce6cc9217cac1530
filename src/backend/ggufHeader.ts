// Our own structural check of a GGUF file before node-llama-cpp sees it: its reader trusts the
// header's counts and lengths and reads zeros past the end of the file, so a 24-byte file claiming
// 2^40 tensors loops while memory grows. This walks the header, every metadata entry and every tensor
// info with bounds checks (a few MB of reads for a real model, milliseconds) and says what is wrong.
// Layout: https://github.com/ggml-org/ggml/blob/master/docs/gguf.md
import { closeSync, readSync } from "node:fs";
import { openRegularFileSync } from "../inputFile.js";
import { printable } from "../terminalText.js";

/** A file that is not a usable GGUF: names the file and what is wrong with it. */
export class GgufFileError extends Error {
    override name = "GgufFileError";
    constructor(
        readonly file: string,
        readonly problem: string,
        what = "model"
    ) {
        super(`${what} ${file} is not a usable GGUF file: ${problem}`);
    }
}

export interface GgufHeader {
    version: number;
    tensorCount: number;
    metadataCount: number;
    /** Where the tensor data starts (after the tensor infos, aligned). */
    dataOffset: number;
    fileSize: number;
    alignment: number;
}

const MAGIC = "GGUF";
const GGML_MAX_DIMS = 4;
// llama.cpp's own limits (gguf.cpp): anything larger is refused there too.
const MAX_STRING = 1024 * 1024 * 1024;
const MAX_ARRAY = 1024 * 1024 * 1024;
const MAX_NESTING = 4;

// Value types: uint8 int8 uint16 int16 uint32 int32 float32 bool string array uint64 int64 float64.
const STRING = 8;
const ARRAY = 9;
const FIXED_SIZE: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };

// [bytes per block, elements per block] of the ggml tensor types whose size we check (ggml.c
// type_traits); other types are checked only for their offset.
const GGML_TYPES: Record<number, [number, number]> = {
    0: [4, 1], // F32
    1: [2, 1], // F16
    2: [18, 32], // Q4_0
    3: [20, 32], // Q4_1
    6: [22, 32], // Q5_0
    7: [24, 32], // Q5_1
    8: [34, 32], // Q8_0
    9: [36, 32], // Q8_1
    10: [84, 256], // Q2_K
    11: [110, 256], // Q3_K
    12: [144, 256], // Q4_K
    13: [176, 256], // Q5_K
    14: [210, 256], // Q6_K
    15: [292, 256], // Q8_K
    24: [1, 1], // I8
    25: [2, 1], // I16
    26: [4, 1], // I32
    27: [8, 1], // I64
    28: [8, 1], // F64
    30: [2, 1] // BF16
};

class Truncated extends Error {}

/** Sequential reads over a file descriptor through a window buffer; every read is bounds-checked. */
class Reader {
    pos = 0;
    private buf = Buffer.alloc(1024 * 1024);
    private start = 0;
    private end = 0;
    constructor(
        private readonly fd: number,
        readonly size: number,
        /** 4 in version 1 (32-bit counts and lengths), 8 after. */
        readonly lenBytes: 4 | 8
    ) {}

    get remaining(): number {
        return this.size - this.pos;
    }

    private need(n: number, what: string): Buffer {
        if (n > this.remaining) throw new Truncated(`the file ends in ${what} (byte ${this.pos} + ${n} of ${this.size})`);
        if (this.pos < this.start || this.pos + n > this.end) {
            if (n > this.buf.length) this.buf = Buffer.alloc(n);
            this.start = this.pos;
            this.end = this.pos + readFully(this.fd, this.buf, Math.min(this.buf.length, this.remaining), this.pos);
            if (this.end - this.start < n) throw new Truncated(`the file ends in ${what} (byte ${this.pos} of ${this.size})`);
        }
        return this.buf.subarray(this.pos - this.start, this.pos - this.start + n);
    }

    u32(what: string): number {
        const v = this.need(4, what).readUInt32LE(0);
        this.pos += 4;
        return v;
    }

    /** A count or length: 32 bits in version 1, 64 after; returned as a bigint so 2^64 - 1 stays exact. */
    len(what: string): bigint {
        const b = this.need(this.lenBytes, what);
        this.pos += this.lenBytes;
        return this.lenBytes === 4 ? BigInt(b.readUInt32LE(0)) : b.readBigUInt64LE(0);
    }

    u64(what: string): bigint {
        const v = this.need(8, what).readBigUInt64LE(0);
        this.pos += 8;
        return v;
    }

    skip(n: bigint, what: string): void {
        if (n > BigInt(this.remaining)) throw new Truncated(`${what} is ${n} bytes long, past the end of the file (byte ${this.pos} of ${this.size})`);
        this.pos += Number(n);
    }

    string(what: string, keep: boolean): string {
        const n = this.len(`the length of ${what}`);
        if (n > BigInt(MAX_STRING)) throw new Error(`${what} claims ${n} bytes, more than llama.cpp reads (${MAX_STRING})`);
        if (!keep) {
            this.skip(n, what);
            return "";
        }
        // Keys and names are short; a long one is kept only in part (it is only quoted in messages).
        const kept = Math.min(Number(n), 4096);
        const s = this.need(kept, what).toString("utf8");
        this.pos += kept;
        this.skip(n - BigInt(kept), what);
        return s;
    }
}

function readFully(fd: number, buf: Buffer, length: number, position: number): number {
    let got = 0;
    while (got < length) {
        const n = readSync(fd, buf, got, length - got, position + got);
        if (n === 0) break;
        got += n;
    }
    return got;
}

/** Skips one metadata value of type `type`; returns a uint32 value when `want` (general.alignment). */
function skipValue(r: Reader, type: number, what: string, depth = 0): number | undefined {
    const fixed = FIXED_SIZE[type];
    if (fixed !== undefined) {
        if (type === 4) return r.u32(what);
        r.skip(BigInt(fixed), what);
        return undefined;
    }
    if (type === STRING) {
        r.string(what, false);
        return undefined;
    }
    if (type !== ARRAY) throw new Error(`${what} has an unknown value type ${type}`);
    if (depth >= MAX_NESTING) throw new Error(`${what} nests arrays more than ${MAX_NESTING} deep`);
    const elem = r.u32(`the element type of ${what}`);
    const count = r.len(`the length of ${what}`);
    if (count > BigInt(MAX_ARRAY)) throw new Error(`${what} claims ${count} elements, more than llama.cpp reads (${MAX_ARRAY})`);
    const elemFixed = FIXED_SIZE[elem];
    if (elemFixed !== undefined) {
        r.skip(count * BigInt(elemFixed), `${what} (${count} elements)`);
        return undefined;
    }
    if (elem !== STRING && elem !== ARRAY) throw new Error(`${what} is an array of unknown element type ${elem}`);
    // Each string takes at least its length field, each array its type and length: bounds the count first.
    const min = BigInt(elem === STRING ? r.lenBytes : 4 + r.lenBytes);
    if (count * min > BigInt(r.remaining)) throw new Truncated(`${what} claims ${count} elements, more than the ${r.remaining} bytes left in the file can hold`);
    for (let i = 0n; i < count; i++) skipValue(r, elem, `element ${i} of ${what}`, depth + 1);
    return undefined;
}

/**
 * Reads and checks the structure of a GGUF file; throws GgufFileError naming the file and the
 * problem (not a GGUF, unsupported version, impossible counts, truncated, a tensor outside the file).
 * `what` names the file's role in messages ("model", "LoRA adapter").
 */
export function checkGgufFile(path: string, what = "model"): GgufHeader {
    let opened: { fd: number; size: number };
    try {
        opened = openRegularFileSync(path, what);
    } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === "ENOENT") throw new GgufFileError(path, "the file does not exist", what);
        if (code === "EISDIR") throw new GgufFileError(path, "it is a directory", what);
        if (code) throw new GgufFileError(path, `cannot open it (${code})`, what);
        throw e;
    }
    const { fd, size } = opened;
    const fail = (problem: string): never => {
        throw new GgufFileError(path, problem, what);
    };
    try {
        if (size === 0) fail("the file is empty (0 bytes)");
        const head = Buffer.alloc(Math.min(size, 64));
        readFully(fd, head, head.length, 0);
        if (size < 4 || head.toString("latin1", 0, 4) !== MAGIC) fail(badMagic(head));
        if (size < 8) fail(`the file is ${size} bytes, too short for a GGUF header (24 bytes)`);
        const version = head.readUInt32LE(4);
        if (version < 1 || version > 3) fail(`unsupported GGUF version ${version} (expected 1 to 3)${version > 0xffff ? "; the file is corrupt or big-endian" : ""}`);
        const lenBytes = version === 1 ? 4 : 8;
        const headerBytes = 8 + 2 * lenBytes;
        if (size < headerBytes) fail(`the file is ${size} bytes, too short for a GGUF version ${version} header (${headerBytes} bytes)`);
        const r = new Reader(fd, size, lenBytes);
        r.pos = 8;
        const tensors = r.len("the tensor count");
        const kvs = r.len("the metadata count");
        // Each metadata entry needs at least a key length, a type and a 1-byte value; each tensor
        // info a name length, a dimension count, a type and an offset.
        const minKv = BigInt(lenBytes + 4 + 1);
        const minTensor = BigInt(lenBytes + 4 + 4 + 8);
        const room = BigInt(size - headerBytes);
        if (kvs * minKv + tensors * minTensor > room)
            fail(`the header claims ${tensors} tensors and ${kvs} metadata entries, but the file is only ${size} bytes (each metadata entry takes at least ${minKv} bytes, each tensor info ${minTensor}): the file is corrupt or truncated`);

        let alignment = 32;
        try {
            for (let i = 0n; i < kvs; i++) {
                const key = r.string(`the key of metadata entry ${i}`, true);
                const label = `metadata entry ${i} ("${printable(key.slice(0, 80), { oneLine: true })}")`;
                const type = r.u32(`the type of ${label}`);
                const v = skipValue(r, type, label);
                if (key === "general.alignment" && v !== undefined) {
                    if (v === 0 || (v & (v - 1)) !== 0) fail(`general.alignment is ${v}, not a power of two`);
                    alignment = v;
                }
            }
            const infos: { name: string; offset: bigint; bytes: bigint | null }[] = [];
            for (let i = 0n; i < tensors; i++) {
                const name = r.string(`the name of tensor ${i}`, true);
                const label = `tensor ${i} ("${printable(name.slice(0, 80), { oneLine: true })}")`;
                const dims = r.u32(`the dimension count of ${label}`);
                if (dims > GGML_MAX_DIMS) fail(`${label} has ${dims} dimensions; ggml allows at most ${GGML_MAX_DIMS}`);
                let elements = 1n;
                for (let d = 0; d < dims; d++) elements *= r.len(`dimension ${d} of ${label}`);
                const type = r.u32(`the type of ${label}`);
                const offset = r.u64(`the data offset of ${label}`);
                if (offset % BigInt(alignment) !== 0n) fail(`${label} has data offset ${offset}, not a multiple of the alignment ${alignment}`);
                const t = GGML_TYPES[type];
                infos.push({ name: label, offset, bytes: t && elements % BigInt(t[1]) === 0n ? (elements / BigInt(t[1])) * BigInt(t[0]) : null });
            }
            const dataOffset = tensors > 0n ? Math.ceil(r.pos / alignment) * alignment : r.pos;
            const dataBytes = BigInt(size) - BigInt(dataOffset);
            for (const t of infos) {
                const end = t.offset + (t.bytes ?? 0n);
                if (end > dataBytes) fail(`${t.name} needs bytes ${BigInt(dataOffset) + t.offset}-${BigInt(dataOffset) + end} but the file is only ${size} bytes: it is truncated (an interrupted download?)`);
            }
            return { version, tensorCount: Number(tensors), metadataCount: Number(kvs), dataOffset, fileSize: size, alignment };
        } catch (e) {
            if (e instanceof Truncated) fail(`${e.message}: the file is truncated or corrupt`);
            if (e instanceof GgufFileError) throw e;
            fail((e as Error).message);
        }
    } finally {
        closeSync(fd);
    }
    throw new Error("unreachable");
}

/** What the first bytes look like when they are not "GGUF": a hint at what the file really is. */
function badMagic(head: Buffer): string {
    const first = head.subarray(0, 4);
    const hex = [...first].map((b) => b.toString(16).padStart(2, "0")).join(" ");
    const text = head.toString("latin1");
    const found = `it starts with ${hex} ("${printable(first.toString("latin1"), { oneLine: true })}"), not "GGUF"`;
    if (text.startsWith("version https://git-lfs")) return `${found}: it is a Git LFS pointer, not the model (run git lfs pull, or download the file itself)`;
    if (/^\s*</.test(text)) return `${found}: it looks like an HTML/XML page (a failed download?)`;
    if (text.startsWith("PK\x03\x04")) return `${found}: it is a zip archive; extract the .gguf from it`;
    if (text.startsWith("ggjt") || text.startsWith("ggml") || text.startsWith("tjgg") || text.startsWith("lmgg")) return `${found}: it is an old GGML/GGJT model; convert it to GGUF`;
    if (head.length >= 9 && head[8] === 0x7b) return `${found}: it looks like a safetensors file; convert it to GGUF`;
    return found;
}
