"""ember.vision.ops.misc and stochastic_depth against the same layers built from torch.nn."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
from ember.vision import ops


def _t(x):
    return torch.from_numpy(x.detach().numpy().copy())


def _load_into_torch(em_module, torch_module):
    sd = {k: _t(v) for k, v in em_module.state_dict().items()}
    torch_module.load_state_dict(sd)


def _randomise(module):
    for name, buf in module.named_buffers():
        if name.endswith("running_var"):
            buf.copy_(ember.rand(buf.shape) + 0.5)
        elif name.endswith("running_mean"):
            buf.copy_(ember.randn(buf.shape) * 0.1)
    with ember.no_grad():
        for p in module.parameters():
            p.copy_(ember.randn(p.shape) * 0.3)


@pytest.mark.parametrize("train", [False, True])
def test_conv2d_norm_activation_is_conv_bn_relu(train):
    em = ops.Conv2dNormActivation(3, 6, kernel_size=3, stride=2, groups=1)
    ref = torch.nn.Sequential(
        torch.nn.Conv2d(3, 6, 3, 2, padding=1, bias=False),
        torch.nn.BatchNorm2d(6),
        torch.nn.ReLU(inplace=True),
    )
    _randomise(em)
    _load_into_torch(em, ref)
    em.train(train)
    ref.train(train)
    x = np.random.randn(2, 3, 9, 9).astype(np.float32)
    xe = ember.tensor(x, requires_grad=True)
    xt = torch.tensor(x, requires_grad=True)
    ye, yt = em(xe), ref(xt)
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=1e-5, atol=1e-5)
    ye.sum().backward()
    yt.sum().backward()
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=1e-4, atol=1e-5)
    assert em.out_channels == 6


def test_conv_norm_activation_padding_bias_and_options():
    # padding (k - 1) // 2 * dilation per dim; a bias only without a norm layer
    a = ops.Conv2dNormActivation(4, 4, kernel_size=(3, 5), dilation=(1, 2), norm_layer=None)
    assert a[0].padding == (1, 4) and a[0].bias is not None and len(a) == 2
    b = ops.Conv2dNormActivation(4, 8, 5, dilation=2, groups=4, activation_layer=None)
    assert b[0].padding == (4, 4) and b[0].bias is None and b[0].groups == 4 and len(b) == 2
    c = ops.Conv2dNormActivation(4, 8, 1, activation_layer=ember.nn.Hardswish, inplace=None)
    assert isinstance(c[2], ember.nn.Hardswish) and not c[2].inplace
    d = ops.Conv3dNormActivation(2, 3, kernel_size=3)
    assert isinstance(d[0], ember.nn.Conv3d) and isinstance(d[1], ember.nn.BatchNorm3d)
    assert d(ember.zeros(1, 2, 4, 4, 4)).shape == (1, 3, 4, 4, 4)
    assert list(d.state_dict()) == list(
        torch.nn.Sequential(
            torch.nn.Conv3d(2, 3, 3, bias=False), torch.nn.BatchNorm3d(3), torch.nn.ReLU()
        ).state_dict()
    )
    with pytest.warns(FutureWarning):
        ops.misc.ConvNormActivation(2, 3)


def test_frozen_batch_norm_formula_and_state_dict():
    bn = ops.FrozenBatchNorm2d(5, eps=1e-3)
    assert repr(bn) == "FrozenBatchNorm2d(5, eps=0.001)"
    w, b, m = np.random.randn(3, 5).astype(np.float32)
    v = np.random.rand(5).astype(np.float32) + 0.2
    sd = {
        "weight": torch.tensor(w),
        "bias": torch.tensor(b),
        "running_mean": torch.tensor(m),
        "running_var": torch.tensor(v),
        "num_batches_tracked": torch.tensor(7),  # BatchNorm2d checkpoints carry it; dropped
    }
    bn.load_state_dict({k: ember.tensor(x.numpy()) for k, x in sd.items()})
    assert sorted(bn.state_dict()) == ["bias", "running_mean", "running_var", "weight"]
    x = np.random.randn(2, 5, 3, 4).astype(np.float32)
    want = torch.nn.functional.batch_norm(
        torch.tensor(x), sd["running_mean"], sd["running_var"], sd["weight"], sd["bias"], eps=1e-3
    )
    bn.train()  # frozen: training mode changes nothing
    np.testing.assert_allclose(bn(ember.tensor(x)).numpy(), want.numpy(), rtol=1e-5, atol=1e-5)
    assert not list(bn.parameters())


def test_squeeze_excitation():
    se = ops.SqueezeExcitation(
        6, 3, activation=ember.nn.SiLU, scale_activation=ember.nn.Hardsigmoid
    )
    assert list(se.state_dict()) == ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]
    _randomise(se)
    x = torch.randn(2, 6, 5, 5)
    sd = {k: _t(v) for k, v in se.state_dict().items()}
    g = torch.nn.functional.conv2d(x.mean((2, 3), keepdim=True), sd["fc1.weight"], sd["fc1.bias"])
    g = torch.nn.functional.conv2d(torch.nn.functional.silu(g), sd["fc2.weight"], sd["fc2.bias"])
    want = torch.nn.functional.hardsigmoid(g) * x
    got = se(ember.tensor(x.numpy()))
    np.testing.assert_allclose(got.detach().numpy(), want.numpy(), rtol=1e-5, atol=1e-6)


def test_mlp_layers_and_values():
    mlp = ops.MLP(4, [8, 6, 3], norm_layer=ember.nn.LayerNorm, inplace=False, dropout=0.1)
    kinds = [type(m).__name__ for m in mlp]
    assert kinds == ["Linear", "LayerNorm", "ReLU", "Dropout"] * 2 + ["Linear", "Dropout"]
    assert mlp[3].p == 0.1 and mlp[2].inplace is False
    ref = torch.nn.Sequential(
        *[
            m
            for h_in, h in ((4, 8), (8, 6))
            for m in (
                torch.nn.Linear(h_in, h),
                torch.nn.LayerNorm(h),
                torch.nn.ReLU(),
                torch.nn.Dropout(0.1),
            )
        ],
        torch.nn.Linear(6, 3),
        torch.nn.Dropout(0.1),
    )
    _load_into_torch(mlp, ref)
    mlp.eval()
    ref.eval()
    x = np.random.randn(5, 4).astype(np.float32)
    np.testing.assert_allclose(
        mlp(ember.tensor(x)).detach().numpy(),
        ref(torch.tensor(x)).detach().numpy(),
        rtol=1e-5,
        atol=1e-6,
    )
    assert ops.MLP(3, [2], bias=False)[0].bias is None


def test_permute():
    x = np.random.randn(2, 3, 4, 5).astype(np.float32)
    got = ops.Permute([0, 2, 3, 1])(ember.tensor(x))
    np.testing.assert_array_equal(got.numpy(), np.transpose(x, (0, 2, 3, 1)))


@pytest.mark.parametrize("mode", ["row", "batch"])
def test_stochastic_depth_draws_torchs_noise(mode):
    # torchvision draws empty(size).bernoulli_(1 - p) from the default generator, then scales
    x = np.random.randn(6, 3, 2).astype(np.float32)
    p = 0.4
    size = [6, 1, 1] if mode == "row" else [1, 1, 1]
    for seed in range(4):
        torch.manual_seed(seed)
        want = torch.tensor(x) * torch.empty(size).bernoulli_(1 - p).div_(1 - p)
        ember.manual_seed(seed)
        got = ops.stochastic_depth(ember.tensor(x), p, mode)
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-6)
    x_e = ember.tensor(x)
    assert ops.stochastic_depth(x_e, p, mode, training=False) is x_e
    assert ops.stochastic_depth(x_e, 0.0, mode) is x_e
    assert (ops.stochastic_depth(x_e, 1.0, mode).numpy() == 0).all()


def test_stochastic_depth_module_and_errors():
    sd = ops.StochasticDepth(0.3, "row")
    assert repr(sd) == "StochasticDepth(p=0.3, mode=row)"
    x = ember.ones(4, 2)
    assert sd.eval()(x) is x
    with pytest.raises(ValueError, match="drop probability has to be between 0 and 1, but got 1.5"):
        ops.stochastic_depth(x, 1.5, "row")
    with pytest.raises(ValueError, match="mode has to be either 'batch' or 'row', but got col"):
        ops.stochastic_depth(x, 0.5, "col")
