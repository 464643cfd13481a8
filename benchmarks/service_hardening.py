"""The service under bounded ``wrk`` load, with and without hostile clients: errors and memory.

    OMP_NUM_THREADS=1 python benchmarks/service_hardening.py [--duration 20] [--connections 8]
        [--out docs/benchmarks/service_hardening.md]

Starts ``complaint-insight serve`` on a free loopback port and samples the server's resident
memory (VmRSS from /proc, server + workers) every 0.25 s for the whole run. Phases, each
``--duration`` seconds of closed-loop ``wrk`` (Debian's wrk 4.1; ``benchmarks/wrk_post.lua``):

1. single-item ``POST /v1/triage``;
2. 100-item batches;
3. single-item again while a Python thread attacks: 40 slowloris connections (partial headers,
   a byte every 0.5 s, reopened when the server closes them), stalled bodies, 10 MB bodies,
   10,000-item batches and malformed JSON. wrk's requests must all still succeed; every attack
   request must get its 4xx;
4. single-item again (memory after the attack).

A short warm-up (single items, then batches) comes first. Memory is "flat" when the RSS at the end
of phase 4 is within a few MiB of the RSS after the warm-up — a leak per request would grow with
the number of requests.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from service_load import LUA, ROOT, free_port, load_average, process_tree, texts  # noqa: E402


def rss_mib(pid: int) -> float:
    total = 0
    for p in process_tree(pid):
        try:
            match = re.search(r"^VmRSS:\s+(\d+) kB", Path(f"/proc/{p}/status").read_text(), re.M)
        except FileNotFoundError:
            continue
        total += int(match.group(1)) if match else 0
    return total / 1024


class Sampler(threading.Thread):
    def __init__(self, pid: int, every: float = 0.25):
        super().__init__(daemon=True)
        self.pid, self.every, self.samples, self.stop = pid, every, [], threading.Event()

    def run(self) -> None:
        start = time.monotonic()
        while not self.stop.is_set():
            self.samples.append((time.monotonic() - start, rss_mib(self.pid)))
            time.sleep(self.every)

    def mark(self) -> float:
        return self.samples[-1][1] if self.samples else float("nan")


def run_wrk(port: int, body: bytes, duration: int, connections: int) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as fh:
        fh.write(body)
    env = {**os.environ, "BODY_FILE": fh.name}
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "-s", str(LUA),
           f"http://127.0.0.1:{port}/v1/triage"]
    out = subprocess.run(cmd, capture_output=True, text=True, env=env).stdout
    os.unlink(fh.name)
    line = next(l for l in out.splitlines() if l.startswith("RESULT"))
    values = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", line)}
    values["rps"] = values["requests"] / (values["duration_us"] / 1e6)
    values["errors"] = sum(values[k] for k in ("connect", "read", "write", "status", "timeout"))
    return values


class Attacker(threading.Thread):
    """Hostile clients in a loop; counts how each attack was answered."""

    def __init__(self, port: int, slowloris: int = 40):
        super().__init__(daemon=True)
        self.port, self.slowloris, self.stop = port, slowloris, threading.Event()
        self.counts: dict[str, dict[str, int]] = {}

    def _count(self, attack: str, outcome: str) -> None:
        self.counts.setdefault(attack, {}).setdefault(outcome, 0)
        self.counts[attack][outcome] += 1

    def _post(self, attack: str, body: bytes, content_length: int | None = None, stall: bool = False) -> None:
        head = (f"POST /v1/triage HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                f"Content-Length: {content_length if content_length is not None else len(body)}\r\nConnection: close\r\n\r\n")
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=30) as sock:
                sock.sendall(head.encode())
                try:
                    sock.sendall(body)
                except OSError:
                    pass  # the server may answer 413 and close before the whole body is sent
                data = b""
                while True:
                    chunk = sock.recv(65536)
                    if not chunk:
                        break
                    data += chunk
            status = data.split(b" ", 2)[1].decode() if data.startswith(b"HTTP/1.1") else "no response"
        except OSError as exc:
            status = type(exc).__name__
        self._count(attack, status)

    def run(self) -> None:
        # Three independent loops, so that a slow attack (a stalled body waits for the server's
        # deadline) does not slow down the others.
        workers = [threading.Thread(target=f, daemon=True) for f in (self._slowloris, self._requests, self._stalls)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()

    def _slowloris(self) -> None:
        lorises: list[socket.socket] = []
        while not self.stop.is_set():
            while len(lorises) < self.slowloris:  # keep the pool full: reopen what the server closed
                try:
                    sock = socket.create_connection(("127.0.0.1", self.port), timeout=5)
                    sock.sendall(b"POST /v1/triage HTTP/1.1\r\nHost: x\r\n")
                    sock.setblocking(False)
                    lorises.append(sock)
                    self._count("slowloris connection", "opened")
                except OSError as exc:
                    self._count("slowloris connection", f"open failed ({type(exc).__name__})")
                    break
            alive = []
            for sock in lorises:
                try:
                    if sock.recv(1) == b"":  # EOF: the server closed it
                        raise ConnectionResetError
                except BlockingIOError:
                    try:
                        sock.send(b"X")  # a header byte now and then
                        alive.append(sock)
                        continue
                    except OSError:
                        pass
                except OSError:
                    pass
                self._count("slowloris connection", "closed by server")
                sock.close()
            lorises = alive
            time.sleep(0.5)
        for sock in lorises:
            sock.close()
        self.counts.setdefault("slowloris connection", {})["still open when the phase ended (younger than the deadline)"] = len(lorises)

    def _requests(self) -> None:
        big = b'{"items":[{"text":"' + b"a" * 10_000_000 + b'"}]}'
        batch = json.dumps({"items": [{"text": "rude"}] * 10_000}).encode()
        attacks = [
            ("malformed JSON", b'{"items": [{"text": '),
            ("wrong types", b'{"items": [{"text": 5}]}'),
            ("deep nesting", b"[" * 100_000 + b"]" * 100_000),
            ("10 MB body", big),
            ("10,000-item batch", batch),
        ]
        i = 0
        while not self.stop.is_set():
            name, body = attacks[i % len(attacks)]
            self._post(name, body)
            i += 1
            time.sleep(0.2)

    def _stalls(self) -> None:
        while not self.stop.is_set():
            self._post("stalled body", b'{"items": [', content_length=1000)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--out", default=str(ROOT / "docs" / "benchmarks" / "service_hardening.md"))
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk)")

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPLAINT_INSIGHT_")}
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    server = subprocess.Popen([sys.executable, "-m", "complaint_insight.cli", "serve", "--port", str(port),
                               "--log-level", "warning"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while True:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2).read()
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                sys.exit(f"server did not start: {server.stderr.read().decode()[-2000:]}")
            time.sleep(0.3)

    corpus = texts()
    single = json.dumps({"items": [{"id": 1, "text": corpus[0]}]}).encode()
    batch = json.dumps({"items": [{"id": i, "text": t} for i, t in enumerate(corpus[:100])]}).encode()
    sampler = Sampler(server.pid)
    sampler.start()
    time.sleep(1)
    rss = {"after start-up": sampler.mark()}
    # Warm-up (not in the table): the first batches grow the allocator's arenas once; after that,
    # memory should stay flat however many requests follow.
    run_wrk(port, single, 5, args.connections)
    run_wrk(port, batch, 10, args.connections)
    time.sleep(1)
    rss["after warm-up (5 s single, 10 s batches)"] = sampler.mark()
    phases = []
    try:
        for name, body, attack in [("1. single item", single, False), ("2. 100-item batches", batch, False),
                                   ("3. single item + hostile clients", single, True),
                                   ("4. single item (after the attack)", single, False)]:
            load = load_average()
            attacker = Attacker(port) if attack else None
            if attacker:
                attacker.start()
            result = run_wrk(port, body, args.duration, args.connections)
            if attacker:
                attacker.stop.set()
                attacker.join(timeout=60)
            time.sleep(1)
            rss[f"after {name}"] = sampler.mark()
            phases.append((name, load, result, attacker.counts if attacker else None))
            print(name, {k: result[k] for k in ("requests", "errors")}, f"{result['rps']:.0f} req/s", f"RSS {sampler.mark():.0f} MiB", flush=True)
        alive = server.poll() is None
        health = urllib.request.urlopen(base + "/healthz", timeout=10).status
    finally:
        sampler.stop.set()
        server.terminate()
        server.wait(timeout=30)

    values = [v for _, v in sampler.samples]
    peak = max(values)
    lines = [
        "# Service under load and attack (wrk, loopback)",
        "",
        f"Command: `OMP_NUM_THREADS=1 python benchmarks/service_hardening.py --duration {args.duration} "
        f"--connections {args.connections}`  ",
        f"Machine: {platform.platform()}, {os.cpu_count()} cores, **shared with other jobs (under load)**: "
        "throughput and latency are indicative only; the load average before each phase is shown. "
        "The risk layer is being sped up in a parallel branch, so throughput will change; errors and memory are the point here.",
        "",
        f"Server: `complaint-insight serve` (1 worker, default limits: 4 MiB body, 1,000 items, header deadline 10 s, "
        f"body stall 15 s, 256 connections). wrk: 1 thread, {args.connections} connections, {args.duration} s per phase.",
        "",
        "| phase | load avg (1/5/15 min) | requests | req/s | p50 ms | p99 ms | errors (connect/read/write/status/timeout) |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for name, load, r, _ in phases:
        lines.append(f"| {name} | {load} | {r['requests']} | {r['rps']:.0f} | {r['p50_us'] / 1000:.1f} | "
                     f"{r['p99_us'] / 1000:.1f} | {r['errors']} ({r['connect']}/{r['read']}/{r['write']}/{r['status']}/{r['timeout']}) |")
    lines += ["", "Resident memory of the server (VmRSS, MiB), sampled every 0.25 s:", "",
              "| point | RSS MiB |", "|---|---:|"]
    lines += [f"| {k} | {v:.0f} |" for k, v in rss.items()]
    lines += [f"| peak over the whole run | {peak:.0f} |", "",
              f"Growth from the end of the warm-up to the end of phase 4: "
              f"{rss['after 4. single item (after the attack)'] - rss['after warm-up (5 s single, 10 s batches)']:+.1f} MiB "
              f"over {sum(r['requests'] for _, _, r, _ in phases)} measured requests (+ the attack traffic).", ""]
    attack_counts = next(c for _, _, _, c in phases if c is not None)
    lines += ["Hostile clients during phase 3 (how each attempt was answered):", "", "| attack | outcomes |", "|---|---|"]
    for attack, outcomes in attack_counts.items():
        lines.append(f"| {attack} | " + ", ".join(f"{k}: {v}" for k, v in sorted(outcomes.items())) + " |")
    lines += ["", f"After the run: server process alive: {alive}; `/healthz` status {health}.", ""]
    Path(args.out).write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    total_errors = sum(r["errors"] for _, _, r, _ in phases)
    return 0 if total_errors == 0 and alive else 1


if __name__ == "__main__":
    sys.exit(main())
