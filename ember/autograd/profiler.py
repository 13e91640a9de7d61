"""The autograd profiler (``torch.autograd.profiler``): the older face of :mod:`ember.profiler`.

>>> import ember
>>> from ember.autograd import profiler
>>> with profiler.profile(record_shapes=True) as prof:
...     y = ember.ones(2, 2) * 3
>>> [e.key for e in prof.key_averages()]
['aten::mul']
"""

from __future__ import annotations

from ..profiler import ProfilerActivity as _Activity
from ..profiler import profile as _profile
from ..profiler import record_function
from ..profiler._events import EventList, FunctionEvent, FunctionEventAvg

__all__ = ["EventList", "FunctionEvent", "FunctionEventAvg", "profile", "record_function"]


class profile(_profile):
    """``with profile() as prof:`` records the ops run inside; ``enabled=False`` records
    nothing. ``use_cuda`` / ``use_device="cuda"`` add the CUDA activity; the rest is
    :class:`ember.profiler.profile`'s (``prof.table()`` is ``prof.key_averages().table()``)."""

    def __init__(
        self,
        enabled=True,
        *,
        use_cuda=False,
        use_device=None,
        record_shapes=False,
        with_flops=False,
        profile_memory=False,
        with_stack=False,
        with_modules=False,
        use_kineto=False,
        use_cpu=True,
        experimental_config=None,
        acc_events=False,
        custom_trace_id_callback=None,
        post_processing_timeout_s=None,
        activity_filters=None,
    ):
        self.enabled = enabled
        activities = [_Activity.CPU] if use_cpu else []
        if use_cuda or use_device == "cuda":
            activities.append(_Activity.CUDA)
        super().__init__(
            activities=activities,
            record_shapes=record_shapes,
            profile_memory=profile_memory,
            with_stack=with_stack,
            with_flops=with_flops,
            with_modules=with_modules,
            experimental_config=experimental_config,
            acc_events=acc_events,
            custom_trace_id_callback=custom_trace_id_callback,
        )

    def __enter__(self):
        if self.enabled:
            self.start()
        return self

    def __exit__(self, *exc):
        if self.enabled:
            self.stop()
        return False

    @property
    def function_events(self) -> EventList:
        """Every recorded event."""
        return self.events()

    @property
    def self_cpu_time_total(self) -> float:
        """The sum of the events' self times, microseconds."""
        return sum(e.self_cpu_time_total for e in self.events())

    def table(self, sort_by=None, row_limit=100, **kwargs):
        """``key_averages().table(...)``."""
        return self.key_averages().table(sort_by=sort_by, row_limit=row_limit, **kwargs)

    def __str__(self):
        return self.table()
