"""Runs an untrusted code answer for reflect-lab, inside the sandbox (bubblewrap).

Usage: python3 -I -S -c <this file's text> <memory_mb> <cpu_seconds>
Reads {"code", "setup", "steps"} as JSON on stdin: the answer, MBPP's test_setup_code, and the
steps the trusted judge (judge.py) planned: {"exec": src, "id": n} statements and
{"probe": src, "id": n} expressions whose values the judge needs. It never gets the tests'
expected values or their source, only the calls to evaluate, and it decides nothing: it writes
each value as tagged plain data on fd 3, and the judge, outside, compares. Everything here can
be subverted by the answer (it runs in this process); that is fine, because a forged value is
only useful to an answer that already knows the expected one. The isolation (namespaces, an
unprivileged uid, a read-only system) is bubblewrap's; the limits below are a second layer.
"""
import json
import os
import resource
import sys

VALUE_CAP = 256 * 1024  # bytes of one encoded value
DEPTH_CAP = 60
TEXT_CAP = 300


def limit(which, value):
    try:
        resource.setrlimit(which, (value, value))
    except (ValueError, OSError):
        pass


def short(text):
    text = str(text)
    return text if len(text) <= TEXT_CAP else text[:TEXT_CAP] + "..."


def describe(exc):
    if isinstance(exc, MemoryError):
        return "MemoryError: memory limit exceeded"
    try:
        text = str(exc)
    except BaseException:  # noqa: BLE001 - a hostile __str__
        text = ""
    name = type(exc).__name__
    return short(f"{name}: {text}" if text else name)


class TooBig(Exception):
    pass


def encode(value, depth=0, budget=None):
    """Plain data only, by exact type: a subclass (an always-equal int, a list with a custom
    __eq__) is reported by its type name and can never compare equal outside."""
    if budget is None:
        budget = [VALUE_CAP]
    budget[0] -= 8
    if budget[0] < 0 or depth > DEPTH_CAP:
        raise TooBig()
    t = type(value)
    if value is None:
        return {"n": 0}
    if t is bool:
        return {"b": value}
    if t is int:
        s = int.__format__(value, "x")  # hex: not bound by the 4300-digit str limit
        budget[0] -= len(s)
        return {"i": s}
    if t is float:
        return {"f": float.__repr__(value)}
    if t is complex:
        return {"c": [float.__repr__(value.real), float.__repr__(value.imag)]}
    if t is str:
        budget[0] -= len(value)
        if budget[0] < 0:
            raise TooBig()
        return {"s": value}
    if t is bytes:
        budget[0] -= len(value) * 2
        if budget[0] < 0:
            raise TooBig()
        return {"y": bytes.hex(value)}
    if t in (list, tuple, set, frozenset):
        tag = {list: "l", tuple: "t", set: "S", frozenset: "F"}[t]
        items = list(t.__iter__(value))
        return {tag: [encode(v, depth + 1, budget) for v in items]}
    if t is dict:
        return {"d": [[encode(k, depth + 1, budget), encode(v, depth + 1, budget)] for k, v in dict.items(value)]}
    # Standard-library containers whose equality against plain data is the base type's.
    base = _plain_base(t)
    if base is dict:
        return {"d": [[encode(k, depth + 1, budget), encode(v, depth + 1, budget)] for k, v in dict.items(value)]}
    if base is tuple:
        return {"t": [encode(v, depth + 1, budget) for v in tuple.__iter__(value)]}
    return {"o": short(getattr(t, "__qualname__", "object"))}


def _plain_base(t):
    """Standard containers whose equality against plain data is their base type's."""
    import collections
    if t in (collections.OrderedDict, collections.defaultdict, collections.Counter):
        return dict
    if (issubclass(t, tuple) and hasattr(t, "_fields") and t.__eq__ is tuple.__eq__
            and t.__ne__ is tuple.__ne__ and t.__hash__ is tuple.__hash__):
        return tuple  # a namedtuple
    return None


def main():
    memory_mb, cpu_seconds = int(sys.argv[1]), int(sys.argv[2])
    out = os.fdopen(3, "w", buffering=1)
    request = json.loads(sys.stdin.read())
    sys.stdin.close()
    sys.dont_write_bytecode = True

    def emit(**msg):
        out.write(json.dumps(msg) + "\n")
        out.flush()

    limit(resource.RLIMIT_AS, memory_mb * 1024 * 1024)
    limit(resource.RLIMIT_CPU, cpu_seconds)
    limit(resource.RLIMIT_FSIZE, 8 * 1024 * 1024)
    limit(resource.RLIMIT_CORE, 0)
    limit(resource.RLIMIT_NPROC, 0)  # binds: we run as an unprivileged uid
    limit(resource.RLIMIT_NOFILE, 64)
    if os.getuid() == 0 and os.environ.get("REFLECT_LAB_UNSAFE") != "1":
        emit(stage="refused", e="the sandbox runs as root; refusing to run untrusted code")
        return

    env = {"__name__": "__main__", "__builtins__": __builtins__}
    # MBPP's own harness order: the answer's definitions, then test_setup_code, then the tests.
    for label, source in (("answer", request.get("code")), ("setup", request.get("setup"))):
        if not source:
            continue
        try:
            exec(compile(source, f"<{label}>", "exec"), env)  # noqa: S102 - the sandbox's purpose
        except BaseException as e:  # noqa: BLE001 - any failure of the answer is a result
            emit(stage=label, e=describe(e), memory=isinstance(e, MemoryError))
            return
    emit(stage="loaded")
    for step in request.get("steps", []):
        sid = step["id"]
        try:
            if "exec" in step:
                exec(compile(step["exec"], f"<test step {sid}>", "exec"), env)  # noqa: S102
                emit(id=sid, ok=1)
            else:
                value = eval(compile(step["probe"], f"<test call {sid}>", "eval"), env)  # noqa: S307
                try:
                    emit(id=sid, v=encode(value))
                except TooBig:
                    emit(id=sid, e="the value is too large to check")
        except BaseException as e:  # noqa: BLE001
            emit(id=sid, e=describe(e), memory=isinstance(e, MemoryError))
    emit(stage="end")


main()
