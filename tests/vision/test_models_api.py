"""ember.vision.models' registry and weights API, as torchvision 0.28's ``models._api``.

Expected names, URLs and messages are torchvision's (its source and documentation); weights
are never downloaded: a checkpoint written by torch is put in the hub cache under the URL's
file name, where ``load_state_dict_from_url`` finds it, as torch's would.
"""

from __future__ import annotations

import copy
import importlib
import os
import pickle
import warnings

import numpy as np
import pytest
import torch

import ember
from ember.vision import models
from ember.vision.models import resnet

from ._models_common import TOLERANCE, deterministic_state, fixed_input, no_random_init, reference

# torchvision 0.28's classification builders of the families ember.vision.models implements
# here (efficientnet, regnet, convnext, vit, swin, maxvit come from the other half).
TORCHVISION_FAMILIES = {
    "alexnet*": ["alexnet"],
    "densenet*": ["densenet121", "densenet161", "densenet169", "densenet201"],
    "googlenet": ["googlenet"],
    "inception*": ["inception_v3"],
    "mnasnet*": ["mnasnet0_5", "mnasnet0_75", "mnasnet1_0", "mnasnet1_3"],
    "mobilenet*": ["mobilenet_v2", "mobilenet_v3_large", "mobilenet_v3_small"],
    "resnet*": ["resnet101", "resnet152", "resnet18", "resnet34", "resnet50"],
    "resnext*": ["resnext101_32x8d", "resnext101_64x4d", "resnext50_32x4d"],
    "shufflenet*": [
        "shufflenet_v2_x0_5",
        "shufflenet_v2_x1_0",
        "shufflenet_v2_x1_5",
        "shufflenet_v2_x2_0",
    ],
    "squeezenet*": ["squeezenet1_0", "squeezenet1_1"],
    "vgg*": ["vgg11", "vgg11_bn", "vgg13", "vgg13_bn", "vgg16", "vgg16_bn", "vgg19", "vgg19_bn"],
    "wide_resnet*": ["wide_resnet101_2", "wide_resnet50_2"],
}


@pytest.mark.parametrize(("pattern", "names"), list(TORCHVISION_FAMILIES.items()))
def test_list_models_include(pattern, names):
    assert models.list_models(include=pattern) == names


def test_list_models_filters():
    every = models.list_models()
    assert every == sorted(every) and "lenet" in every and "resnet18" in every
    assert models.list_models(module=models) == every
    assert models.list_models(module=ember.vision) == []
    assert models.list_models(include=["vgg1?", "alex*"]) == [
        "alexnet",
        "vgg11",
        "vgg13",
        "vgg16",
        "vgg19",
    ]
    assert models.list_models(include="resnet*", exclude=["*101", "*152"]) == [
        "resnet18",
        "resnet34",
        "resnet50",
    ]
    assert "vgg11" not in models.list_models(exclude="vgg*")
    # Every name torchvision registers for these families is here.
    for names in TORCHVISION_FAMILIES.values():
        assert set(names) <= set(every)


def test_get_model_and_builder(monkeypatch):
    assert models.get_model_builder("resnet18") is models.resnet18
    assert models.get_model_builder("ResNet18") is models.resnet18  # names are lower-cased
    with pytest.raises(ValueError, match="^Unknown model resnet9$"):
        models.get_model_builder("resnet9")
    with pytest.raises(ValueError, match="^Unknown model nope$"):
        models.get_model("nope")
    with no_random_init(monkeypatch):
        net = models.get_model("squeezenet1_1", num_classes=7)
    assert type(net) is models.SqueezeNet
    assert net.classifier[1].out_channels == 7


def test_register_model_refuses_a_name_twice():
    with pytest.raises(
        ValueError, match="An entry is already registered under the name 'resnet18'."
    ):
        models._api.register_model("resnet18")(lambda: None)


def test_get_model_weights():
    assert models.get_model_weights("resnet50") is models.ResNet50_Weights
    assert models.get_model_weights(models.resnet50) is models.ResNet50_Weights
    assert models.get_model_weights("vgg16_bn") is models.VGG16_BN_Weights
    assert models.get_model_weights("lenet") is models.LeNet_Weights
    with pytest.raises(ValueError, match="The method is missing the 'weights' argument."):
        models.get_model_weights(lambda x: x)


def test_get_weight():
    assert (
        models.get_weight("ResNet50_Weights.IMAGENET1K_V2") is models.ResNet50_Weights.IMAGENET1K_V2
    )
    assert models.get_weight("ResNet50_Weights.DEFAULT") is models.ResNet50_Weights.IMAGENET1K_V2
    with pytest.raises(ValueError, match=r"Invalid weight name provided: 'ResNet50_Weights'\."):
        models.get_weight("ResNet50_Weights")
    with pytest.raises(ValueError, match="The weight enum 'Nope_Weights' for the specific method"):
        models.get_weight("Nope_Weights.IMAGENET1K_V1")
    with pytest.raises(KeyError):
        models.get_weight("ResNet50_Weights.IMAGENET1K_V9")


def test_weights_enum_members():
    w = models.ResNet50_Weights
    assert w.DEFAULT is w.IMAGENET1K_V2
    assert repr(w.IMAGENET1K_V1) == "ResNet50_Weights.IMAGENET1K_V1"
    assert w.verify(None) is None
    assert w.verify("IMAGENET1K_V1") is w.IMAGENET1K_V1
    assert w.verify("ResNet50_Weights.IMAGENET1K_V1") is w.IMAGENET1K_V1
    assert w.verify(w.IMAGENET1K_V2) is w.IMAGENET1K_V2
    with pytest.raises(TypeError) as err:
        w.verify(models.ResNet18_Weights.IMAGENET1K_V1)
    assert str(err.value) == (
        "Invalid Weight class provided; expected ResNet50_Weights but received ResNet18_Weights."
    )
    with pytest.raises(KeyError):
        w.verify("IMAGENET1K_V7")
    # Members survive copying and pickling (their values compare by content).
    assert copy.deepcopy(w.IMAGENET1K_V2) is w.IMAGENET1K_V2
    assert pickle.loads(pickle.dumps(w.IMAGENET1K_V2)) is w.IMAGENET1K_V2
    assert w.IMAGENET1K_V2.value == copy.deepcopy(w.IMAGENET1K_V2.value)
    assert isinstance(w.IMAGENET1K_V1.value, models.Weights)


def test_weights_meta():
    meta = models.ResNet18_Weights.IMAGENET1K_V1.meta
    categories = meta["categories"]
    assert len(categories) == 1000 and len(set(categories)) == 1000
    # ImageNet-1k's class order (WordNet ids sorted), torchvision's short names.
    assert categories[0] == "tench" and categories[1] == "goldfish"
    assert categories[207] == "golden retriever" and categories[281] == "tabby"
    assert categories[409] == "analog clock" and categories[999] == "toilet tissue"
    assert meta["num_params"] == 11689512 and meta["min_size"] == (1, 1)
    assert meta["_metrics"]["ImageNet-1K"] == {"acc@1": 69.758, "acc@5": 89.078}
    assert models.VGG16_Weights.IMAGENET1K_FEATURES.meta["categories"] is None
    assert models.Inception_V3_Weights.DEFAULT.meta["min_size"] == (75, 75)


def test_meta_num_params_matches_the_models(data_dir):
    meta, _ = reference(data_dir)
    enums = {
        "resnet50": models.ResNet50_Weights,
        "densenet121": models.DenseNet121_Weights,
        "googlenet": models.GoogLeNet_Weights,
        "mobilenet_v3_large": models.MobileNet_V3_Large_Weights,
        "mnasnet1_0": models.MNASNet1_0_Weights,
        "shufflenet_v2_x1_0": models.ShuffleNet_V2_X1_0_Weights,
        "squeezenet1_0": models.SqueezeNet1_0_Weights,
        "vgg11_bn": models.VGG11_BN_Weights,
        "alexnet": models.AlexNet_Weights,
    }
    for name, enum in enums.items():
        assert enum.DEFAULT.meta["num_params"] == meta[name]["parameters"], name


# The checkpoint file names torchvision 0.28's weights point at.
URL_FILES = {
    models.AlexNet_Weights.IMAGENET1K_V1: "alexnet-owt-7be5be79.pth",
    models.VGG11_Weights.IMAGENET1K_V1: "vgg11-8a719046.pth",
    models.VGG11_BN_Weights.IMAGENET1K_V1: "vgg11_bn-6002323d.pth",
    models.VGG13_Weights.IMAGENET1K_V1: "vgg13-19584684.pth",
    models.VGG13_BN_Weights.IMAGENET1K_V1: "vgg13_bn-abd245e5.pth",
    models.VGG16_Weights.IMAGENET1K_V1: "vgg16-397923af.pth",
    models.VGG16_Weights.IMAGENET1K_FEATURES: "vgg16_features-amdegroot-88682ab5.pth",
    models.VGG16_BN_Weights.IMAGENET1K_V1: "vgg16_bn-6c64b313.pth",
    models.VGG19_Weights.IMAGENET1K_V1: "vgg19-dcbb9e9d.pth",
    models.VGG19_BN_Weights.IMAGENET1K_V1: "vgg19_bn-c79401a0.pth",
    models.ResNet18_Weights.IMAGENET1K_V1: "resnet18-f37072fd.pth",
    models.ResNet34_Weights.IMAGENET1K_V1: "resnet34-b627a593.pth",
    models.ResNet50_Weights.IMAGENET1K_V1: "resnet50-0676ba61.pth",
    models.ResNet50_Weights.IMAGENET1K_V2: "resnet50-11ad3fa6.pth",
    models.ResNet101_Weights.IMAGENET1K_V1: "resnet101-63fe2227.pth",
    models.ResNet101_Weights.IMAGENET1K_V2: "resnet101-cd907fc2.pth",
    models.ResNet152_Weights.IMAGENET1K_V1: "resnet152-394f9c45.pth",
    models.ResNet152_Weights.IMAGENET1K_V2: "resnet152-f82ba261.pth",
    models.ResNeXt50_32X4D_Weights.IMAGENET1K_V1: "resnext50_32x4d-7cdf4587.pth",
    models.ResNeXt50_32X4D_Weights.IMAGENET1K_V2: "resnext50_32x4d-1a0047aa.pth",
    models.ResNeXt101_32X8D_Weights.IMAGENET1K_V1: "resnext101_32x8d-8ba56ff5.pth",
    models.ResNeXt101_32X8D_Weights.IMAGENET1K_V2: "resnext101_32x8d-110c445d.pth",
    models.ResNeXt101_64X4D_Weights.IMAGENET1K_V1: "resnext101_64x4d-173b62eb.pth",
    models.Wide_ResNet50_2_Weights.IMAGENET1K_V1: "wide_resnet50_2-95faca4d.pth",
    models.Wide_ResNet50_2_Weights.IMAGENET1K_V2: "wide_resnet50_2-9ba9bcbe.pth",
    models.Wide_ResNet101_2_Weights.IMAGENET1K_V1: "wide_resnet101_2-32ee1156.pth",
    models.Wide_ResNet101_2_Weights.IMAGENET1K_V2: "wide_resnet101_2-d733dc28.pth",
    models.SqueezeNet1_0_Weights.IMAGENET1K_V1: "squeezenet1_0-b66bff10.pth",
    models.SqueezeNet1_1_Weights.IMAGENET1K_V1: "squeezenet1_1-b8a52dc0.pth",
    models.DenseNet121_Weights.IMAGENET1K_V1: "densenet121-a639ec97.pth",
    models.DenseNet161_Weights.IMAGENET1K_V1: "densenet161-8d451a50.pth",
    models.DenseNet169_Weights.IMAGENET1K_V1: "densenet169-b2777c0a.pth",
    models.DenseNet201_Weights.IMAGENET1K_V1: "densenet201-c1103571.pth",
    models.GoogLeNet_Weights.IMAGENET1K_V1: "googlenet-1378be20.pth",
    models.Inception_V3_Weights.IMAGENET1K_V1: "inception_v3_google-0cc3c7bd.pth",
    models.MobileNet_V2_Weights.IMAGENET1K_V1: "mobilenet_v2-b0353104.pth",
    models.MobileNet_V2_Weights.IMAGENET1K_V2: "mobilenet_v2-7ebf99e0.pth",
    models.MobileNet_V3_Large_Weights.IMAGENET1K_V1: "mobilenet_v3_large-8738ca79.pth",
    models.MobileNet_V3_Large_Weights.IMAGENET1K_V2: "mobilenet_v3_large-5c1a4163.pth",
    models.MobileNet_V3_Small_Weights.IMAGENET1K_V1: "mobilenet_v3_small-047dcff4.pth",
    models.MNASNet0_5_Weights.IMAGENET1K_V1: "mnasnet0.5_top1_67.823-3ffadce67e.pth",
    models.MNASNet0_75_Weights.IMAGENET1K_V1: "mnasnet0_75-7090bc5f.pth",
    models.MNASNet1_0_Weights.IMAGENET1K_V1: "mnasnet1.0_top1_73.512-f206786ef8.pth",
    models.MNASNet1_3_Weights.IMAGENET1K_V1: "mnasnet1_3-a4c69d6f.pth",
    models.ShuffleNet_V2_X0_5_Weights.IMAGENET1K_V1: "shufflenetv2_x0.5-f707e7126e.pth",
    models.ShuffleNet_V2_X1_0_Weights.IMAGENET1K_V1: "shufflenetv2_x1-5666bf0f80.pth",
    models.ShuffleNet_V2_X1_5_Weights.IMAGENET1K_V1: "shufflenetv2_x1_5-3c479a10.pth",
    models.ShuffleNet_V2_X2_0_Weights.IMAGENET1K_V1: "shufflenetv2_x2_0-8be3c8ee.pth",
}


@pytest.mark.parametrize(("weights", "file"), list(URL_FILES.items()), ids=repr)
def test_weights_url(weights, file):
    assert weights.url == "https://download.pytorch.org/models/" + file


def test_every_weights_member_is_listed():
    members = set()
    for family in (
        "alexnet",
        "densenet",
        "googlenet",
        "inception",
        "mnasnet",
        "mobilenetv2",
        "mobilenetv3",
        "resnet",
        "shufflenetv2",
        "squeezenet",
        "vgg",
    ):
        module = importlib.import_module(f"ember.vision.models.{family}")
        for name in module.__all__:
            if name.endswith("_Weights"):
                members |= set(getattr(module, name))
    assert members == set(URL_FILES)


def test_transforms_preset_is_lazy():
    t = models.ResNet50_Weights.IMAGENET1K_V2.transforms
    assert t.args == ("ImageClassification",)
    assert t.keywords == {"crop_size": 224, "resize_size": 232}
    assert models.Inception_V3_Weights.DEFAULT.transforms.keywords == {
        "crop_size": 299,
        "resize_size": 342,
    }
    assert models.VGG11_Weights.DEFAULT.transforms.keywords == {"crop_size": 224}


def test_transforms_preset_builds():
    preset = models.ResNet50_Weights.IMAGENET1K_V2.transforms()
    assert list(preset.crop_size) == [224] and list(preset.resize_size) == [232]
    assert type(preset).__module__ == "ember.vision.transforms._presets"


def test_transforms_preset_is_resize_crop_scale_normalize():
    from ember.vision.transforms import functional as F

    preset = models.ResNet18_Weights.DEFAULT.transforms()
    image = ember.randint(0, 256, (2, 3, 300, 400), dtype=ember.uint8)
    got = preset(image)
    # the steps written out with torch's own ops on the resized, cropped uint8 image
    small = F.center_crop(F.resize(image, [256], antialias=True), [224])
    x = torch.from_numpy(small.numpy()).float() / 255
    mean = torch.tensor([0.485, 0.456, 0.406]).view(3, 1, 1)
    std = torch.tensor([0.229, 0.224, 0.225]).view(3, 1, 1)
    assert got.shape == (2, 3, 224, 224) and got.dtype == ember.float32
    np.testing.assert_allclose(got.numpy(), ((x - mean) / std).numpy(), atol=1e-5)


def test_num_classes_must_match_the_weights():
    # Raised before anything is downloaded, as in torchvision.
    with pytest.raises(ValueError) as err:
        models.resnet18(weights=models.ResNet18_Weights.IMAGENET1K_V1, num_classes=10)
    assert str(err.value) == "The parameter 'num_classes' expected value 1000 but got 10 instead."
    with pytest.raises(ValueError, match="'num_classes' expected value 1000 but got 5 instead"):
        models.get_model("mobilenet_v3_small", weights="DEFAULT", num_classes=5)
    with pytest.raises(ValueError, match="'aux_logits' expected value True but got False instead"):
        models.googlenet(weights="DEFAULT", aux_logits=False)
    with pytest.raises(ValueError, match="'groups' expected value 32 but got 8 instead"):
        models.resnext50_32x4d(groups=8)
    with pytest.raises(TypeError, match="expected ResNet18_Weights but received AlexNet_Weights"):
        models.resnet18(weights=models.AlexNet_Weights.DEFAULT)
    with pytest.raises(KeyError):
        models.lenet(weights="IMAGENET1K_V1")


@pytest.fixture
def hub_dir(tmp_path, monkeypatch):
    """An empty hub cache (``$TORCH_HOME/hub``) under tmp_path."""
    monkeypatch.setattr(ember.hub, "_hub_dir", None)
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    checkpoints = tmp_path / "hub" / "checkpoints"
    checkpoints.mkdir(parents=True)
    return checkpoints


def _torch_checkpoint(path, entries, rename=None):
    """torch.save the deterministic state_dict of ``entries``; with ``rename``, keys are
    renamed and num_batches_tracked left out (as in checkpoints older than that buffer)."""
    values = deterministic_state(entries)
    sd = {}
    for key, _shape, _dtype in entries:
        if rename is None:
            sd[key] = torch.from_numpy(values[key]) if key in values else torch.tensor(0)
        elif key in values:
            sd[rename(key)] = torch.from_numpy(values[key])
    torch.save(sd, path)


def test_weights_load_from_the_hub_cache(data_dir, hub_dir, monkeypatch):
    meta, logits = reference(data_dir)
    weights = models.SqueezeNet1_1_Weights.IMAGENET1K_V1
    _torch_checkpoint(hub_dir / os.path.basename(weights.url), meta["squeezenet1_1"]["state_dict"])
    state = weights.get_state_dict(progress=False)
    assert list(state) == [k for k, _, _ in meta["squeezenet1_1"]["state_dict"]]
    with no_random_init(monkeypatch):
        net = models.squeezenet1_1(weights=weights, progress=False).eval()
    with ember.no_grad():
        out = net(ember.from_numpy(fixed_input(224))).numpy()
    ref = logits["squeezenet1_1"]
    np.testing.assert_allclose(out, ref, rtol=0, atol=TOLERANCE * np.abs(ref).max())


def test_densenet_weights_with_old_key_names(data_dir, hub_dir, monkeypatch):
    # torchvision's published DenseNet checkpoints name "norm1" "norm.1" (and so on), and
    # predate num_batches_tracked.
    meta, _ = reference(data_dir)
    entries = meta["densenet121"]["state_dict"]

    def old(key):
        for part in ("norm1", "norm2", "relu1", "relu2", "conv1", "conv2"):
            if ".denselayer" in key and f".{part}." in key:
                return key.replace(f".{part}.", f".{part[:-1]}.{part[-1]}.")
        return key

    assert old("features.denseblock1.denselayer1.norm1.weight").endswith("norm.1.weight")
    _torch_checkpoint(hub_dir / "densenet121-a639ec97.pth", entries, rename=old)
    with no_random_init(monkeypatch):
        net = models.densenet121(weights="DEFAULT", progress=False)
    values = deterministic_state(entries)
    key = "features.denseblock2.denselayer3.conv2.weight"
    np.testing.assert_array_equal(net.state_dict()[key].numpy(), values[key])


def test_legacy_pretrained_argument(data_dir, hub_dir, monkeypatch):
    meta, _ = reference(data_dir)
    _torch_checkpoint(hub_dir / "squeezenet1_1-b8a52dc0.pth", meta["squeezenet1_1"]["state_dict"])
    with no_random_init(monkeypatch), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        net = models.squeezenet1_1(pretrained=True, progress=False)
    assert [str(w.message) for w in caught] == [
        "The parameter 'pretrained' is deprecated since 0.13 and may be removed in the future, "
        "please use 'weights' instead.",
        "Arguments other than a weight enum or `None` for 'weights' are deprecated since 0.13 "
        "and may be removed in the future. The current behavior is equivalent to passing "
        "`weights=SqueezeNet1_1_Weights.IMAGENET1K_V1`. You can also use "
        "`weights=SqueezeNet1_1_Weights.DEFAULT` to get the most up-to-date weights.",
    ]
    key = "features.3.expand3x3.weight"
    expected = deterministic_state(meta["squeezenet1_1"]["state_dict"])[key]
    np.testing.assert_array_equal(net.state_dict()[key].numpy(), expected)


def test_legacy_positional_arguments(monkeypatch):
    with no_random_init(monkeypatch), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        net = models.squeezenet1_0(False, True, num_classes=3)
    assert [str(w.message) for w in caught] == [
        "Using 'weights' and 'progress' as positional parameter(s) is deprecated since 0.13 and "
        "may be removed in the future. Please use keyword parameter(s) instead.",
        "Arguments other than a weight enum or `None` for 'weights' are deprecated since 0.13 "
        "and may be removed in the future. The current behavior is equivalent to passing "
        "`weights=None`.",
    ]
    assert net.num_classes == 3
    with no_random_init(monkeypatch), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        net = resnet.resnet18(pretrained=False, num_classes=4)
    assert [str(w.message)[:42] for w in caught] == [
        "The parameter 'pretrained' is deprecated s",
        "Arguments other than a weight enum or `Non",
    ]
    assert net.fc.out_features == 4
