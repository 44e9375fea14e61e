#!/usr/bin/env python3
"""supportkpi against polars and DuckDB: the same KPIs on the same generated data, timed side
by side, with every engine's numbers checked against every other's.

    python3 benches/compare/compare.py                      # 1M and 10M tickets (long)
    python3 benches/compare/compare.py --tickets 1000000    # one size
    python3 benches/compare/compare.py --check-only --tickets 10000   # agreement only (seconds)

The script needs only Python 3 with pip: it creates its own virtual environment
(benches/compare/.venv, or --venv PATH), installs requirements.txt there and re-runs itself
inside it. It builds the Rust engine (examples/bench_report.rs) with cargo.

Engines, each run in its own process (so that its peak memory, ru_maxrss, is its own):
- supportkpi-rust    examples/bench_report (Report::compute + the daily Backlog KPI)
- supportkpi-python  sk.report(tickets=<polars DataFrame>, ...) when the binding has it
- supportkpi-python-prepared  compute only: sk.prepare(...) of the same polars frames
                     (untimed), then prepared.report(...) of the same workload (timed): the
                     report without the frames' conversion, as a notebook reporting many
                     times on one read pays it
- polars             lazy-free eager expressions, all cores
- duckdb             SQL on in-memory tables, all cores
Parquet legs, on the same tickets written as Parquet (tickets.parquet, surveys.parquet):
- supportkpi-rust-parquet    bench_report --input parquet (io::load_columnar of the files)
- supportkpi-rust-arrow      compute only: bench_report --mode arrow, the Parquet files decoded
                             into Arrow record batches (untimed), then the batches read into
                             the tables plus the workload (timed): what the Python engines do
                             with a data frame, without Python
- supportkpi-python-parquet  compute: sk.report(tickets=<pyarrow Table>, ...) of
                             pyarrow.parquet.read_table; e2e: sk.report of the files' paths
- polars-parquet             pl.scan_parquet(...).collect(), then the same expressions
- duckdb-parquet             read_parquet into in-memory tables, then the same SQL

Modes: "compute" loads the files first (untimed) and times the workload on data in memory;
"e2e" times reading the files plus the workload.

The workload (BENCHMARKS.md states it too), zone UTC:
- per month x channel and per month: tickets created; FRT mean / median / p90 / n (first
  response - creation, answered tickets, by creation month); tickets resolved and resolution
  mean / median / p90 / n (latest resolution - creation, by resolution month); first-contact
  resolution % (resolved, at most one agent reply, never reopened, over every ticket with a
  known reply count created in the month); CSAT % top-2-box (scores 4-5 of 1-5) with n and NPS
  (promoters 9-10 minus detractors 0-6, per 100 responses) with n, by response month, a
  response taking the channel of the ticket it rates;
- the backlog at the end of each day: tickets created before the next midnight and not
  resolved (or cancelled) before it; a resolved or cancelled ticket without a resolution
  instant leaves at its creation.
Medians and p90 interpolate linearly between closest ranks (polars quantile(q, "linear"),
DuckDB quantile_cont), as the library documents.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import time
import venv
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
DEFAULT_VENV = HERE / ".venv"
REQUIREMENTS = HERE / "requirements.txt"
OPEN_STATUSES = ("new", "open", "pending", "on_hold")
# Counts must match exactly; statistics to this relative error (the engines round differently
# in the last bits of a mean or an interpolated quantile).
REL_TOL = 1e-9


# ----------------------------------------------------------------------------------------
# Environment
# ----------------------------------------------------------------------------------------


def in_venv(path: Path) -> bool:
    return Path(sys.prefix).resolve() == path.resolve()


def ensure_venv(path: Path, argv: list[str]) -> None:
    """Re-runs this script inside the venv (creating it if needed); there, installs the
    requirements unless they are already importable (the project's .venv may have them)."""
    if not in_venv(path):
        python = path / "bin" / "python"
        if not python.exists():
            print(f"==> creating {path}", flush=True)
            venv.create(path, with_pip=True)
        os.execv(str(python), [str(python), str(Path(__file__).resolve()), *argv])
    try:
        import duckdb  # noqa: F401
        import polars  # noqa: F401
        import pyarrow  # noqa: F401
        import tzdata  # noqa: F401
    except ImportError:
        print(f"==> installing {REQUIREMENTS.name} into {path}", flush=True)
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
             "-r", str(REQUIREMENTS)],
            check=True,
        )


def build_rust(release: bool) -> Path:
    cmd = ["cargo", "build", "--quiet", "--example", "bench_report"]
    if release:
        cmd.insert(2, "--release")
    subprocess.run(cmd, cwd=ROOT, check=True)
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    return target / ("release" if release else "debug") / "examples" / "bench_report"


def python_binding_state(build: bool) -> str:
    """'ok', or why supportkpi-python cannot take part."""
    source = ROOT / "crates" / "supportkpi-python" / "python" / "supportkpi" / "__init__.py"
    try:
        import supportkpi  # noqa: F401

        # A timed run measures the binding of this checkout: build it (incrementally) even
        # when an older build is importable.
        stale = build
    except ImportError:
        stale = True
    if stale:
        if not build:
            return "not available: supportkpi is not installed in this venv"
        if "report" not in source.read_text():
            return "not available: the binding has no sk.report yet (nothing to build)"
        print("==> building the Python binding (maturin develop --release)", flush=True)
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "maturin>=1.9,<2"],
                       check=True)
        env = dict(os.environ, VIRTUAL_ENV=sys.prefix)
        env["PATH"] = f"{Path(sys.prefix) / 'bin'}:{env['PATH']}"
        env.pop("CONDA_PREFIX", None)
        r = subprocess.run(["maturin", "develop", "--release", "--quiet", "--manifest-path",
                            str(ROOT / "crates/supportkpi-python/Cargo.toml")], env=env)
        if r.returncode != 0:
            return "not available: building the binding failed"
        # An editable install is a .pth file, read at interpreter start: read it now.
        import importlib
        import site

        for d in site.getsitepackages():
            site.addsitedir(d)
        importlib.invalidate_caches()
    import supportkpi as sk

    if not hasattr(sk, "report"):
        return "not available: sk.report does not exist yet"
    return "ok"


# ----------------------------------------------------------------------------------------
# Data
# ----------------------------------------------------------------------------------------


def ensure_data(binary: Path, n: int, seed: int, base: Path) -> Path:
    out = base / f"tickets-{n}-seed-{seed}"
    marker = out / "done.json"
    if not marker.exists():
        print(f"==> generating {n:,} tickets into {out}", flush=True)
        if out.exists():
            shutil.rmtree(out)
        r = subprocess.run([str(binary), "generate", "--tickets", str(n), "--seed", str(seed),
                            "--out", str(out)], check=True, capture_output=True, text=True)
        marker.write_text(r.stdout)
    # The same tickets as Parquet (typed columns), beside the CSVs: the Parquet legs read them.
    parquet_marker = out / "parquet.json"
    if not parquet_marker.exists():
        print(f"==> writing {n:,} tickets as Parquet into {out}", flush=True)
        r = subprocess.run([str(binary), "generate", "--tickets", str(n), "--seed", str(seed),
                            "--out", str(out), "--format", "parquet"],
                           check=True, capture_output=True, text=True)
        parquet_marker.write_text(r.stdout)
    return out


# ----------------------------------------------------------------------------------------
# Workers: one engine, one mode, in this process
# ----------------------------------------------------------------------------------------


def polars_load(data: Path):
    import polars as pl

    tickets = pl.read_csv(data / "tickets.csv", try_parse_dates=True)
    surveys = pl.read_csv(data / "surveys.csv", try_parse_dates=True)
    return tickets, surveys


def polars_load_parquet(data: Path):
    import polars as pl

    tickets = pl.scan_parquet(data / "tickets.parquet").collect()
    surveys = pl.scan_parquet(data / "surveys.parquet").collect()
    return tickets, surveys


def pyarrow_load_parquet(data: Path):
    import pyarrow.parquet as pq

    return pq.read_table(data / "tickets.parquet"), pq.read_table(data / "surveys.parquet")


def polars_workload(tickets, surveys) -> dict:
    import polars as pl

    def secs(end: str):
        return (pl.col(end) - pl.col("created_at")).dt.total_seconds()

    def stats(e):
        return [e.mean(), e.quantile(0.5, "linear"), e.quantile(0.9, "linear"), e.count()]

    t = tickets.with_columns(ch=pl.col("channel").fill_null("(none)"))
    month = pl.col("m").dt.strftime("%Y-%m")

    def both(frame, aggs):
        # One group-by per level: month x channel, and month ("*").
        by = frame.group_by("m", "ch").agg(aggs)
        total = frame.group_by("m").agg(aggs).with_columns(ch=pl.lit("*"))
        return pl.concat([by, total.select(by.columns)]).with_columns(key=month + "|" + pl.col("ch"))

    frt = secs("first_response_at")
    created = both(
        t.with_columns(m=pl.col("created_at").dt.truncate("1mo")),
        [pl.len().alias("created"),
         *[x.alias(f"frt{i}") for i, x in enumerate(stats(frt))],
         ((pl.col("resolved_at").is_not_null()) & (pl.col("agent_replies") <= 1)
          & (pl.col("reopens") == 0)).sum().alias("fcr_num"),
         pl.col("agent_replies").is_not_null().sum().alias("fcr_den")],
    )
    art = secs("resolved_at")
    resolved = both(
        t.filter(pl.col("resolved_at").is_not_null())
        .with_columns(m=pl.col("resolved_at").dt.truncate("1mo")),
        [pl.len().alias("resolved"), *[x.alias(f"art{i}") for i, x in enumerate(stats(art))]],
    )
    s = surveys.join(t.select(pl.col("id").alias("ticket_id"), "ch"), on="ticket_id", how="left")
    s = s.with_columns(ch=pl.col("ch").fill_null("(none)"),
                       m=pl.col("responded_at").dt.truncate("1mo"))
    csat = both(s.filter(pl.col("kind") == "csat"),
                [(pl.col("score") >= 4).mean().alias("v"), pl.len().alias("n")])
    nps = both(s.filter(pl.col("kind") == "nps"),
               [((pl.col("score") >= 9).cast(pl.Int64) - (pl.col("score") <= 6).cast(pl.Int64))
                .mean().alias("v"), pl.len().alias("n")])

    closed = pl.when(pl.col("status").is_in(OPEN_STATUSES)).then(None).otherwise(
        pl.coalesce("resolved_at", "created_at"))
    flow = pl.concat([
        t.select(d=pl.col("created_at").dt.date(), delta=pl.lit(1)),
        t.select(d=closed.dt.date(), delta=pl.lit(-1)).drop_nulls("d"),
    ]).group_by("d").agg(pl.col("delta").sum())
    days = pl.DataFrame({"d": pl.date_range(flow["d"].min(), flow["d"].max(), "1d", eager=True)})
    backlog = days.join(flow, on="d", how="left").sort("d").with_columns(
        b=pl.col("delta").fill_null(0).cum_sum())
    return {"created": created, "resolved": resolved, "csat": csat, "nps": nps,
            "backlog": backlog}


def polars_figures(out: dict) -> dict:
    f: dict[str, dict] = {}
    for r in out["created"].iter_rows(named=True):
        k = r["key"]
        f.setdefault("created", {})[k] = r["created"]
        if r["frt3"]:
            f.setdefault("frt", {})[k] = [r["frt0"], r["frt1"], r["frt2"], r["frt3"]]
        if r["fcr_den"]:
            f.setdefault("fcr", {})[k] = 100.0 * r["fcr_num"] / r["fcr_den"]
    for r in out["resolved"].iter_rows(named=True):
        f.setdefault("resolved", {})[r["key"]] = r["resolved"]
        f.setdefault("resolution", {})[r["key"]] = [r["art0"], r["art1"], r["art2"], r["art3"]]
    for name in ("csat", "nps"):
        for r in out[name].iter_rows(named=True):
            f.setdefault(name, {})[r["key"]] = [100.0 * r["v"], r["n"]]
    f["backlog_daily"] = {str(r["d"]): r["b"] for r in out["backlog"].iter_rows(named=True)}
    return f


DUCK_LOAD = """
CREATE OR REPLACE TABLE tickets AS SELECT * FROM read_csv('{data}/tickets.csv');
CREATE OR REPLACE TABLE surveys AS SELECT * FROM read_csv('{data}/surveys.csv');
"""

DUCK_LOAD_PARQUET = """
CREATE OR REPLACE TABLE tickets AS SELECT * FROM read_parquet('{data}/tickets.parquet');
CREATE OR REPLACE TABLE surveys AS SELECT * FROM read_parquet('{data}/surveys.parquet');
"""

DUCK_QUERIES = {
    "created": """
        SELECT strftime(m, '%Y-%m') || '|' || coalesce(ch, '*') AS key, count(*) AS created,
               avg(frt), quantile_cont(frt, 0.5), quantile_cont(frt, 0.9), count(frt),
               count(*) FILTER (resolved_at IS NOT NULL AND agent_replies <= 1 AND reopens = 0),
               count(agent_replies)
        FROM (SELECT *, coalesce(channel, '(none)') AS ch,
                     date_trunc('month', created_at) AS m,
                     epoch(first_response_at) - epoch(created_at) AS frt FROM tickets)
        GROUP BY GROUPING SETS ((m, ch), (m))""",
    "resolved": """
        SELECT strftime(m, '%Y-%m') || '|' || coalesce(ch, '*') AS key, count(*),
               avg(art), quantile_cont(art, 0.5), quantile_cont(art, 0.9), count(art)
        FROM (SELECT coalesce(channel, '(none)') AS ch, date_trunc('month', resolved_at) AS m,
                     epoch(resolved_at) - epoch(created_at) AS art
              FROM tickets WHERE resolved_at IS NOT NULL)
        GROUP BY GROUPING SETS ((m, ch), (m))""",
    "surveys": """
        SELECT kind, strftime(m, '%Y-%m') || '|' || coalesce(ch, '*') AS key,
               CASE kind WHEN 'csat' THEN 100.0 * avg(CASE WHEN score >= 4 THEN 1 ELSE 0 END)
                         ELSE 100.0 * avg(CASE WHEN score >= 9 THEN 1 WHEN score <= 6 THEN -1
                                               ELSE 0 END) END,
               count(*)
        FROM (SELECT s.kind, s.score, date_trunc('month', s.responded_at) AS m,
                     coalesce(t.channel, '(none)') AS ch
              FROM surveys s LEFT JOIN tickets t ON t.id = s.ticket_id
              WHERE s.kind IN ('csat', 'nps'))
        GROUP BY GROUPING SETS ((kind, m, ch), (kind, m))""",
    "backlog": f"""
        WITH flow AS (
            SELECT d, sum(delta) AS delta FROM (
                SELECT created_at::DATE AS d, 1 AS delta FROM tickets
                UNION ALL
                SELECT coalesce(resolved_at, created_at)::DATE, -1 FROM tickets
                WHERE status NOT IN {OPEN_STATUSES!r})
            GROUP BY d),
        days AS (SELECT range::DATE AS d FROM range((SELECT min(d) FROM flow),
                 (SELECT max(d) FROM flow) + INTERVAL 1 DAY, INTERVAL 1 DAY))
        SELECT strftime(days.d, '%Y-%m-%d'),
               sum(coalesce(flow.delta, 0)) OVER (ORDER BY days.d)
        FROM days LEFT JOIN flow USING (d) ORDER BY 1""",
}


def duck_connect():
    import duckdb

    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    return con


def duck_workload(con) -> dict:
    return {name: con.execute(q).fetchall() for name, q in DUCK_QUERIES.items()}


def duck_figures(out: dict) -> dict:
    f: dict[str, dict] = {}
    for key, created, *frt, num, den in out["created"]:
        f.setdefault("created", {})[key] = created
        if frt[3]:
            f.setdefault("frt", {})[key] = frt
        if den:
            f.setdefault("fcr", {})[key] = 100.0 * num / den
    for key, n, *art in out["resolved"]:
        f.setdefault("resolved", {})[key] = n
        f.setdefault("resolution", {})[key] = art
    for kind, key, v, n in out["surveys"]:
        f.setdefault(kind, {})[key] = [v, n]
    f["backlog_daily"] = {d: int(b) for d, b in out["backlog"]}
    return f


# The workload's rows only: the report's sections (intervals, heatmap, backlog ages, revenue,
# cohorts) are no part of it and no peer computes them.
SK_WORKLOAD = dict(period="month", timezone="UTC", by="channel", sections=[])


def sk_report(tickets, surveys):
    import supportkpi as sk

    return sk.report(tickets=tickets, surveys=surveys, **SK_WORKLOAD)


def sk_figures(monthly, daily_report) -> dict:
    """The workload's figures from the monthly report; `daily_report(period="day")` gives the
    daily backlog."""
    f: dict[str, dict] = {}
    for r in monthly.to_dicts():
        key = f"{str(r['period_start'])[:7]}|{r['dimension'] or '*'}"

        def put(metric, value):
            f.setdefault(metric, {})[key] = value

        if r["tickets_created"]:
            put("created", r["tickets_created"])
        if r["tickets_resolved"]:
            put("resolved", r["tickets_resolved"])
        if r["frt_mean_s"] is not None:
            put("frt", [r["frt_mean_s"], r["frt_median_s"], r["frt_p90_s"], r["frt_n"]])
        if r["resolution_mean_s"] is not None:
            put("resolution", [r["resolution_mean_s"], r["resolution_median_s"],
                               r["resolution_p90_s"], r["resolution_n"]])
        if r["first_contact_resolution_pct"] is not None:
            put("fcr", r["first_contact_resolution_pct"])
        if r["csat_pct"] is not None:
            put("csat", [r["csat_pct"], r["csat_n"]])
        if r["nps"] is not None:
            put("nps", [r["nps"], r["nps_n"]])
    # The daily backlog from a daily report (untimed: the Python API has no backlog-only call).
    daily = daily_report(period="day", timezone="UTC")
    f["backlog_daily"] = {str(r["period_start"])[:10]: r["backlog_end"]
                          for r in daily.to_dicts() if r["dimension"] is None}
    return f


def sk_daily(tickets):
    import supportkpi as sk

    return lambda **opts: sk.report(tickets=tickets, **opts)


def worker(engine: str, mode: str, data: Path, runs: int, figures: bool) -> dict:
    times: list[float] = []
    out = None
    extra: dict = {}
    if engine in ("polars", "polars-parquet"):
        load = polars_load if engine == "polars" else polars_load_parquet
        if mode == "compute":
            t, s = load(data)
        for _ in range(runs):
            start = time.perf_counter()
            if mode == "e2e":
                t, s = load(data)
            out = polars_workload(t, s)
            times.append(time.perf_counter() - start)
        fig = polars_figures(out) if figures else None
    elif engine in ("duckdb", "duckdb-parquet"):
        query = DUCK_LOAD if engine == "duckdb" else DUCK_LOAD_PARQUET
        con = duck_connect()
        if mode == "compute":
            con.execute(query.format(data=data))
        for _ in range(runs):
            start = time.perf_counter()
            if mode == "e2e":
                con.execute(query.format(data=data))
            out = duck_workload(con)
            times.append(time.perf_counter() - start)
        fig = duck_figures(out) if figures else None
    elif engine == "supportkpi-python-parquet":
        # compute: a pyarrow Table read from the Parquet files (untimed) into sk.report; e2e:
        # sk.report of the files' paths (the core reads the Parquet itself).
        if mode == "compute":
            t, s = pyarrow_load_parquet(data)
        else:
            t, s = str(data / "tickets.parquet"), str(data / "surveys.parquet")
        out = sk_report(t, s)
        for _ in range(runs):
            start = time.perf_counter()
            out = sk_report(t, s)
            times.append(time.perf_counter() - start)
        extra["report_times"] = times
        fig = sk_figures(out, sk_daily(t)) if figures else None
    elif engine == "supportkpi-python":
        # Times the monthly report only (compare with the Rust engine's report_times): the
        # daily backlog comes from a second, untimed daily report for the agreement check.
        t, s = polars_load(data)
        try:
            out = sk_report(t, s)
        except (TypeError, NotImplementedError) as e:
            # The binding exists but takes no polars frame (yet): not a failure of the check.
            return {"engine": engine, "mode": mode, "unavailable":
                    f"not available: sk.report does not take a polars DataFrame ({e})"}
        for _ in range(runs):
            start = time.perf_counter()
            if mode == "e2e":
                t, s = polars_load(data)
            out = sk_report(t, s)
            times.append(time.perf_counter() - start)
        extra["report_times"] = times
        fig = sk_figures(out, sk_daily(t)) if figures else None
    elif engine == "supportkpi-python-prepared":
        # The frames read into the core's tables once (untimed), then the report alone.
        import supportkpi as sk

        t, s = polars_load(data)
        if not hasattr(sk, "prepare"):
            return {"engine": engine, "mode": mode,
                    "unavailable": "not available: the binding has no sk.prepare"}
        prepared = sk.prepare(tickets=t, surveys=s, timezone="UTC")
        del t, s
        out = prepared.report(**SK_WORKLOAD)
        for _ in range(runs):
            start = time.perf_counter()
            out = prepared.report(**SK_WORKLOAD)
            times.append(time.perf_counter() - start)
        extra["report_times"] = times
        fig = sk_figures(out, prepared.report) if figures else None
    else:
        raise SystemExit(f"unknown engine {engine}")
    result = {"engine": engine, "mode": mode, "times": times, **extra}
    if fig is not None:
        result["figures"] = fig
    return result


# ----------------------------------------------------------------------------------------
# Driver
# ----------------------------------------------------------------------------------------


def run_engine(engine: str, mode: str, data: Path, runs: int, figures: bool, binary: Path,
               venv_python: str) -> dict:
    if engine == "supportkpi-rust-arrow" and mode != "compute":
        return {"engine": engine, "mode": mode,
                "unavailable": "compute only (the batches are in memory)"}
    if engine == "supportkpi-python-prepared" and mode != "compute":
        return {"engine": engine, "mode": mode,
                "unavailable": "compute only (the inputs are read once, untimed)"}
    if engine in ("supportkpi-rust", "supportkpi-rust-parquet", "supportkpi-rust-arrow"):
        rust_mode = "arrow" if engine == "supportkpi-rust-arrow" else mode
        cmd = [str(binary), "run", "--data", str(data), "--mode", rust_mode, "--runs", str(runs)]
        if engine == "supportkpi-rust-parquet":
            cmd += ["--input", "parquet"]
    else:
        cmd = [venv_python, str(Path(__file__).resolve()), "--worker", engine, "--mode", mode,
               "--data", str(data), "--runs", str(runs)]
    if figures:
        cmd.append("--figures")
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # wait4 gives this child's own rusage (ru_maxrss in KiB on Linux); the pipes are drained
    # by threads so that a large figures dump cannot block the child.
    import threading

    chunks: dict[str, bytes] = {}

    def drain(name, pipe):
        chunks[name] = pipe.read()

    threads = [threading.Thread(target=drain, args=(n, p))
               for n, p in (("out", proc.stdout), ("err", proc.stderr))]
    for th in threads:
        th.start()
    _, status, usage = os.wait4(proc.pid, 0)
    for th in threads:
        th.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.stderr.write(chunks["err"].decode(errors="replace"))
        raise SystemExit(f"{engine} ({mode}) failed with exit code {proc.returncode}")
    result = json.loads(chunks["out"].decode())
    # bench_report names itself supportkpi-rust whatever its input: the leg's name wins.
    result["engine"] = engine
    result["peak_rss_mib"] = usage.ru_maxrss / 1024
    return result


def close(a, b) -> bool:
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(close(x, y) for x, y in zip(a, b))
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if isinstance(a, int) and isinstance(b, int):
            return a == b
        return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=1e-9)
    return a == b


def compare_figures(results: list[dict]) -> list[str]:
    """Differences between each engine's figures and the reference's (the first)."""
    ref = results[0]
    problems: list[str] = []
    metrics = sorted(ref["figures"])
    for other in results[1:]:
        for metric in metrics:
            a = ref["figures"].get(metric, {})
            b = other["figures"].get(metric)
            if b is None:
                problems.append(f"{other['engine']}: no {metric}")
                continue
            for key in sorted(set(a) | set(b)):
                if key not in a or key not in b or not close(a[key], b[key]):
                    problems.append(f"{metric}[{key}]: {ref['engine']}={a.get(key)!r} "
                                    f"{other['engine']}={b.get(key)!r}")
    return problems


def check(results: list[dict]) -> bool:
    problems = compare_figures(results)
    names = ", ".join(r["engine"] for r in results)
    n = sum(len(v) for v in results[0]["figures"].values())
    if problems:
        print(f"DISAGREEMENT between {names}: {len(problems)} values differ", file=sys.stderr)
        for p in problems[:40]:
            print(f"  {p}", file=sys.stderr)
        return False
    print(f"agreement: {names} give the same {n} figures "
          f"({', '.join(sorted(results[0]['figures']))})")
    return True


# --- business time --------------------------------------------------------------------------

HOLIDAYS = ["2023-01-02", "2023-05-29", "2023-07-04", "2023-09-04", "2023-11-23", "2023-12-25"]


def python_business_seconds(start: int, end: int) -> int:
    """Mon-Fri 09:00-17:00 America/New_York minus HOLIDAYS, in [start, end): the plain way,
    one local day at a time (what a user writes without the library)."""
    from datetime import date, datetime, timedelta, timezone
    from zoneinfo import ZoneInfo

    tz = ZoneInfo("America/New_York")
    holidays = {date.fromisoformat(d) for d in HOLIDAYS}
    a = datetime.fromtimestamp(start, timezone.utc)
    b = datetime.fromtimestamp(end, timezone.utc)
    day = a.astimezone(tz).date()
    last = b.astimezone(tz).date()
    total = 0
    while day <= last:
        if day.weekday() < 5 and day not in holidays:
            open_ = datetime(day.year, day.month, day.day, 9, tzinfo=tz)
            shut = datetime(day.year, day.month, day.day, 17, tzinfo=tz)
            lo, hi = max(a, open_), min(b, shut)
            if hi > lo:
                total += int((hi - lo).total_seconds())
        day += timedelta(days=1)
    return total


def business_section(binary: Path, tickets: int, runs: int, workdir: Path) -> tuple[dict, bool]:
    sample = workdir / "business-sample.csv"
    r = subprocess.run([str(binary), "business", "--tickets", str(tickets), "--runs", str(runs),
                        "--sample-out", str(sample)], check=True, capture_output=True, text=True)
    rust = json.loads(r.stdout)
    rows = [line.split(",") for line in sample.read_text().splitlines()[1:]]
    bad = []
    by_len: dict[str, list[float]] = {}
    for a, b, expected in rows:
        a, b, expected = int(a), int(b), int(expected)
        start = time.perf_counter()
        got = python_business_seconds(a, b)
        elapsed = time.perf_counter() - start
        days = (b - a) / 86400
        label = "<1 day" if days < 1 else ("<30 days" if days < 30 else ">=30 days")
        by_len.setdefault(label, []).append(elapsed)
        if got != expected:
            bad.append((a, b, expected, got))
    for a, b, e, g in bad[:10]:
        print(f"  business time differs: [{a}, {b}) supportkpi={e} python={g}", file=sys.stderr)
    python_cost = {k: statistics.median(v) for k, v in by_len.items()}
    return {"rust": rust["business"], "python_per_ticket_s": python_cost,
            "sample": len(rows), "disagree": len(bad)}, not bad


# --- report -----------------------------------------------------------------------------------


def fmt_mib(x: float | None) -> str:
    return "-" if x is None else f"{x:,.0f}"


def table(results: dict, sizes: list[int]) -> str:
    lines = ["| tickets | mode | engine | median s | runs | vs supportkpi-rust | peak RSS MiB |",
             "|---:|---|---|---:|---:|---:|---:|"]
    for n in sizes:
        for mode in ("compute", "e2e"):
            rows = results.get((n, mode), [])
            base = next((r for r in rows if r["engine"] == "supportkpi-rust"), None)
            arrow = next((r for r in rows if r["engine"] == "supportkpi-rust-arrow"
                          and "unavailable" not in r), None)
            for r in rows:
                if "unavailable" in r:
                    lines.append(f"| {n:,} | {mode} | {r['engine']} | {r['unavailable']} "
                                 f"| | | |")
                    continue
                med = statistics.median(r["times"])
                if r["engine"].startswith("supportkpi-python") and base:
                    ref = statistics.median(base["report_times"])
                    ratio = f"{med / ref:.2f}x (report only)"
                    # The prepared leg reads nothing in its timed runs: no conversion to compare.
                    if arrow and mode == "compute" and r["engine"] != "supportkpi-python-prepared":
                        # The same batches read by Rust: what the Python door itself adds.
                        ratio += (f"; {med / statistics.median(arrow['report_times']):.2f}x "
                                  "Rust from Arrow")
                else:
                    ratio = f"{med / statistics.median(base['times']):.2f}x" if base else "-"
                lines.append(f"| {n:,} | {mode} | {r['engine']} | {med:.3f} | "
                             f"{len(r['times'])} | {ratio} | {fmt_mib(r['peak_rss_mib'])} |")
    return "\n".join(lines)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--tickets", type=int, action="append",
                   help="data set size (repeatable); default 1,000,000 and 10,000,000")
    p.add_argument("--runs", type=int, default=3, help="timed runs per engine and mode")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--check-only", action="store_true",
                   help="only check that the engines agree (compute mode, one run, debug build)")
    p.add_argument("--venv", type=Path, default=DEFAULT_VENV,
                   help="virtual environment to use (created and filled if needed)")
    p.add_argument("--data-dir", type=Path, default=ROOT / "target" / "compare-data")
    p.add_argument("--engines", default="supportkpi-rust,supportkpi-python,"
                   "supportkpi-python-prepared,polars,duckdb,"
                   "supportkpi-rust-arrow,supportkpi-rust-parquet,supportkpi-python-parquet,polars-parquet,"
                   "duckdb-parquet")
    p.add_argument("--no-python-build", action="store_true",
                   help="do not build the Python binding into the venv")
    p.add_argument("--business-tickets", type=int, default=1_000_000)
    p.add_argument("--json-out", type=Path, help="write every result here")
    # Worker mode (internal).
    p.add_argument("--worker", help=argparse.SUPPRESS)
    p.add_argument("--mode", help=argparse.SUPPRESS)
    p.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--figures", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()

    if args.worker:
        print(json.dumps(worker(args.worker, args.mode, args.data, args.runs, args.figures)))
        return 0

    ensure_venv(args.venv, sys.argv[1:])
    sizes = args.tickets or [1_000_000, 10_000_000]
    engines = args.engines.split(",")
    binary = build_rust(release=not args.check_only)
    py_state = python_binding_state(build=not (args.check_only or args.no_python_build))
    print(f"supportkpi-python: {py_state}", flush=True)
    args.data_dir.mkdir(parents=True, exist_ok=True)

    ok = True
    results: dict = {}
    for n in sizes:
        data = ensure_data(binary, n, args.seed, args.data_dir)
        modes = ["compute"] if args.check_only else ["compute", "e2e"]
        for mode in modes:
            runs = 1 if args.check_only else args.runs
            rows = []
            for engine in engines:
                if engine.startswith("supportkpi-python") and py_state != "ok":
                    rows.append({"engine": engine, "unavailable": py_state})
                    continue
                print(f"==> {n:,} tickets, {mode}, {engine}", flush=True)
                # Figures once per size (compute mode): the check, not the timing.
                r = run_engine(engine, mode, data, runs, mode == "compute", binary,
                               sys.executable)
                if "unavailable" in r:
                    print(f"    {r['unavailable']}", flush=True)
                rows.append(r)
            results[(n, mode)] = rows
            with_figures = [r for r in rows if "figures" in r]
            if mode == "compute" and len(with_figures) > 1:
                ok = check(with_figures) and ok
            for r in rows:
                r.pop("figures", None)

    business, agree = business_section(
        binary, 20_000 if args.check_only else args.business_tickets,
        1 if args.check_only else args.runs, args.data_dir)
    print(f"business time: supportkpi and the pure-Python reference "
          f"{'agree' if agree else 'DISAGREE'} on {business['sample']} spans")
    ok = ok and agree

    if not args.check_only:
        print()
        print(table(results, sizes))
        print()
        print("| span | FRT+resolution calendar s | + business s | ratio | tickets |")
        print("|---|---:|---:|---:|---:|")
        for r in business["rust"]:
            print(f"| {r['span']} | {r['calendar_s']:.4f} | {r['calendar_business_s']:.4f} | "
                  f"{r['ratio']:.2f}x | {r['tickets']:,} |")
        print()
        print("pure-Python business hours, median per span: " + ", ".join(
            f"{k}: {v * 1e6:.1f} us" for k, v in sorted(business["python_per_ticket_s"].items())))
    if args.json_out:
        args.json_out.write_text(json.dumps(
            {"results": {f"{n}/{m}": v for (n, m), v in results.items()},
             "business": business}, indent=1))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
