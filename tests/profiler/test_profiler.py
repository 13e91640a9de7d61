"""ember.profiler against torch.profiler: counts, nesting, tables, traces, schedules."""

from __future__ import annotations

import gzip
import json
import re

import pytest
import torch
import torch.profiler as tp

import ember
import ember.nn.functional as F
from ember.ops._registry import _PLAIN, Op
from ember.profiler import (
    ProfilerAction,
    ProfilerActivity,
    profile,
    record_function,
    schedule,
    tensorboard_trace_handler,
)


def _program(lib, x):
    y = x + x
    y = y + x
    y = y + 1
    return y * y


def _counts(averages):
    return {e.key: e.count for e in averages}


def _torch_counts(**kwargs):
    x = torch.ones(4, 4)
    with tp.profile(activities=[tp.ProfilerActivity.CPU], **kwargs) as prof:
        _program(torch, x)
    return _counts(prof.key_averages())


def test_counts_of_a_forward_match_torch():
    x = ember.ones(4, 4)
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        _program(ember, x)
    got = _counts(prof.key_averages())
    want = _torch_counts()
    for name in ("aten::add", "aten::mul"):
        assert got[name] == want[name]
    assert got["aten::add"] == 3


def test_no_hook_is_left_after_exit_even_on_error():
    with profile():
        assert Op.__call__ is not _PLAIN[0]
    assert (Op.__call__, Op.run) == _PLAIN
    with pytest.raises(ValueError, match="boom"), profile():
        raise ValueError("boom")
    assert (Op.__call__, Op.run) == _PLAIN


def test_nothing_is_recorded_outside_the_block():
    x = ember.ones(2)
    with profile() as prof:
        x + x
    x * x
    assert _counts(prof.key_averages()) == {"aten::add": 1}


def test_record_function_ranges_nest_with_their_ops():
    x = ember.ones(3, 3)
    with profile() as prof, record_function("outer"):
        x + x
        with record_function("inner"):
            x * x
            x * x
    events = {e.name: e for e in prof.events() if e.name in ("outer", "inner")}
    outer, inner = events["outer"], events["inner"]
    assert inner.cpu_parent is outer
    assert [c.name for c in outer.cpu_children] == ["aten::add", "inner"]
    assert [c.name for c in inner.cpu_children] == ["aten::mul", "aten::mul"]
    assert inner.cpu_time_total <= outer.cpu_time_total
    children = sum(c.cpu_time_total for c in outer.cpu_children)
    assert outer.self_cpu_time_total == pytest.approx(outer.cpu_time_total - children)


def test_record_function_as_decorator():
    @record_function("helper")
    def helper(x):
        return x.exp()

    x = ember.ones(2)
    with profile() as prof:
        helper(x)
        helper(x)
    counts = _counts(prof.key_averages())
    assert counts["helper"] == 2 and counts["aten::exp"] == 2
    for e in prof.events():
        if e.name == "aten::exp":
            assert e.cpu_parent.name == "helper"


def _rows(table):
    lines = table.splitlines()
    rules = [i for i, line in enumerate(lines) if line.startswith("---")]
    return lines[rules[0] + 1], lines[rules[1] + 1 : rules[2]], lines[rules[2] + 1 :]


def _us(text):
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 1, "ms": 1e3, "s": 1e6}[unit]


@pytest.mark.parametrize(("sort_by", "column"), [("cpu_time_total", 4), ("self_cpu_time_total", 2)])
def test_table_has_torchs_columns_and_sorts_by_the_key(sort_by, column):
    x = ember.ones(8, 8)
    with profile() as prof, record_function("block"):
        for _ in range(3):
            _program(ember, x)
        (x @ x).sum()
    table = prof.key_averages().table(sort_by=sort_by, row_limit=10)
    header, rows, footer = _rows(table)
    tt = torch.ones(2)
    with tp.profile(activities=[tp.ProfilerActivity.CPU]) as tprof:
        tt + tt
    torch_header, _, _ = _rows(tprof.key_averages().table(sort_by=sort_by))
    assert re.split(r"\s{2,}", header.strip()) == re.split(r"\s{2,}", torch_header.strip())
    cells = [r.split() for r in rows]
    names = [c[0] for c in cells]
    assert {"block", "aten::add", "aten::mul", "aten::sum"} <= set(names)
    assert {"aten::matmul", "aten::mm"} & set(names)
    values = [_us(c[column]) for c in cells]
    assert values == sorted(values, reverse=True)
    assert cells[names.index("aten::add")][-1] == "9"
    assert footer[0].startswith("Self CPU time total: ")
    limited = prof.key_averages().table(sort_by=sort_by, row_limit=2)
    assert len(_rows(limited)[1]) == 2


def test_table_grouped_by_input_shape():
    a, b = ember.ones(2, 3), ember.ones(4, 5)
    with profile(record_shapes=True) as prof:
        a + a
        b + b
        b + b
    averages = prof.key_averages(group_by_input_shape=True)
    shapes = {str(e.input_shapes): e.count for e in averages if e.key == "aten::add"}
    assert shapes == {"[[2, 3], [2, 3]]": 1, "[[4, 5], [4, 5]]": 2}
    header, rows, _ = _rows(averages.table(sort_by="count"))
    assert re.split(r"\s{2,}", header.strip())[-1] == "Input Shapes"
    assert rows[0].rstrip().endswith("[[4, 5], [4, 5]]")
    with pytest.raises(AssertionError):
        profile().key_averages(group_by_input_shape=True)


def test_unknown_sort_key_is_torchs_error():
    with profile() as prof:
        ember.ones(2) + 1
    with pytest.raises(AttributeError, match="bogus"):
        prof.key_averages().table(sort_by="bogus")


def test_memory_columns_count_what_an_op_allocates_like_torch():
    x = ember.ones(4, 4)
    with profile(profile_memory=True) as prof:
        x + x
        x.view(16)
    by_key = {e.key: e for e in prof.key_averages()}
    tx = torch.ones(4, 4)
    with tp.profile(activities=[tp.ProfilerActivity.CPU], profile_memory=True) as tprof:
        tx + tx
        tx.view(16)
    torch_by_key = {e.key: e for e in tprof.key_averages()}
    for key in ("aten::add", "aten::view"):
        want = torch_by_key[key].self_cpu_memory_usage
        assert by_key[key].self_cpu_memory_usage == want
    header, _, _ = _rows(prof.key_averages().table())
    assert "CPU Mem" in header and "Self CPU Mem" in header


def test_inplace_ops_carry_torchs_underscore():
    x = ember.randn(3)
    with profile() as prof:
        F.relu(x, inplace=True)
    tx = torch.randn(3)
    with tp.profile(activities=[tp.ProfilerActivity.CPU]) as tprof:
        torch.nn.functional.relu(tx, inplace=True)
    assert "aten::relu_" in _counts(prof.key_averages())
    assert "aten::relu_" in _counts(tprof.key_averages())


def _check_trace(trace, names):
    events = [e for e in trace["traceEvents"] if e.get("ph") == "X"]
    assert events
    for e in events:
        assert {"ph", "ts", "dur", "name", "pid", "tid"} <= set(e)
        assert isinstance(e["ts"], float) and e["dur"] >= 0
    assert names <= {e["name"] for e in events}
    return events


def test_chrome_trace_is_valid_json(tmp_path):
    x = ember.ones(3)
    with profile(record_shapes=True) as prof, record_function("region"):
        x + x
    path = tmp_path / "trace.json"
    prof.export_chrome_trace(str(path))
    events = _check_trace(json.loads(path.read_text()), {"region", "aten::add"})
    add = next(e for e in events if e["name"] == "aten::add")
    region = next(e for e in events if e["name"] == "region")
    assert add["args"]["Input Dims"] == [[3], [3]]
    assert region["ts"] <= add["ts"] and add["ts"] + add["dur"] <= region["ts"] + region["dur"]
    gz = tmp_path / "trace.json.gz"
    prof.export_chrome_trace(str(gz))
    with gzip.open(gz, "rt") as f:
        _check_trace(json.load(f), {"region", "aten::add"})


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(wait=1, warmup=1, active=2),
        dict(wait=1, warmup=1, active=2, repeat=2),
        dict(wait=0, warmup=0, active=1, repeat=3),
        dict(wait=2, warmup=1, active=3, repeat=1, skip_first=3),
        dict(wait=2, warmup=1, active=1, repeat=2, skip_first_wait=1),
    ],
)
def test_schedule_matches_torch(kwargs):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours, theirs = schedule(**kwargs), tp.schedule(**kwargs)
    assert [ours(i).name for i in range(20)] == [theirs(i).name for i in range(20)]


def _scheduled_run(lib, prof_mod, sched, steps, work):
    seen = []

    def ready(p):
        seen.append((p.step_num, _counts(p.key_averages())))

    kwargs = {"activities": [prof_mod.ProfilerActivity.CPU]}
    x = lib.ones(2)
    with prof_mod.profile(schedule=sched, on_trace_ready=ready, **kwargs) as p:
        for step in range(steps):
            work(x, step)
            p.step()
    return seen


def _muls(x, step):
    for _ in range(step + 1):
        x * x


def _add(x, step):
    x + x


@pytest.mark.parametrize(
    ("kwargs", "steps", "work"),
    [
        (dict(wait=1, warmup=1, active=2, repeat=1), 6, _muls),
        (dict(wait=0, warmup=1, active=1), 5, _add),
        (dict(wait=1, warmup=1, active=1, repeat=2), 8, _muls),
    ],
)
def test_schedule_records_only_active_steps_like_torch(kwargs, steps, work):
    import warnings

    ours = _scheduled_run(ember, ember.profiler, schedule(**kwargs), steps, work)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = _scheduled_run(torch, tp, tp.schedule(**kwargs), steps, work)
    assert ours == theirs
    assert (Op.__call__, Op.run) == _PLAIN


def test_schedule_records_steps_two_and_three():
    seen = _scheduled_run(
        ember, ember.profiler, schedule(wait=1, warmup=1, active=2, repeat=1), 6, _muls
    )
    assert seen == [(4, {"ProfilerStep*": 2, "aten::mul": 3 + 4})]
    assert ProfilerAction.RECORD_AND_SAVE.name == "RECORD_AND_SAVE"


def test_step_ranges_keep_their_numbers_in_the_trace(tmp_path):
    x = ember.ones(2)
    with profile(schedule=schedule(wait=1, warmup=1, active=2, repeat=1)) as p:
        for _ in range(5):
            x + x
            p.step()
    p.export_chrome_trace(str(tmp_path / "t.json"))
    names = {e["name"] for e in json.loads((tmp_path / "t.json").read_text())["traceEvents"]}
    assert {"ProfilerStep#2", "ProfilerStep#3"} <= names
    assert "ProfilerStep#1" not in names


def test_tensorboard_trace_handler_writes_a_trace(tmp_path):
    x = ember.ones(2)
    handler = tensorboard_trace_handler(str(tmp_path / "logs"), worker_name="w0")
    with profile(on_trace_ready=handler):
        x + x
    files = list((tmp_path / "logs").iterdir())
    assert len(files) == 1 and files[0].name.startswith("w0.")
    assert files[0].name.endswith(".pt.trace.json")
    _check_trace(json.loads(files[0].read_text()), {"aten::add"})


def test_with_stack_records_the_callers_frames(tmp_path):
    x = ember.ones(2)
    with profile(with_stack=True) as prof:
        x + x
    add = next(e for e in prof.events() if e.name == "aten::add")
    assert add.stack and "test_profiler.py" in add.stack[0]
    assert "test_with_stack_records_the_callers_frames" in add.stack[0]
    averages = prof.key_averages(group_by_stack_n=1)
    assert "Source Location" in _rows(averages.table())[0]
    path = tmp_path / "stacks.txt"
    prof.export_stacks(str(path))
    assert "test_profiler.py" in path.read_text()


def test_backward_nodes_are_recorded_like_torch():
    def step(lib):
        x = lib.ones(3, requires_grad=True)
        (x * x).sum().backward()

    with profile() as prof:
        step(ember)
    with tp.profile(activities=[tp.ProfilerActivity.CPU]) as tprof:
        step(torch)
    mine, theirs = _counts(prof.key_averages()), _counts(tprof.key_averages())
    for name in (
        "autograd::engine::evaluate_function: MulBackward0",
        "autograd::engine::evaluate_function: SumBackward0",
    ):
        assert mine[name] == theirs[name] == 1
    assert mine["aten::mul"] >= 2
    node = next(e for e in prof.events() if e.name.endswith("MulBackward0"))
    assert {c.name for c in node.cpu_children} <= {"aten::mul", "aten::add"}
    assert node.cpu_children
    from ember.autograd.function import FunctionCtx
    from ember.autograd.graph import OpNode

    assert "apply" in OpNode.__dict__ and OpNode.apply.__qualname__ == "OpNode.apply"
    assert FunctionCtx.apply.__qualname__ == "FunctionCtx.apply"


def test_nested_profilers_both_record():
    x = ember.ones(2)
    with profile() as outer:
        x + x
        with profile() as inner:
            x * x
    assert _counts(outer.key_averages()) == {"aten::add": 1, "aten::mul": 1}
    assert _counts(inner.key_averages()) == {"aten::mul": 1}
    assert (Op.__call__, Op.run) == _PLAIN


def test_unsupported_options_are_refused():
    with pytest.raises(NotImplementedError, match="with_flops"):
        profile(with_flops=True)
    with pytest.raises(TypeError):
        profile(activities=["cpu"])


def test_autograd_profiler_aliases():
    ap = ember.autograd.profiler
    assert ap.profile is not None and torch.autograd.profiler.profile is not None

    x = ember.ones(2, 2)
    with ap.profile() as prof, ap.record_function("r"):
        x.exp()
    assert _counts(prof.function_events.key_averages()) == {"r": 1, "aten::exp": 1}
    assert "aten::exp" in prof.table()
    assert prof.self_cpu_time_total > 0
    with ap.profile(enabled=False) as off:
        x @ x
    assert len(off.function_events) == 0
    assert (Op.__call__, Op.run) == _PLAIN
