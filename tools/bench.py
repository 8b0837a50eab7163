"""Benchmark the order modules through real ansible-playbook runs against the simulator.

    python tools/bench.py [--quick] [--orders 1000,10000] [--concurrency 1,4,8]
                          [--latency-ms 20] [--uri-sample 40] [--info-orders 100000] [--seed 1]

Run it with the Python of a virtual environment that has ansible-core, requests and jmespath,
because it runs the ansible-playbook installed beside that Python. Every Billing call of the
simulator sleeps --latency-ms, and every run starts from a fresh state (``POST /control/reset``).

- ``order_resubmit`` resubmits N orders in Provisioning Failed, for each N and concurrency. An
  order costs one GetOrder_API read and one OrderStatusChange_API write, so the ideal time is
  N x 2 x latency / concurrency, and efficiency is ideal / measured.
- "Measured" is the time of the module task, from timestamps that the playbook records right
  before and after it. The time of the whole ansible-playbook command is printed beside it.
- The order ids come from ``order_info`` (PF orders created in the maintenance window, over the
  six vendor accounts of the scenario), cross-checked with the simulator's control API.
- The baseline is a playbook loop of ``ansible.builtin.uri`` tasks, one read and one status
  change per order, over a sample of orders. The speedup is its time per order divided by the
  module's time per order at the largest N and the highest concurrency.
- The reference is bare ``http.client`` GetOrder_API calls from as many threads as the
  concurrency. Its efficiency is the ceiling that the simulator and the machine allow, so the
  gap down to the module's efficiency is the module's own overhead.
- ``order_info`` lists every order of a large installation (every status code of every vendor
  account, no time window). It reports the task time, the max RSS of the module process and the
  max RSS of the largest process of the ansible-playbook command.

After each run the simulator's write record must show exactly one applied status change per
order and none for other orders. A failed check prints a WARNING line. Nothing is asserted on
time. The last line printed is one JSON object with the headline figures and every run.
"""

import argparse
import collections
import http.client
import json
import os
import platform
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import xmlrpc.client

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PLAYBOOK_DIR = os.path.join(REPO_ROOT, "tools", "bench")
sys.path.insert(0, os.path.join(REPO_ROOT, "tests", "simulator"))

from cbsim.process import SimulatorError, SimulatorProcess  # noqa: E402

# Parts of the collection that ansible-playbook needs to run its modules.
COLLECTION_DIRECTORIES = ("meta", "plugins")

# Vendor accounts of the simulator's connect-maintenance scenario: the provider and five resellers.
VENDOR_ACCOUNT_IDS = [1, 1001, 1002, 1003, 1004, 1005]

# Every status code that order_info accepts; listing each one lists every order.
ALL_STATUSES = ["NW", "OP", "HL", "NP", "WP", "WA", "SS", "PD", "I4", "RB", "PR", "LO", "MO", "PC",
                "PF", "SF", "CR", "CP", "CL"]

# One GetOrder_API read and one OrderStatusChange_API write per order.
CALLS_PER_ORDER = 2

# Sizes of --quick, each used unless its option is given.
QUICK_SIZES = {"orders": [200], "uri_sample": 10, "info_orders": 10000}
FULL_SIZES = {"orders": [1000, 10000], "uri_sample": 40, "info_orders": 100000}

# Calls per thread of the http.client reference.
REFERENCE_CALLS_PER_THREAD = 400

# Resubmitted orders stay in PR for this many seconds, so that no provisioning outcome changes
# an order while a run reads it.
PROVISIONING_DELAY_S = 600

# Interpreter for one task: it runs the module in a child process and writes that child's max
# RSS to a file. The wrapper has no other child, so RUSAGE_CHILDREN measures the module alone.
RSS_WRAPPER = """#!{python}
import json
import resource
import subprocess
import sys

completed = subprocess.run([{python!r}] + sys.argv[1:])
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
with open({output!r}, "w") as handle:
    json.dump({{"max_rss_kib": usage.ru_maxrss}}, handle)
sys.exit(completed.returncode)
"""


CHECKS_PASSED = "one applied status change per order"
CHECKS_FAILED = "checks failed (see the WARNING lines)"


class BenchError(Exception):
    """A benchmark step failed, so its figures would mean nothing."""


PlaybookResult = collections.namedtuple(
    "PlaybookResult", "command_s task_s max_rss_kib results log_path load_average")


def positive_int_list(text):
    try:
        values = [int(item) for item in text.split(",") if item.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError("expected comma-separated integers, got %r" % text) from None
    if not values or any(value < 1 for value in values):
        raise argparse.ArgumentTypeError("expected integers of 1 or more, got %r" % text)
    return sorted(set(values))


def non_negative_int(text):
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("expected 0 or more, got %s" % text)
    return value


def non_negative_float(text):
    value = float(text)
    if value < 0:
        raise argparse.ArgumentTypeError("expected 0 or more, got %s" % text)
    return value


def parse_arguments(argv):
    parser = argparse.ArgumentParser(
        prog="bench.py",
        description="Benchmark order_resubmit and order_info through ansible-playbook against the "
                    "local simulator, and compare with a loop of ansible.builtin.uri tasks.")
    parser.add_argument("--orders", type=positive_int_list,
                        help="failed orders in the maintenance window, one resubmit series per value "
                             "(default 1000,10000; 200 with --quick)")
    parser.add_argument("--concurrency", type=positive_int_list, default=[1, 4, 8],
                        help="concurrency values of order_resubmit (default 1,4,8)")
    parser.add_argument("--latency-ms", type=non_negative_float, default=20.0,
                        help="milliseconds the simulator sleeps in every Billing call (default 20)")
    parser.add_argument("--uri-sample", type=non_negative_int,
                        help="orders resubmitted by the uri loop baseline; 0 skips it (default 40; 10 "
                             "with --quick)")
    parser.add_argument("--info-orders", type=non_negative_int,
                        help="orders of the installation that order_info lists in full; 0 skips it "
                             "(default 100000; 10000 with --quick)")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the simulated installations (default 1)")
    parser.add_argument("--quick", action="store_true",
                        help="small sizes for a smoke run of under two minutes")
    parser.add_argument("--keep-workdir", action="store_true",
                        help="keep the directory of playbook logs and results (kept anyway on failure)")
    arguments = parser.parse_args(argv)

    sizes = QUICK_SIZES if arguments.quick else FULL_SIZES
    for name, value in sizes.items():
        if getattr(arguments, name) is None:
            setattr(arguments, name, value)
    return arguments


# Environment


def ansible_playbook_path():
    """Return the ansible-playbook beside the running Python, so a venv's Python uses its own."""
    path = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")
    if not os.path.exists(path):
        raise BenchError("ansible-playbook not found beside %s; run this script with the Python of the "
                         "virtual environment where ansible-core is installed" % sys.executable)
    return path


def collections_path(workdir):
    """Copy the collection's plugins and metadata into workdir; return the collections path.

    A copy keeps every run of one benchmark on the same code, even when the checkout is being
    edited meanwhile.
    """
    root = os.path.join(workdir, "collections")
    collection = os.path.join(root, "ansible_collections", "cloudblue", "commerce")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in COLLECTION_DIRECTORIES:
        shutil.copytree(os.path.join(REPO_ROOT, name), os.path.join(collection, name), ignore=ignore)
    shutil.copy2(os.path.join(REPO_ROOT, "galaxy.yml"), collection)
    return root


def ansible_environment(workdir):
    env = {name: value for name, value in os.environ.items() if not name.startswith("CBC_")}
    env.update({
        "ANSIBLE_COLLECTIONS_PATH": collections_path(workdir),
        "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_LOCALHOST_WARNING": "false",
        "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false",
        "ANSIBLE_RETRY_FILES_ENABLED": "false",
    })
    return env


def ansible_core_version():
    completed = subprocess.run([sys.executable, "-c", "import ansible.release; print(ansible.release.__version__)"],
                               capture_output=True, text=True, check=False)
    return completed.stdout.strip() or "unknown"


def machine_description():
    return {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "ansible_core": ansible_core_version(),
    }


# Running playbooks


class PlaybookRunner:
    """Runs the playbooks of tools/bench/ and measures each command."""

    def __init__(self, workdir):
        self.workdir = workdir
        self.command = ansible_playbook_path()
        self.env = ansible_environment(workdir)
        self.count = 0

    def run(self, playbook, variables):
        """Run one playbook with variables as an extra-vars file; return a PlaybookResult.

        The wall time is taken around the command. Its max RSS comes from wait4, which reports the
        largest of the process itself and the descendants that it waited for.
        """
        self.count += 1
        stem = "%02d-%s" % (self.count, os.path.splitext(playbook)[0])
        vars_path = os.path.join(self.workdir, stem + "-vars.json")
        results_path = os.path.join(self.workdir, stem + "-results.json")
        log_path = os.path.join(self.workdir, stem + ".log")
        with open(vars_path, "w") as handle:
            json.dump(dict(variables, results_path=results_path), handle)

        argv = [self.command, "-i", "localhost,", os.path.join(PLAYBOOK_DIR, playbook), "-e", "@" + vars_path]
        # The 1-minute load average before the command shows whether other processes were
        # competing for the CPUs.
        load = round(os.getloadavg()[0], 2)
        with open(log_path, "wb") as log:
            started = time.monotonic()
            process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                       env=self.env, cwd=self.workdir)
            status, usage = os.wait4(process.pid, 0)[1:]
            command_s = time.monotonic() - started
        process.returncode = os.waitstatus_to_exitcode(status)

        if process.returncode != 0:
            raise BenchError("ansible-playbook %s exited with status %d; its output is in %s:\n%s"
                             % (playbook, process.returncode, log_path, tail(log_path)))
        with open(results_path) as handle:
            results = json.load(handle)
        task_s = float(results["finished"]) - float(results["started"])
        return PlaybookResult(command_s, task_s, usage.ru_maxrss, results, log_path, load)


def tail(path, lines=30):
    with open(path, "rb") as handle:
        text = handle.read().decode("utf-8", "replace")
    return "\n".join(text.splitlines()[-lines:])


def start_simulator(orders, seed, latency_ms, failed_in_window=None):
    simulator = SimulatorProcess(scenario="connect-maintenance", orders=orders, seed=seed,
                                 failed_in_window=failed_in_window, latency_ms=latency_ms,
                                 provisioning_delay=PROVISIONING_DELAY_S, start_timeout=300)
    try:
        return simulator.start()
    except SimulatorError as error:
        raise BenchError(str(error)) from None


# Checks


def write_problems(simulator, order_ids):
    """Return how the write record differs from one applied status change per order in order_ids."""
    expected = set(order_ids)
    applied = collections.Counter()
    problems = []
    for write in simulator.writes():
        if write["result"] != "applied":
            problems.append("status change of order %s was %s: %s"
                            % (write["order_id"], write["result"], write["fault_string"]))
        elif write["order_id"] not in expected:
            problems.append("order %s was not to be resubmitted but got a status change" % write["order_id"])
        else:
            applied[write["order_id"]] += 1

    missing = sorted(expected - set(applied))
    repeated = sorted(order_id for order_id, count in applied.items() if count > 1)
    if missing:
        problems.append("%d orders got no applied status change, for example %s" % (len(missing), missing[:5]))
    if repeated:
        problems.append("%d orders got more than one applied status change, for example %s"
                        % (len(repeated), repeated[:5]))
    return problems


def warn(problems, label):
    for problem in problems:
        print("WARNING: %s: %s" % (label, problem), flush=True)


# Measurements


def list_failed_orders(runner, simulator, expected_count):
    """List the PF orders of the window with order_info; return (order_ids, run record)."""
    info = simulator.info
    result = runner.run("list_failed.yml", {
        "billing_url": simulator.billing_url,
        "vendor_account_ids": VENDOR_ACCOUNT_IDS,
        "window_start": info["window_start"],
        "window_end": info["window_end"],
    })
    order_ids = sorted(result.results["order_ids"])

    control_ids = sorted(order["order_id"] for order in simulator.orders(
        status="PF", created_after=info["window_start"], created_before=info["window_end"]))
    problems = []
    if order_ids != control_ids:
        problems.append("order_info listed %d orders but the control API has %d PF orders in the window"
                        % (len(order_ids), len(control_ids)))
    if len(order_ids) != expected_count:
        problems.append("listed %d orders, expected %d" % (len(order_ids), expected_count))
    warn(problems, "order_info listing")

    record = {
        "kind": "order_info_failed",
        "orders_total": info["orders_total"],
        "orders": len(order_ids),
        "measured_s": round(result.task_s, 3),
        "command_s": round(result.command_s, 3),
        "load_average": result.load_average,
        "problems": problems,
    }
    print("order_info: %d PF orders of the window listed among %d orders in %.2f s (task), %.2f s (command)"
          % (len(order_ids), info["orders_total"], result.task_s, result.command_s), flush=True)
    return order_ids, record


def measure_resubmit(runner, simulator, order_ids, concurrency, latency_ms):
    simulator.reset()
    result = runner.run("resubmit.yml", {
        "billing_url": simulator.billing_url,
        "order_ids": order_ids,
        "concurrency": concurrency,
    })
    orders = len(order_ids)
    ideal_s = orders * CALLS_PER_ORDER * latency_ms / 1000.0 / concurrency
    stats = simulator.stats()

    problems = write_problems(simulator, order_ids)
    summary = result.results["summary"]
    if summary["resubmitted"] != orders or summary["errors"] != 0:
        problems.append("the module reported %d resubmitted orders and %d order errors, of %d orders"
                        % (summary["resubmitted"], summary["errors"], orders))
    if stats["billing_requests"] != orders * CALLS_PER_ORDER:
        problems.append("the simulator received %d Billing calls, expected %d"
                        % (stats["billing_requests"], orders * CALLS_PER_ORDER))
    if stats["max_in_flight"] > concurrency:
        problems.append("%d Billing calls were in flight at once, above the concurrency of %d"
                        % (stats["max_in_flight"], concurrency))
    warn(problems, "order_resubmit N=%d concurrency=%d" % (orders, concurrency))

    record = {
        "kind": "order_resubmit",
        "orders": orders,
        "concurrency": concurrency,
        "latency_ms": latency_ms,
        "measured_s": round(result.task_s, 3),
        "command_s": round(result.command_s, 3),
        "ideal_s": round(ideal_s, 3),
        "efficiency": round(ideal_s / result.task_s, 3),
        "command_efficiency": round(ideal_s / result.command_s, 3),
        "billing_calls": stats["billing_requests"],
        "max_in_flight": stats["max_in_flight"],
        "load_average": result.load_average,
        "problems": problems,
    }
    print("order_resubmit N=%d concurrency=%d: %.2f s (task), %.2f s (command), ideal %.2f s, "
          "efficiency %.2f (task) %.2f (command), %d Billing calls, %d in flight at most, %s, "
          "load average %.1f"
          % (orders, concurrency, result.task_s, result.command_s, ideal_s, record["efficiency"],
             record["command_efficiency"], stats["billing_requests"], stats["max_in_flight"],
             CHECKS_FAILED if problems else CHECKS_PASSED, result.load_average), flush=True)
    return record


def measure_http_reference(simulator, order_id, concurrency, latency_ms):
    """Time bare http.client GetOrder_API calls, one keep-alive connection per thread."""
    url = urllib.parse.urlsplit(simulator.billing_url)
    body = xmlrpc.client.dumps(({"Server": "BM", "Method": "GetOrder_API", "Params": [order_id]},),
                               "Execute").encode("utf-8")
    calls = REFERENCE_CALLS_PER_THREAD * concurrency
    pending = queue.Queue()
    for call_number in range(calls):
        pending.put(call_number)
    errors = []

    def call_until_done():
        connection = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
        try:
            while True:
                try:
                    pending.get_nowait()
                except queue.Empty:
                    return
                connection.request("POST", url.path, body, {"Content-Type": "text/xml"})
                xmlrpc.client.loads(connection.getresponse().read())
        except (OSError, http.client.HTTPException, xmlrpc.client.Error) as error:
            errors.append(error)
        finally:
            connection.close()

    load = round(os.getloadavg()[0], 2)
    threads = [threading.Thread(target=call_until_done) for thread_number in range(concurrency)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    measured_s = time.monotonic() - started
    if errors:
        raise BenchError("the http.client reference failed: %s" % errors[0])

    ideal_s = calls * latency_ms / 1000.0 / concurrency
    record = {
        "kind": "http_reference",
        "calls": calls,
        "concurrency": concurrency,
        "latency_ms": latency_ms,
        "measured_s": round(measured_s, 3),
        "ideal_s": round(ideal_s, 3),
        "efficiency": round(ideal_s / measured_s, 3),
        "ms_per_call": round(measured_s * concurrency / calls * 1000.0, 2),
        "load_average": load,
        "problems": [],
    }
    print("reference, bare http.client, concurrency %d: %d GetOrder_API calls in %.2f s, %.2f ms per call, "
          "efficiency %.2f" % (concurrency, calls, measured_s, record["ms_per_call"], record["efficiency"]),
          flush=True)
    return record


def measure_uri_loop(runner, simulator, order_ids):
    simulator.reset()
    result = runner.run("uri_loop.yml", {"billing_url": simulator.billing_url, "order_ids": order_ids})
    problems = write_problems(simulator, order_ids)
    warn(problems, "uri loop")

    per_order_s = result.task_s / len(order_ids)
    record = {
        "kind": "uri_loop",
        "orders": len(order_ids),
        "measured_s": round(result.task_s, 3),
        "command_s": round(result.command_s, 3),
        "s_per_order": round(per_order_s, 4),
        "load_average": result.load_average,
        "problems": problems,
    }
    print("uri loop baseline, %d orders: %.2f s (tasks), %.2f s (command), %.3f s per order, %s"
          % (len(order_ids), result.task_s, result.command_s, per_order_s,
             CHECKS_FAILED if problems else CHECKS_PASSED), flush=True)
    return record


def measure_info(runner, orders, seed, latency_ms):
    """List every order of an installation of the given size; return the run record."""
    simulator = start_simulator(orders, seed, latency_ms)
    try:
        rss_path = os.path.join(runner.workdir, "module-rss.json")
        wrapper = os.path.join(runner.workdir, "module-python")
        with open(wrapper, "w") as handle:
            handle.write(RSS_WRAPPER.format(python=sys.executable, output=rss_path))
        os.chmod(wrapper, 0o755)

        result = runner.run("info_all.yml", {
            "billing_url": simulator.billing_url,
            "vendor_account_ids": VENDOR_ACCOUNT_IDS,
            "statuses": ALL_STATUSES,
            "module_python": wrapper,
        })
        calls = simulator.stats()["billing_requests"]
    finally:
        simulator.stop()

    with open(rss_path) as handle:
        module_rss_kib = json.load(handle)["max_rss_kib"]
    problems = []
    if result.results["count"] != orders:
        problems.append("listed %d orders, expected %d" % (result.results["count"], orders))
    warn(problems, "order_info of every order")

    record = {
        "kind": "order_info_all",
        "orders": result.results["count"],
        "listing_calls": calls,
        "measured_s": round(result.task_s, 3),
        "command_s": round(result.command_s, 3),
        "module_max_rss_mib": round(module_rss_kib / 1024.0, 1),
        "command_max_rss_mib": round(result.max_rss_kib / 1024.0, 1),
        "load_average": result.load_average,
        "problems": problems,
    }
    print("order_info of every order, %d orders in %d listing calls: %.2f s (task), %.2f s (command), "
          "module process max RSS %.1f MiB, largest process of the command %.1f MiB"
          % (record["orders"], calls, result.task_s, result.command_s, record["module_max_rss_mib"],
             record["command_max_rss_mib"]), flush=True)
    return record


def run_benchmark(arguments, runner):
    runs = []
    uri_record = None
    references_done = False
    for orders in arguments.orders:
        # Twice as many orders as failed ones, so the listing has to leave settled orders and
        # orders that failed outside the window aside.
        simulator = start_simulator(orders * 2, arguments.seed, arguments.latency_ms, failed_in_window=orders)
        try:
            order_ids, record = list_failed_orders(runner, simulator, orders)
            runs.append(record)
            if uri_record is None and arguments.uri_sample:
                uri_record = measure_uri_loop(runner, simulator, order_ids[:arguments.uri_sample])
                runs.append(uri_record)
            for concurrency in arguments.concurrency:
                if not references_done:
                    runs.append(measure_http_reference(simulator, order_ids[0], concurrency, arguments.latency_ms))
                runs.append(measure_resubmit(runner, simulator, order_ids, concurrency, arguments.latency_ms))
            references_done = True
        finally:
            simulator.stop()

    info_record = None
    if arguments.info_orders:
        info_record = measure_info(runner, arguments.info_orders, arguments.seed, arguments.latency_ms)
        runs.append(info_record)
    return runs, uri_record, info_record


def headline(runs, uri_record, info_record, latency_ms, machine):
    """Return the summary object: the largest N at the highest concurrency, plus every run."""
    resubmits = [run for run in runs if run["kind"] == "order_resubmit"]
    top = max(resubmits, key=lambda run: (run["orders"], run["concurrency"]))
    references = [run for run in runs if run["kind"] == "http_reference" and run["concurrency"] == top["concurrency"]]
    uri_per_order = uri_record["s_per_order"] if uri_record else None
    speedup = None
    if uri_record:
        speedup = round(uri_record["measured_s"] / uri_record["orders"] / (top["measured_s"] / top["orders"]), 1)

    summary = {
        "orders": top["orders"],
        "concurrency": top["concurrency"],
        "latency_ms": latency_ms,
        "calls_per_order": CALLS_PER_ORDER,
        "measured_s": top["measured_s"],
        "command_s": top["command_s"],
        "ideal_s": top["ideal_s"],
        "efficiency": top["efficiency"],
        "reference_efficiency": references[0]["efficiency"] if references else None,
        "uri_loop_s_per_order": uri_per_order,
        "speedup_vs_uri_loop": speedup,
        "info_orders": info_record["orders"] if info_record else None,
        "info_s": info_record["measured_s"] if info_record else None,
        "info_module_max_rss_mib": info_record["module_max_rss_mib"] if info_record else None,
        "warnings": sum(len(run["problems"]) for run in runs),
        "machine": machine,
        "runs": runs,
    }
    return summary


def main(argv=None):
    arguments = parse_arguments(argv)
    machine = machine_description()
    print("machine: %d CPUs, %s, Python %s, ansible-core %s"
          % (machine["cpus"], machine["platform"], machine["python"], machine["ansible_core"]), flush=True)
    print("simulator: %.0f ms latency per Billing call; orders %s; concurrency %s; uri sample %d; "
          "order_info over %d orders" % (arguments.latency_ms, ",".join(map(str, arguments.orders)),
                                         ",".join(map(str, arguments.concurrency)), arguments.uri_sample,
                                         arguments.info_orders), flush=True)

    workdir = tempfile.mkdtemp(prefix="cbc-bench-")
    keep = arguments.keep_workdir
    try:
        runner = PlaybookRunner(workdir)
        runs, uri_record, info_record = run_benchmark(arguments, runner)
    except (BenchError, SimulatorError) as error:
        keep = True
        print("bench: %s" % error, file=sys.stderr)
        print("bench: playbook logs and results are kept in %s" % workdir, file=sys.stderr)
        return 1
    finally:
        if not keep:
            shutil.rmtree(workdir, ignore_errors=True)

    summary = headline(runs, uri_record, info_record, arguments.latency_ms, machine)
    if summary["speedup_vs_uri_loop"] is not None:
        print("speedup of order_resubmit (N=%d, concurrency %d, %.4f s per order) over the uri loop "
              "(%.3f s per order): %.1fx" % (summary["orders"], summary["concurrency"],
                                             summary["measured_s"] / summary["orders"],
                                             summary["uri_loop_s_per_order"], summary["speedup_vs_uri_loop"]))
    if summary["warnings"]:
        print("WARNING: %d checks failed; see the lines above" % summary["warnings"])
    if keep:
        print("playbook logs and results are in %s" % workdir)
    print(json.dumps(summary, sort_keys=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
