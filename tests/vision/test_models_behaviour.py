"""ember.vision.models beyond the reference logits: torchvision's initialisation schemes, the
auxiliary outputs of GoogLeNet and Inception v3, every variant's size against torchvision's
published parameter counts, constructor options and errors, and old checkpoint layouts.

Expected values are torchvision 0.28's documented behaviour (its source: which ``nn.init``
call each layer gets, its messages, its weights' ``num_params``).
"""

from __future__ import annotations

import importlib
import inspect
import math
import warnings
from collections import OrderedDict

import numpy as np
import pytest

import ember
from ember import nn
from ember.vision import models
from ember.vision.models import mobilenetv3, resnet

from ._models_common import no_random_init

# The package's ``googlenet`` is the builder, as in torchvision; the module is reached by name.
googlenet_module = importlib.import_module("ember.vision.models.googlenet")
inception_module = importlib.import_module("ember.vision.models.inception")

# ---------------------------------------------------------------- initialisation schemes
_SPIED = (
    "uniform_",
    "normal_",
    "trunc_normal_",
    "kaiming_uniform_",
    "kaiming_normal_",
    "constant_",
    "ones_",
    "zeros_",
)


@pytest.fixture
def init_calls(monkeypatch):
    """Record the last ``nn.init`` call that filled each tensor (by id), with its arguments
    bound to the function's signature, without drawing anything."""
    last: dict[int, tuple[str, dict]] = {}

    def spy(name, original):
        signature = inspect.signature(original)

        def record(tensor, *args, **kwargs):
            bound = signature.bind(tensor, *args, **kwargs)
            bound.apply_defaults()
            params = dict(bound.arguments)
            params.pop("tensor", None)
            params.pop("generator", None)
            last[id(tensor)] = (name, params)
            return tensor

        return record

    for name in _SPIED:
        monkeypatch.setattr(nn.init, name, spy(name, getattr(nn.init, name)))
    return last


def _scheme(model, last):
    """{parameter name: (init function, its arguments)} for every parameter of ``model``."""
    return {name: last.get(id(p)) for name, p in model.named_parameters()}


KAIMING_FAN_OUT_RELU = ("kaiming_normal_", {"a": 0, "mode": "fan_out", "nonlinearity": "relu"})
DEFAULT_WEIGHT = (
    "kaiming_uniform_",
    {"a": math.sqrt(5), "mode": "fan_in", "nonlinearity": "leaky_relu"},
)


def _default_bias(module):
    bound = 1 / math.sqrt(module.weight[0].numel())
    return ("uniform_", {"a": -bound, "b": bound})


def _check(model, last, rule):
    """Every parameter's recorded initialisation equals ``rule(module, param_name)``."""
    scheme = _scheme(model, last)
    for module_name, module in model.named_modules():
        for pname, _ in module.named_parameters(recurse=False):
            full = f"{module_name}.{pname}" if module_name else pname
            expected = rule(module_name, module, pname)
            got = scheme[full]
            assert got is not None, full
            assert got[0] == expected[0], (full, got, expected)
            for key, value in expected[1].items():
                assert got[1][key] == pytest.approx(value), (full, key, got, expected)


def _norm_rule(pname):
    return ("constant_", {"val": 1}) if pname == "weight" else ("constant_", {"val": 0})


def _ones_zeros(pname):
    return ("ones_", {}) if pname == "weight" else ("zeros_", {})


def test_resnet_initialisation(init_calls):
    model = models.resnet18(num_classes=10, zero_init_residual=True)

    def rule(name, module, pname):
        if isinstance(module, nn.Conv2d):
            return KAIMING_FAN_OUT_RELU
        if isinstance(module, nn.BatchNorm2d):
            if name.endswith("bn2") and "layer" in name and pname == "weight":
                return ("constant_", {"val": 0})  # zero_init_residual: BasicBlock's last BN
            return _norm_rule(pname)
        return DEFAULT_WEIGHT if pname == "weight" else _default_bias(module)

    _check(model, init_calls, rule)
    bottleneck = resnet.ResNet(resnet.Bottleneck, [1, 1, 1, 1], zero_init_residual=True)
    scheme = _scheme(bottleneck, init_calls)
    assert scheme["layer1.0.bn3.weight"] == ("constant_", {"val": 0})
    assert scheme["layer1.0.bn2.weight"] == ("constant_", {"val": 1})


def test_vgg_initialisation(init_calls):
    model = models.vgg11_bn(num_classes=10)

    def rule(name, module, pname):
        if isinstance(module, nn.Conv2d):
            return KAIMING_FAN_OUT_RELU if pname == "weight" else ("constant_", {"val": 0})
        if isinstance(module, nn.BatchNorm2d):
            return _norm_rule(pname)
        return (
            ("normal_", {"mean": 0, "std": 0.01})
            if pname == "weight"
            else ("constant_", {"val": 0})
        )

    _check(model, init_calls, rule)


def test_squeezenet_initialisation(init_calls):
    model = models.squeezenet1_1(num_classes=10)

    def rule(name, module, pname):
        if pname == "bias":
            return ("constant_", {"val": 0})
        if name == "classifier.1":
            return ("normal_", {"mean": 0.0, "std": 0.01})
        return ("kaiming_uniform_", {"a": 0, "mode": "fan_in", "nonlinearity": "leaky_relu"})

    _check(model, init_calls, rule)


def test_densenet_initialisation(init_calls):
    model = models.DenseNet(32, (2, 2, 2, 2), 64, num_classes=10)

    def rule(name, module, pname):
        if isinstance(module, nn.Conv2d):
            return ("kaiming_normal_", {"a": 0, "mode": "fan_in", "nonlinearity": "leaky_relu"})
        if isinstance(module, nn.BatchNorm2d):
            return _norm_rule(pname)
        return DEFAULT_WEIGHT if pname == "weight" else ("constant_", {"val": 0})

    _check(model, init_calls, rule)


def test_googlenet_and_inception_initialisation(init_calls):
    def rule_for(std_of):
        def rule(name, module, pname):
            if isinstance(module, nn.BatchNorm2d):
                return _norm_rule(pname)
            if pname == "bias":
                return _default_bias(module)
            return ("trunc_normal_", {"mean": 0.0, "std": std_of(name), "a": -2, "b": 2})

        return rule

    model = models.googlenet(num_classes=10, aux_logits=True, init_weights=True)
    _check(model, init_calls, rule_for(lambda name: 0.01))
    # InceptionAux sets stddev 0.01 on conv1, a BasicConv2d: the loop reads it only from
    # Conv2d and Linear layers, so in torchvision conv1's convolution gets 0.1 all the same.
    stds = {"AuxLogits.fc": 0.001}
    model = models.inception_v3(num_classes=10, aux_logits=True, init_weights=True)
    _check(model, init_calls, rule_for(lambda name: stds.get(name, 0.1)))


@pytest.mark.parametrize("name", ["mobilenet_v2", "mobilenet_v3_small"])
def test_mobilenet_initialisation(name, init_calls):
    model = models.get_model(name, num_classes=10)

    def rule(module_name, module, pname):
        if isinstance(module, nn.Conv2d):
            if pname == "bias":
                return ("zeros_", {})
            return ("kaiming_normal_", {"a": 0, "mode": "fan_out", "nonlinearity": "leaky_relu"})
        if isinstance(module, nn.BatchNorm2d):
            return _ones_zeros(pname)
        return ("normal_", {"mean": 0, "std": 0.01}) if pname == "weight" else ("zeros_", {})

    _check(model, init_calls, rule)


def test_mnasnet_initialisation(init_calls):
    model = models.mnasnet0_5(num_classes=10)

    def rule(name, module, pname):
        if isinstance(module, nn.Conv2d):
            return KAIMING_FAN_OUT_RELU
        if isinstance(module, nn.BatchNorm2d):
            return _ones_zeros(pname)
        if pname == "bias":
            return ("zeros_", {})
        return ("kaiming_uniform_", {"a": 0, "mode": "fan_out", "nonlinearity": "sigmoid"})

    _check(model, init_calls, rule)


@pytest.mark.parametrize("name", ["alexnet", "shufflenet_v2_x0_5", "lenet"])
def test_default_initialisation(name, init_calls):
    model = models.get_model(name, num_classes=10)

    def rule(module_name, module, pname):
        if isinstance(module, nn.BatchNorm2d):
            return _ones_zeros(pname)
        return DEFAULT_WEIGHT if pname == "weight" else _default_bias(module)

    _check(model, init_calls, rule)


def test_initial_values_follow_the_scheme():
    # The drawn values themselves (ember's nn.init draws torch's distributions).
    model = resnet.ResNet(resnet.BasicBlock, [1, 1, 1, 1], num_classes=10)
    w = model.layer3[0].conv1.weight.detach().numpy()
    assert abs(w.std() / math.sqrt(2 / (256 * 9)) - 1) < 0.02 and abs(w.mean()) < 1e-3
    assert model.bn1.weight.detach().numpy().tolist() == [1.0] * 64
    small = models.mobilenet_v3_small(num_classes=10)
    lin = small.classifier[0].weight.detach().numpy()
    assert abs(lin.std() / 0.01 - 1) < 0.02 and not small.classifier[0].bias.detach().numpy().any()


# ---------------------------------------------------------------- sizes of every variant
def _builder_kwargs(name):
    if name == "googlenet":
        return {"aux_logits": False, "init_weights": False}
    if name == "inception_v3":
        return {"aux_logits": True, "init_weights": False}  # the checkpoint holds AuxLogits
    return {}


MY_FAMILIES = (
    "alexnet",
    "densenet*",
    "googlenet",
    "inception*",
    "mnasnet*",
    "mobilenet*",
    "resnet*",
    "resnext*",
    "shufflenet*",
    "squeezenet*",
    "vgg*",
    "wide_resnet*",
)


def test_every_variant_has_torchvisions_parameter_count(monkeypatch):
    # The weights' num_params is torchvision's count for each architecture.
    for name in models.list_models(include=MY_FAMILIES):
        weights = models.get_model_weights(name)
        with no_random_init(monkeypatch):
            model = models.get_model(name, **_builder_kwargs(name))
        count = sum(p.numel() for p in model.parameters())
        del model
        for member in weights:
            assert member.meta["num_params"] == count, name


@pytest.mark.parametrize(
    ("name", "size"),
    [
        ("alexnet", 63),
        ("vgg11_bn", 32),
        ("resnext101_64x4d", 32),
        ("squeezenet1_0", 21),
        ("squeezenet1_1", 17),
        ("densenet161", 29),
        ("googlenet", 15),
        ("inception_v3", 75),
        ("mobilenet_v2", 32),
        ("mobilenet_v3_large", 32),
        ("mnasnet0_75", 32),
        ("shufflenet_v2_x2_0", 32),
        ("lenet", 32),
    ],
)
def test_num_classes(name, size, monkeypatch):
    # Also: the published min_size is enough for a forward.
    with no_random_init(monkeypatch):
        model = models.get_model(name, num_classes=5, **_builder_kwargs(name)).eval()
    channels = 1 if name == "lenet" else 3
    with ember.no_grad():
        out = model(ember.ones(1, channels, size, size))
    assert out.shape == (1, 5)


# ---------------------------------------------------------------- auxiliary outputs
def test_googlenet_outputs(monkeypatch):
    with no_random_init(monkeypatch):
        model = models.googlenet(num_classes=4, aux_logits=True, init_weights=False)
    heads = {}
    model.aux1.register_forward_hook(lambda m, i, o: heads.__setitem__("aux1", o))
    model.aux2.register_forward_hook(lambda m, i, o: heads.__setitem__("aux2", o))
    x = ember.from_numpy(np.random.rand(2, 3, 64, 64).astype("f4"))
    with ember.no_grad():
        out = model.train()(x)
        assert isinstance(out, models.GoogLeNetOutputs)
        assert out._fields == ("logits", "aux_logits2", "aux_logits1")
        assert [tuple(t.shape) for t in out] == [(2, 4)] * 3
        # torchvision's order: aux_logits2 is the head after inception4a (aux1).
        assert out.aux_logits2 is heads["aux1"] and out.aux_logits1 is heads["aux2"]
        logits = model.eval()(x)
    assert isinstance(logits, ember.Tensor) and logits.shape == (2, 4)
    assert googlenet_module._GoogLeNetOutputs is models.GoogLeNetOutputs


def test_transform_input(monkeypatch):
    with no_random_init(monkeypatch):
        model = models.googlenet(num_classes=3, aux_logits=False, init_weights=False).eval()
    x = np.random.rand(1, 3, 32, 32).astype("f4")
    mean, std = np.array([0.485, 0.456, 0.406]), np.array([0.229, 0.224, 0.225])
    moved = (x * (std / 0.5)[:, None, None] + ((mean - 0.5) / 0.5)[:, None, None]).astype("f4")
    with ember.no_grad():
        expected = model(ember.from_numpy(moved)).numpy()
        model.transform_input = True
        got = model(ember.from_numpy(x)).numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)


def test_inception_outputs(monkeypatch):
    with no_random_init(monkeypatch):
        model = models.inception_v3(num_classes=3, aux_logits=True, init_weights=False)
    x = ember.from_numpy(np.random.rand(1, 3, 299, 299).astype("f4"))
    model.train()
    for m in model.modules():  # one sample: batch statistics of a 1x1 map are undefined
        if isinstance(m, nn.BatchNorm2d):
            m.eval()
    with ember.no_grad():
        out = model(x)
    assert isinstance(out, models.InceptionOutputs) and out._fields == ("logits", "aux_logits")
    assert out.logits.shape == (1, 3) and out.aux_logits.shape == (1, 3)
    assert inception_module._InceptionOutputs is models.InceptionOutputs
    with no_random_init(monkeypatch):
        plain = models.inception_v3(num_classes=3, aux_logits=False, init_weights=False)
    assert plain.AuxLogits is None and "AuxLogits.fc.weight" not in plain.state_dict()


def test_init_weights_default_warns(monkeypatch):
    with no_random_init(monkeypatch):
        with pytest.warns(FutureWarning, match="initialization of GoogleNet will be changed"):
            models.GoogLeNet(num_classes=2, aux_logits=False)
        with pytest.warns(FutureWarning, match="initialization of inception_v3 will be changed"):
            models.Inception3(num_classes=2, aux_logits=False)


# ---------------------------------------------------------------- options and errors
def test_constructor_errors(monkeypatch):
    cases = [
        (
            lambda: resnet.BasicBlock(8, 8, groups=2),
            ValueError,
            "BasicBlock only supports groups=1 and base_width=64",
        ),
        (
            lambda: resnet.BasicBlock(8, 8, dilation=2),
            NotImplementedError,
            "Dilation > 1 not supported in BasicBlock",
        ),
        (
            lambda: models.resnet18(replace_stride_with_dilation=[True]),
            ValueError,
            "replace_stride_with_dilation should be None or a 3-element tuple, got [True]",
        ),
        (
            lambda: models.SqueezeNet("1_2"),
            ValueError,
            "Unsupported SqueezeNet version 1_2: 1_0 or 1_1 expected",
        ),
        (
            lambda: models.ShuffleNetV2([4, 8], [24, 48, 96, 192, 1024]),
            ValueError,
            "expected stages_repeats as list of 3 positive ints",
        ),
        (
            lambda: models.ShuffleNetV2([4, 8, 4], [24, 48, 96]),
            ValueError,
            "expected stages_out_channels as list of 5 positive ints",
        ),
        (
            lambda: models.shufflenetv2.InvertedResidual(24, 24, 4),
            ValueError,
            "illegal stride value",
        ),
        (
            lambda: models.shufflenetv2.InvertedResidual(20, 24, 1),
            ValueError,
            "Invalid combination of stride 1, inp 20 and oup 24 values. If stride == 1 then inp "
            "should be equal to oup // 2 << 1.",
        ),
        (
            lambda: models.MobileNetV2(inverted_residual_setting=[[1, 16, 1]]),
            ValueError,
            "inverted_residual_setting should be non-empty or a 4-element list, got [[1, 16, 1]]",
        ),
        (
            lambda: models.mobilenetv2.InvertedResidual(8, 8, 3, 1),
            ValueError,
            "stride should be 1 or 2 instead of 3",
        ),
        (
            lambda: models.MobileNetV3([], 1280),
            ValueError,
            "The inverted_residual_setting should not be empty",
        ),
        (
            lambda: models.MobileNetV3([[1, 2]], 1280),
            TypeError,
            "The inverted_residual_setting should be List[InvertedResidualConfig]",
        ),
        (
            lambda: mobilenetv3._mobilenet_v3_conf("mobilenet_v3_tiny"),
            ValueError,
            "Unsupported model type mobilenet_v3_tiny",
        ),
        (
            lambda: models.MNASNet(0.0),
            ValueError,
            "alpha should be greater than 0.0 instead of 0.0",
        ),
        (
            lambda: models.mnasnet._InvertedResidual(8, 8, 7, 1, 3),
            ValueError,
            "kernel_size should be 3 or 5 instead of 7",
        ),
        (
            lambda: models.mnasnet._stack(8, 8, 3, 1, 3, 0, 0.1),
            ValueError,
            "repeats should be >= 1, instead got 0",
        ),
        (
            lambda: models.GoogLeNet(blocks=[1, 2], init_weights=False),
            ValueError,
            "blocks length should be 3 instead of 2",
        ),
        (
            lambda: models.Inception3(inception_blocks=[1], init_weights=False),
            ValueError,
            "length of inception_blocks should be 7 instead of 1",
        ),
    ]
    for build, error, message in cases:
        with no_random_init(monkeypatch), pytest.raises(error) as caught:
            build()
        assert str(caught.value) == message


def test_resnet_dilation(monkeypatch):
    with no_random_init(monkeypatch):
        model = models.resnet50(replace_stride_with_dilation=[False, True, True]).eval()
    features = nn.Sequential(*list(model.children())[:-2])
    with ember.no_grad():
        out = features(ember.ones(1, 3, 64, 64))
    assert out.shape == (1, 2048, 8, 8)  # output stride 8 instead of 32
    assert model.layer4[1].conv2.dilation == (4, 4) and model.layer4[0].conv2.stride == (1, 1)


def test_mobilenet_v3_reduced_tail_and_dilation(monkeypatch):
    with no_random_init(monkeypatch):
        model = models.mobilenet_v3_large(reduced_tail=True, dilated=True)
    assert model.features[-1][0].in_channels == 80 and model.features[-1][0].out_channels == 480
    assert model.classifier[0].out_features == 640
    depthwise = model.features[-2].block[1][0]
    assert depthwise.dilation == (2, 2) and depthwise.stride == (1, 1)


def test_densenet_memory_efficient_and_dropout():
    ember.manual_seed(0)
    plain = models.DenseNet(4, (2, 2, 2, 2), 8, num_classes=3)
    efficient = models.DenseNet(4, (2, 2, 2, 2), 8, num_classes=3, memory_efficient=True)
    efficient.load_state_dict(plain.state_dict())
    x = np.random.rand(2, 3, 32, 32).astype("f4")
    grads = []
    for model in (plain, efficient):
        out = model(ember.from_numpy(x))
        out.sum().backward()
        grads.append(model.features.conv0.weight.grad.numpy())
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-5, atol=1e-6)
    dropping = models.DenseNet(4, (1, 1, 1, 1), 8, drop_rate=0.5, num_classes=3)
    a, b = dropping(ember.from_numpy(x)), dropping(ember.from_numpy(x))
    assert not np.allclose(a.detach().numpy(), b.detach().numpy())
    dropping.eval()
    np.testing.assert_array_equal(
        dropping(ember.from_numpy(x)).detach().numpy(),
        dropping(ember.from_numpy(x)).detach().numpy(),
    )


def _v1_stem_shapes():
    # MNASNet before torchvision 0.5 (version 1): the stem kept 32 and 16 channels whatever
    # alpha was. With alpha 0.5 the first stack maps 16 to 16 channels (expansion 3).
    shapes = {
        "layers.0.weight": (32, 3, 3, 3),
        "layers.3.weight": (32, 1, 3, 3),
        "layers.6.weight": (16, 32, 1, 1),
        "layers.8.0.layers.0.weight": (48, 16, 1, 1),
        "layers.8.0.layers.3.weight": (48, 1, 3, 3),
        "layers.8.0.layers.6.weight": (16, 48, 1, 1),
    }
    for bn, c in (
        ("layers.1", 32),
        ("layers.4", 32),
        ("layers.7", 16),
        ("layers.8.0.layers.1", 48),
        ("layers.8.0.layers.4", 48),
        ("layers.8.0.layers.7", 16),
    ):
        for suffix in ("weight", "bias", "running_mean", "running_var"):
            shapes[f"{bn}.{suffix}"] = (c,)
    return shapes


def test_mnasnet_version_1_checkpoint(monkeypatch):
    with no_random_init(monkeypatch):
        model = models.mnasnet0_5(num_classes=10)
    sd = OrderedDict((k, v.clone()) for k, v in model.state_dict().items())
    stem = _v1_stem_shapes()
    changed = tuple(f"layers.{i}." for i in (0, 1, 3, 4, 6, 7)) + ("layers.8.0.",)
    for key in [k for k in sd if k.startswith(changed)]:
        del sd[key]
    for key, shape in stem.items():
        sd[key] = ember.full(shape, 0.5)
    for prefix in (
        "layers.1",
        "layers.4",
        "layers.7",
        "layers.8.0.layers.1",
        "layers.8.0.layers.4",
        "layers.8.0.layers.7",
    ):
        sd[f"{prefix}.num_batches_tracked"] = ember.tensor(0)
    sd._metadata = OrderedDict({"": {"version": 1}})
    with pytest.warns(UserWarning, match="A new version of MNASNet model has been implemented"):
        model.load_state_dict(sd)
    assert model.layers[0].out_channels == 32 and model.layers[6].out_channels == 16
    assert float(model.layers[3].weight.sum()) == 0.5 * 32 * 9
    with pytest.raises(ValueError, match="version shluld be set to 1 or 2 instead of None"):
        model.load_state_dict(dict(model.state_dict()))
    # A checkpoint of the current version loads as it is.
    with no_random_init(monkeypatch):
        current = models.mnasnet0_5(num_classes=10)
    current.load_state_dict(current.state_dict())
    assert current.layers[0].out_channels == 16


def test_lenet_shapes():
    model = models.lenet(num_classes=7, in_channels=3)
    out = model(ember.ones(2, 3, 32, 32))
    assert out.shape == (2, 7)
    assert [k for k in model.state_dict()][:2] == ["features.0.weight", "features.0.bias"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert models.get_model("lenet").classifier[-1].out_features == 10


def test_intermediate_layer_getter(monkeypatch):
    from ember.vision.models._utils import IntermediateLayerGetter

    with no_random_init(monkeypatch):
        net = models.resnet18().eval()
    getter = IntermediateLayerGetter(net, {"layer1": "feat1", "layer3": "feat2"})
    assert list(getter.keys())[-1] == "layer3"  # children after the last one asked are dropped
    with ember.no_grad():
        out = getter(ember.ones(1, 3, 64, 64))
    assert list(out) == ["feat1", "feat2"]
    assert out["feat1"].shape == (1, 64, 16, 16) and out["feat2"].shape == (1, 256, 4, 4)
    with pytest.raises(ValueError, match="^return_layers are not present in model$"):
        IntermediateLayerGetter(net, {"layer5": "x"})
