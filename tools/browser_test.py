"""Run each notebook through JupyterLab in headless Chromium as a learner would: make test-browser.

For each notebook: open it in JupyterLab, Run > Run All Cells from the menu bar, then poll the
page until no cell is queued or running and the kernel is idle. A notebook passes when every
code cell has an execution count, no output shows a traceback, the page never says "IProgress
not found", no dialog (e.g. "kernel died") is open and, in notebook 04, dragging the rescaling
widget's slider redraws its figure. One screenshot per notebook goes to build/screenshots/.

It installs nothing: it needs Debian's Chromium at /usr/bin/chromium (apt-get install chromium)
and the pinned playwright package (its own browser download is not used). JupyterLab runs on
127.0.0.1 with a random token, on a temporary copy of the notebooks (so outputs and autosaves
never touch notebooks/), and is stopped when the run ends, also on failure.

    .venv/bin/python tools/browser_test.py               # every notebook
    .venv/bin/python tools/browser_test.py --only 01,04  # a subset, by number
"""

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import psutil
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
# JupyterLab settings for the run: no autosave (the copy is thrown away anyway), no news.
LAB_SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false", "checkForUpdates": False,
    },
}
# Read once per poll: prompts of the code cells, tracebacks, the kernel's status, dialogs.
STATUS_JS = r"""() => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  if (!panel) return null;
  const cells = [...panel.querySelectorAll('.jp-CodeCell')];
  const prompts = cells.map(c => c.querySelector('.jp-InputArea-prompt').textContent.trim());
  // per code cell, the text of its stderr and error outputs (JupyterLab renders both so)
  const stderr = cells.map(c => [...c.querySelectorAll(
      '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')]
    .map(o => o.textContent));
  // The status bar reads "Python 3 (ipykernel) | Idle" once the kernel is up ("No Kernel" before).
  const kernel = [...document.querySelectorAll('.jp-StatusBar-TextItem')]
    .map(t => t.textContent.match(/^(.+) \| (\w+)$/)).find(m => m);
  const dialog = document.querySelector('.jp-Dialog');
  return {
    prompts, stderr,
    kernel: kernel && kernel[1] !== 'No Kernel' ? kernel[2].toLowerCase() : null,
    dialog: dialog ? dialog.textContent.slice(0, 300) : null,
    iprogress: panel.textContent.includes('IProgress not found'),
    progress_bars: panel.querySelectorAll('.widget-hprogress').length,
  };
}"""
ERROR = re.compile(r"Traceback \(most recent call last\)|^\s*\w*(Error|Exception)\b", re.M)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def api(base, token, path, method="GET"):
    request = urllib.request.Request(
        f"{base}{path}", method=method, headers={"Authorization": f"token {token}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        text = response.read().decode()
    return json.loads(text) if text else None


def stop(proc):
    """Stop the server's process group, then any kernel it started (kernels get own sessions)."""
    try:
        kernels = psutil.Process(proc.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        kernels = []
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    _, alive = psutil.wait_procs(kernels, timeout=10)
    for kernel in alive:
        kernel.kill()


@contextmanager
def jupyterlab(root_dir, workdir):
    """Start JupyterLab on ``root_dir``; yield ``(base_url, token)``; always stop it."""
    token, port = secrets.token_hex(16), free_port()
    settings = workdir / "settings"
    for name, values in LAB_SETTINGS.items():
        (settings / name).parent.mkdir(parents=True, exist_ok=True)
        (settings / name).write_text(json.dumps(values))
    cmd = [
        sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1",
        f"--port={port}", f"--IdentityProvider.token={token}", "--LabApp.news_url=None",
        f"--ServerApp.root_dir={root_dir}", f"--LabApp.user_settings_dir={settings}",
        f"--LabApp.workspaces_dir={workdir / 'workspaces'}",
    ] + (["--allow-root"] if os.geteuid() == 0 else [])
    log = workdir / "jupyterlab.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                api(base, token, "/api/status")
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"JupyterLab did not start:\n{log.read_text()}") from None
                time.sleep(0.5)
        yield base, token
    finally:
        stop(proc)


def poll(page, done, timeout, every=2.0):
    """Evaluate STATUS_JS every ``every`` s until ``done(status)``; return the last status."""
    deadline = time.monotonic() + timeout
    while True:
        status = page.evaluate(STATUS_JS)
        if status is not None and (done(status) or time.monotonic() > deadline):
            return status
        if time.monotonic() > deadline:
            raise TimeoutError("the notebook never appeared in JupyterLab")
        time.sleep(every)


def finished(status):
    prompts = status["prompts"]
    return (
        status["dialog"] is not None
        or (prompts and "[*]:" not in prompts and status["kernel"] == "idle"
            and all(re.fullmatch(r"\[\d+\]:", p) for p in prompts))
        or (prompts and "[*]:" not in prompts
            and any(ERROR.search(t) for texts in status["stderr"] for t in texts))
    )


def problems(status, code_cells):
    """Everything wrong with a finished run; ``code_cells`` are the notebook's code cells."""
    found = []
    expected_cells = len(code_cells)
    if status["dialog"]:
        found.append(f"dialog open: {status['dialog']!r}")
    if len(status["prompts"]) != expected_cells:
        found.append(f"{len(status['prompts'])} code cells on the page, {expected_cells} in file")
    prompts = status["prompts"]
    waiting = [i for i, p in enumerate(prompts, 1) if not re.fullmatch(r"\[\d+\]:", p)]
    if waiting:
        found.append(f"code cells not run: {waiting[:10]} (prompt {prompts[waiting[0] - 1]!r})")
    for i, (cell, texts) in enumerate(zip(code_cells, status["stderr"], strict=False), 1):
        if "raises-exception" in cell.get("metadata", {}).get("tags", []):
            continue  # an error the notebook shows on purpose (nbval skips it too)
        for text in filter(ERROR.search, texts):
            lines = " | ".join(text.strip().splitlines()[-3:])
            found.append(f"error output in code cell {i}: {lines[:400]}")
    if status["iprogress"]:
        found.append("'IProgress not found' on the page (ipywidgets missing in the kernel?)")
    if status["kernel"] != "idle":
        found.append(f"kernel status {status['kernel']!r}, expected 'idle'")
    return found


# A slider widget: an ipywidgets box holding a slider above a figure (helpers.plots widgets).
WIDGETS_JS = """() => [...document.querySelectorAll('.widget-vbox')]
  .filter(box => box.querySelector('.noUi-handle') && box.querySelector('img'))"""
HANDLE_JS = f"""i => {{
  const box = ({WIDGETS_JS})()[i];
  box.scrollIntoView();
  const r = box.querySelector('.noUi-handle').getBoundingClientRect();
  return {{x: r.x + r.width / 2, y: r.y + r.height / 2}};
}}"""
IMAGE_JS = f"i => ({WIDGETS_JS})()[i].querySelector('img').src"
# Notebooks that must hold a slider widget (the rescaling widget of 04).
NEEDS_SLIDER = ("04",)


def drag_sliders(page, name, timeout=60):
    """Drag each slider widget's handle and wait for its figure to change; return problems."""
    count = page.evaluate(f"() => ({WIDGETS_JS})().length")
    if count == 0 and name[:2] in NEEDS_SLIDER:
        return ["no ipywidgets slider with a figure under it on the page"]
    found = []
    for i in range(count):
        page.evaluate(HANDLE_JS, i)
        time.sleep(1)  # let the scroll settle before reading the handle's position
        handle, before = page.evaluate(HANDLE_JS, i), page.evaluate(IMAGE_JS, i)
        page.mouse.move(handle["x"], handle["y"])
        page.mouse.down()
        page.mouse.move(handle["x"] + 80, handle["y"], steps=8)
        page.mouse.up()
        deadline = time.monotonic() + timeout
        while page.evaluate(IMAGE_JS, i) == before:
            if time.monotonic() > deadline:
                found.append(f"slider widget {i + 1}: figure unchanged {timeout} s after a drag")
                break
            time.sleep(1)
    return found


def shut_down_kernels(base, token):
    for session in api(base, token, "/api/sessions"):
        api(base, token, f"/api/sessions/{session['id']}", method="DELETE")


def run_notebook(browser, base, token, path, timeout, shots):
    """Run one notebook in a fresh page and kernel; return a list of problems (empty = pass)."""
    code_cells = [c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    try:
        page.goto(f"{base}/lab/tree/{path.name}?reset&token={token}")
        poll(page, lambda s: s["kernel"] == "idle" and len(s["prompts"]) == len(code_cells), 120)
        page.keyboard.press("Control+b")  # hide the file browser: wider notebook in screenshots
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.locator('.lm-Menu-item[data-command="runmenu:run-all"]').click()
        time.sleep(3)  # let the first cell be queued before judging "finished"
        status = poll(page, finished, timeout)
        found = problems(status, code_cells)
        if not found:
            found += drag_sliders(page, path.name)
        if not page.evaluate(f"() => ({WIDGETS_JS})().length"):
            images = page.locator(".jp-OutputArea-output img")
            if images.count():
                images.first.scroll_into_view_if_needed()
        page.screenshot(path=shots / f"{path.stem}.png")
        return found, status["progress_bars"]
    finally:
        context.close()
        shut_down_kernels(base, token)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated notebook numbers, e.g. 01,04 or 05a")
    parser.add_argument("--notebooks", type=Path, default=ROOT / "notebooks")
    parser.add_argument("--timeout", type=float, default=600, help="seconds per notebook")
    parser.add_argument("--screenshots", type=Path, default=ROOT / "build" / "screenshots")
    args = parser.parse_args(argv)
    wanted = args.only.split(",") if args.only else None
    paths = [p for p in sorted(args.notebooks.glob("[0-9][0-9]*.ipynb"))
             if wanted is None or any(p.name.startswith(w) for w in wanted)]
    if not paths:
        sys.exit(f"no notebooks in {args.notebooks} match --only {args.only}")
    if not Path(CHROMIUM).exists():
        sys.exit(f"{CHROMIUM} not found: apt-get install -y chromium")
    args.screenshots.mkdir(parents=True, exist_ok=True)
    start, failures = time.monotonic(), 0
    with tempfile.TemporaryDirectory(prefix="browser-test-") as tmp:
        workdir = Path(tmp)
        copies = workdir / "notebooks"
        copies.mkdir()
        for p in paths:
            shutil.copy(p, copies / p.name)
        with jupyterlab(copies, workdir) as (base, token), sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                for path in sorted(copies.glob("*.ipynb")):
                    t0 = time.monotonic()
                    try:
                        found, bars = run_notebook(
                            browser, base, token, path, args.timeout, args.screenshots)
                    except Exception as err:  # a timeout or a crash fails this notebook only
                        found, bars = [f"{type(err).__name__}: {err}".splitlines()[0]], 0
                    seconds = time.monotonic() - t0
                    verdict = "ok  " if not found else "FAIL"
                    print(f"{verdict} {path.name}  {seconds:5.0f} s  {bars} progress bar(s)"
                          + "".join(f"\n     {line}" for line in found), flush=True)
                    failures += bool(found)
            finally:
                browser.close()
    print(f"{len(paths) - failures} of {len(paths)} notebooks passed in the browser in "
          f"{time.monotonic() - start:.0f} s; screenshots in {args.screenshots}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
