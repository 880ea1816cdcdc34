#!/usr/bin/env python3
"""A multilang child (JSON) whose behaviour the host tests choose: python3 scripted_child.py MODE [ARG].

It reads the raw pipe itself, so it can tell which messages arrived in one write of the host
(mode chunks). Modes: ack, chunks, hold N, double, badanchor, taskids, silent, exit, logerror,
spout, ackwaits, exitwith STATUS, slow, stuck, print, badjson, truncated, unterminated, wrongfields,
unknowncmd, smb1badlength, spoutwrong, chatty [N stderr lines first], truncatedalive,
garbageflood, farewell (acks; writes 500 stderr lines after the end of its input, then exits).
"""
import json
import os
import sys
import time

mode = sys.argv[1]
arg = int(sys.argv[2]) if len(sys.argv) > 2 else 0
buf = b""
queued = []  # messages read but not yet handled


def read_chunk():
    """Every complete message of the next os.read (blocking), as a list."""
    global buf
    while True:
        data = os.read(0, 1 << 16)
        if not data:
            if mode == "farewell":
                # last words on stderr after the end of input, a moment later (a flush on shutdown)
                time.sleep(0.05)
                os.write(2, b"".join(b"bye %d\n" % i for i in range(500)))
            sys.exit(0)
        buf += data
        msgs = []
        while b"\nend\n" in buf:
            text, buf = buf.split(b"\nend\n", 1)
            msgs.append(json.loads(text))
        if msgs:
            return msgs


def read_msg():
    while not queued:
        queued.extend(read_chunk())
    return queued.pop(0)


def send(obj):
    os.write(1, (json.dumps(obj) + "\nend\n").encode())


if mode == "smb1badlength":
    # SMB1: the setup frame (after the 5-byte magic), a pid frame, then a frame whose length is a lie
    import struct
    data = b""
    while len(data) < 9 or len(data) < 9 + struct.unpack(">I", data[5:9])[0]:
        data += os.read(0, 1 << 16)
    os.write(1, struct.pack(">IBi", 5, 0x10, os.getpid()))
    os.write(1, struct.pack(">I", 0xFFFFFFF0) + b"\x12garbage after a bad length")
    time.sleep(60)
    sys.exit(0)

if mode == "chatty":
    # megabytes on stderr before the handshake, then lines with every tuple (see below)
    line = ("x" * 99 + "\n").encode()
    for _ in range(arg or 50000):
        os.write(2, line)

setup = read_msg()
with open(os.path.join(setup["pidDir"], str(os.getpid())), "w"):
    pass
send({"pid": os.getpid()})

if mode == "silent":
    while True:
        time.sleep(60)

if mode == "stuck":
    # alive, but reads nothing more: the host's writes fill the pipe and then block
    sys.stderr.write("scripted child: stuck\n")
    sys.stderr.flush()
    while True:
        time.sleep(60)

seen = []
held = []
while True:
    chunk = read_chunk()
    for m in chunk:
        if isinstance(m, list):
            send({"command": "emit", "tuple": ["tasks", m], "need_task_ids": False})
            continue
        if "command" in m:  # spout
            c = m["command"]
            seen.append(c if c in ("next", "activate", "deactivate") else c + ":" + str(m.get("id")))
            if c == "next" and mode == "window1":
                # a reliable spout with a pending window of one: nothing new until the last is acked
                if not held:
                    held = [len(seen)]
                    send({"command": "emit", "id": len(seen), "tuple": [",".join(seen), len(chunk)],
                          "need_task_ids": False})
                send({"command": "sync"})
                continue
            if c == "ack" and mode == "window1":
                held = []
                send({"command": "sync"})
                continue
            if c == "next" and mode == "spoutwrong" and len(seen) == 1:
                # the first answer has three values for two fields; Storm refuses it
                send({"command": "emit", "id": 1, "tuple": ["x", "y", "z"], "need_task_ids": False})
                send({"command": "sync"})
                continue
            if c == "next":
                if mode == "ackwaits" and held:
                    for _ in held:
                        send({"command": "sync"})
                    held = []
                send({"command": "emit", "id": len(seen), "tuple": [",".join(seen), len(chunk)],
                      "need_task_ids": False})
            elif c == "ack" and mode == "ackwaits":
                held.append(m)
                continue
            send({"command": "sync"})
            continue
        if m.get("stream") == "__heartbeat":
            send({"command": "sync"})
            continue
        tid = m["id"]
        if mode in ("ack", "farewell"):
            send({"command": "ack", "id": tid})
        elif mode == "slow":
            time.sleep(0.01)  # 10 ms a tuple, heartbeats answered in turn
            send({"command": "ack", "id": tid})
        elif mode == "print":
            os.write(1, b"debug: got a tuple\n")
            send({"command": "ack", "id": tid})
        elif mode == "badjson":
            if tid == "0":
                os.write(1, b"{not json\nend\n")
            send({"command": "ack", "id": tid})
        elif mode == "truncated":
            os.write(1, b'{"command": "ack", "id": "')
            sys.exit(0)
        elif mode == "truncatedalive":
            # half a message, then alive and silent: only the heartbeat timeout can end it
            os.write(1, b'{"command": "ack", "id": "')
            while True:
                time.sleep(60)
        elif mode == "garbageflood":
            # not a multilang child after all: one bad message after another
            for _ in range(150):
                os.write(1, b"{not json\nend\n")
            send({"command": "ack", "id": tid})
        elif mode == "unterminated":
            os.write(1, b"{" + b"x" * 200000)
        elif mode == "wrongfields":
            send({"command": "emit", "anchors": [tid], "tuple": ["a", "b"]})
            send({"command": "ack", "id": tid})
        elif mode == "unknowncmd":
            send({"command": "bogus", "payload": "y" * 1000})
            send({"command": "ack", "id": tid})
        elif mode == "chatty":
            os.write(2, b"working on it\n" * 100)
            send({"command": "ack", "id": tid})
        elif mode == "chunks":
            send({"command": "emit", "anchors": [tid], "tuple": ["chunk", len(chunk)], "need_task_ids": False})
            send({"command": "ack", "id": tid})
        elif mode == "hold":
            held.append(tid)
            if len(held) >= arg:
                for h in held:
                    send({"command": "ack", "id": h})
                held = []
        elif mode == "double":
            send({"command": "ack", "id": tid})
            send({"command": "ack", "id": tid})
            send({"command": "fail", "id": "999999"})
        elif mode == "badanchor":
            send({"command": "emit", "anchors": ["424242", tid], "tuple": ["x"], "need_task_ids": False})
            send({"command": "ack", "id": tid})
        elif mode == "taskids":
            send({"command": "emit", "anchors": [tid], "tuple": ["want"]})
            send({"command": "ack", "id": tid})
        elif mode == "exit":
            sys.stderr.write("scripted child: boom\n")
            sys.stderr.flush()
            sys.exit(3)
        elif mode == "exitwith":
            # exits with status ARG on the 3rd tuple, the first two still unacked
            held.append(tid)
            if len(held) == 3:
                sys.stderr.write("scripted child: leaving with %d\n" % arg)
                sys.stderr.flush()
                sys.exit(arg)
        elif mode == "logerror":
            send({"command": "log", "msg": "a warning from the child", "level": 3})
            send({"command": "error", "msg": "an error from the child"})
            send({"command": "metrics", "name": "no-such-metric", "params": 1})
            send({"command": "fail", "id": tid})
