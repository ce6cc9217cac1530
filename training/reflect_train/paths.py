"""Where things are: the repo, the default model, llama.cpp's converters (bundled in node-llama-cpp's npm package)."""
import json
import os
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_MODEL = os.path.join(REPO, "models", "SmolLM2-135M-Instruct.Q4_1.gguf")
NLC = os.path.join(REPO, "node_modules", "node-llama-cpp", "llama")


def llama_cpp_release() -> str:
    with open(os.path.join(NLC, "llama.cpp.info.json"), encoding="utf-8") as f:
        return json.load(f)["tag"]


def cache_root() -> str:
    base = os.environ.get("XDG_CACHE_HOME")
    if not base or not os.path.isabs(base):
        base = os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "reflect-lab")


def llama_cpp_source() -> str:
    """The llama.cpp source of node-llama-cpp's release (convert_lora_to_gguf.py, convert_hf_to_gguf.py, gguf-py).

    Cloned once from the git bundle in node-llama-cpp's package into the user cache, keyed by the release,
    so the converters always match the llama.cpp that loads their output.
    """
    override = os.environ.get("REFLECT_LAB_LLAMA_CPP_SRC")
    if override:
        return override
    tag = llama_cpp_release()
    dest = os.path.join(cache_root(), f"llama.cpp-{tag}", "convert")
    if os.path.exists(os.path.join(dest, "convert_lora_to_gguf.py")):
        return dest
    bundle = os.path.join(NLC, "gitRelease.bundle")
    if not os.path.exists(bundle):
        raise RuntimeError(f"node-llama-cpp's llama.cpp source bundle is missing ({bundle}); run npm install")
    tmp = dest + f".tmp-{os.getpid()}"
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    subprocess.run(["git", "clone", "--quiet", bundle, tmp], check=True, stdout=sys.stderr)
    try:
        os.rename(tmp, dest)
    except OSError:
        # Another process finished the same clone first.
        subprocess.run(["rm", "-rf", tmp], check=False)
    return dest
