"""Profile where time goes, op by op (``torch.profiler``).

>>> import ember
>>> from ember.profiler import profile, record_function
>>> x = ember.ones(4, 4)
>>> with profile() as prof:
...     with record_function("block"):
...         y = x + x + x
>>> [(e.key, e.count) for e in prof.key_averages()]
[('block', 1), ('aten::add', 2)]
"""

from __future__ import annotations

from ._events import EventList, FunctionEvent, FunctionEventAvg
from ._profile import (
    ProfilerAction,
    ProfilerActivity,
    profile,
    record_function,
    schedule,
    supported_activities,
    tensorboard_trace_handler,
)

__all__ = [
    "ProfilerAction",
    "ProfilerActivity",
    "profile",
    "record_function",
    "schedule",
    "supported_activities",
    "tensorboard_trace_handler",
]

del EventList, FunctionEvent, FunctionEventAvg
