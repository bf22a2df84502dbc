#!/usr/bin/env python3
"""End-to-end check of Hugging Face model ids against a local imitation of the hub.

Serves the tiny CLIP fixture (Tests/Fixtures/clip/quickgelu-fp32) as the repository
`org/tiny-clip` on 127.0.0.1, answering the hub's `resolve` URLs the way huggingface.co does
(small files with an ETag, large files with a 302 to a CDN on another host, X-Linked-Etag,
X-Linked-Size, X-Repo-Commit, byte ranges). Then, each step in a fresh HF_HOME:

1. `finexl explain --encoder clip --model org/tiny-clip ...` downloads the model once;
   the token goes to the hub and never to the CDN.
2. The same run with HF_HUB_OFFLINE=1 succeeds and sends nothing.
3. transformers' CLIPModel and CLIPTokenizer load the cache FineXL wrote with
   local_files_only=True, and their text embedding equals `finexl embed --text`.
4. A cache written by huggingface_hub's own hf_hub_download is used by finexl offline.

Usage: python3 Tools/test_hub.py [path/to/finexl]   (default .build/debug/finexl)
Exits 0 with a "skipped:" line only when torch, transformers or huggingface_hub cannot be imported.
"""

import hashlib
import http.server
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import threading

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "Tests/Fixtures/clip/quickgelu-fp32"
REPO = "org/tiny-clip"
COMMIT = "4f0c1d2e3b4a59687766554433221100ffeeddcc"
LARGE = {"model.safetensors"}
FILES = ["config.json", "model.safetensors", "vocab.json", "merges.txt", "preprocessor_config.json"]
TOKEN = "hf_test_token"


class FakeHub(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), FakeHubHandler)
        self.files = {name: (FIXTURE / name).read_bytes() for name in FILES}
        self.digests = {name: hashlib.sha256(data).hexdigest() for name, data in self.files.items()}
        self.log = []  # (method, path, authorization)
        self.lock = threading.Lock()

    @property
    def endpoint(self):
        return f"http://127.0.0.1:{self.server_address[1]}"


class FakeHubHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_HEAD(self):
        self.answer(body=False)

    def do_GET(self):
        self.answer(body=True)

    def send(self, status, headers, data=b"", body=True):
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body:
            self.wfile.write(data)

    def answer(self, body):
        hub = self.server
        with hub.lock:
            hub.log.append((self.command, self.path, self.headers.get("Authorization")))
        if self.path.startswith("/cdn/"):
            digest = self.path[len("/cdn/"):]
            name = next((n for n, d in hub.digests.items() if d == digest), None)
            if name is None:
                return self.send(404, {}, body=body)
            data = hub.files[name]
            start = 0
            ranged = self.headers.get("Range", "")
            if ranged.startswith("bytes=") and ranged.endswith("-"):
                start = int(ranged[len("bytes="):-1])
                if start >= len(data):
                    return self.send(416, {"Content-Range": f"bytes */{len(data)}"}, body=body)
                return self.send(206, {"Content-Range": f"bytes {start}-{len(data) - 1}/{len(data)}",
                                       "ETag": f'"{digest}"'}, data[start:], body)
            return self.send(200, {"ETag": f'"{digest}"'}, data, body)
        prefix = f"/{REPO}/resolve/"
        if not self.path.startswith(prefix):
            return self.send(401, {"X-Error-Code": "RepoNotFound", "X-Error-Message": "Repository not found"}, body=body)
        revision, _, name = self.path[len(prefix):].partition("/")
        if revision not in ("main", COMMIT):
            return self.send(404, {"X-Error-Code": "RevisionNotFound"}, body=body)
        if name not in hub.files:
            return self.send(404, {"X-Error-Code": "EntryNotFound", "X-Repo-Commit": COMMIT}, body=body)
        data = hub.files[name]
        if name in LARGE:
            digest = hub.digests[name]
            # Another host name for the same server: a CDN as the client sees it.
            location = f"http://localhost:{hub.server_address[1]}/cdn/{digest}"
            return self.send(302, {"Location": location, "X-Linked-Etag": f'"{digest}"',
                                   "X-Linked-Size": str(len(data)), "ETag": f'"{digest}"',
                                   "X-Repo-Commit": COMMIT}, body=body)
        git_id = hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
        return self.send(200, {"ETag": f'"{git_id}"', "X-Repo-Commit": COMMIT}, data, body)


def run(command, env, cwd):
    result = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        sys.exit(f"FAIL: {' '.join(command)} exited {result.returncode}\n{result.stderr}")
    return result


def check(condition, message):
    if not condition:
        sys.exit(f"FAIL: {message}")
    print(f"ok: {message}")


def python_env(base, **extra):
    env = {k: v for k, v in base.items() if not k.startswith("HF_")}
    env.update(extra)
    return env


def main():
    try:
        import huggingface_hub  # noqa: F401
        import torch  # noqa: F401
        import transformers  # noqa: F401
    except ImportError as error:
        print(f"skipped: Tools/test_hub.py needs torch, transformers and huggingface_hub ({error}); "
              "pip install 'torch==2.13.0+cpu' transformers")
        return 0
    finexl = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / ".build/debug/finexl").resolve()
    if not finexl.is_file():
        sys.exit(f"FAIL: no finexl binary at {finexl} (swift build first)")

    hub = FakeHub()
    threading.Thread(target=hub.serve_forever, daemon=True).start()
    with tempfile.TemporaryDirectory(prefix="finexl-test-hub-") as scratch:
        scratch = pathlib.Path(scratch)
        base_env = dict(os.environ)
        run([str(finexl), "synth", "--out", "samples", "--aspects", "warm tones=0.6", "--count", "6", "--size", "48"],
            base_env, scratch)
        explain = [str(finexl), "explain", "--encoder", "clip", "--model", REPO, "--base", "samples/base",
                   "--personal", "samples/personal", "--json", "--no-cache"]

        # 1. A fresh HF_HOME: downloaded once, the token kept off the CDN.
        home = scratch / "hf-finexl"
        env = python_env(base_env, HF_HOME=str(home), HF_ENDPOINT=hub.endpoint, HF_TOKEN=TOKEN)
        first = json.loads(run(explain, env, scratch).stdout)
        check(first["encoder"]["name"] == "clip", f"explain --model {REPO} downloaded the model and ran on CLIP")
        cdn = [entry for entry in hub.log if entry[1].startswith("/cdn/")]
        check(len([e for e in cdn if e[0] == "GET"]) == 1, "the large file was downloaded once")
        check(all(auth is None for _, _, auth in cdn), "no Authorization header went to the CDN")
        check(all(auth == f"Bearer {TOKEN}" for _, path, auth in hub.log if not path.startswith("/cdn/")),
              "the token went to the hub's resolve URLs")
        snapshot = home / "hub" / "models--org--tiny-clip" / "snapshots" / COMMIT
        check((home / "hub/models--org--tiny-clip/refs/main").read_text() == COMMIT, "refs/main holds the commit")
        check(all(os.readlink(snapshot / name).startswith("../../blobs/") for name in FILES),
              "snapshot files are links into blobs/")

        # 2. Offline: the cache alone, nothing sent.
        asked = len(hub.log)
        offline = dict(env, HF_HUB_OFFLINE="1")
        second = json.loads(run(explain, offline, scratch).stdout)
        check(len(hub.log) == asked, "HF_HUB_OFFLINE=1 run sent no request")
        check(second["concepts"] == first["concepts"], "the offline run explains the same")

        # 3. transformers loads what FineXL wrote, and embeds a text as finexl does.
        text = "a photo of a red barn"
        run([str(finexl), "embed", "--model", REPO, "--text", "--out", "text.npy", text], offline, scratch)
        probe = f"""
import numpy, torch, transformers
model = transformers.CLIPModel.from_pretrained({REPO!r}, local_files_only=True)
tokenizer = transformers.CLIPTokenizer.from_pretrained({REPO!r}, local_files_only=True)
with torch.no_grad():
    out = model.get_text_features(**tokenizer([{text!r}], padding=True, return_tensors="pt"))
    features = out if isinstance(out, torch.Tensor) else out.pooler_output
features = torch.nn.functional.normalize(features, dim=-1).numpy()
ours = numpy.load("text.npy")
print(float(numpy.abs(features - ours).max()))
"""
        difference = float(run([sys.executable, "-c", probe],
                               python_env(base_env, HF_HOME=str(home), HF_HUB_OFFLINE="1"), scratch).stdout.split()[-1])
        check(difference < 1e-4, f"transformers loads the cache FineXL wrote (local_files_only); text embeddings agree "
                                 f"(max |difference| {difference:.2e})")

        # 4. A cache huggingface_hub wrote is used by finexl offline.
        other = scratch / "hf-hub"
        fetch = f"""
import huggingface_hub
for name in {FILES!r}:
    huggingface_hub.hf_hub_download({REPO!r}, name)
"""
        run([sys.executable, "-c", fetch], python_env(base_env, HF_HOME=str(other), HF_ENDPOINT=hub.endpoint), scratch)
        asked = len(hub.log)
        third = json.loads(run(explain, python_env(base_env, HF_HOME=str(other), HF_HUB_OFFLINE="1"), scratch).stdout)
        check(len(hub.log) == asked and third["concepts"] == first["concepts"],
              "finexl uses the cache huggingface_hub's hf_hub_download wrote, offline, with the same result")
    hub.shutdown()
    print("test_hub: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
