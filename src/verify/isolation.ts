// Which isolation the code verifier runs answers in, found out (not assumed) by starting a real
// sandbox once per process. bubblewrap does the isolating: an unprivileged uid in its own user,
// mount, pid, network, ipc and uts namespaces, a read-only view of /usr and the Python install,
// a private size-capped /tmp, and nothing of the user's home, config dir, sessions or project.
// As root, bwrap runs privileged (it can read a Python inside /root, mode 0700), drops to uid
// 65534 with setpriv, and starts an inner unprivileged bwrap for the user namespace.
import { spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, lstatSync, readlinkSync, realpathSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";

export const SANDBOX_UID = 65534;
const TMP_BYTES = 16 * 1024 * 1024;

export interface Isolation {
    /** "bubblewrap": real isolation; "unsafe": the user asked to run code without it; "none": refused. */
    kind: "bubblewrap" | "unsafe" | "none";
    /** One line for startup banners, `verify` and manifests. */
    summary: string;
    /** Why there is no isolation and how to get it (kind "none" and "unsafe"). */
    fix?: string;
    /** The command that runs `python -I -S -c <runner> args...` in the sandbox: prefix + python argv. */
    command?: (pythonArgs: string[]) => { cmd: string; args: string[] };
}

interface PythonInfo {
    executable: string;
    prefix: string;
}

let unsafeAllowed = false;
let cached: Isolation | null = null;
let cachedPython: PythonInfo | null = null;

/** `--unsafe-code-exec`: run code answers without a sandbox when none can be had (never silently). */
export function allowUnsafeCodeExec(on: boolean): void {
    if (unsafeAllowed !== on) cached = null;
    unsafeAllowed = on;
}

function which(name: string): string | null {
    for (const dir of (process.env.PATH ?? "/usr/bin:/bin").split(delimiter)) {
        const p = join(dir, name);
        try {
            accessSync(p, constants.X_OK);
            return p;
        } catch {
            /* not here */
        }
    }
    for (const p of [`/usr/bin/${name}`, `/bin/${name}`, `/usr/sbin/${name}`]) if (existsSync(p)) return p;
    return null;
}

/** The interpreter behind `python3` (a pyenv shim is a shell script needing an environment) and its install prefix. */
export function sandboxPython(): PythonInfo {
    if (cachedPython) return cachedPython;
    const py = process.env.REFLECT_LAB_SANDBOX_PYTHON ?? "python3";
    const r = spawnSync(py, ["-I", "-S", "-c", "import os, sys; print(os.path.realpath(sys.executable)); print(os.path.realpath(sys.base_prefix))"], { encoding: "utf8", timeout: 10_000 });
    const [exe, prefix] = r.status === 0 ? r.stdout.trim().split("\n") : [];
    cachedPython = exe && prefix ? { executable: exe, prefix } : { executable: py, prefix: "/usr" };
    return cachedPython;
}

/** Read-only binds of the system: /usr, the merged-/usr links, and the Python install when it lives elsewhere. */
function systemBinds(python: PythonInfo, makeParents: boolean): string[] {
    const args = ["--ro-bind", "/usr", "/usr"];
    for (const top of ["/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32"]) {
        let st;
        try {
            st = lstatSync(top);
        } catch {
            continue;
        }
        if (st.isSymbolicLink()) args.push("--symlink", readlinkSync(top), top);
        else if (st.isDirectory()) args.push("--ro-bind", top, top);
    }
    const extra = new Set<string>();
    for (const p of [python.prefix, dirname(python.executable)]) {
        if (p === "/usr" || p.startsWith("/usr/") || [...extra].some((e) => p === e || p.startsWith(e + "/"))) continue;
        extra.add(p);
    }
    for (const p of extra) {
        // bwrap makes missing parents itself, but as root with mode 0700 where /root is: open them up (only in the sandbox's own root).
        if (makeParents) {
            const parts = p.split("/").filter(Boolean);
            for (let i = 1; i < parts.length; i++) args.push("--perms", "0755", "--dir", "/" + parts.slice(0, i).join("/"));
        }
        args.push("--ro-bind", p, p);
    }
    return args;
}

const PRIVATE_TMP = ["--dev", "/dev", "--perms", "1777", "--size", String(TMP_BYTES), "--tmpfs", "/tmp", "--chdir", "/tmp"];

function buildCommand(bwrap: string, setpriv: string | null, python: PythonInfo): (pythonArgs: string[]) => { cmd: string; args: string[] } {
    const inner = [
        "--unshare-all", "--unshare-user", "--disable-userns", "--die-with-parent", "--new-session",
        "--uid", String(SANDBOX_UID), "--gid", String(SANDBOX_UID), "--hostname", "sandbox",
        ...systemBinds(python, false), ...PRIVATE_TMP
    ];
    if (process.geteuid?.() !== 0) return (py) => ({ cmd: bwrap, args: [...inner, python.executable, ...py] });
    const outer = [
        "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try", "--die-with-parent", "--new-session",
        "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--cap-add", "CAP_SETPCAP",
        // The inner bwrap reads /proc (its uid maps); the answer's own view has none.
        ...systemBinds(python, true), "--proc", "/proc", ...PRIVATE_TMP,
        setpriv!, `--reuid=${SANDBOX_UID}`, `--regid=${SANDBOX_UID}`, "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--",
        bwrap
    ];
    return (py) => ({ cmd: bwrap, args: [...outer, ...inner, python.executable, ...py] });
}

const PROBE = "import os, socket; print(os.getuid(), len(socket.if_nameindex()), any(os.path.exists(p) for p in ('/home', '/root/.bashrc', '/etc/passwd')))";

/** Finds out, once per process, which isolation code answers get here. */
export function codeIsolation(): Isolation {
    if (cached) return cached;
    cached = detect();
    return cached;
}

function unsafe(why: string, fix: string): Isolation {
    if (!unsafeAllowed) return { kind: "none", summary: `no code sandbox: ${why}`, fix };
    return { kind: "unsafe", summary: `UNSAFE: code answers run without a sandbox (--unsafe-code-exec), as uid ${process.geteuid?.() ?? "?"}: ${why}`, fix };
}

function detect(): Isolation {
    const python = sandboxPython();
    // REFLECT_LAB_BWRAP: a bwrap somewhere else (or a path that does not exist, to try the refusal).
    const bwrap = process.env.REFLECT_LAB_BWRAP ? (existsSync(process.env.REFLECT_LAB_BWRAP) ? process.env.REFLECT_LAB_BWRAP : null) : which("bwrap");
    if (!bwrap) return unsafe("bubblewrap (bwrap) is not installed", "install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap; Fedora: dnf install bubblewrap), or pass --unsafe-code-exec to run code answers unisolated");
    const root = process.geteuid?.() === 0;
    const setpriv = root ? which("setpriv") : null;
    if (root && !setpriv) return unsafe("running as root and setpriv (util-linux) is missing, so the sandbox cannot drop to an unprivileged uid", "install util-linux's setpriv, run reflect-lab as a normal user, or pass --unsafe-code-exec");
    const command = buildCommand(bwrap, setpriv, python);
    const { cmd, args } = command(["-I", "-S", "-c", PROBE]);
    const r = spawnSync(cmd, args, { encoding: "utf8", timeout: 15_000, env: { PATH: "/usr/bin:/bin" } });
    const [uid, ifaces, home] = r.status === 0 ? r.stdout.trim().split(" ") : [];
    if (r.status !== 0 || uid !== String(SANDBOX_UID) || ifaces !== "1" || home !== "False") {
        const why = (r.stderr || r.error?.message || r.stdout || `exit ${r.status}`).trim().split("\n").pop();
        return unsafe(
            `bubblewrap could not start a sandbox here (${why})`,
            "allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1, or on Ubuntu kernel.apparmor_restrict_unprivileged_userns=0), run inside a container that permits them, or pass --unsafe-code-exec"
        );
    }
    const version = spawnSync(bwrap, ["--version"], { encoding: "utf8" }).stdout.trim() || "bubblewrap";
    const how = root ? `uid ${SANDBOX_UID} (dropped from root by setpriv)` : `uid ${SANDBOX_UID} (mapped to your own uid ${process.geteuid?.()})`;
    return {
        kind: "bubblewrap",
        summary: `${version}: ${how}, own user/mount/pid/net/ipc/uts namespaces, no network, read-only /usr and Python (${realpathSync(python.executable)}), a private ${TMP_BYTES >> 20} MiB /tmp, no home, config dir, sessions or project`,
        command
    };
}

/** For tests: forget what was found (e.g. after changing PATH). */
export function resetIsolation(): void {
    cached = null;
    cachedPython = null;
}
