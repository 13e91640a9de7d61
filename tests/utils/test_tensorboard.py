"""ember.utils.tensorboard.SummaryWriter writes real TensorBoard event files.

The files are read back here with a TFRecord reader that checks every record's masked CRC-32C
(as TensorBoard does) and parses the events with tensorboardX's protocol buffers; images are
decoded from their PNG bytes and audio from its WAV bytes, and compared with what torch's
SummaryWriter is documented to store.
"""

from __future__ import annotations

import glob
import io
import json
import os
import pathlib
import re
import socket
import struct
import subprocess
import sys
import wave
import zlib

import numpy as np
import pytest

import ember

tensorboardX = pytest.importorskip("tensorboardX")

from tensorboardX.proto.api_pb2 import DataType  # noqa: E402
from tensorboardX.proto.event_pb2 import Event, SessionLog  # noqa: E402
from tensorboardX.proto.plugin_hparams_pb2 import HParamsPluginData  # noqa: E402
from tensorboardX.record_writer import masked_crc32c  # noqa: E402

from ember.utils.tensorboard import FileWriter, SummaryWriter  # noqa: E402


# ---------------------------------------------------------------- readers
def read_records(path) -> list[Event]:
    data = pathlib.Path(path).read_bytes()
    events, i = [], 0
    while i < len(data):
        header = data[i : i + 8]
        (length,) = struct.unpack("<Q", header)
        (length_crc,) = struct.unpack("<I", data[i + 8 : i + 12])
        assert length_crc == masked_crc32c(header), "corrupt length CRC"
        body = data[i + 12 : i + 12 + length]
        (body_crc,) = struct.unpack("<I", data[i + 12 + length : i + 16 + length])
        assert body_crc == masked_crc32c(body), "corrupt record CRC"
        events.append(Event.FromString(body))
        i += 16 + length
    return events


def event_file(log_dir):
    files = glob.glob(os.path.join(log_dir, "events.out.tfevents.*"))
    assert len(files) == 1, files
    return files[0]


def events(log_dir) -> list[Event]:
    return read_records(event_file(log_dir))


def values(log_dir):
    """(step, Summary.Value) for every summary value in the log_dir's event file."""
    return [(e.step, v) for e in events(log_dir) for v in e.summary.value]


def decode_png(data: bytes) -> np.ndarray:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    i, idat, header = 8, b"", None
    while i < len(data):
        (n,) = struct.unpack(">I", data[i : i + 4])
        kind, body = data[i + 4 : i + 8], data[i + 8 : i + 8 + n]
        assert struct.unpack(">I", data[i + 8 + n : i + 12 + n])[0] == zlib.crc32(kind + body)
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        i += 12 + n
    w, h, depth, color, *_ = header
    assert depth == 8
    channels = {0: 1, 4: 2, 2: 3, 6: 4}[color]
    rows = np.frombuffer(zlib.decompress(idat), np.uint8).reshape(h, 1 + w * channels)
    assert (rows[:, 0] == 0).all()  # filter type None on every row
    return rows[:, 1:].reshape(h, w, channels)


def as_uint8(x):
    """torch's rule: uint8 stays, anything else is read as [0, 1] and scaled to [0, 255]."""
    return x if x.dtype == np.uint8 else (x.astype(np.float32) * 255).clip(0, 255).astype(np.uint8)


@pytest.fixture
def log_dir(tmp_path):
    return str(tmp_path / "run")


# ---------------------------------------------------------------- the package
def test_import_does_not_load_torch_and_is_not_eager():
    code = (
        "import sys, ember; assert 'ember.utils.tensorboard' not in sys.modules; "
        "import ember.utils.tensorboard; print('torch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_missing_tensorboardx_raises_importerror_with_the_extra():
    code = (
        "import sys; sys.modules['tensorboardX'] = None\n"
        "try:\n    import ember.utils.tensorboard\n"
        "except ImportError as e:\n    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "pip install ember[tensorboard]" in out.stdout


def test_default_log_dir_is_torchs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with SummaryWriter(comment="_lr0.1") as w:
        d = w.get_logdir()
    assert d == w.log_dir
    pattern = r"runs/[A-Z][a-z]{2}\d{2}_\d{2}-\d{2}-\d{2}_" + re.escape(socket.gethostname())
    assert re.fullmatch(pattern + "_lr0.1", d)
    assert os.path.isdir(tmp_path / d)
    with SummaryWriter(str(tmp_path / "given"), comment="ignored") as w:
        assert w.get_logdir() == str(tmp_path / "given")


def test_event_file_name_and_header(log_dir):
    with SummaryWriter(log_dir, filename_suffix=".suffix") as w:
        w.add_scalar("x", 1.0)
    name = os.path.basename(event_file(log_dir))
    host = re.escape(socket.gethostname())
    assert re.fullmatch(rf"events\.out\.tfevents\.\d{{10}}\.{host}\.\d+\.\d+\.suffix", name)
    assert events(log_dir)[0].file_version == "brain.Event:2"


# ---------------------------------------------------------------- scalars
def test_scalars_values_steps_and_walltime(log_dir):
    x = ember.tensor([2.0, 3.0], requires_grad=True)
    with SummaryWriter(log_dir) as w:
        w.add_scalar("loss", 0.25, 0)
        w.add_scalar("loss", ember.tensor(0.125), 1)
        w.add_scalar("loss", (x * x).sum(), 2)  # a tensor in the graph
        w.add_scalar("acc", ember.tensor([7]), 3, walltime=123.5)
        w.add_scalar("np", np.float64(1.5), np.int64(4))
    got = [(s, v.tag, v.simple_value) for s, v in values(log_dir)]
    assert got == [
        (0, "loss", 0.25),
        (1, "loss", 0.125),
        (2, "loss", 13.0),
        (3, "acc", 7.0),
        (4, "np", 1.5),
    ]
    assert [e.wall_time for e in events(log_dir) if e.step == 3] == [123.5]


def test_new_style_scalars(log_dir):
    with SummaryWriter(log_dir) as w:
        w.add_scalar("f", 0.1, 1, new_style=True)
        w.add_scalar("d", 0.1, 2, new_style=True, double_precision=True)
    (_, f), (_, d) = values(log_dir)
    assert f.metadata.plugin_data.plugin_name == "scalars" and f.tensor.dtype == 1  # DT_FLOAT
    assert f.tensor.float_val[0] == np.float32(0.1)
    assert d.tensor.dtype == 2 and d.tensor.double_val[0] == 0.1  # DT_DOUBLE


def test_non_scalar_is_refused(log_dir):
    with SummaryWriter(log_dir) as w, pytest.raises(ValueError, match="one element"):
        w.add_scalar("bad", ember.ones(3))


def test_add_scalars_writes_one_run_per_key(log_dir):
    with SummaryWriter(log_dir) as w:
        for step in range(3):
            w.add_scalars(
                "loss/split", {"train": step * 1.0, "val": ember.tensor(step * 2.0)}, step
            )
    assert sorted(os.listdir(log_dir))[-2:] == ["loss_split_train", "loss_split_val"]
    for key, scale in (("train", 1.0), ("val", 2.0)):
        got = [
            (s, v.tag, v.simple_value)
            for s, v in values(os.path.join(log_dir, f"loss_split_{key}"))
        ]
        assert got == [(s, "loss/split", s * scale) for s in range(3)]


# ---------------------------------------------------------------- histograms and tensors
def test_histogram_matches_tensorboardx_and_the_data(log_dir):
    data = np.random.randn(500).astype(np.float32) * 3
    with SummaryWriter(log_dir) as w:
        w.add_histogram("weights", ember.tensor(data), 7)
        w.add_histogram("auto", ember.tensor(data), 8, bins="auto")
        bins = w.default_bins
    (step, h), (_, auto) = values(log_dir)
    tbx = tensorboardX.summary.histogram("weights", data.astype(float), bins).value[0].histo
    assert step == 7 and h.histo == tbx
    assert h.histo.num == 500 and sum(h.histo.bucket) == 500
    assert h.histo.min == pytest.approx(data.min()) and h.histo.max == pytest.approx(data.max())
    assert h.histo.sum == pytest.approx(data.astype(float).sum())
    assert sum(auto.histo.bucket) == 500
    assert len(bins) == 2 * 774 + 1 and bins[len(bins) // 2] == 0  # TensorFlow's buckets


def test_histogram_raw(log_dir):
    with SummaryWriter(log_dir) as w:
        w.add_histogram_raw("r", 0, 9, 6, 20, 90, [1.0, 5.0, 9.0], ember.tensor([1, 2, 3]), 2)
        with pytest.raises(ValueError):
            w.add_histogram_raw("r", 0, 9, 6, 20, 90, [1.0, 5.0], [1, 2, 3])
    ((step, v),) = values(log_dir)
    assert (
        step == 2 and list(v.histo.bucket) == [1, 2, 3] and list(v.histo.bucket_limit) == [1, 5, 9]
    )


@pytest.mark.parametrize(
    ("dtype", "field", "code"),
    [
        (ember.float32, "float_val", 1),
        (ember.float64, "double_val", 2),
        (ember.int64, "int64_val", 9),
        (ember.int32, "int_val", 3),
        (ember.bool, "bool_val", 10),
    ],
)
def test_add_tensor(log_dir, dtype, field, code):
    t = (ember.arange(6) % 3).reshape(2, 3).to(dtype)
    with SummaryWriter(log_dir) as w:
        w.add_tensor("t", t, 5)
    ((step, v),) = values(log_dir)
    assert step == 5 and v.metadata.plugin_data.plugin_name == "tensor"
    assert v.tensor.dtype == code and [d.size for d in v.tensor.tensor_shape.dim] == [2, 3]
    assert list(getattr(v.tensor, field)) == t.reshape(-1).tolist()


def test_add_tensor_half_stores_bits(log_dir):
    t = ember.tensor([1.5, -2.0], dtype=ember.float16)
    with SummaryWriter(log_dir) as w:
        w.add_tensor("h", t)
    ((_, v),) = values(log_dir)
    assert np.array(v.tensor.half_val, np.uint16).view(np.float16).tolist() == [1.5, -2.0]


# ---------------------------------------------------------------- images
def test_add_image_pixels(log_dir):
    chw = np.random.rand(3, 5, 7).astype(np.float32) * 1.2 - 0.1  # out of range gets clipped
    u8 = np.random.randint(0, 256, (6, 4, 3), dtype=np.uint8)
    gray = np.random.rand(4, 5)
    with SummaryWriter(log_dir) as w:
        w.add_image("chw", ember.tensor(chw), 1)
        w.add_image("hwc", ember.tensor(u8), 2, dataformats="HWC")
        w.add_image("hw", gray, 3, dataformats="HW")
    (s1, a), (s2, b), (s3, c) = values(log_dir)
    assert (s1, s2, s3) == (1, 2, 3)
    assert (a.image.height, a.image.width, a.image.colorspace) == (5, 7, 3)
    np.testing.assert_array_equal(
        decode_png(a.image.encoded_image_string), as_uint8(chw.transpose(1, 2, 0))
    )
    np.testing.assert_array_equal(decode_png(b.image.encoded_image_string), u8)
    img = decode_png(c.image.encoded_image_string)
    assert img.shape == (4, 5, 3)
    np.testing.assert_array_equal(img[..., 0], as_uint8(gray))


def test_add_images_tiles_eight_per_row(log_dir):
    batch = np.random.rand(10, 3, 4, 5).astype(np.float32)
    with SummaryWriter(log_dir) as w:
        w.add_images("batch", ember.tensor(batch), 0)
        w.add_images("nhwc", ember.tensor(batch.transpose(0, 2, 3, 1)), 1, dataformats="NHWC")
    (_, a), (_, b) = values(log_dir)
    grid = decode_png(a.image.encoded_image_string)
    assert grid.shape == (2 * 4, 8 * 5, 3)
    for i in range(10):
        r, c = divmod(i, 8)
        tile = grid[r * 4 : (r + 1) * 4, c * 5 : (c + 1) * 5]
        np.testing.assert_array_equal(tile, as_uint8(batch[i].transpose(1, 2, 0)))
    assert (grid[4:, 2 * 5 :] == 0).all()  # the unused cells stay black
    assert a.image.encoded_image_string == b.image.encoded_image_string


def test_add_image_with_boxes(log_dir):
    img = np.zeros((3, 20, 30), np.float32)
    with SummaryWriter(log_dir) as w:
        w.add_image_with_boxes(
            "boxes", ember.tensor(img), ember.tensor([[2.0, 3.0, 12.0, 15.0]]), 1
        )
        with pytest.warns(UserWarning, match="labels"):
            w.add_image_with_boxes(
                "lab", img, np.array([[0, 0, 5, 5]]), 2, labels=["cat"], rescale=2
            )
    (_, a), (_, b) = values(log_dir)
    pixels = decode_png(a.image.encoded_image_string)
    red = (pixels == [255, 0, 0]).all(-1)
    assert red[3, 2:13].all() and red[15, 2:13].all() and red[3:16, 2].all() and red[3:16, 12].all()
    assert not red[8, 7] and not red[0, 0]  # inside and outside stay black
    assert (b.image.height, b.image.width) == (40, 60)


def test_add_figure(log_dir):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(2, 1), dpi=50)
    plt.plot([0, 1], [1, 0])
    with SummaryWriter(log_dir) as w:
        w.add_figure("fig", fig, 3)
    ((step, v),) = values(log_dir)
    assert step == 3 and (v.image.height, v.image.width) == (50, 100)
    assert not plt.fignum_exists(fig.number)  # close=True closed it


# ---------------------------------------------------------------- text, audio
def test_add_text(log_dir):
    with SummaryWriter(log_dir) as w:
        w.add_text("notes", "**hello** ünïcode", 4)
    ((step, v),) = values(log_dir)
    assert step == 4 and v.tag == "notes/text_summary"
    assert v.metadata.plugin_data.plugin_name == "text"
    assert v.tensor.string_val[0].decode() == "**hello** ünïcode"


def test_add_audio_is_a_wav(log_dir, capsys):
    samples = np.sin(np.linspace(0, 20, 400)).astype(np.float32)
    with SummaryWriter(log_dir) as w:
        w.add_audio("tone", ember.tensor(samples), 1, sample_rate=8000)
        w.add_audio("loud", ember.tensor(samples * 3), 2, sample_rate=8000)
        with pytest.raises(AssertionError, match="1 dimensional"):
            w.add_audio("stereo", ember.ones(10, 2))
    assert "auto clipped" in capsys.readouterr().out
    (_, v), (_, loud) = values(log_dir)
    assert (v.audio.sample_rate, v.audio.num_channels, v.audio.length_frames) == (8000, 1, 400)
    with wave.open(io.BytesIO(v.audio.encoded_audio_string)) as f:
        assert (f.getframerate(), f.getnchannels(), f.getsampwidth()) == (8000, 1, 2)
        pcm = np.frombuffer(f.readframes(400), "<i2")
    np.testing.assert_allclose(pcm / 32767, samples, atol=1 / 32767)
    with wave.open(io.BytesIO(loud.audio.encoded_audio_string)) as f:
        assert np.abs(np.frombuffer(f.readframes(400), "<i2")).max() == 32767


# ---------------------------------------------------------------- hparams
def test_add_hparams_writes_a_sub_run(log_dir):
    with SummaryWriter(log_dir) as w:
        w.add_hparams(
            {"lr": ember.tensor(0.01), "opt": "adam", "bn": True, "bs": 32},
            {"hparam/accuracy": 0.75},
            hparam_domain_discrete={"opt": ["adam", "sgd"], "bs": [16, 32]},
            run_name="trial1",
            global_step=9,
        )
    got = {v.tag: (s, v) for s, v in values(os.path.join(log_dir, "trial1"))}
    assert set(got) == {
        "_hparams_/experiment",
        "_hparams_/session_start_info",
        "_hparams_/session_end_info",
        "hparam/accuracy",
    }
    start = HParamsPluginData.FromString(
        got["_hparams_/session_start_info"][1].metadata.plugin_data.content
    )
    hp = start.session_start_info.hparams
    assert hp["lr"].number_value == pytest.approx(0.01) and hp["opt"].string_value == "adam"
    assert hp["bn"].bool_value is True and hp["bs"].number_value == 32
    exp = HParamsPluginData.FromString(got["_hparams_/experiment"][1].metadata.plugin_data.content)
    infos = {i.name: i for i in exp.experiment.hparam_infos}
    assert [x.string_value for x in infos["opt"].domain_discrete.values] == ["adam", "sgd"]
    assert [x.number_value for x in infos["bs"].domain_discrete.values] == [16, 32]
    assert infos["opt"].type == DataType.Value("DATA_TYPE_STRING")
    assert [m.name.tag for m in exp.experiment.metric_infos] == ["hparam/accuracy"]
    assert got["hparam/accuracy"] == (9, got["hparam/accuracy"][1])
    assert got["hparam/accuracy"][1].simple_value == 0.75


def test_add_hparams_default_run_name_is_the_time(log_dir):
    with SummaryWriter(log_dir) as w:
        w.add_hparams({"a": 1}, {"m": 2})
    sub = [d for d in os.listdir(log_dir) if os.path.isdir(os.path.join(log_dir, d))]
    assert len(sub) == 1 and float(sub[0]) > 0


@pytest.mark.parametrize(
    ("hparams", "metrics", "domains"),
    [
        ([("a", 1)], {"m": 1}, None),
        ({"a": 1}, "m", None),
        ({"a": 1}, {"m": 1}, {"a": ["x"]}),
        ({"a": 1}, {"m": 1}, [1]),
    ],
)
def test_add_hparams_type_errors(log_dir, hparams, metrics, domains):
    with SummaryWriter(log_dir) as w, pytest.raises(TypeError):
        w.add_hparams(hparams, metrics, hparam_domain_discrete=domains)


# ---------------------------------------------------------------- projector, curves, meshes
def test_add_embedding_files(log_dir):
    mat = np.random.randn(6, 3).astype(np.float32)
    imgs = np.random.rand(6, 3, 4, 4).astype(np.float32)
    with SummaryWriter(log_dir) as w:
        w.add_embedding(
            ember.tensor(mat),
            metadata=list("abcdef"),
            label_img=ember.tensor(imgs),
            global_step=3,
            tag="my/emb",
        )
        with pytest.raises(AssertionError, match="#labels"):
            w.add_embedding(mat, metadata=["x"], global_step=4)
    folder = os.path.join(log_dir, "00003", "my%2femb")
    rows = np.loadtxt(os.path.join(folder, "tensors.tsv"), delimiter="\t")
    np.testing.assert_allclose(rows, mat, rtol=1e-6)
    assert pathlib.Path(folder, "metadata.tsv").read_text().split() == list("abcdef")
    sprite = decode_png(pathlib.Path(folder, "sprite.png").read_bytes())
    assert sprite.shape == (12, 12, 3)  # ceil(sqrt(6 * 16) / 4) = 3 thumbnails per row
    np.testing.assert_array_equal(sprite[4:8, 0:4], as_uint8(imgs[3].transpose(1, 2, 0)))
    config = pathlib.Path(log_dir, "projector_config.pbtxt").read_text()
    assert 'tensor_path: "00003/my%2femb/tensors.tsv"' in config
    assert 'image_path: "00003/my%2femb/sprite.png"' in config


def test_add_pr_curve(log_dir):
    labels = np.array([0, 1, 1, 0, 1])
    preds = np.array([0.1, 0.8, 0.6, 0.4, 0.9])
    with SummaryWriter(log_dir) as w:
        w.add_pr_curve("pr", ember.tensor(labels), ember.tensor(preds), 2, num_thresholds=11)
    ((step, v),) = values(log_dir)
    assert step == 2 and v.metadata.plugin_data.plugin_name == "pr_curves"
    assert [d.size for d in v.tensor.tensor_shape.dim] == [6, 11]
    data = np.array(v.tensor.float_val).reshape(6, 11)
    assert data[0, 0] == 3 and data[1, 0] == 2  # every prediction is >= threshold 0


def test_add_mesh_and_custom_scalars(log_dir):
    with SummaryWriter(log_dir) as w:
        w.add_mesh(
            "m", ember.rand(1, 4, 3), faces=ember.tensor([[[0, 1, 2], [1, 2, 3]]]), global_step=1
        )
        w.add_custom_scalars_multilinechart(["a", "b"], category="c", title="t")
        w.add_custom_scalars_marginchart(["v", "lo", "hi"])
        w.add_custom_scalars({"cat": {"chart": ["Multiline", ["x"]]}})
    got = values(log_dir)
    assert [v.tag for _, v in got] == ["m_1", "m_2"] + ["custom_scalars__config__"] * 3
    assert got[0][1].metadata.plugin_data.plugin_name == "mesh"
    assert [d.size for d in got[1][1].tensor.tensor_shape.dim] == [1, 2, 3]


# ---------------------------------------------------------------- graphs
def test_add_graph_warns_and_writes_nothing(log_dir):
    with SummaryWriter(log_dir) as w, pytest.warns(UserWarning, match="add_graph writes nothing"):
        w.add_graph(ember.nn.Linear(2, 2), ember.ones(1, 2))
    assert not any(e.graph_def for e in events(log_dir))


def test_add_onnx_graph(log_dir, tmp_path):
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper

    node = helper.make_node("Relu", ["x"], ["y"], name="relu")
    graph = helper.make_graph(
        [node],
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2])],
    )
    onnx.save(helper.make_model(graph), tmp_path / "m.onnx")
    with SummaryWriter(log_dir) as w:
        w.add_onnx_graph(str(tmp_path / "m.onnx"))
    assert sum(bool(e.graph_def) for e in events(log_dir)) == 1


# ---------------------------------------------------------------- lifetime
def test_purge_step_writes_a_restart_marker(log_dir):
    with SummaryWriter(log_dir, purge_step=42) as w:
        w.add_scalar("x", 1.0, 42)
    evs = events(log_dir)
    assert evs[1].step == 42 and evs[1].file_version == "brain.Event:2"
    assert evs[2].step == 42 and evs[2].session_log.status == SessionLog.START
    assert w.purge_step is None


def test_flush_and_max_queue_reach_the_disk(log_dir, tmp_path):
    w = SummaryWriter(log_dir)
    w.add_scalar("x", 1.0, 1)
    w.flush()
    assert [v.simple_value for _, v in values(log_dir)] == [1.0]
    eager = SummaryWriter(str(tmp_path / "eager"), max_queue=1)
    eager.add_scalar("y", 2.0, 1)  # no flush: the queue of one is full
    assert [v.simple_value for _, v in values(str(tmp_path / "eager"))] == [2.0]
    w.close()
    eager.close()


def test_close_then_write_again_opens_a_new_file(log_dir):
    w = SummaryWriter(log_dir)
    w.add_scalar("x", 1.0, 1)
    w.close()
    w.close()  # a second close does nothing
    assert w.all_writers is None
    w.add_scalar("x", 2.0, 2)
    w.close()
    files = glob.glob(os.path.join(log_dir, "events.out.tfevents.*"))
    files.sort(key=lambda f: int(f.rsplit(".", 1)[1]))  # the name ends with a running count
    assert len(files) == 2
    assert [v.simple_value for f in files for e in read_records(f) for v in e.summary.value] == [
        1.0,
        2.0,
    ]


def test_file_writer_directly(log_dir):
    fw = FileWriter(log_dir)
    summary = tensorboardX.summary.scalar("z", 3.0)
    fw.add_summary(summary, 7, walltime=5.0)
    fw.close()
    fw.add_summary(summary, 8)  # ignored once closed
    fw.reopen()
    assert fw.get_logdir() == log_dir
    fw.close()
    evs = [e for f in glob.glob(os.path.join(log_dir, "events*")) for e in read_records(f)]
    assert [(e.step, e.wall_time) for e in evs if e.summary.value] == [(7, 5.0)]


def test_summaries_read_back_as_json_friendly_numbers(log_dir):
    """A round trip a user would do: log a short training curve and read it back."""
    model = ember.nn.Linear(3, 1)
    opt = ember.optim.SGD(model.parameters(), lr=0.1)
    x, y = ember.randn(16, 3), ember.randn(16, 1)
    losses = []
    with SummaryWriter(log_dir) as w:
        for step in range(5):
            loss = ((model(x) - y) ** 2).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
            w.add_scalar("train/loss", loss, step)
            w.add_histogram("weight", model.weight, step)
    curve = [(s, v.simple_value) for s, v in values(log_dir) if v.tag == "train/loss"]
    assert json.loads(json.dumps(curve)) == [
        [s, pytest.approx(l, rel=1e-6)] for s, l in enumerate(losses)
    ]
