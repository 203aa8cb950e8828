"""How fast the ``cunwu`` command answers (issue 10), beside what Python and a peer pay.

    .venv/bin/python bench/cli_startup.py            # ~1 min; LibreOffice is the render peer

One run, one fresh data folder with the demo county and a 1,000-row payout notice. Each
command runs as a new process, as a clerk or a script runs it, ``--repeat`` times; the table
shows the median and the fastest wall time and the peak memory of the median run:

- ``python -c pass`` and ``python -c "import aiohttp"``: the floor of any Python command
  and of one that imports a web library, measured in the same run on the same machine;
- ``cunwu --help``: the parser only (each command's handler is imported when it runs);
- ``cunwu verify CODE --json``: settings, the database and the one query;
- ``cunwu render N -o FILE``: a 1,000-row notice's board PDF, against LibreOffice turning
  the same table into a PDF (``bench/render_peers.child_libreoffice``, process start
  included, as both are run).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from import_payouts import write_sheet  # noqa: E402

PYTHON = sys.executable
CUNWU = str(Path(sys.executable).parent / "cunwu")


def timed(cmd: list[str], env: dict[str, str], repeat: int) -> dict[str, float]:
    """Median and fastest wall seconds, and the median run's peak memory (MiB)."""
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)
        # wait4 gives this one child's peak memory (RUSAGE_CHILDREN keeps the maximum of all)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"{' '.join(cmd)} failed:\n{proc.stderr.read().decode()}")
        proc.stderr.close()
        runs.append((wall, usage.ru_maxrss / 1024))
    walls = sorted(w for w, _ in runs)
    return {"median": statistics.median(walls), "best": walls[0],
            "peak_mib": statistics.median(m for _, m in runs)}


def cli(env: dict[str, str], *args: str) -> str:
    proc = subprocess.run([CUNWU, *args], env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"cunwu {' '.join(args)} failed:\n{proc.stderr}")
    return proc.stdout


def prepare(home: Path) -> tuple[dict[str, str], str, int]:
    """A demo county, plus one village's 1,000-row batch drafted as a notice."""
    env = {**os.environ, "CUNWU_HOME": str(home), "CUNWU_WECHAT": "fake"}
    env.pop("CUNWU_DATABASE_URL", None)
    cli(env, "init", "--demo")
    code = json.loads(cli(env, "notice", "show", "1", "--json"))["versions"][0]["verify_code"]
    sheet = home / "one-village-1000.xlsx"
    write_sheet(sheet, 1_000, [("419901100201", "东湖村")], seed=7)
    batch = json.loads(cli(env, "import", "payouts", str(sheet), "--township",
                           "419901100000", "--program", "耕地地力保护补贴", "--year", "2026",
                           "--period", "2026-11", "--accept-warnings", "--json"))["batch_id"]
    created = json.loads(cli(env, "notice", "create", "--batch", str(batch), "--as",
                             "clerk100", "--json"))
    return env, code, created[0]["id"]


def libreoffice(rows: int) -> dict[str, object]:
    proc = subprocess.run([PYTHON, "-c", "import json, sys; sys.path.insert(0, 'bench'); "
                           "from render_peers import child_libreoffice; "
                           f"print(json.dumps(child_libreoffice({rows})))"],
                          cwd=ROOT, capture_output=True, text=True, timeout=900)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=11)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-cli-") as tmp:
        env, code, notice = prepare(Path(tmp))
        out = str(Path(tmp) / "notice.pdf")
        rows = [
            ("python -c pass", [PYTHON, "-c", "pass"]),
            ('python -c "import aiohttp"', [PYTHON, "-c", "import aiohttp"]),
            ("cunwu --help", [CUNWU, "--help"]),
            (f"cunwu verify {code} --json", [CUNWU, "verify", code, "--json"]),
            (f"cunwu render {notice} (1,000 rows)", [CUNWU, "render", str(notice), "-o", out]),
        ]
        results = {label: timed(cmd, env, args.repeat) for label, cmd in rows}
        peer = libreoffice(1_000)
    print(f"load average {os.getloadavg()[0]:.2f}; {args.repeat} runs each; wall seconds\n")
    print("| command | median s | fastest s | peak MiB |\n|---|---:|---:|---:|")
    for label, r in results.items():
        print(f"| {label} | {r['median']:.3f} | {r['best']:.3f} | {r['peak_mib']:.0f} |")
    if "seconds" in peer:
        print(f"| LibreOffice .xlsx → PDF (1,000 rows, one run) | {peer['seconds']:.3f} | "
              f"{peer['seconds']:.3f} | {peer['peak_mb']:.0f} |")
    else:
        print(f"| LibreOffice | {peer.get('missing', 'failed')} | | |")
    help_s = results["cunwu --help"]["median"]
    verify_s = next(r for k, r in results.items() if k.startswith("cunwu verify"))["median"]
    render_s = next(r for k, r in results.items() if k.startswith("cunwu render"))["median"]
    print("\ntargets (issue 10):")
    print(f"  cunwu --help < 0.2 s: {help_s:.3f} s {'PASS' if help_s < 0.2 else 'FAIL'}")
    print(f"  cunwu verify --json < 0.2 s: {verify_s:.3f} s "
          f"{'PASS' if verify_s < 0.2 else 'FAIL'}")
    if "seconds" in peer:
        half = float(peer["seconds"]) / 2
        print(f"  cunwu render ≤ LibreOffice / 2 = {half:.3f} s: {render_s:.3f} s "
              f"{'PASS' if render_s <= half else 'FAIL'}")


if __name__ == "__main__":
    main()
