"""Headless execution of the widget lessons does not stall.

``tests/headless.py`` explains the stall (a reply whose wake-up a blocking
send on the same socket swallowed) and fixes it; here the fix is proved on
a bare pair of sockets, where the stall is certain without it, and on the
widget cells of the lessons, executed again and again with a tight timeout.
"""

import asyncio
import datetime
import time
from pathlib import Path

import headless
import nbformat
import pytest
import zmq
import zmq.asyncio
from jupyter_client.channels import AsyncZMQSocketChannel
from jupyter_client.session import Session

ROOT = Path(__file__).resolve().parent.parent
WIDGET_LESSONS = ["01", "04", "05", "06"]
REPEATS = 5          # executions of each widget cell
TIGHT = 20           # seconds a widget cell may take (it takes about one)
HELD_UP = 5          # seconds between the kernel's reply and its arrival


async def _reply_after_a_send(channel_class):
    """Await a message on a channel while a reply arrives and, before the
    loop notices it, the channel sends (as nbclient's Output widget mimic
    does from its IOPub task): seconds until the awaited message came."""
    ctx = zmq.asyncio.Context()
    kernel = zmq.Context.instance().socket(zmq.ROUTER)
    client = ctx.socket(zmq.DEALER)
    try:
        port = kernel.bind_to_random_port("tcp://127.0.0.1")
        client.connect(f"tcp://127.0.0.1:{port}")
        session = Session(key=b"")
        channel = channel_class(client, session)
        channel.send(session.msg("kernel_info_request"))
        identity, *request = kernel.recv_multipart()
        waiting = asyncio.ensure_future(channel.get_msg(timeout=5))
        await asyncio.sleep(0.2)  # the poll is registered, the loop idle
        kernel.send_multipart([identity, *request])  # the "reply"
        time.sleep(0.2)  # it arrives; the loop has not run since
        channel.send(session.msg("comm_msg"))  # a send meanwhile
        start = time.monotonic()
        await waiting
        return time.monotonic() - start
    finally:
        client.close(linger=0)
        kernel.close(linger=0)
        ctx.term()


def test_a_send_does_not_swallow_a_replys_wake_up():
    assert asyncio.run(_reply_after_a_send(headless.RearmedChannel)) < 1


def test_plain_jupyter_client_still_swallows_it():
    """The bug the fix is for, still there upstream (jupyter/nbclient#312):
    when this fails, jupyter_client fixed it and tests/headless.py can
    go."""
    assert asyncio.run(_reply_after_a_send(AsyncZMQSocketChannel)) > 4


def _stamp(cell, key):
    value = cell.metadata["execution"][key]
    return datetime.datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=datetime.timezone.utc).timestamp()


@pytest.mark.parametrize("lesson", WIDGET_LESSONS)
def test_widget_cells_do_not_stall(lesson):
    path = next((ROOT / "solutions").glob(f"{lesson}-*.ipynb"))
    nb = nbformat.read(path, as_version=4)
    code = [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    widget = max(i for i, c in code if "_explorer(" in c.source)
    client = headless.notebook_client(
        nb, timeout=600, kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}})
    with client.setup_kernel():
        for index, cell in code:
            if index < widget:  # what the widget cell needs
                client.execute_cell(cell, index)
        client.timeout = TIGHT
        cell = nb.cells[widget]
        for _ in range(REPEATS):
            sent = time.time()
            client.execute_cell(cell, widget)
            arrived = time.time()
            held = arrived - _stamp(cell, "shell.execute_reply")
            assert held < HELD_UP, (
                f"{path.name} cell {widget}: the kernel replied after "
                f"{_stamp(cell, 'shell.execute_reply') - sent:.2f} s, the "
                f"reply reached the client {held:.1f} s later")
        assert any(o.get("output_type") in ("display_data", "execute_result")
                   for o in cell.outputs), cell.outputs
