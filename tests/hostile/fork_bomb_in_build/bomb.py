"""Start 1,500 sleeping processes in one RUN step; exit 3 if the build's pids bound stops it."""

import os
import signal
import sys
import time

children = []
try:
    for _ in range(1500):
        pid = os.fork()
        if pid == 0:
            time.sleep(20)
            os._exit(0)
        children.append(pid)
    code = 4  # not contained
except OSError:
    code = 3  # fork refused: contained
for pid in children:
    os.kill(pid, signal.SIGKILL)
for pid in children:
    os.waitpid(pid, 0)
print(f"started {len(children)} processes")
sys.exit(code)
