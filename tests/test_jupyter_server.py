"""`make lab` starts JupyterLab from .venv: the server answers and its kernel is this Python."""

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil
import pytest

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "likelihoods-test-token"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(port, path, method="GET", body=None):
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"token {TOKEN}"},
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        text = resp.read().decode()
        return resp.status, text


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = free_port()
    log = tmp_path_factory.mktemp("jupyter") / "server.log"
    cmd = [
        sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1",
        f"--port={port}", f"--IdentityProvider.token={TOKEN}",
        f"--ServerApp.root_dir={ROOT / 'notebooks'}", "--allow-root",
    ]
    with open(log, "w") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
    try:
        for _ in range(120):
            try:
                call(port, "/api")
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(f"jupyter lab exited early:\n{log.read_text()}")
                time.sleep(0.5)
        else:
            pytest.fail(f"jupyter lab did not answer within 60 s:\n{log.read_text()}")
        yield port, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_api_answers(server):
    port, _ = server
    status, text = call(port, "/api")
    assert status == 200
    assert "version" in json.loads(text)


def test_lab_page_is_served(server):
    port, _ = server
    status, text = call(port, "/lab")
    assert status == 200 and "JupyterLab" in text


def test_notebooks_are_listed(server):
    port, _ = server
    _, text = call(port, "/api/contents")
    names = {item["name"] for item in json.loads(text)["content"]}
    assert {p.name for p in (ROOT / "notebooks").glob("*.ipynb")} <= names


def test_kernel_runs_this_venv_python(server):
    port, proc = server
    _, text = call(port, "/api/kernels", method="POST", body={"name": "python3"})
    kernel_id = json.loads(text)["id"]
    try:
        deadline = time.time() + 30
        cmdlines = []
        while time.time() < deadline:
            children = psutil.Process(proc.pid).children(recursive=True)
            cmdlines = [c.cmdline() for c in children if "ipykernel_launcher" in c.cmdline()]
            if cmdlines:
                break
            time.sleep(0.5)
        assert cmdlines, "no kernel process started"
        # The kernel is started as the server's own interpreter, which may be spelt
        # .venv/bin/python3 (a pip-written script shebang) while this test runs
        # .venv/bin/python: both are symlinks. Same venv bin directory, same binary.
        kernel_python = Path(cmdlines[0][0])
        assert kernel_python.absolute().parent == Path(sys.executable).absolute().parent
        assert kernel_python.resolve() == Path(sys.executable).resolve()
    finally:
        call(port, f"/api/kernels/{kernel_id}", method="DELETE")
