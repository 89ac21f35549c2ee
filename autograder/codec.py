"""Plain-data encoding for values crossing the sandbox boundary.

Only data crosses: numbers, strings, None, lists, tuples, dicts with string
keys and NumPy arrays of real or boolean dtype.
Anything else (a learner's class, an object whose ``__eq__`` always answers
True, a function) stays on the side that made it; the other side receives a
handle (:class:`Remote`) that can be passed back but never compared as data.
Nothing is unpickled, so decoding cannot run code.
"""

import base64
import math

import numpy as np

#: dtypes that may cross as arrays (kind codes: bool, int, uint, float).
_ARRAY_KINDS = "biuf"
#: Depth beyond which a nested structure is not walked (cycles, bombs).
MAX_DEPTH = 32


class Remote:
    """A value that stayed in the sandbox: only its type name is known."""

    __slots__ = ("handle", "type_name")

    def __init__(self, handle, type_name):
        self.handle = handle
        self.type_name = type_name

    def __repr__(self):
        return f"<{self.type_name} object from your notebook>"

    def __eq__(self, other):
        return self is other

    __hash__ = object.__hash__


class Callback:
    """A trusted-side function passed into the sandbox as an argument."""

    __slots__ = ("handle",)

    def __init__(self, handle):
        self.handle = handle


def encode(value, keep=None, depth=0):
    """Encode ``value`` as JSON-ready data.

    ``keep(value)`` is called for a value that cannot cross; it returns an
    integer handle under which the caller stores the value, a
    :class:`Callback` (the grader's own functions), or ``None`` (then the
    value is described but lost).
    """
    if depth > MAX_DEPTH:
        return {"__unsupported__": "structure nested too deep"}
    if value is None or type(value) in (bool, str):
        return value
    if type(value) is int:
        return value if abs(value) < 2**63 else {"__float__": float(value)}
    if type(value) is float:
        return _float(value)
    if isinstance(value, np.ndarray) and value.dtype.kind in _ARRAY_KINDS:
        arr = np.asarray(value)
        return {"__ndarray__": base64.b64encode(
                    arr.tobytes(order="C")).decode(),
                "dtype": arr.dtype.str, "shape": list(arr.shape),
                "subclass": type(value).__name__
                if type(value) is not np.ndarray else None}
    if isinstance(value, np.generic) and value.dtype.kind in _ARRAY_KINDS:
        return {"__scalar__": encode(np.asarray(value))}
    if type(value) in (list, tuple):
        items = [encode(v, keep, depth + 1) for v in value]
        return items if type(value) is list else {"__tuple__": items}
    if type(value) is dict and all(type(k) is str for k in value):
        return {"__dict__": [[k, encode(v, keep, depth + 1)]
                             for k, v in value.items()]}
    if isinstance(value, Callback):
        return {"__callback__": value.handle}
    if isinstance(value, Remote):
        return {"__handle__": value.handle, "type": value.type_name}
    # Subclasses of float/int/list/dict and foreign objects: never trusted
    # as data, since their methods are the learner's.
    handle = keep(value) if keep is not None else None
    if isinstance(handle, Callback):
        return {"__callback__": handle.handle}
    return {"__handle__": handle, "type": _type_name(value)}


def _float(x):
    if math.isfinite(x):
        return x
    return {"__float__": repr(x)}


def _type_name(value):
    try:
        name = type(value).__name__
    except Exception:  # a hostile metaclass
        name = "unknown"
    return str(name)[:80]


def decode(data, resolve=None, depth=0):
    """Decode what :func:`encode` made.

    ``resolve(handle, type_name)`` turns a handle into a value (the sandbox
    returns the kept object, the trusted side a :class:`Remote`);
    ``__callback__`` entries are resolved with ``resolve(('callback', n))``.
    Raises ``ValueError`` on anything malformed.
    """
    if depth > MAX_DEPTH:
        raise ValueError("structure nested too deep")
    if data is None or type(data) in (bool, str, int):
        return data
    if type(data) is float:
        return data
    if type(data) is list:
        return [decode(v, resolve, depth + 1) for v in data]
    if type(data) is not dict:
        raise ValueError(f"unexpected {type(data).__name__}")
    if "__ndarray__" in data:
        dtype = np.dtype(data["dtype"])
        if dtype.kind not in _ARRAY_KINDS:
            raise ValueError(f"dtype {dtype} may not cross")
        shape = tuple(int(n) for n in data["shape"])
        raw = base64.b64decode(data["__ndarray__"])
        if len(raw) != dtype.itemsize * math.prod(shape):
            raise ValueError("array data does not match its shape")
        return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()
    if "__scalar__" in data:
        arr = decode(data["__scalar__"], resolve, depth + 1)
        if not isinstance(arr, np.ndarray) or arr.ndim != 0:
            raise ValueError("bad scalar")
        return arr[()]
    if "__float__" in data:
        return float(data["__float__"])
    if "__tuple__" in data:
        return tuple(decode(v, resolve, depth + 1) for v in data["__tuple__"])
    if "__dict__" in data:
        return {str(k): decode(v, resolve, depth + 1)
                for k, v in data["__dict__"]}
    if "__callback__" in data:
        if resolve is None:
            raise ValueError("callback without resolver")
        return resolve(("callback", int(data["__callback__"])), "function")
    if "__handle__" in data:
        name = str(data.get("type", "object"))[:80]
        handle = data["__handle__"]
        if resolve is None or handle is None:
            return Remote(None, name)
        return resolve(int(handle), name)
    if "__unsupported__" in data:
        return Remote(None, str(data["__unsupported__"])[:80])
    raise ValueError("unknown encoding")
