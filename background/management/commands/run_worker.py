"""``manage.py run_worker``: keep one ``db_worker`` running; start it again whenever it dies.

For development and small installations (``make run`` uses it). In production a service
manager does the same (see the systemd unit in the README). SIGINT/SIGTERM stop the worker
gracefully (it finishes its task) and then this supervisor.
"""

import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand

#: A worker that ran at least this long is "healthy": the restart pause starts over.
HEALTHY_AFTER = 60.0


class Command(BaseCommand):
    help = "Run the background worker and restart it whenever it exits"

    def add_arguments(self, parser):
        parser.add_argument(
            "--max-pause",
            type=float,
            default=30.0,
            help="longest pause between restarts, in seconds",
        )
        parser.add_argument("worker_args", nargs="*", help="arguments for db_worker")

    def handle(self, *args, max_pause: float, worker_args: list[str], **options):
        command = [sys.executable, sys.argv[0], "db_worker", "--no-reload", *worker_args]
        stopping = False
        child: subprocess.Popen | None = None

        def stop(signum, frame):
            nonlocal stopping
            stopping = True
            if child is not None and child.poll() is None:
                child.send_signal(signum)

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        pause = 1.0
        while not stopping:
            started = time.monotonic()
            child = subprocess.Popen(command)  # noqa: S603 - our own manage.py
            code = child.wait()
            if stopping:
                break
            if time.monotonic() - started > HEALTHY_AFTER:
                pause = 1.0
            self.stderr.write(f"background worker exited with {code}; restarting in {pause:.0f} s")
            deadline = time.monotonic() + pause
            while not stopping and time.monotonic() < deadline:
                time.sleep(0.2)
            pause = min(max_pause, pause * 2)
        if child is not None and child.poll() is None:
            child.wait()
