#!/usr/bin/env python3
"""A multilang bolt (JSON) that misbehaves as HostFaultsIT asks: python3 faulty_child.py MODE [ARGS].

Modes:
  exitat N STATUS  acks the first N-1 tuples, holds the next ones, exits STATUS at tuple N+2
                   (a negative STATUS: killed by that signal)
  print            prints a debugging line on stdout with every tuple, acks all
  wrongfields      emits two values for one field anchored to tuple 3, acks all
  chatty MB        writes MB megabytes to stderr before the handshake and 50 lines per tuple, acks all
  slow MS          sleeps MS milliseconds per tuple, then acks it (and answers heartbeats in turn)
  stuck N          acks N tuples, then stops reading stdin and writing, alive (sleeps)
  spoutexit N STATUS  a spout: emits tuples 1..N (message ids "1".."N"), then exits STATUS at the
                   next `next`, after a line on stderr

HostFaultsIT runs these under storm-native's host, StockFaultsIT under Storm's ShellBolt/ShellSpout.
"""
import json
import os
import sys
import time

mode = sys.argv[1]
args = [int(a) for a in sys.argv[2:]]
buf = b""


def read_msg():
    global buf
    while b"\nend\n" not in buf:
        data = os.read(0, 1 << 16)
        if not data:
            sys.exit(0)
        buf += data
    text, buf = buf.split(b"\nend\n", 1)
    return json.loads(text)


def send(obj):
    os.write(1, (json.dumps(obj) + "\nend\n").encode())


if mode == "chatty":
    line = b"x" * 1023 + b"\n"
    for _ in range(args[0] * 1024):
        os.write(2, line)

setup = read_msg()
with open(os.path.join(setup["pidDir"], str(os.getpid())), "w"):
    pass
send({"pid": os.getpid()})

if mode == "spoutexit":
    n = 0
    while True:
        m = read_msg()
        if isinstance(m, list):
            continue  # the task ids answering an emit (need_task_ids is not sent: true)
        if m.get("command") == "next":
            if n == args[0]:
                sys.stderr.write("faulty spout: giving up after %d tuples\n" % n)
                sys.stderr.flush()
                sys.exit(args[1])
            n += 1
            send({"command": "emit", "id": str(n), "tuple": ["spout tuple %d" % n]})
        send({"command": "sync"})

n = 0
while True:
    m = read_msg()
    if m.get("stream") == "__heartbeat":
        send({"command": "sync"})
        continue
    n += 1
    if mode == "exitat":
        if n < args[0]:
            send({"command": "ack", "id": m["id"]})
        elif n == args[0] + 2:
            sys.stderr.write("faulty child: giving up at tuple %d\n" % n)
            sys.stderr.flush()
            if args[1] < 0:
                os.kill(os.getpid(), -args[1])
            sys.exit(args[1])
    elif mode == "print":
        os.write(1, b"debug: got a tuple\n")
        send({"command": "ack", "id": m["id"]})
    elif mode == "wrongfields":
        if n == 3:
            send({"command": "emit", "anchors": [m["id"]], "tuple": ["one", "too many"], "need_task_ids": False})
        send({"command": "ack", "id": m["id"]})
    elif mode == "slow":
        time.sleep(args[0] / 1000.0)
        send({"command": "ack", "id": m["id"]})
    elif mode == "stuck":
        send({"command": "ack", "id": m["id"]})
        if n == args[0]:
            while True:
                time.sleep(60)
    elif mode == "chatty":
        os.write(2, b"working on it\n" * 50)
        send({"command": "ack", "id": m["id"]})
