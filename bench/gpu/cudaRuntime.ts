// What node-llama-cpp's prebuilt CUDA backend needs before it can load: its npm binary packages, and the
// CUDA runtime libraries (libcudart, libcublas, libcublasLt) its libggml-cuda.so links against. Those come
// from a CUDA toolkit when one is installed, else from NVIDIA's PyPI wheels: the training venv's torch
// brings the CUDA 13 ones, and a small venv under the cache gets them when neither is there.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../src/paths.js";

export type Log = (line: string) => void;

/** An install the bench would run; refused when BENCH_GPU_NO_INSTALL=1 (tests: nothing may be installed). */
export function mayInstall(what: string, env: NodeJS.ProcessEnv = process.env): void {
    if (env.BENCH_GPU_NO_INSTALL === "1") throw new Error(`would install ${what}, but BENCH_GPU_NO_INSTALL=1`);
}

function run(cmd: string, args: string[], what: string, cwd = PROJECT_ROOT): void {
    const r = spawnSync(cmd, args, { cwd, stdio: ["ignore", "inherit", "inherit"] });
    if (r.error) throw new Error(`${what}: could not run ${cmd} (${r.error.message})`);
    if (r.status !== 0) throw new Error(`${what} failed (${cmd} ${args.join(" ")}: exit ${r.status ?? r.signal})`);
}

// node-llama-cpp's "exports" hide its package.json from require.resolve; the project's own node_modules is where npm put it.
const nlcDir = (): string => join(PROJECT_ROOT, "node_modules", "node-llama-cpp");

/** node-llama-cpp's CUDA binary packages for this platform, from its optionalDependencies (names change between releases). */
export function cudaPackageNames(platform: string = process.platform, arch: string = process.arch): { version: string; names: string[] } {
    const pkg = JSON.parse(readFileSync(join(nlcDir(), "package.json"), "utf8")) as { version: string; optionalDependencies?: Record<string, string> };
    const os = platform === "win32" ? "win" : platform === "darwin" ? "mac" : platform;
    const prefix = `@node-llama-cpp/${os}-${arch}-cuda`;
    const names = Object.keys(pkg.optionalDependencies ?? {}).filter((n) => n === prefix || n.startsWith(`${prefix}-`));
    return { version: pkg.version, names };
}

/** Where an installed package lives in node_modules at the wanted version, else null. */
export function installedPackageDir(name: string, version: string): string | null {
    const dir = join(PROJECT_ROOT, "node_modules", ...name.split("/"));
    try {
        const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version: string };
        return pkg.version === version ? dir : null;
    } catch {
        return null;
    }
}

/** The CUDA binary packages' folders, for those installed at node-llama-cpp's version. */
export function cudaPackageDirs(): { version: string; names: string[]; dirs: Map<string, string> } {
    const { version, names } = cudaPackageNames();
    const dirs = new Map<string, string>();
    for (const n of names) {
        const d = installedPackageDir(n, version);
        if (d) dirs.set(n, d);
    }
    return { version, names, dirs };
}

/** The CUDA binary packages, installed (`npm install --no-save`) when missing; returns their folders. */
export function ensureCudaPackages(log: Log): Map<string, string> {
    const found = cudaPackageDirs();
    const { version, names } = found;
    let dirs = found.dirs;
    if (names.length === 0) throw new Error(`node-llama-cpp ${version} lists no CUDA binary package for ${process.platform}-${process.arch}`);
    const missing = names.filter((n) => !dirs.has(n));
    if (missing.length) {
        const specs = missing.map((n) => `${n}@${version}`);
        mayInstall(specs.join(" "));
        log(`installing ${specs.join(" ")} (npm install --no-save)`);
        run("npm", ["install", "--no-save", "--no-audit", "--no-fund", ...specs], "npm install of the CUDA binaries");
        dirs = cudaPackageDirs().dirs;
    }
    for (const n of names) {
        const d = dirs.get(n);
        if (!d) throw new Error(`${n}@${version} is still missing after npm install`);
        log(`${n}@${version}: ${d.slice(PROJECT_ROOT.length + 1)}`);
    }
    return dirs;
}

/** `ldd` output as (soname, resolved path or null for "not found"). */
export function parseLdd(text: string): { name: string; path: string | null }[] {
    const out: { name: string; path: string | null }[] = [];
    for (const line of text.split("\n")) {
        const m = line.match(/^\s*(\S+)\s+=>\s+(not found|(\S+))/);
        if (m) out.push({ name: m[1]!, path: m[2] === "not found" ? null : m[3]! });
    }
    return out;
}

/** The NVIDIA driver's own library: it comes with the driver, never from a wheel. */
export const DRIVER_LIB = "libcuda.so.1";

export interface CudaVariant {
    /** e.g. "CUDA 13 (@node-llama-cpp/linux-x64-cuda)" */
    label: string;
    lib: string;
    cudaMajor: number | null;
}

/** The libggml-cuda.so builds node-llama-cpp tries, in its order: the main one, then the -ext package's fallback. */
export function cudaVariants(dirs: Map<string, string>): CudaVariant[] {
    const out: CudaVariant[] = [];
    for (const [name, dir] of dirs) {
        const bins = join(dir, "bins");
        if (!existsSync(bins)) continue;
        for (const sub of readdirSync(bins))
            for (const rel of ["libggml-cuda.so", join("fallback", "libggml-cuda.so")]) {
                const lib = join(bins, sub, rel);
                if (!existsSync(lib)) continue;
                const major = lddOf(lib, "").find((d) => /^libcudart\.so\.\d+$/.test(d.name))?.name.split(".").pop();
                out.push({ label: `CUDA ${major ?? "?"} (${name}${rel.startsWith("fallback") ? ", fallback" : ""})`, lib, cudaMajor: major ? Number(major) : null });
            }
    }
    return out;
}

function lddOf(lib: string, ldPath: string): { name: string; path: string | null }[] {
    const env = { ...process.env, LD_LIBRARY_PATH: [ldPath, process.env.LD_LIBRARY_PATH].filter(Boolean).join(":") };
    const r = spawnSync("ldd", [lib], { encoding: "utf8", env });
    return r.status === 0 ? parseLdd(r.stdout) : [];
}

/** The oldest driver (major) each CUDA major runs on, from NVIDIA's compatibility table. */
export const MIN_DRIVER: Record<number, number> = { 12: 525, 13: 580 };

const cacheRoot = (): string => join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "reflect-lab");
export const runtimeVenv = (major: number): string => join(cacheRoot(), `cuda-runtime-cu${major}`);

/** The PyPI wheels that hold libcudart/libcublas/libcublasLt of a CUDA major (13: the versions torch 2.15 pins). */
export const RUNTIME_WHEELS: Record<number, string[]> = {
    12: ["nvidia-cuda-runtime-cu12==12.9.79", "nvidia-cublas-cu12==12.9.3.13"],
    13: ["nvidia-cuda-runtime==13.2.86", "nvidia-cublas==13.4.1.3"]
};

/** Folders that may hold CUDA runtime libraries: toolkits, then the NVIDIA wheels of the training venv and of the cache venvs. */
export function candidateLibDirs(): string[] {
    const dirs: string[] = [];
    const sub = (d: string) => (existsSync(d) ? readdirSync(d).map((x) => join(d, x)) : []);
    for (const cuda of sub("/usr/local").filter((d) => /\/cuda(-[\d.]+)?$/.test(d))) dirs.push(join(cuda, "lib64"), ...sub(join(cuda, "targets")).map((t) => join(t, "lib")));
    const venvs = [join(PROJECT_ROOT, "training", ".venv"), runtimeVenv(13), runtimeVenv(12)];
    for (const v of venvs) for (const lib of sub(join(v, "lib"))) for (const pkg of sub(join(lib, "site-packages", "nvidia"))) dirs.push(join(pkg, "lib"));
    return dirs.filter((d) => existsSync(d));
}

export interface VariantPlan {
    variant: CudaVariant;
    /** Sonames ldd cannot resolve even with the extra folders (the driver's libcuda excluded). */
    unresolved: string[];
    /** Extra folders for LD_LIBRARY_PATH. */
    dirs: string[];
    driverOk: boolean;
}

/** For each variant: which missing libraries the candidate folders supply, and whether the driver is new enough. */
export function planVariants(variants: CudaVariant[], candidates: string[], driver: number | null): VariantPlan[] {
    return variants.map((variant) => {
        const missing = lddOf(variant.lib, "").filter((d) => d.path === null && d.name !== DRIVER_LIB && !d.name.startsWith("libggml"));
        const dirs: string[] = [];
        const unresolved: string[] = [];
        for (const { name } of missing) {
            const dir = candidates.find((d) => existsSync(join(d, name)));
            if (!dir) unresolved.push(name);
            else if (!dirs.includes(dir)) dirs.push(dir);
        }
        const min = variant.cudaMajor == null ? undefined : MIN_DRIVER[variant.cudaMajor];
        return { variant, unresolved, dirs, driverOk: driver == null || min == null || driver >= min };
    });
}

/** pip-installs one CUDA major's runtime wheels into its own venv under the cache (a few hundred MB). */
export function installRuntimeWheels(major: number, log: Log): void {
    const wheels = RUNTIME_WHEELS[major];
    if (!wheels) throw new Error(`no runtime wheels known for CUDA ${major}`);
    const venv = runtimeVenv(major);
    mayInstall(`${wheels.join(" ")} into ${venv}`);
    log(`installing the CUDA ${major} runtime from PyPI into ${venv}: ${wheels.join(" ")}`);
    if (!existsSync(join(venv, "bin", "python"))) run(process.env.PYTHON ?? "python3", ["-m", "venv", venv], "python -m venv");
    run(join(venv, "bin", "python"), ["-m", "pip", "install", "--progress-bar", "off", "--no-deps", ...wheels], "pip install of the CUDA runtime");
}

/**
 * The folders LD_LIBRARY_PATH needs so that a CUDA variant the driver can run loads: none when the system
 * has the libraries; the training venv's or the cache's wheels otherwise (installed when nowhere).
 */
export function ensureCudaRuntime(dirs: Map<string, string>, driver: number | null, log: Log): { ldPath: string[]; plans: VariantPlan[] } {
    const variants = cudaVariants(dirs);
    if (variants.length === 0) throw new Error(`no libggml-cuda.so in ${[...dirs.values()].join(", ")}`);
    let plans = planVariants(variants, candidateLibDirs(), driver);
    let usable = plans.find((p) => p.driverOk && p.unresolved.length === 0);
    const venvPython = join(PROJECT_ROOT, "training", ".venv", "bin", "python");
    if (!usable && !existsSync(venvPython)) {
        // The training section needs this venv anyway, and its torch wheel brings NVIDIA's CUDA runtime wheels.
        mayInstall("the training venv (node training/setup.mjs)");
        log("creating the training venv first (node training/setup.mjs): its torch brings the CUDA runtime libraries");
        run(process.execPath, [join(PROJECT_ROOT, "training", "setup.mjs")], "training/setup.mjs");
        plans = planVariants(variants, candidateLibDirs(), driver);
        usable = plans.find((p) => p.driverOk && p.unresolved.length === 0);
    }
    if (!usable) {
        // The newest CUDA major the driver runs, among the builds node-llama-cpp ships.
        const majors = [...new Set(variants.map((v) => v.cudaMajor).filter((m): m is number => m != null && RUNTIME_WHEELS[m] != null))].sort((a, b) => b - a);
        const major = majors.find((m) => driver == null || driver >= (MIN_DRIVER[m] ?? 0));
        if (major == null) throw new Error(`driver ${driver} is older than every CUDA build node-llama-cpp ships (${variants.map((v) => v.label).join(", ")}; minimum drivers ${JSON.stringify(MIN_DRIVER)})`);
        installRuntimeWheels(major, log);
        plans = planVariants(variants, candidateLibDirs(), driver);
        usable = plans.find((p) => p.driverOk && p.unresolved.length === 0);
    }
    for (const p of plans)
        log(`${p.variant.label}: ${p.unresolved.length ? `missing ${p.unresolved.join(", ")}` : p.dirs.length ? `runtime from ${p.dirs.join(", ")}` : "runtime from the system"}${p.driverOk ? "" : ` (driver ${driver} too old: needs >= ${MIN_DRIVER[p.variant.cudaMajor!]})`}`);
    if (!usable) throw new Error(`no CUDA build can load: ${plans.map((p) => `${p.variant.label} ${p.unresolved.length ? `lacks ${p.unresolved.join(", ")}` : "needs a newer driver"}`).join("; ")}`);
    return { ldPath: [...new Set(plans.filter((p) => p.driverOk && p.unresolved.length === 0).flatMap((p) => p.dirs))], plans };
}

/** Why a CUDA load failed, from the linker's view: the libraries that still do not resolve (the driver's included). */
export function linkDiagnosis(plans: VariantPlan[], ldPath: string[]): string {
    let driverMissing = false;
    const parts = plans.map((p) => {
        const missing = lddOf(p.variant.lib, ldPath.join(":")).filter((d) => d.path === null && !d.name.startsWith("libggml")).map((d) => d.name);
        driverMissing ||= missing.includes(DRIVER_LIB);
        return `${p.variant.label}: ${missing.length ? `unresolved ${missing.join(", ")}` : "all libraries resolve"}`;
    });
    const note = driverMissing ? ` (${DRIVER_LIB} is the NVIDIA driver's own library: the driver's user-space part is not installed or not visible here)` : "";
    return parts.join("; ") + note;
}
