import socket
server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("0.0.0.0", 8000))
server.listen(16)
while True:
    connection, _ = server.accept()
    try:
        connection.recv(4096)
        connection.sendall(b"HELLO THERE\r\n\x00\xff garbage\r\n\r\n")
    except OSError:
        pass
    connection.close()
