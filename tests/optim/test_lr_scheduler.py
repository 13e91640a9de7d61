"""Learning-rate schedulers against torch.optim.lr_scheduler over 60 steps."""

from __future__ import annotations

import pickle
import warnings

import numpy as np
import pytest
import torch

import ember
import ember.optim

STEPS = 60


def optimizer(lib, name="SGD", **kwargs):
    kwargs = kwargs or ({"lr": 0.1, "momentum": 0.9} if name == "SGD" else {"lr": 0.1})
    p = [lib.nn.Parameter(lib.ones(2)), lib.nn.Parameter(lib.ones(3))]
    return getattr(lib.optim, name)([{"params": [p[0]]}, {"params": [p[1]], "lr": 0.05}], **kwargs)


def group_values(opt):
    out = []
    for g in opt.param_groups:
        momentum = g["betas"][0] if "betas" in g else g.get("momentum")
        out.extend([float(g["lr"]), momentum])
    return out


def trajectory(lib, make_scheduler, opt_name="SGD", metrics=None, steps=STEPS, **opt_kwargs):
    opt = optimizer(lib, opt_name, **opt_kwargs)
    sched = make_scheduler(lib.optim.lr_scheduler, opt)
    rows = [group_values(opt) + [float(v) for v in sched.get_last_lr()]]
    for i in range(steps):
        opt.step()
        if metrics is None:
            sched.step()
        else:
            sched.step(metrics[i])
        rows.append(group_values(opt) + [float(v) for v in sched.get_last_lr()])
    return np.array(rows, dtype=float), sched


def check(make_scheduler, opt_name="SGD", metrics=None, **opt_kwargs):
    e, se = trajectory(ember, make_scheduler, opt_name, metrics, **opt_kwargs)
    t, st = trajectory(torch, make_scheduler, opt_name, metrics, **opt_kwargs)
    np.testing.assert_allclose(e, t, rtol=1e-12, atol=1e-15)
    return se, st


PLATEAU_METRIC = [1.0 / (1 + i) if i < 20 else 0.05 + 0.001 * (i % 2) for i in range(STEPS)]


def _sequential(s, o):
    return s.SequentialLR(
        o,
        [
            s.LinearLR(o, start_factor=0.1, total_iters=5),
            s.ExponentialLR(o, gamma=0.9),
            s.CosineAnnealingLR(o, T_max=7, eta_min=0.001),
        ],
        milestones=[5, 20],
    )


def _chained(s, o):
    return s.ChainedScheduler(
        [
            s.ConstantLR(o, factor=0.5, total_iters=4),
            s.ExponentialLR(o, gamma=0.95),
            s.MultiStepLR(o, milestones=[10, 30], gamma=0.5),
        ]
    )


SCHEDULERS = {
    "lambda": lambda s, o: s.LambdaLR(o, lr_lambda=lambda e: 0.9**e + 0.1 * (e % 3)),
    "lambda_list": lambda s, o: s.LambdaLR(o, lr_lambda=[lambda e: 0.95**e, lambda e: 1 / (e + 1)]),
    "multiplicative": lambda s, o: s.MultiplicativeLR(o, lr_lambda=lambda e: 0.97),
    "step": lambda s, o: s.StepLR(o, step_size=7, gamma=0.5),
    "multistep": lambda s, o: s.MultiStepLR(o, milestones=[5, 9, 9, 30], gamma=0.5),
    "constant": lambda s, o: s.ConstantLR(o, factor=0.25, total_iters=10),
    "linear": lambda s, o: s.LinearLR(o, start_factor=0.1, end_factor=0.9, total_iters=20),
    "exponential": lambda s, o: s.ExponentialLR(o, gamma=0.95),
    "polynomial": lambda s, o: s.PolynomialLR(o, total_iters=40, power=2.0),
    "cosine": lambda s, o: s.CosineAnnealingLR(o, T_max=10, eta_min=0.001),
    "warm_restarts": lambda s, o: s.CosineAnnealingWarmRestarts(o, T_0=5, T_mult=2, eta_min=0.001),
    "warm_restarts_1": lambda s, o: s.CosineAnnealingWarmRestarts(o, T_0=7),
    "cyclic_triangular": lambda s, o: s.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=5),
    "cyclic_triangular2": lambda s, o: s.CyclicLR(
        o, base_lr=0.01, max_lr=0.1, step_size_up=5, step_size_down=8, mode="triangular2"
    ),
    "cyclic_exp_range": lambda s, o: s.CyclicLR(
        o,
        base_lr=[0.01, 0.02],
        max_lr=0.1,
        step_size_up=6,
        mode="exp_range",
        gamma=0.97,
        base_momentum=0.7,
        max_momentum=[0.9, 0.95],
    ),
    "cyclic_scale_fn": lambda s, o: s.CyclicLR(
        o,
        base_lr=0.01,
        max_lr=0.2,
        step_size_up=4,
        scale_fn=lambda x: 0.8**x,
        scale_mode="iterations",
        cycle_momentum=False,
    ),
    "onecycle": lambda s, o: s.OneCycleLR(o, max_lr=0.5, total_steps=STEPS),
    "onecycle_three_phase": lambda s, o: s.OneCycleLR(
        o,
        max_lr=[0.5, 0.3],
        epochs=6,
        steps_per_epoch=10,
        three_phase=True,
        anneal_strategy="linear",
    ),
    "onecycle_no_momentum": lambda s, o: s.OneCycleLR(
        o,
        max_lr=0.4,
        total_steps=STEPS,
        pct_start=0.25,
        div_factor=10.0,
        final_div_factor=100.0,
        cycle_momentum=False,
    ),
    "sequential": _sequential,
    "chained": _chained,
}


@pytest.mark.parametrize("name", list(SCHEDULERS))
def test_schedule_matches_torch(name):
    se, st = check(SCHEDULERS[name])
    assert type(se).__name__ == type(st).__name__


@pytest.mark.parametrize("name", ["cyclic_triangular", "onecycle", "onecycle_three_phase"])
def test_momentum_cycling_adam_betas(name):
    check(SCHEDULERS[name], "Adam")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"patience": 3, "factor": 0.5, "cooldown": 2},
        {
            "mode": "max",
            "threshold_mode": "abs",
            "threshold": 0.01,
            "patience": 2,
            "min_lr": [0.01, 0.001],
        },
        {
            "mode": "min",
            "threshold_mode": "abs",
            "threshold": 0.001,
            "patience": 0,
            "factor": 0.8,
            "eps": 1e-3,
        },
        {"mode": "max", "threshold": 0.05, "patience": 1, "min_lr": 0.02},
    ],
)
def test_reduce_lr_on_plateau_matches_torch(kwargs):
    metric = PLATEAU_METRIC if kwargs.get("mode", "min") == "min" else [-m for m in PLATEAU_METRIC]
    se, st = check(lambda s, o: s.ReduceLROnPlateau(o, **kwargs), metrics=metric)
    assert se.num_bad_epochs == st.num_bad_epochs and se.best == st.best


@pytest.mark.parametrize(
    "name",
    [
        "step",
        "multistep",
        "constant",
        "linear",
        "exponential",
        "polynomial",
        "cosine",
        "warm_restarts",
    ],
)
def test_step_with_epoch_uses_closed_form(name):
    values = []
    for lib in (ember, torch):
        opt = optimizer(lib)
        sched = SCHEDULERS[name](lib.optim.lr_scheduler, opt)
        row = []
        for epoch in [3, 7, 12, 25, 4, 40]:
            opt.step()
            if name == "warm_restarts":
                sched.step(epoch + 0.5)
            else:
                with pytest.warns(UserWarning, match="epoch parameter"):
                    sched.step(epoch)
            row.extend(float(v) for v in sched.get_last_lr())
        values.append(row)
    np.testing.assert_allclose(values[0], values[1], rtol=1e-12)


@pytest.mark.parametrize(
    "name",
    [
        "step",
        "cosine",
        "cyclic_exp_range",
        "onecycle",
        "sequential",
        "chained",
        "lambda",
        "warm_restarts",
    ],
)
def test_state_dict_resume(name):
    """Save after 20 steps, load into a fresh scheduler, continue: same as uninterrupted."""
    make = SCHEDULERS[name]
    full, _ = trajectory(ember, make, steps=40)
    opt = optimizer(ember)
    sched = make(ember.optim.lr_scheduler, opt)
    for _ in range(20):
        opt.step()
        sched.step()
    opt_state, sched_state = opt.state_dict(), pickle.loads(pickle.dumps(sched.state_dict()))
    opt2 = optimizer(ember)
    sched2 = make(ember.optim.lr_scheduler, opt2)
    sched2.load_state_dict(sched_state)
    opt2.load_state_dict(opt_state)
    rows = []
    for _ in range(20):
        opt2.step()
        sched2.step()
        rows.append(group_values(opt2) + [float(v) for v in sched2.get_last_lr()])
    np.testing.assert_allclose(np.array(rows), full[21:], rtol=1e-12)


def test_state_dict_keys_match_torch():
    for name in ["step", "cosine", "onecycle", "cyclic_exp_range", "sequential", "lambda"]:
        e = SCHEDULERS[name](ember.optim.lr_scheduler, optimizer(ember)).state_dict()
        t = SCHEDULERS[name](torch.optim.lr_scheduler, optimizer(torch)).state_dict()
        assert sorted(e) == sorted(t), name


def test_tensor_lr_is_updated_in_place():
    values = []
    for lib in (ember, torch):
        p = lib.nn.Parameter(lib.ones(2))
        lr = lib.tensor(0.1)
        opt = lib.optim.Adam([p], lr=lr)
        sched = lib.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
        for _ in range(5):
            opt.step()
            sched.step()
        assert opt.param_groups[0]["lr"] is lr
        values.append(float(lr))
    assert values[0] == values[1] == pytest.approx(0.025)


def test_warnings_like_torch():
    for lib in (ember, torch):
        opt = optimizer(lib)
        sched = lib.optim.lr_scheduler.StepLR(opt, step_size=2)
        with pytest.warns(UserWarning, match=r"before `optimizer.step\(\)`"):
            sched.step()
        with pytest.warns(UserWarning, match="get_last_lr"):
            sched.get_lr()
        opt = optimizer(lib)
        sched = lib.optim.lr_scheduler.ExponentialLR(opt, gamma=0.9)
        opt.step = lambda closure=None: None
        with pytest.warns(UserWarning, match="has been overridden"):
            sched.step()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt = optimizer(ember)
        sched = ember.optim.lr_scheduler.StepLR(opt, step_size=2)
        opt.step()
        sched.step()
        sched.get_last_lr()


@pytest.mark.parametrize(
    "make",
    [
        lambda s, o: s.StepLR("not an optimizer", step_size=1),
        lambda s, o: s.StepLR(o, step_size=1, last_epoch=5),
        lambda s, o: s.ConstantLR(o, factor=1.5),
        lambda s, o: s.LinearLR(o, start_factor=0.0),
        lambda s, o: s.LinearLR(o, end_factor=1.5),
        lambda s, o: s.LambdaLR(o, lr_lambda=[lambda e: 1.0]),
        lambda s, o: s.MultiplicativeLR(o, lr_lambda=0.5),
        lambda s, o: s.CosineAnnealingWarmRestarts(o, T_0=0),
        lambda s, o: s.CosineAnnealingWarmRestarts(o, T_0=2, T_mult=1.5),
        lambda s, o: s.CosineAnnealingWarmRestarts(o, T_0=2, eta_min="x"),
        lambda s, o: s.CyclicLR(o, base_lr=0.1, max_lr=1.0, mode="bogus"),
        lambda s, o: s.CyclicLR(o, base_lr=[0.1], max_lr=1.0),
        lambda s, o: s.OneCycleLR(o, max_lr=0.1),
        lambda s, o: s.OneCycleLR(o, max_lr=0.1, total_steps=0),
        lambda s, o: s.OneCycleLR(o, max_lr=0.1, total_steps=10, pct_start=1),
        lambda s, o: s.OneCycleLR(o, max_lr=0.1, total_steps=10, anneal_strategy="x"),
        lambda s, o: s.ReduceLROnPlateau(o, factor=1.0),
        lambda s, o: s.ReduceLROnPlateau(o, mode="avg"),
        lambda s, o: s.ReduceLROnPlateau(o, threshold_mode="x"),
        lambda s, o: s.ReduceLROnPlateau(o, min_lr=[0.1]),
        lambda s, o: s.SequentialLR(o, [], milestones=[]),
        lambda s, o: s.SequentialLR(o, [s.StepLR(o, 2), s.StepLR(o, 3)], milestones=[]),
        lambda s, o: s.SequentialLR(o, [s.ReduceLROnPlateau(o)], milestones=[]),
        lambda s, o: s.ChainedScheduler([]),
    ],
)
def test_errors_match_torch(make):
    errors = []
    for lib in (ember, torch):
        with pytest.raises(Exception) as info:
            make(lib.optim.lr_scheduler, optimizer(lib))
        errors.append(info.value)
    assert type(errors[0]) is type(errors[1]), errors
    assert str(errors[0]).split()[0] == str(errors[1]).split()[0]


def test_onecycle_too_many_steps():
    for lib in (ember, torch):
        opt = optimizer(lib)
        sched = lib.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=3)
        for _ in range(3):
            opt.step()
            sched.step()
        with pytest.raises(ValueError, match="Tried to step 4 times"):
            sched.step()


def test_cyclic_momentum_needs_momentum_option():
    for lib in (ember, torch):
        p = lib.nn.Parameter(lib.ones(1))
        opt = lib.optim.Adagrad([p])
        with pytest.raises(ValueError, match="must support momentum"):
            lib.optim.lr_scheduler.CyclicLR(opt, base_lr=0.01, max_lr=0.1)
