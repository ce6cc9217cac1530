"""Long-lived math-equivalence worker for reflect-lab.

Speaks JSON lines: reads {"id", "gold", "answer"} on stdin and writes
{"id", "correct", "gold_parsed", "answer_parsed", "error"?} on stdout.
One process is kept alive because importing sympy/math-verify costs ~1-2 s.
"""
import json
import re
import sys

from math_verify import ExprExtractionConfig, LatexExtractionConfig, parse, verify

LATEX_CFG = [LatexExtractionConfig(boxed_match_priority=0)]
EXPR_CFG = [ExprExtractionConfig()]

# A number in scientific notation such as 1.5e3 or 2E-4 (LaTeX would read "e" as Euler's number).
SCI = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)[eE]([+-]?\d+)(?![\w.])")
DELIMITED = re.compile(r"((?<!\\)\$|\\\(|\\\[|\\boxed)")


def to_latex(text: str) -> str:
    """Makes a bare answer visible to math-verify's LaTeX extractor."""
    s = text.strip()
    s = SCI.sub(lambda m: f"{m.group(1)}\\times 10^{{{m.group(2)}}}", s)
    s = re.sub(r"(?<!\\)%", r"\\%", s)  # a bare % would start a LaTeX comment
    if DELIMITED.search(s):
        return s
    return f"${s}$"


def candidates(text: str) -> list:
    """LaTeX parse first, then the plain-expression parse; verify() tries every pair."""
    out = []
    try:
        out.extend(parse(to_latex(text), extraction_config=LATEX_CFG))
    except Exception:  # noqa: BLE001 - a parse failure just means no candidate
        pass
    if not DELIMITED.search(text):
        try:
            out.extend(parse(text.strip(), extraction_config=EXPR_CFG))
        except Exception:  # noqa: BLE001
            pass
    return out


def show(parsed: list) -> str | None:
    return str(parsed[0]) if parsed else None


def handle(req: dict) -> dict:
    gold, answer = str(req.get("gold", "")), str(req.get("answer", ""))
    res = {"id": req.get("id"), "correct": False, "gold_parsed": None, "answer_parsed": None}
    try:
        g, a = candidates(gold), candidates(answer)
        res["gold_parsed"], res["answer_parsed"] = show(g), show(a)
        if not g:
            res["error"] = "could not parse the gold answer"
        elif not a:
            res["error"] = "could not parse the answer"
        else:
            res["correct"] = bool(verify(g, a))
    except Exception as e:  # noqa: BLE001 - report, never crash the worker
        res["error"] = f"{type(e).__name__}: {e}"
    return res


def main() -> None:
    sys.stdout.write(json.dumps({"ready": True}) + "\n")
    sys.stdout.flush()
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            req = json.loads(line)
        except json.JSONDecodeError as e:
            out = {"id": None, "correct": False, "error": f"bad request: {e}"}
        else:
            out = handle(req)
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
