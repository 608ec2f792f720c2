"""Worker harness for mlgitops parallel steps (emulates an Azure ML parallel job worker).

Started by ParallelWorkerPool as

    python -u parallel_worker.py --entry-script PATH --code-dir DIR --worker-id N \
        --logging-level LEVEL --log-file FILE -- [program arguments...]

The pool talks to it with JSON lines over the worker's original stdin/stdout; everything the
user's code prints (fd 1 and fd 2) goes to the worker log instead, so a stray print() can never
corrupt the protocol. See ParallelWorkerPool.swift for the runner side.
"""

import os
import sys

# Take the protocol channels before anything (argparse errors, user imports) can write to fd 1.
_PROTO_OUT = os.fdopen(os.dup(1), "wb", buffering=0)
_PROTO_IN = os.fdopen(os.dup(0), "rb")

import argparse
import importlib.util
import json
import logging
import time
import traceback

_dumps = json.dumps


def _send(message):
    # One encode + one unbuffered write per message: the runner reads whole lines, and an
    # unbuffered write means no flush call is needed. Lone surrogates (from surrogateescape'd
    # file names or data) are replaced so the runner always receives valid UTF-8.
    _PROTO_OUT.write((_dumps(message, ensure_ascii=False) + "\n").encode("utf-8", "replace"))


def _parse_arguments(argv):
    if "--" in argv:
        cut = argv.index("--")
        own, program = argv[:cut], argv[cut + 1:]
    else:
        own, program = argv, []
    parser = argparse.ArgumentParser(prog="parallel_worker.py")
    parser.add_argument("--entry-script", required=True)
    parser.add_argument("--code-dir", required=True)
    parser.add_argument("--worker-id", type=int, default=0)
    parser.add_argument("--logging-level", default="INFO")
    parser.add_argument("--log-file", required=True)
    return parser.parse_args(own), program


def _redirect_output(log_file):
    os.makedirs(os.path.dirname(os.path.abspath(log_file)), exist_ok=True)
    log_fd = os.open(log_file, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(log_fd, 1)
    os.dup2(log_fd, 2)
    os.close(log_fd)
    null_fd = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null_fd, 0)
    os.close(null_fd)


def _one_line(text):
    if "\n" in text or "\r" in text:
        return text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    return text


def _row_to_line(row):
    if isinstance(row, str):
        return _one_line(row)
    if isinstance(row, (list, tuple)):
        return _one_line(" ".join([str(v) for v in row]))
    if isinstance(row, dict):
        return _one_line(_dumps(row, sort_keys=True))
    return _one_line(str(row))


def _is_data_frame(value):
    # Checked by duck type so the harness never imports pandas for scripts that don't use it.
    return hasattr(value, "itertuples") and hasattr(value, "columns")


def _result_to_lines(result):
    if result is None:
        return []
    if _is_data_frame(result):
        return [_one_line(" ".join([str(v) for v in row]))
                for row in result.itertuples(index=False, name=None)]
    if isinstance(result, (list, tuple)):
        return [_row_to_line(row) for row in result]
    if isinstance(result, (str, bytes, dict)):
        return [_row_to_line(result)]
    try:
        return [_row_to_line(row) for row in result]
    except TypeError:
        return [_row_to_line(result)]


_pandas = None


def _load_tabular(path):
    # Azure ML hands tabular mini-batches to run() as a pandas DataFrame. When pandas is not
    # installed in the step's environment, fall back to a list of dicts (csv.DictReader, all
    # values as strings) so plain-stdlib scripts still work; len() and iteration by row behave
    # the same, column-wise DataFrame operations of course do not.
    global _pandas
    if _pandas is None:
        try:
            import pandas
            _pandas = pandas
        except ImportError:
            _pandas = False
    if _pandas:
        return _pandas.read_csv(path)
    import csv
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _error_line(exc):
    text = "%s: %s" % (type(exc).__name__, exc)
    return " ".join(text.splitlines()) or type(exc).__name__


def _import_entry_script(path):
    name = os.path.splitext(os.path.basename(path))[0] or "entry_script"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError("cannot import entry script %s" % path)
    module = importlib.util.module_from_spec(spec)
    # Registered before executing so pickling, dataclasses and self-imports find the module.
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _serve(module, log):
    run = module.run
    readline = _PROTO_IN.readline
    loads = json.loads
    clock = time.perf_counter
    while True:
        line = readline()
        if not line:
            return  # the runner went away: same as shutdown
        command = loads(line)
        op = command.get("op")
        if op == "shutdown":
            return
        if op != "run":
            log.warning("ignoring unknown command %r", op)
            continue
        batch = command["batch"]
        attempt = command["attempt"]
        try:
            if command.get("kind") == "tabular":
                mini_batch = _load_tabular(command["file"])
            else:
                mini_batch = command["items"]
        except Exception as exc:  # a batch that cannot be loaded fails like one that raises
            log.exception("mini-batch %s attempt %s could not be loaded", batch, attempt)
            _send({"event": "failed", "batch": batch, "attempt": attempt,
                   "error": _error_line(exc), "traceback": traceback.format_exc()})
            continue
        _send({"event": "loaded", "batch": batch, "attempt": attempt})
        started = clock()
        try:
            rows = _result_to_lines(run(mini_batch))
        except Exception as exc:
            log.exception("run() failed on mini-batch %s attempt %s", batch, attempt)
            _send({"event": "failed", "batch": batch, "attempt": attempt,
                   "error": _error_line(exc), "traceback": traceback.format_exc()})
            continue
        _send({"event": "done", "batch": batch, "attempt": attempt, "returned": len(rows),
               "rows": rows, "seconds": clock() - started})


def main():
    options, program_arguments = _parse_arguments(sys.argv[1:])
    try:
        # Own process group, so a kill of the group also ends whatever the user's code spawned.
        os.setpgrp()
    except OSError:
        pass
    _redirect_output(options.log_file)
    level = getattr(logging, options.logging_level.upper(), None)
    if not isinstance(level, int):
        level = logging.INFO
    logging.basicConfig(
        level=level, stream=sys.stderr, force=True,
        format="%(asctime)s %(levelname)s [worker " + str(options.worker_id) + "] %(name)s: %(message)s")
    log = logging.getLogger("parallel_worker")

    code_dir = os.path.abspath(options.code_dir)
    sys.path.insert(0, code_dir)
    sys.argv = [options.entry_script] + program_arguments
    try:
        module = _import_entry_script(os.path.abspath(options.entry_script))
        if not callable(getattr(module, "run", None)):
            raise AttributeError("entry script defines no run(mini_batch)")
        init = getattr(module, "init", None)
        if callable(init):
            init()
    except BaseException as exc:  # SystemExit in init() is an init failure too
        log.error("init failed:\n%s", traceback.format_exc())
        _send({"event": "init_failed", "error": _error_line(exc),
               "traceback": traceback.format_exc()})
        sys.exit(3)
    log.debug("worker %s ready (pid %s)", options.worker_id, os.getpid())
    _send({"event": "ready", "pid": os.getpid()})

    _serve(module, log)

    shutdown = getattr(module, "shutdown", None)
    if callable(shutdown):
        try:
            shutdown()
        except Exception:
            log.exception("shutdown() failed")
    try:
        _send({"event": "shutdown_done"})
    except OSError:
        pass  # the runner may already have closed our stdout (EOF shutdown)
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    sys.exit(0)


if __name__ == "__main__":
    main()
