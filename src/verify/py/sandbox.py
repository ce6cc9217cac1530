"""Runs an untrusted code answer and its asserts for reflect-lab.

Usage: python3 -I -S sandbox.py <workdir> <memory_mb> <cpu_seconds>
Reads {"nonce", "setup", "code", "tests"} as JSON on stdin. Reports on fd 3 only (never on
stdout, which the answer owns), one JSON line per test and a final "done" line, each carrying
the nonce so the answer cannot forge a pass. The Node side also enforces a wall-clock limit,
kills the whole process group, and runs us with an empty environment (and `unshare -n` when
it can): the limits below are defence in depth, not the only line.
"""
import json
import os
import resource
import sys

# The nonce and the report channel live in function scope, not in module globals that the
# answer could read through sys.modules["__main__"]. Frame access (sys._getframe) must stay
# allowed because the standard library uses it (namedtuple, enum), so a deliberately
# adversarial answer could still reach them: the nonce defeats printed or naive forgeries.
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
PATH_EVENTS = {
    "os.remove": (0,), "os.rmdir": (0,), "os.rename": (0, 1), "shutil.rmtree": (0,),
    "os.mkdir": (0,), "os.chmod": (0,), "os.chown": (0,), "os.truncate": (0,),
    "os.symlink": (0, 1), "os.link": (0, 1), "os.utime": (0,), "shutil.move": (0, 1),
    "shutil.copyfile": (1,), "shutil.copytree": (1,), "os.chdir": (0,),
}
BLOCKED_EVENTS = frozenset((
    "os.fork", "os.forkpty", "os.system", "os.posix_spawn", "os.startfile", "subprocess.Popen",
    "os.kill", "os.killpg", "signal.pthread_kill", "os.setuid", "os.setreuid", "os.setgid",
    "socket.__new__", "socket.connect", "socket.bind", "socket.getaddrinfo", "socket.sendto",
    "ctypes.dlopen", "ctypes.dlsym", "ctypes.cdata", "ctypes.call_function", "sys.addaudithook",
    "mmap.__new__", "_thread.start_new_thread", "sys.setprofile", "sys.settrace",
))
BLOCKED_MODULES = frozenset(("ctypes", "_ctypes", "_posixsubprocess", "subprocess", "multiprocessing",
                             "_multiprocessing", "socket", "_socket", "gc", "mmap"))


def limit(which, value):
    try:
        resource.setrlimit(which, (value, value))
    except (ValueError, OSError):
        pass


def others_can_use(path):
    """Whether user "nobody" could read `path` (every parent searchable, the dir itself readable)."""
    st_mode = os.stat(path).st_mode
    if not (st_mode & 0o004 and st_mode & 0o001):
        return False
    parent = os.path.dirname(path)
    while parent and parent != os.sep:
        if not os.stat(parent).st_mode & 0o001:
            return False
        parent = os.path.dirname(parent)
    return True


def make_hook(workdir):
    """Audit hook: vetoes writes/deletes outside workdir, processes, signals, network, frames."""
    write_flags, path_events, blocked, modules = WRITE_FLAGS, dict(PATH_EVENTS), BLOCKED_EVENTS, BLOCKED_MODULES
    realpath, fsdecode, sep = os.path.realpath, os.fsdecode, os.sep

    def inside(path):
        if isinstance(path, int):
            return path in (0, 1, 2)
        try:
            full = realpath(fsdecode(path))
        except Exception:  # noqa: BLE001 - an unreadable path is refused
            return False
        return full == workdir or full.startswith(workdir + sep)

    def hook(event, args):
        if event in blocked or event.startswith("os.exec") or event.startswith("os.spawn"):
            raise PermissionError(f"sandbox: {event} is not allowed")
        if event == "import" and args and str(args[0]).split(".")[0] in modules:
            raise ImportError(f"sandbox: importing {args[0]} is not allowed")
        if event == "open":
            path, mode, flags = args
            writing = (mode is not None and any(c in str(mode) for c in "wax+")) or (
                mode is None and isinstance(flags, int) and flags & write_flags
            )
            if (writing or isinstance(path, int)) and not inside(path):
                raise PermissionError(f"sandbox: writing {path!r} is not allowed")
        elif event in path_events:
            for i in path_events[event]:
                if i < len(args) and args[i] is not None and not inside(args[i]):
                    raise PermissionError(f"sandbox: {event} on {args[i]!r} is not allowed")

    return hook


def refuse(*_a, **_k):
    raise PermissionError("sandbox: not allowed")


def describe(exc):
    if isinstance(exc, MemoryError):
        return "MemoryError: memory limit exceeded"
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def sandbox():
    workdir = os.path.realpath(sys.argv[1])
    memory_mb, cpu_seconds = int(sys.argv[2]), int(sys.argv[3])
    out = os.fdopen(3, "w", buffering=1)
    request = json.loads(sys.stdin.read())
    nonce = request.pop("nonce")
    sys.stdin.close()
    sys.dont_write_bytecode = True

    def report(**msg):
        msg["nonce"] = nonce
        out.write(json.dumps(msg) + "\n")
        out.flush()

    # Resource limits. Root ignores RLIMIT_NPROC, so as root we also drop to "nobody" when
    # nobody can still read the standard library (not so for e.g. a pyenv Python under /root).
    limit(resource.RLIMIT_AS, memory_mb * 1024 * 1024)
    limit(resource.RLIMIT_CPU, cpu_seconds)
    limit(resource.RLIMIT_FSIZE, 16 * 1024 * 1024)
    limit(resource.RLIMIT_CORE, 0)
    stdlib = os.path.dirname(os.__file__)
    if os.geteuid() == 0 and others_can_use(stdlib) and others_can_use(os.path.join(stdlib, "lib-dynload")):
        try:
            os.chown(workdir, 65534, 65534)
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
        except OSError:
            pass
    limit(resource.RLIMIT_NPROC, 0)
    os.chdir(workdir)
    # Defence in depth: the hook vetoes these too, but the answer should not even find them.
    for name in ("fork", "forkpty", "system", "popen", "posix_spawn", "posix_spawnp", "kill", "killpg", "_exit"):
        if hasattr(os, name):
            setattr(os, name, refuse)
    for mod in BLOCKED_MODULES:
        sys.modules[mod] = None  # "import socket" now raises ImportError
    sys.addaudithook(make_hook(workdir))  # last: it cannot be removed

    env = {"__name__": "__main__", "__builtins__": __builtins__}
    tests = request["tests"]
    for label, source in (("setup", request.get("setup")), ("answer", request["code"])):
        if not source:
            continue
        try:
            exec(compile(source, f"<{label}>", "exec"), env)  # noqa: S102 - the sandbox's purpose
        except BaseException as e:  # noqa: BLE001 - any failure of the answer is a result
            report(kind="done", passed=0, total=len(tests), error=f"{label} raised {describe(e)}",
                   memory=isinstance(e, MemoryError))
            return
    passed, failing, error, memory = 0, None, None, False
    for i, test in enumerate(tests):
        try:
            exec(compile(test, f"<test {i + 1}>", "exec"), env)  # noqa: S102
        except BaseException as e:  # noqa: BLE001
            ok = False
            if failing is None:
                failing = test.strip()
                error = ("AssertionError" + (f": {e}" if str(e) else "")) if isinstance(e, AssertionError) else describe(e)
                memory = isinstance(e, MemoryError)
        else:
            ok = True
            passed += 1
        report(kind="test", index=i, ok=ok)
    report(kind="done", passed=passed, total=len(tests), failing=failing, error=error, memory=memory)


sandbox()
