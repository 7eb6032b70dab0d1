"""Try the test's own listener on the Docker bridge gateway (this host), by TCP and UDP."""

import json
import socket

host, port = json.load(open("/target.json"))["hosts"][0]
tcp = socket.socket()
tcp.settimeout(3)
print("connect:", tcp.connect_ex((host, port)))
socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", (host, port))
