"""Load test of the HTTP service on loopback: throughput, latency, errors and peak memory.

    python benchmarks/service_load.py [--duration 30] [--rate 200] [--workers 1]

Starts ``complaint-insight serve`` on a free loopback port, then measures:

1. single-item ``POST /v1/triage`` at a fixed 200 requests/s (open loop, see below): p50/p99/max;
2. single-item at saturation with ``wrk`` (Debian package): requests/s, p50/p99;
3. 100-item batches at saturation with ``wrk``: requests/s (x100 = texts/s), p50/p99;
4. 100-item batches at a fixed 10 requests/s (1,000 texts/s), open loop.

Every run counts errors (connection errors, timeouts, non-2xx) and the server's CPU time per
request (user + system, from /proc: a cost that other load on the machine does not inflate much,
unlike latency). After all runs it reads the
server's peak resident memory (VmHWM from /proc, summed over the server and its workers) and
prints the load average before each run: other jobs on the machine inflate latencies.

Why a Python generator for fixed rates: Debian's ``wrk`` (4.1) has no ``-R`` rate option (that is
``wrk2``, not packaged), and ``wrk`` is closed-loop: a slow response delays the next request, which
hides queueing ("coordinated omission"). The generator here sends on a fixed schedule over a pool
of keep-alive connections and measures each latency from the *scheduled* send time, so queueing
delay counts. It is asyncio on raw sockets; at 200 requests/s it uses a few % of one core.

Texts: the authored examples in training_data/complaints (project-written), one per request,
cycling; 100-item bodies take 100 consecutive texts.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LUA = Path(__file__).resolve().parent / "wrk_post.lua"


def texts() -> list[str]:
    rows = []
    for path in sorted((ROOT / "training_data" / "complaints").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                text = json.loads(line).get("text")
                if isinstance(text, str) and text.strip():
                    rows.append(text)
    return rows


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def process_tree(pid: int) -> list[int]:
    pids, stack = [], [pid]
    while stack:
        current = stack.pop()
        pids.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            children = (task / "children").read_text().split() if (task / "children").exists() else []
            stack.extend(int(c) for c in children)
    return pids


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of the server and its workers so far (load-independent cost)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for p in process_tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def peak_rss_mib(pid: int) -> float:
    total = 0
    for p in process_tree(pid):
        try:
            status = Path(f"/proc/{p}/status").read_text()
        except FileNotFoundError:
            continue
        match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.M)
        total += int(match.group(1)) if match else 0
    return total / 1024


# -- fixed-rate open-loop generator ----------------------------------------------------------
async def _request(reader, writer, raw: bytes) -> int:
    writer.write(raw)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = int(re.search(rb"(?i)content-length:\s*(\d+)", head).group(1))
    await reader.readexactly(length)
    return status


async def fixed_rate(port: int, bodies: list[bytes], rate: float, duration: float, connections: int, token: str):
    auth = f"Authorization: Bearer {token}\r\n" if token else ""
    raws = [
        (f"POST /v1/triage HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n{auth}"
         f"Content-Length: {len(b)}\r\n\r\n").encode() + b
        for b in bodies
    ]
    pool: asyncio.Queue = asyncio.Queue()
    for _ in range(connections):
        pool.put_nowait(await asyncio.open_connection("127.0.0.1", port))
    latencies: list[float] = []
    lateness: list[float] = []
    errors = {"status": 0, "io": 0}
    total = int(rate * duration)
    start = time.perf_counter() + 0.05

    async def one(i: int) -> None:
        scheduled = start + i / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        lateness.append(time.perf_counter() - scheduled)  # woken late: the generator was starved of CPU
        reader, writer = await pool.get()  # waiting for a free connection is queueing: it counts
        try:
            status = await asyncio.wait_for(_request(reader, writer, raws[i % len(raws)]), timeout=10)
            if status != 200:
                errors["status"] += 1
            latencies.append(time.perf_counter() - scheduled)  # from the scheduled time: queueing counts
            pool.put_nowait((reader, writer))
        except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError):
            errors["io"] += 1
            writer.close()
            pool.put_nowait(await asyncio.open_connection("127.0.0.1", port))

    await asyncio.gather(*(one(i) for i in range(total)))
    elapsed = time.perf_counter() - start
    while not pool.empty():
        pool.get_nowait()[1].close()
    latencies.sort()
    q = statistics.quantiles(latencies, n=1000, method="inclusive")
    late = statistics.quantiles(lateness, n=100, method="inclusive")
    return {
        "requests": len(latencies),
        "achieved_rps": len(latencies) / elapsed,
        "p50_ms": q[499] * 1000,
        "p99_ms": q[989] * 1000,
        "max_ms": latencies[-1] * 1000,
        "errors": errors["status"] + errors["io"],
        "send_late_p99_ms": late[98] * 1000,
    }


# -- wrk ----------------------------------------------------------------------------------------
def run_wrk(port: int, body: bytes, duration: int, connections: int, token: str) -> tuple[dict, str]:
    with tempfile.NamedTemporaryFile("wb", suffix=".json", delete=False) as fh:
        fh.write(body)
    env = dict(os.environ, BODY_FILE=fh.name, API_TOKEN=token)
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency", "-s", str(LUA),
           f"http://127.0.0.1:{port}/v1/triage"]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout
    os.unlink(fh.name)
    fields = dict(kv.split("=") for kv in re.search(r"^RESULT (.*)$", out, re.M).group(1).split())
    numbers = {k: int(v) for k, v in fields.items()}
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = sum(numbers[k] for k in ("connect", "read", "write", "timeout")) + (int(non_2xx.group(1)) if non_2xx else 0)
    result = {
        "requests": numbers["requests"],
        "achieved_rps": numbers["requests"] / (numbers["duration_us"] / 1e6),
        "p50_ms": numbers["p50_us"] / 1000,
        "p99_ms": numbers["p99_us"] / 1000,
        "max_ms": numbers["max_us"] / 1000,
        "errors": errors,
    }
    return result, " ".join(cmd) + "\n" + out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=30, help="seconds per run (default 30)")
    parser.add_argument("--rate", type=float, default=200, help="fixed single-item rate, requests/s (default 200)")
    parser.add_argument("--batch-rate", type=float, default=10, help="fixed 100-item rate, requests/s (default 10)")
    parser.add_argument("--workers", type=int, default=1, help="server worker processes (default 1)")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk not found: apt-get install -y wrk")

    pool = texts()
    singles = [json.dumps({"items": [{"id": f"s{i}", "text": t}]}).encode() for i, t in enumerate(pool)]
    batch = json.dumps({"items": [{"id": f"b{i}", "text": t} for i, t in enumerate(pool[:100])]}).encode()
    batches = [json.dumps({"items": [{"id": f"b{i}", "text": t} for i, t in enumerate(pool[k : k + 100])]}).encode()
               for k in range(0, len(pool) - 100, 100)]
    port = free_port()
    token = "benchmark-token"
    log = tempfile.NamedTemporaryFile("wb", suffix=".log", delete=False)
    env = dict(os.environ, COMPLAINT_INSIGHT_API_TOKEN=token, PYTHONPATH=str(ROOT / "src"))
    server = subprocess.Popen(
        [sys.executable, "-m", "complaint_insight.cli", "serve", "--port", str(port), "--workers", str(args.workers)],
        stdout=log, stderr=subprocess.STDOUT, env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).read()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    sys.exit("server did not start; see " + log.name)
                time.sleep(0.2)
        print(f"# service load test: {platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
              f"server workers={args.workers}, {args.duration} s per run, access log on (to a file)")
        print(f"# texts: {len(pool)} authored examples; 100-item body {len(batch)} bytes")
        runs = []
        # Warm-up so that first-request costs are not in the figures.
        asyncio.run(fixed_rate(port, singles, 50, 2, 4, token))
        for name, action in (
            (f"single item, fixed {args.rate:g} req/s (open loop)",
             lambda: (asyncio.run(fixed_rate(port, singles, args.rate, args.duration, 32, token)), "")),
            ("single item, saturation (wrk -t1 -c4)", lambda: run_wrk(port, singles[0], args.duration, 4, token)),
            ("100 items, saturation (wrk -t1 -c2)", lambda: run_wrk(port, batch, args.duration, 2, token)),
            (f"100 items, fixed {args.batch_rate:g} req/s (open loop)",
             lambda: (asyncio.run(fixed_rate(port, batches, args.batch_rate, args.duration, 4, token)), "")),
        ):
            before = load_average()
            cpu = cpu_seconds(server.pid)
            result, raw = action()
            result["server_cpu_ms"] = (cpu_seconds(server.pid) - cpu) * 1000 / max(1, result["requests"])
            runs.append((name, before, result))
            if raw:
                print("\n" + raw.strip())
        peak = peak_rss_mib(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print("\n| run | load avg before (1/5/15 min) | requests | req/s | p50 ms | p99 ms | max ms | errors "
          "| server CPU ms/request |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, before, r in runs:
        print(f"| {name} | {before} | {r['requests']} | {r['achieved_rps']:.1f} | {r['p50_ms']:.2f} | "
              f"{r['p99_ms']:.2f} | {r['max_ms']:.1f} | {r['errors']} | {r['server_cpu_ms']:.2f} |")
    for name, _, r in runs:
        if "send_late_p99_ms" in r:
            print(f"- {name}: p99 of how late the generator woke for a send: {r['send_late_p99_ms']:.2f} ms "
                  "(CPU starvation of the load generator itself; included in the latency above)")
    print(f"\npeak server memory (VmHWM, server + workers): {peak:.0f} MiB; load average after: {load_average()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
