"""What a profile recorded: events, their averages by key, the table and the Chrome trace.

NOTE [ Profiler events ]
The collector keeps one raw tuple per op call or ``record_function`` range (name, category,
start and end in ``perf_counter_ns``, thread, input shapes, bytes allocated, stack). They become
:class:`FunctionEvent` objects only when asked for: each thread's intervals are nested by
containment, a range's children are the events inside it, and self time is the total less the
children's totals (PyTorch's definition). Times are microseconds, as in PyTorch.
"""

from __future__ import annotations

import gzip
import json
import os

__all__ = ["EventList", "FunctionEvent", "FunctionEventAvg"]


def _format_time(us: float) -> str:
    if us >= 1e6:
        return f"{us / 1e6:.3f}s"
    if us >= 1e3:
        return f"{us / 1e3:.3f}ms"
    return f"{us:.3f}us"


def _format_memory(nbytes: int) -> str:
    for unit, size in (("Gb", 1 << 30), ("Mb", 1 << 20), ("Kb", 1 << 10)):
        if abs(nbytes) >= size:
            return f"{nbytes / size:.2f} {unit}"
    return f"{nbytes} B"


class FunctionEvent:
    """One recorded op call or ``record_function`` range (``torch.autograd.profiler_util``)."""

    def __init__(self, id, name, category, start_ns, end_ns, thread, input_shapes, memory, stack):  # noqa: A002
        self.id = id
        self.trace_name = name  # ProfilerStep#3 in the trace, ProfilerStep* in the averages
        if name.startswith("ProfilerStep#"):
            name = "ProfilerStep*"
        self.name = name
        self.key = name
        self.category = category
        self.start_ns, self.end_ns = start_ns, end_ns
        self.thread = thread
        self.input_shapes = input_shapes if input_shapes is not None else []
        self.own_memory = memory
        self.stack = stack or []
        self.cpu_parent = None
        self.cpu_children: list[FunctionEvent] = []
        self.count = 1
        self.device_type = "CPU"
        self.is_user_annotation = category == "user_annotation"

    @property
    def cpu_time_total(self) -> float:
        """Inclusive time, microseconds."""
        return (self.end_ns - self.start_ns) / 1e3

    cpu_time = cpu_time_total

    @property
    def self_cpu_time_total(self) -> float:
        """Time outside the children, microseconds."""
        return self.cpu_time_total - sum(c.cpu_time_total for c in self.cpu_children)

    @property
    def cpu_memory_usage(self) -> int:
        """Bytes allocated by this event and its children."""
        return self.own_memory + sum(c.cpu_memory_usage for c in self.cpu_children)

    @property
    def self_cpu_memory_usage(self) -> int:
        return self.own_memory

    device_time_total = self_device_time_total = device_time = 0.0
    cuda_time_total = self_cuda_time_total = cuda_time = 0.0

    @property
    def time_range(self):
        """``(start_us, end_us)``."""
        return (self.start_ns / 1e3, self.end_ns / 1e3)

    def __repr__(self):
        return (
            f"<FunctionEvent id={self.id} name={self.name} thread={self.thread} "
            f"cpu_time_total={_format_time(self.cpu_time_total)} "
            f"self_cpu_time_total={_format_time(self.self_cpu_time_total)} "
            f"input_shapes={self.input_shapes}>"
        )


class FunctionEventAvg:
    """The events of one key added up: ``count``, total and self times (``cpu_time`` is the
    average), memory, and the input shapes / stack when they are part of the key."""

    def __init__(self, key, input_shapes=None, stack=None):
        self.key = key
        self.count = 0
        self.cpu_time_total = 0.0
        self.self_cpu_time_total = 0.0
        self.cpu_memory_usage = 0
        self.self_cpu_memory_usage = 0
        self.input_shapes = input_shapes
        self.stack = stack
        self.is_user_annotation = False
        self.device_time_total = self.self_device_time_total = 0.0
        self.cuda_time_total = self.self_cuda_time_total = 0.0

    def add(self, event):
        """Fold one more event (or average) into this one."""
        self.count += event.count
        self.cpu_time_total += event.cpu_time_total
        self.self_cpu_time_total += event.self_cpu_time_total
        self.cpu_memory_usage += event.cpu_memory_usage
        self.self_cpu_memory_usage += event.self_cpu_memory_usage
        self.is_user_annotation = event.is_user_annotation
        return self

    @property
    def cpu_time(self) -> float:
        """Average inclusive time per call, microseconds."""
        return self.cpu_time_total / self.count if self.count else 0.0

    device_time = cuda_time = 0.0

    def __repr__(self):
        return (
            f"<FunctionEventAvg key={self.key} "
            f"self_cpu_time={_format_time(self.self_cpu_time_total)} "
            f"cpu_time={_format_time(self.cpu_time)} input_shapes={self.input_shapes}>"
        )


class EventList(list):
    """A list of events or averages, with PyTorch's table and export helpers."""

    def __init__(self, *args, profile_memory=False, with_stack=False, base_ns=0, **kwargs):
        super().__init__(*args, **kwargs)
        self._profile_memory = profile_memory
        self._with_stack = with_stack
        self._base_ns = base_ns

    def _like(self, items):
        return EventList(
            items,
            profile_memory=self._profile_memory,
            with_stack=self._with_stack,
            base_ns=self._base_ns,
        )

    def key_averages(
        self, group_by_input_shape=False, group_by_stack_n=0, group_by_overload_name=False
    ):
        """Events with the same name (and input shapes / top ``group_by_stack_n`` frames when
        asked) added up into one :class:`FunctionEventAvg` each, in first-seen order."""
        groups: dict = {}
        for e in self:
            key = [e.key]
            if group_by_input_shape:
                key.append(str(e.input_shapes))
            if group_by_stack_n > 0:
                key.append(tuple(e.stack[:group_by_stack_n]))
            key = tuple(key)
            avg = groups.get(key)
            if avg is None:
                avg = groups[key] = FunctionEventAvg(
                    e.key,
                    e.input_shapes if group_by_input_shape else None,
                    e.stack[:group_by_stack_n] if group_by_stack_n > 0 else None,
                )
            avg.add(e)
        return self._like(groups.values())

    def total_average(self):
        """All events added up into one :class:`FunctionEventAvg` keyed ``Total``."""
        total = FunctionEventAvg("Total")
        for e in self:
            total.add(e)
        return total

    def table(
        self,
        sort_by=None,
        row_limit=100,
        max_src_column_width=75,
        max_name_column_width=55,
        max_shapes_column_width=80,
        header=None,
        top_level_events_only=False,
        time_unit=None,
    ):
        """The events as a text table like PyTorch's, sorted by the attribute ``sort_by``
        (descending) and cut to ``row_limit`` rows (a negative limit keeps all)."""
        return _build_table(
            self,
            sort_by,
            row_limit,
            max_src_column_width,
            max_name_column_width,
            max_shapes_column_width,
            header,
            top_level_events_only,
        )

    def __str__(self):
        return self.table()

    def export_chrome_trace(self, path):
        """Write the events as Chrome trace JSON (``chrome://tracing``, Perfetto); a path ending
        in ``.gz`` is gzipped."""
        write_trace(self._trace(path), path)

    def _trace(self, path) -> dict:
        pid = os.getpid()
        events = []
        for e in self:
            if not isinstance(e, FunctionEvent):
                raise RuntimeError("export_chrome_trace needs the events, not their averages")
            args = {"External id": e.id}
            if e.input_shapes:
                args["Input Dims"] = e.input_shapes
            if e.stack:
                args["Call stack"] = ";".join(e.stack)
            events.append(
                {
                    "ph": "X",
                    "cat": e.category,
                    "name": e.trace_name,
                    "pid": pid,
                    "tid": e.thread,
                    "ts": (e.start_ns + self._base_ns) / 1e3,
                    "dur": (e.end_ns - e.start_ns) / 1e3,
                    "args": args,
                }
            )
        return {
            "schemaVersion": 1,
            "deviceProperties": [],
            "displayTimeUnit": "ms",
            "traceName": os.fspath(path),
            "traceEvents": events,
        }


def write_trace(trace: dict, path) -> None:
    """Write a Chrome trace dict as JSON, gzipped when ``path`` ends in ``.gz``."""
    text = json.dumps(trace)
    if os.fspath(path).endswith(".gz"):
        with gzip.open(path, "wt", encoding="utf-8") as f:
            f.write(text)
    else:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)


def build_events(raw, profile_memory, with_stack, base_ns) -> EventList:
    """:class:`FunctionEvent` objects from the collector's raw tuples, nested per thread."""
    events = [FunctionEvent(i, *r) for i, r in enumerate(raw)]
    by_thread: dict = {}
    for e in sorted(events, key=lambda e: (e.start_ns, -e.end_ns, e.id)):
        stack = by_thread.setdefault(e.thread, [])
        while stack and not (stack[-1].start_ns <= e.start_ns and e.end_ns <= stack[-1].end_ns):
            stack.pop()
        if stack:
            e.cpu_parent = stack[-1]
            stack[-1].cpu_children.append(e)
        stack.append(e)
    events.sort(key=lambda e: (e.start_ns, -e.end_ns, e.id))
    return EventList(events, profile_memory=profile_memory, with_stack=with_stack, base_ns=base_ns)


def _build_table(events, sort_by, row_limit, src_width, name_width, shapes_width, header, top):
    if top:
        events = [e for e in events if getattr(e, "cpu_parent", None) is None]
    self_total = sum(e.self_cpu_time_total for e in events)
    rows = list(events)
    if sort_by is not None:
        rows.sort(key=lambda e: getattr(e, sort_by), reverse=True)
    if row_limit is not None and row_limit >= 0:
        rows = rows[:row_limit]
    has_shapes = any(isinstance(e, FunctionEventAvg) and e.input_shapes is not None for e in rows)
    has_stack = any(isinstance(e, FunctionEventAvg) and e.stack for e in rows)

    def name_of(e):
        k = e.key
        return k if len(k) <= name_width else k[: name_width - 3] + "..."

    width = max([len(name_of(e)) for e in rows] + [len("Name")]) + 4
    cols = [("Name", width)] + [
        (h, 12) for h in ("Self CPU %", "Self CPU", "CPU total %", "CPU total", "CPU time avg")
    ]
    if events._profile_memory:
        cols += [("CPU Mem", 12), ("Self CPU Mem", 12)]
    cols.append(("# of Calls", 12))
    if has_shapes:
        shape_w = min(max([len(str(e.input_shapes)) for e in rows] + [12]) + 4, shapes_width)
        cols.append(("Input Shapes", shape_w))
    if has_stack:
        cols.append(("Source Location", src_width))

    def line(cells):
        return "".join(f"{c:>{w}}  " for c, (_, w) in zip(cells, cols))

    rule = "".join("-" * w + "  " for _, w in cols)
    pct = 100.0 / self_total if self_total else 0.0
    out = [rule, line([h for h, _ in cols]), rule]
    if header is not None:
        out.insert(0, "=" * len(rule))
        out.insert(0, header)
    for e in rows:
        cells = [
            name_of(e),
            f"{e.self_cpu_time_total * pct:.2f}%",
            _format_time(e.self_cpu_time_total),
            f"{e.cpu_time_total * pct:.2f}%",
            _format_time(e.cpu_time_total),
            _format_time(e.cpu_time),
        ]
        if events._profile_memory:
            cells += [_format_memory(e.cpu_memory_usage), _format_memory(e.self_cpu_memory_usage)]
        cells.append(str(e.count))
        if has_shapes:
            s = str(e.input_shapes)
            cells.append(s if len(s) <= shape_w - 4 else s[: shape_w - 7] + "...")
        if has_stack:
            cells.append((e.stack or [""])[0][: src_width - 4])
        out.append(line(cells))
        if has_stack:
            for frame in (e.stack or [])[1:]:
                out.append(line([""] * (len(cols) - 1) + [frame[: src_width - 4]]))
    out.append(rule)
    out.append(f"Self CPU time total: {_format_time(self_total)}")
    return "\n".join(out) + "\n"
