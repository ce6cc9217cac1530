"""Long-lived math-equivalence worker for reflect-lab.

Speaks JSON lines: reads {"id", "gold", "answer", "parts"?} on stdin and writes
{"id", "correct", "gold_parsed", "answer_parsed", "gold_compound", "ambiguous", "error"?} on stdout.
`parts` are the values the answer names when it names several ("7 or 5" -> ["7", "5"]).
One process is kept alive because importing sympy/math-verify costs ~1-2 s.

math-verify is lenient: verify() tries every pair of parse candidates, and the candidates of
"7 or 5" include the set {5, 7} and the last number 5, so a hedge could pass. The guards here
make an answer that names several different values wrong unless the gold itself is a set,
tuple or interval.
"""
import json
import re
import sys

from math_verify import ExprExtractionConfig, LatexExtractionConfig, parse, verify
from sympy import Equality, FiniteSet, Interval, Set, Tuple
from sympy.core.basic import Basic

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
    if len(re.findall(r"(?<!\\)\$", s)) % 2 == 1:  # a lone "$5" is a currency sign, not math mode
        s = re.sub(r"(?<!\\)\$(?=\s*\d)", "", s, count=1)
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


# sympy reads prose as a product of one-letter symbols ("the cat" -> E*a*c*h*t*t).
LETTER_PRODUCT = re.compile(r"[A-Za-z]\*[A-Za-z]\*[A-Za-z]")


PLUS_MINUS = re.compile(r"\\pm\b|\\mp\b|±|∓")


def readable(x) -> bool:
    return isinstance(x, Basic) and not LETTER_PRODUCT.search(str(x))


def show(parsed: list) -> str | None:
    """The first real parse (never sympy's reading of prose); None when there is none."""
    for x in parsed:
        if readable(x):
            return str(x)
    return None


def compound(x) -> bool:
    """Several values: a set of two or more, a tuple, an interval or a union (also as "x = {...}")."""
    if isinstance(x, Equality):
        return compound(x.rhs)
    if isinstance(x, FiniteSet):
        return len(x) > 1
    return isinstance(x, (Tuple, Interval, tuple, list)) or (isinstance(x, Set) and not x.is_empty)


def first_real(parsed: list):
    return next((x for x in parsed if isinstance(x, Basic)), None)


def same_values(parts: list) -> bool:
    """True if every part is equivalent to the first ("7" and "7.0"); unparseable parts differ."""
    cands = [candidates(p) for p in parts]
    if not all(cands):
        return False
    return all(verify(cands[0], c) for c in cands[1:])


def handle(req: dict) -> dict:
    gold, answer = str(req.get("gold", "")), str(req.get("answer", ""))
    parts = [str(p) for p in (req.get("parts") or [])]
    res = {"id": req.get("id"), "correct": False, "gold_parsed": None, "answer_parsed": None, "gold_compound": False, "ambiguous": False}
    try:
        g = candidates(gold)
        res["gold_parsed"] = show(g)
        if not g:
            res["error"] = "could not parse the gold answer"
            return res
        gc = compound(first_real(g))
        res["gold_compound"] = gc
        if gc:
            # Keep only the whole set/tuple: the candidates also hold its last number ("3" of "2, 3"),
            # which would let an answer naming one of the values pass.
            g = [x for x in g if compound(x) or (isinstance(x, str) and re.search(r"[,;]|\\pm|\\cup", x))]
        if len(parts) > 1:
            if gc:
                answer = ", ".join(parts)  # "2 or 3" against the set {2, 3}: compare as a set
            elif same_values(parts):
                answer = parts[0]  # "7, so 7" names one value
            else:
                res["ambiguous"] = True
                res["error"] = "the answer names several different values"
                return res
        a = candidates(answer)
        res["answer_parsed"] = show(a)
        if not a:
            res["error"] = "could not parse the answer"
        elif not gc and (compound(first_real(a)) or PLUS_MINUS.search(answer)):
            # "\pm 3", "\{3, 7\}", "(1, 7)" against a single value: the set leniency would find 7 in it.
            res["ambiguous"] = True
            res["error"] = "the answer names several values; the gold is one value"
        else:
            res["correct"] = bool(verify(g, a))
            if not res["correct"] and res["answer_parsed"] is None:
                res["error"] = "could not parse the answer"
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
