"""The profiler: a collector on the op wrapper, ``record_function`` ranges, schedules.

NOTE [ Profiler hook ]
While a profile records, :func:`ember.ops._registry.observe` routes every op call through the
collector's hook, which times it with ``perf_counter_ns`` and keeps one raw tuple (NOTE
[ Profiler events ]). ``observe`` swaps ``Op.__call__`` at class level, so the op wrapper
carries no check at all while nothing records: the cost of the profiler when it is off is
zero, and leaving the ``with`` block (or ``stop()``) puts the plain wrapper back. An op is
named ``aten::<primitive>`` (``aten::add``, ``aten::matmul``, ``aten::_softmax``); the in-place
writer's calls get PyTorch's trailing underscore (``aten::relu_``). The graph nodes' ``apply``
is swapped the same way, so each backward step shows as PyTorch's
``autograd::engine::evaluate_function: MulBackward0`` with its ops inside.
"""

from __future__ import annotations

import enum
import os
import socket
import sys
import threading
import time
from contextlib import ContextDecorator
from time import perf_counter_ns

from ..ops._registry import observe
from ._events import EventList, build_events, write_trace

__all__ = [
    "ProfilerAction",
    "ProfilerActivity",
    "profile",
    "record_function",
    "schedule",
    "supported_activities",
    "tensorboard_trace_handler",
]

_RECORDING: list = []  # the collectors recording now; record_function adds its range to each
_EMBER_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class ProfilerActivity(enum.Enum):
    """What to profile: the host's op calls (``CPU``) and, on a GPU, the device's work."""

    CPU = 0
    CUDA = 2


class ProfilerAction(enum.Enum):
    """What a :func:`schedule` tells the profiler to do at a step."""

    NONE = 0
    WARMUP = 1
    RECORD = 2
    RECORD_AND_SAVE = 3


def supported_activities():
    """The activities this machine can profile: ``CPU``, and ``CUDA`` with a GPU."""
    from .. import cuda

    return {ProfilerActivity.CPU} | ({ProfilerActivity.CUDA} if cuda.is_available() else set())


def schedule(*, wait, warmup, active, repeat=0, skip_first=0, skip_first_wait=0):
    """The callable ``step -> ProfilerAction`` of a cyclic schedule: after ``skip_first``
    steps, cycles of ``wait`` idle steps, ``warmup`` steps and ``active`` recorded steps (the
    last of each cycle ``RECORD_AND_SAVE``, when ``on_trace_ready`` runs), ``repeat`` times
    (``0``: without end). ``skip_first_wait``: the first cycle has no wait."""
    if wait < 0 or warmup < 0 or active <= 0 or repeat < 0 or skip_first < 0:
        raise AssertionError("Invalid profiler schedule arguments")
    if warmup == 0:
        import warnings

        warnings.warn(
            "Profiler won't be using warmup, this can skew profiler results", stacklevel=2
        )
    cycle = wait + warmup + active

    def schedule_fn(step: int) -> ProfilerAction:
        if step < 0:
            raise AssertionError("step must be non-negative")
        step -= skip_first
        if step < 0:
            return ProfilerAction.NONE
        if skip_first_wait:
            step += wait
        if repeat > 0 and step // cycle >= repeat:
            return ProfilerAction.NONE
        pos = step % cycle
        if pos < wait:
            return ProfilerAction.NONE
        if pos < wait + warmup:
            return ProfilerAction.WARMUP
        return ProfilerAction.RECORD if pos < cycle - 1 else ProfilerAction.RECORD_AND_SAVE

    return schedule_fn


def _always_record(step: int) -> ProfilerAction:
    return ProfilerAction.RECORD


def tensorboard_trace_handler(dir_name, worker_name=None, use_gzip=False, use_python_export=False):
    """An ``on_trace_ready`` that writes each trace into ``dir_name`` as
    ``<worker_name>.<milliseconds>.pt.trace.json`` (``.gz`` with ``use_gzip``), the layout
    TensorBoard's profiler plugin reads."""

    def handler(prof):
        os.makedirs(dir_name, exist_ok=True)
        worker = worker_name or f"{socket.gethostname()}_{os.getpid()}"
        name = f"{worker}.{time.time_ns() // 1_000_000}.pt.trace.json" + (".gz" if use_gzip else "")
        prof.export_chrome_trace(os.path.join(dir_name, name))

    return handler


_NODES: dict = {}  # node class -> its plain apply, while some collector records


def _node_classes():
    from ..autograd.function import FunctionCtx
    from ..autograd.graph import OpNode

    return (OpNode, FunctionCtx)


def _timed_apply(plain):
    """A graph node's ``apply`` that records ``autograd::engine::evaluate_function: <node>``
    around the backward (the ops it runs nest inside)."""

    def apply(node, grads):
        t0 = perf_counter_ns()
        try:
            return plain(node, grads)
        finally:
            name = "autograd::engine::evaluate_function: " + node.name()
            raw = (name, "cpu_op", t0, perf_counter_ns(), threading.get_native_id(), [], 0, None)
            for c in _RECORDING:
                c.raw.append(raw)

    return apply


def _time_backward(on: bool) -> None:
    """Swap the graph nodes' ``apply`` while any collector records (as ``observe`` swaps the
    op wrapper), so that the engine's hot path is untouched otherwise."""
    if on and not _NODES:
        for cls in _node_classes():
            _NODES[cls] = cls.__dict__["apply"]
            cls.apply = _timed_apply(_NODES[cls])
    elif not on and _NODES:
        for cls, plain in _NODES.items():
            cls.apply = plain
        _NODES.clear()


def _stack(depth=2, limit=32):
    """The user's Python frames above the op call, innermost first, as ``file(line): name``."""
    frames = []
    f = sys._getframe(depth)
    while f is not None and len(frames) < limit:
        path = f.f_code.co_filename
        if not os.path.abspath(path).startswith(_EMBER_DIR):
            frames.append(f"{path}({f.f_lineno}): {f.f_code.co_name}")
        f = f.f_back
    return frames


def _allocated(op, out, inplace) -> int:
    if inplace or op.view:
        return 0
    if isinstance(out, tuple):
        return sum(o.nbytes for o in out)
    return out.nbytes


class _Collector:
    """Records the op calls of every thread while started (NOTE [ Profiler hook ])."""

    def __init__(self, record_shapes, profile_memory, with_stack, sync_cuda):
        self.record_shapes = record_shapes
        self.profile_memory = profile_memory
        self.with_stack = with_stack
        self.sync_cuda = sync_cuda
        self.raw: list = []
        self.base_ns = 0
        self._remove = None

    @property
    def active(self) -> bool:
        return self._remove is not None

    def start(self):
        self.base_ns = time.time_ns() - perf_counter_ns()
        self._remove = observe(self._hook)
        _RECORDING.append(self)
        _time_backward(True)

    def stop(self):
        if self._remove is not None:
            self._remove()
            self._remove = None
            _RECORDING.remove(self)
            _time_backward(bool(_RECORDING))

    def _hook(self, op, inputs, params, inplace, proceed):
        t0 = perf_counter_ns()
        out = proceed()
        if self.sync_cuda and inputs and inputs[0].device.type == "cuda":
            from .. import cuda

            cuda.synchronize()
        t1 = perf_counter_ns()
        self.raw.append(
            (
                "aten::" + op.name + ("_" if inplace else ""),
                "cpu_op",
                t0,
                t1,
                threading.get_native_id(),
                [list(t.shape) for t in inputs] if self.record_shapes else None,
                _allocated(op, out, inplace) if self.profile_memory else 0,
                _stack() if self.with_stack else None,
            )
        )
        return out

    def events(self) -> EventList:
        return build_events(self.raw, self.profile_memory, self.with_stack, self.base_ns)


class record_function(ContextDecorator):
    """A named range in the profile (``with record_function("step"):`` or as a decorator):
    it shows as one event whose children are the ops run inside it. Free when nothing
    records."""

    def __init__(self, name, args=None):
        self.name = name
        self.args = args
        self._starts: list = []

    def __enter__(self):
        self._starts.append(perf_counter_ns())
        return self

    def __exit__(self, *exc):
        t0 = self._starts.pop()
        if _RECORDING:
            t1 = perf_counter_ns()
            raw = (self.name, "user_annotation", t0, t1, threading.get_native_id(), [], 0, None)
            for c in _RECORDING:
                c.raw.append(raw)
        return False


_RECORD_STATES = (ProfilerAction.RECORD, ProfilerAction.RECORD_AND_SAVE)


class profile:
    """Profile the ops run inside ``with profile(...) as prof:`` (``torch.profiler.profile``).

    ``prof.key_averages().table(sort_by="cpu_time_total")`` prints time per op;
    ``prof.export_chrome_trace(path)`` writes a trace for ``chrome://tracing``. With a
    :func:`schedule`, ``prof.step()`` ends each step and only the active steps are recorded;
    ``on_trace_ready(prof)`` runs at the end of each active cycle (and on exit while recording).
    ``record_shapes`` keeps the input shapes (``key_averages(group_by_input_shape=True)``),
    ``profile_memory`` the bytes each op allocates, ``with_stack`` the Python frames of each
    call. ``ProfilerActivity.CUDA`` synchronizes the device after each op on a GPU tensor, so
    that the time of a call includes its kernels.
    """

    def __init__(
        self,
        *,
        activities=None,
        schedule=None,
        on_trace_ready=None,
        record_shapes=False,
        profile_memory=False,
        with_stack=False,
        with_flops=False,
        with_modules=False,
        experimental_config=None,
        execution_trace_observer=None,
        acc_events=False,
        use_cuda=None,
        custom_trace_id_callback=None,
        post_processing_timeout_s=None,
    ):
        for flag, name in (
            (with_flops, "with_flops"),
            (with_modules, "with_modules"),
            (experimental_config is not None, "experimental_config"),
            (execution_trace_observer is not None, "execution_trace_observer"),
        ):
            if flag:
                raise NotImplementedError(f"ember.profiler.profile: {name} is not supported")
        acts = set(supported_activities() if activities is None else activities)
        if use_cuda:
            acts.add(ProfilerActivity.CUDA)
        for a in acts:
            if not isinstance(a, ProfilerActivity):
                raise TypeError(f"activities must be ProfilerActivity values, got {a!r}")
        if not acts:
            raise AssertionError("No activities specified for the profiler")
        self.activities = acts
        self.schedule = schedule or _always_record
        self.record_steps = schedule is not None
        self.on_trace_ready = on_trace_ready
        self.record_shapes = record_shapes
        self.profile_memory = profile_memory
        self.with_stack = with_stack
        self.acc_events = acc_events
        self.custom_trace_id_callback = custom_trace_id_callback
        self.step_num = 0
        self.current_action = self.schedule(0)
        self._collector = self._new_collector()
        self._step_range = None
        self._metadata: dict = {}

    def _new_collector(self):
        from .. import cuda

        sync = ProfilerActivity.CUDA in self.activities and cuda.is_available()
        return _Collector(self.record_shapes, self.profile_memory, self.with_stack, sync)

    # ------------------------------------------------------------------ the state machine
    def _transit(self, prev, cur):
        ending = prev is ProfilerAction.RECORD_AND_SAVE or (
            prev in _RECORD_STATES and cur not in _RECORD_STATES
        )
        if ending and self._collector.active:
            self._collector.stop()
            if self.on_trace_ready is not None:
                self.on_trace_ready(self)
        if cur in _RECORD_STATES and not self._collector.active:
            if not self.acc_events:
                self._collector = self._new_collector()
            self._collector.start()

    def _open_step(self):
        if self.record_steps:
            self._step_range = record_function(f"ProfilerStep#{self.step_num}")
            self._step_range.__enter__()

    def _close_step(self):
        if self._step_range is not None:
            self._step_range.__exit__(None, None, None)
            self._step_range = None

    def start(self):
        """Begin profiling (what entering the ``with`` block does)."""
        self.current_action = self.schedule(self.step_num)
        self._transit(ProfilerAction.NONE, self.current_action)
        self._open_step()

    def stop(self):
        """End profiling; ``on_trace_ready`` runs if a trace was being recorded."""
        self._close_step()
        self._transit(self.current_action, ProfilerAction.NONE)
        self.current_action = ProfilerAction.NONE

    def step(self):
        """Mark the end of a training step: the schedule decides what the next one records."""
        self._close_step()
        prev = self.current_action
        self.step_num += 1
        self.current_action = self.schedule(self.step_num)
        self._transit(prev, self.current_action)
        self._open_step()

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    # ------------------------------------------------------------------ results
    def events(self) -> EventList:
        """Every recorded event (of the last active cycle), in start order."""
        return self._collector.events()

    def key_averages(
        self, group_by_input_shape=False, group_by_stack_n=0, group_by_overload_name=False
    ):
        """The events added up by name (and input shapes or top stack frames when asked):
        ``.table(sort_by=..., row_limit=...)`` prints them."""
        if group_by_input_shape and not self.record_shapes:
            raise AssertionError(
                "Input shapes are not recorded: use profile(record_shapes=True) to group by them"
            )
        if group_by_stack_n > 0 and not self.with_stack:
            raise AssertionError("Stacks are not recorded: use profile(with_stack=True)")
        return self.events().key_averages(group_by_input_shape, group_by_stack_n)

    def export_chrome_trace(self, path):
        """Write the trace as Chrome trace JSON (``.gz``: gzipped)."""
        trace = self.events()._trace(path)
        trace.update(self._metadata)
        if self.custom_trace_id_callback is not None:
            trace["trace_id"] = self.custom_trace_id_callback()
        write_trace(trace, path)

    def export_stacks(self, path, metric="self_cpu_time_total"):
        """Write ``frame;frame;... value`` lines (outermost frame first) for flame graphs;
        needs ``with_stack=True``."""
        with open(path, "w", encoding="utf-8") as f:
            for e in self.events():
                if e.stack:
                    f.write(";".join(reversed(e.stack)) + f" {int(getattr(e, metric))}\n")

    def add_metadata(self, key, value):
        """Keep a ``key: value`` string pair with the trace."""
        self._metadata[key] = value

    def add_metadata_json(self, key, value):
        """Keep a ``key: value`` pair whose value is JSON text."""
        self._metadata[key] = value
