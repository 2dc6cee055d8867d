"""gunicorn's settings for abh; ``gunicorn config.wsgi`` reads this file from the working
directory (the command line and ``GUNICORN_CMD_ARGS`` override it).

More processes than threads: a Python process runs one thread at a time (the GIL), so with
many threads per process a burst of requests queues for the interpreter lock instead of for
the cores. Threads still cover the waits on the database and the cache. Measured with
``bench/booking_rush.py`` (1,000 applicants at one instant on 2 cores): 8 processes × 2
threads answer the last applicants earlier than 4 × 8, and both far earlier than 12
single-threaded processes. ``WEB_CONCURRENCY`` / ``WEB_THREADS`` set other numbers.
"""

import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", 4 * (os.cpu_count() or 1)))
threads = int(os.environ.get("WEB_THREADS", 2))
worker_class = "gthread"
#: Behind the TLS proxy each request comes on its own connection; keeping it open after the
#: answer only costs the worker a poll.
keepalive = int(os.environ.get("WEB_KEEPALIVE", 0))
backlog = 4096
timeout = 60
