"""The trusted half of reflect-lab's code verifier: plans what the sandbox must compute and
decides the verdict itself.

Usage: python3 -I -S judge.py   (JSON lines on stdin/stdout, one request per line)
  {"op": "plan", "tests": [...]}              -> {"steps": [...]} or {"error": ...}
  {"op": "judge", "tests": [...], "lines": [...]} -> {"tests": [...], "passed", "total", ...}

Each test's asserts are parsed with `ast` (never executed here as a whole). The smallest
subexpressions that need the answer (a call of a function the answer defines, a name it sets)
become "probes": only their source goes to the sandbox, which returns their values as tagged
plain data. The rest of the assert, the expected values included, is evaluated HERE on those
values, so the answer's process never sees what it is compared with, and an always-equal
object, a forged report or a mutated test list cannot make a wrong answer pass.
"""
import ast
import builtins
import json
import math
import resource
import sys

SAFE_FUNCS = {
    name: getattr(builtins, name)
    for name in (
        "abs", "all", "any", "bin", "bool", "chr", "complex", "dict", "divmod", "enumerate", "filter",
        "float", "frozenset", "hex", "int", "isinstance", "len", "list", "map", "max", "min", "oct",
        "ord", "pow", "range", "repr", "reversed", "round", "set", "sorted", "str", "sum", "tuple",
        "type", "zip", "bytes",
    )
}
SAFE_NAMES = dict(SAFE_FUNCS, math=math)
# Calls that consume an iterable: computed in the sandbox as a whole (`sorted(f(x))`), so an
# answer returning a generator or a map is read the way Python's own assert would read it.
CONSUMERS = {"list", "tuple", "set", "frozenset", "sorted", "dict", "len", "sum", "min", "max", "any", "all", "str"}
CONSUMER_KEYWORDS = {"key", "reverse"}
TEXT_CAP = 200


class Unsupported(Exception):
    pass


def short(text, cap=TEXT_CAP):
    text = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in str(text))
    return text if len(text) <= cap else text[:cap] + "..."


def src(node):
    return ast.unparse(node)


def names_in(node):
    bound = set()
    for n in ast.walk(node):
        if isinstance(n, ast.comprehension):
            for t in ast.walk(n.target):
                if isinstance(t, ast.Name):
                    bound.add(t.id)
        elif isinstance(n, ast.Lambda):
            for a in n.args.args + n.args.kwonlyargs:
                bound.add(a.arg)
    used = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
    return used - bound


class Planner:
    """Splits asserts into probes (sandbox) and the rest (here). `answer_names`: names that
    earlier non-assert test statements bind, which live in the sandbox."""

    def __init__(self):
        self.steps = []
        self.answer_names = set()

    def depends(self, node):
        return any(name not in SAFE_NAMES or name in self.answer_names for name in names_in(node))

    def probe(self, node):
        sid = len(self.steps)
        self.steps.append({"probe": src(node), "id": sid})
        return ast.copy_location(ast.Name(id=f"__probe_{sid}", ctx=ast.Load()), node)

    def split(self, node):
        if not self.depends(node):
            return node
        if isinstance(node, (ast.Compare, ast.BoolOp, ast.BinOp, ast.UnaryOp, ast.IfExp, ast.Tuple, ast.List, ast.Set, ast.Dict)):
            return self.visit_children(node)
        if isinstance(node, ast.Call) and self.safe_callee(node.func):
            name = node.func.id if isinstance(node.func, ast.Name) else None
            args_dep = [self.depends(a) for a in node.args]
            consumer = (name in CONSUMERS and node.args and all(args_dep)
                        and all(k.arg in CONSUMER_KEYWORDS and not self.depends(k.value) for k in node.keywords))
            if consumer:
                return self.probe(node)
            if not any(self.depends(k.value) for k in node.keywords) and not any(isinstance(a, ast.Starred) for a in node.args):
                return self.visit_children(node)
        return self.probe(node)

    def safe_callee(self, func):
        if isinstance(func, ast.Name):
            return func.id in SAFE_FUNCS and func.id not in self.answer_names
        return (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "math"
                and "math" not in self.answer_names and not func.attr.startswith("_"))

    def visit_children(self, node):
        for field, value in ast.iter_fields(node):
            if field in ("func", "ops", "op", "ctx"):
                continue
            if isinstance(value, list):
                setattr(node, field, [self.split(v) if isinstance(v, ast.expr) else v for v in value])
            elif isinstance(value, ast.expr):
                setattr(node, field, self.split(value))
        return node


def plan(tests):
    """Steps for the sandbox and, per test, its asserts as (residual expression, message, probe ids, statement)."""
    planner = Planner()
    judged = []
    for index, test in enumerate(tests):
        try:
            module = ast.parse(test, mode="exec")
        except SyntaxError as e:
            raise Unsupported(f"test {index + 1} is not valid Python ({e.msg})") from None
        items = []
        for stmt in module.body:
            if isinstance(stmt, ast.Assert):
                source = src(stmt)  # before split() rewrites the node
                before = len(planner.steps)
                residual = planner.split(stmt.test)
                msg = stmt.msg if stmt.msg is not None and not planner.depends(stmt.msg) else None
                items.append({"kind": "assert", "expr": residual, "msg": msg, "probes": list(range(before, len(planner.steps))),
                              "source": source})
            else:
                # A statement of the test itself (`x = f(3)`): it runs in the sandbox, and the
                # names it binds belong to the answer's side from then on. An assert inside it
                # would be decided in the sandbox: refused.
                if any(isinstance(n, ast.Assert) for n in ast.walk(stmt)):
                    raise Unsupported(f"test {index + 1} has an assert inside a block; only top-level asserts can be checked")
                sid = len(planner.steps)
                planner.steps.append({"exec": src(stmt), "id": sid})
                for n in ast.walk(stmt):
                    if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
                        planner.answer_names.add(n.id)
                    elif isinstance(n, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)):
                        planner.answer_names.add(n.name)
                    elif isinstance(n, ast.alias):
                        planner.answer_names.add((n.asname or n.name).split(".")[0])
                items.append({"kind": "exec", "id": sid, "source": src(stmt)})
        if not any(it["kind"] == "assert" for it in items):
            raise Unsupported(f"test {index + 1} has no assert statement")
        judged.append(items)
    return planner.steps, judged


# --- values from the sandbox: strict plain data, decoded here ------------------------------

class BadValue(Exception):
    pass


def decode(v, depth=0):
    if depth > 80 or not isinstance(v, dict) or len(v) != 1:
        raise BadValue("malformed value")
    (tag, x), = v.items()
    if tag == "n":
        return None
    if tag == "b" and isinstance(x, bool):
        return x
    if tag == "i" and isinstance(x, str) and len(x) <= 100_000:
        return int(x, 16)  # hex: no digit limit, no float detour
    if tag == "f" and isinstance(x, str):
        return float(x)
    if tag == "c" and isinstance(x, list) and len(x) == 2:
        return complex(float(x[0]), float(x[1]))
    if tag == "s" and isinstance(x, str):
        return x
    if tag == "y" and isinstance(x, str):
        return bytes.fromhex(x)
    if tag in ("l", "t", "S", "F") and isinstance(x, list):
        items = [decode(i, depth + 1) for i in x]
        try:
            return {"l": list, "t": tuple, "S": set, "F": frozenset}[tag](items)
        except TypeError:
            raise BadValue("unhashable set element") from None
    if tag == "d" and isinstance(x, list):
        out = {}
        for pair in x:
            if not isinstance(pair, list) or len(pair) != 2:
                raise BadValue("malformed dict")
            try:
                out[decode(pair[0], depth + 1)] = decode(pair[1], depth + 1)
            except TypeError:
                raise BadValue("unhashable dict key") from None
        return out
    if tag == "o" and isinstance(x, str):
        raise NotPlain(x)
    raise BadValue(f"unknown value tag {tag!r}")


class NotPlain(Exception):
    pass


def evaluate(expr, probes):
    code = compile(ast.fix_missing_locations(ast.Expression(body=expr)), "<assert>", "eval")
    scope = {"__builtins__": {}, **SAFE_NAMES, **probes}  # one scope, so comprehensions see it
    return eval(code, scope)  # noqa: S307 - the test's own expression, on plain data


def check_tree(node):
    """The part of a test evaluated here comes from the task file: allow no dunder tricks."""
    for n in ast.walk(node):
        if isinstance(n, ast.Attribute) and n.attr.startswith("_"):
            raise Unsupported(f"attribute {n.attr} is not allowed in a test")
        if isinstance(n, ast.Name) and n.id.startswith("_") and not n.id.startswith("__probe_"):
            raise Unsupported(f"name {n.id} is not allowed in a test")
        if isinstance(n, (ast.NamedExpr, ast.Await, ast.Yield, ast.YieldFrom)):
            raise Unsupported("this expression form is not allowed in a test")


def judge(tests, lines):
    steps, judged = plan(tests)
    results, seen, stage, tampered = {}, set(), {}, None
    for raw in lines:
        try:
            msg = json.loads(raw)
        except (ValueError, RecursionError):
            continue  # not ours, or cut off: ignored, and a missing value fails its test
        if not isinstance(msg, dict):
            continue
        if "stage" in msg:
            key = ("stage", str(msg.get("stage")))
            if key in seen:
                tampered = "the sandbox reported the same stage twice"
            seen.add(key)
            stage[str(msg["stage"])] = msg
            continue
        sid = msg.get("id")
        if not isinstance(sid, int) or not 0 <= sid < len(steps):
            tampered = "the sandbox reported an unknown step"
            continue
        if sid in results:
            tampered = f"the sandbox reported step {sid + 1} twice"
        results[sid] = msg
    out = {"total": len(tests), "passed": 0, "tests": []}
    if tampered:
        out["tampered"] = tampered
    for label in ("refused", "answer", "setup"):
        if label in stage:
            out["stage_error"] = {"stage": label, "error": short(stage[label].get("e", "")), "memory": bool(stage[label].get("memory"))}
            out["tests"] = [{"ok": False, "error": f"{label}: {out['stage_error']['error']}"} for _ in tests]
            return out
    if "loaded" not in stage:
        out["not_loaded"] = True
    for index, items in enumerate(judged):
        out["tests"].append(judge_test(items, results, index))
    out["passed"] = 0 if tampered else sum(1 for t in out["tests"] if t["ok"])
    return out


def judge_test(items, results, index):
    for item in items:
        if item["kind"] == "exec":
            r = results.get(item["id"])
            if r is None:
                return {"ok": False, "error": "did not finish", "failing": item["source"], "missing": True}
            if "e" in r:
                return {"ok": False, "error": short(r["e"]), "failing": item["source"], "memory": bool(r.get("memory"))}
            continue
        values = {}
        for pid in item["probes"]:
            r = results.get(pid)
            if r is None:
                return {"ok": False, "error": "did not finish", "failing": item["source"], "missing": True}
            if "e" in r:
                return {"ok": False, "error": short(r["e"]), "failing": item["source"], "memory": bool(r.get("memory"))}
            try:
                values[f"__probe_{pid}"] = decode(r.get("v"))
            except NotPlain as e:
                return {"ok": False, "error": f"returned a {short(e.args[0], 60)} object, not plain data (int, float, str, list, tuple, dict, set...)", "failing": item["source"]}
            except (BadValue, ValueError, TypeError, OverflowError) as e:
                return {"ok": False, "error": f"unreadable value from the sandbox ({short(e, 80)})", "failing": item["source"]}
        try:
            check_tree(item["expr"])
            ok = bool(evaluate(item["expr"], values))
        except Unsupported as e:
            return {"ok": False, "error": str(e), "failing": item["source"]}
        except Exception as e:  # noqa: BLE001 - e.g. comparing incomparable types, as Python's assert would raise
            return {"ok": False, "error": short(f"{type(e).__name__}: {e}"), "failing": item["source"]}
        if not ok:
            error = "AssertionError"
            if item["msg"] is not None:
                try:
                    check_tree(item["msg"])
                    error += f": {short(evaluate(item['msg'], {}), 120)}"
                except Exception:  # noqa: BLE001
                    pass
            got = [short(repr(values[f"__probe_{p}"]), 80) for p in item["probes"]]
            return {"ok": False, "error": error, "failing": item["source"], "got": got}
    return {"ok": True}


def handle(req):
    tests = req.get("tests")
    if not isinstance(tests, list) or not all(isinstance(t, str) for t in tests):
        return {"error": "tests must be a list of strings"}
    try:
        if req.get("op") == "plan":
            steps, _ = plan(tests)
            return {"steps": steps}
        if req.get("op") == "judge":
            lines = req.get("lines") if isinstance(req.get("lines"), list) else []
            return judge(tests, [str(x) for x in lines])
    except Unsupported as e:
        return {"error": str(e)}
    except RecursionError:
        return {"error": "a test is nested too deeply to check"}
    return {"error": f"unknown op {req.get('op')!r}"}


def main():
    try:
        resource.setrlimit(resource.RLIMIT_AS, (1024 * 1024 * 1024, 1024 * 1024 * 1024))
    except (ValueError, OSError):
        pass
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            reply = handle(json.loads(line))
        except Exception as e:  # noqa: BLE001 - report, never crash silently
            reply = {"error": f"judge failed: {type(e).__name__}: {e}"}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
