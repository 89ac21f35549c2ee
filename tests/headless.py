"""Headless notebook execution (nbclient) that does not stall on widgets.

With nbclient 0.11 and jupyter_client 8, a cell whose widget writes into an
``Output`` widget (every ``ipywidgets.interactive`` does: lessons 01, 04,
05, 06) now and then waits out its whole timeout although the kernel
answered within a second: the kernel stamps its ``execute_reply`` at once,
and nbclient picks it up only when its wait for it times out.

* nbclient mimics a front end's Output widget: for every output the widget
  captures, it sends the widget's new state back to the kernel (a
  ``comm_msg`` on the shell channel), from the task that reads IOPub, while
  another task awaits the cell's ``execute_reply`` on that same shell
  socket.
* jupyter_client's ``Session.send`` sends on a ``zmq.asyncio`` socket
  through a blocking shadow of it. That send runs libzmq's command
  processing, which consumes the socket's edge-triggered ``ZMQ_FD``
  wake-up for a reply that has just arrived. pyzmq's asyncio wrapper never
  hears of the send, so it does not re-read ``ZMQ_EVENTS``; the awaited
  poll sleeps until its timeout, when a last zero-timeout poll finds the
  reply that had been waiting all along.

:class:`KernelManager` gives nbclient a kernel client whose channels read
``ZMQ_EVENTS`` through the asyncio socket after every send: pyzmq then
schedules the pending receive whenever a message is waiting, so no wake-up
is lost. Use it as ``NotebookClient(nb, kernel_manager_class=
headless.KernelManager)``, or :func:`notebook_client`.
(Upstream: jupyter/nbclient#312; jupyter/jupyter_client#1059 discusses
the shadow send.)

nbval (``tests/test_notebooks.py``) is not affected: its blocking client
polls with ``zmq_poll``, which reads the socket's events itself, and it
sends nothing while it waits.
"""

import zmq
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.channels import AsyncZMQSocketChannel
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from traitlets import Type, default


class RearmedChannel(AsyncZMQSocketChannel):
    """A channel whose sends do not swallow a receive's wake-up."""

    def send(self, msg):
        super().send(msg)
        # Read through the asyncio socket, ZMQ_EVENTS makes pyzmq schedule
        # a pending poll or recv when a message is already waiting.
        self.socket.get(zmq.EVENTS)


class KernelClient(AsyncKernelClient):
    """nbclient's kernel client, with :class:`RearmedChannel` channels."""

    shell_channel_class = Type(RearmedChannel)
    control_channel_class = Type(RearmedChannel)
    stdin_channel_class = Type(RearmedChannel)


class KernelManager(AsyncKernelManager):
    """nbclient's kernel manager, handing out :class:`KernelClient`."""

    @default("client_factory")
    def _client_factory_default(self):
        return KernelClient


def notebook_client(nb, **kwargs):
    """An ``nbclient.NotebookClient`` for ``nb`` using :class:`KernelManager`
    (keyword arguments as for ``NotebookClient``)."""
    kwargs.setdefault("kernel_manager_class", KernelManager)
    return NotebookClient(nb, **kwargs)
