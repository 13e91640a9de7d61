"""``SummaryWriter`` and ``FileWriter`` (``torch.utils.tensorboard.writer``).

Events are TensorBoard's protocol buffers (from ``tensorboardX.proto``), framed as TFRecords
into ``<log_dir>/events.out.tfevents.<time>.<host>.<pid>.<n><suffix>``.
The summaries for scalars, histograms, text, hparams, PR curves, meshes and custom-scalar layouts
are built by ``tensorboardX.summary``; images, audio and embedding sprites are encoded here with
NumPy only (no Pillow or soundfile needed).
"""

from __future__ import annotations

import atexit
import itertools
import os
import socket
import struct
import time
import warnings
from datetime import datetime

import numpy as np
from tensorboardX import summary as _tbx_summary
from tensorboardX.proto.event_pb2 import Event, SessionLog
from tensorboardX.proto.summary_pb2 import Summary, SummaryMetadata
from tensorboardX.proto.tensor_pb2 import TensorProto
from tensorboardX.proto.tensor_shape_pb2 import TensorShapeProto
from tensorboardX.record_writer import masked_crc32c
from tensorboardX.utils import convert_to_HWC

from ._convert import (
    draw_boxes,
    encode_png,
    encode_wav,
    figure_to_chw,
    scale_to_uint8,
    sprite,
    to_numpy,
    to_python,
)

__all__ = ["FileWriter", "SummaryWriter"]


_file_count = itertools.count()  # with the pid, makes every event file name unique


class FileWriter:
    """Writes ``Event`` protocol buffers to one event file in ``log_dir``.

    The file is ``events.out.tfevents.<time>.<host>.<pid>.<n><filename_suffix>``, a sequence of
    TFRecords (length, masked CRC-32C of the length, the event, its masked CRC-32C) opening with
    a ``brain.Event:2`` version event. Events are written as they come; the file is flushed
    after ``max_queue`` of them or once ``flush_secs`` have passed since the last flush, and
    always by :meth:`flush` and :meth:`close` (also run at interpreter exit).
    """

    def __init__(self, log_dir, max_queue=10, flush_secs=120, filename_suffix=""):
        self._log_dir = str(log_dir)
        self._max_queue, self._flush_secs, self._suffix = max_queue, flush_secs, filename_suffix
        self._file = None
        self._open()
        atexit.register(self.close)

    def _open(self) -> None:
        os.makedirs(self._log_dir, exist_ok=True)
        now = time.time()
        name = (
            f"events.out.tfevents.{int(now):010d}.{socket.gethostname()}.{os.getpid()}."
            f"{next(_file_count)}{self._suffix}"
        )
        self._file = open(os.path.join(self._log_dir, name), "wb")  # noqa: SIM115 - kept open
        self._pending, self._flushed_at = 0, now
        self._write(Event(wall_time=now, file_version="brain.Event:2"))
        self.flush()

    def _write(self, event) -> None:
        data = event.SerializeToString()
        header = struct.pack("<Q", len(data))
        self._file.write(header + struct.pack("<I", masked_crc32c(header)))
        self._file.write(data + struct.pack("<I", masked_crc32c(data)))

    def get_logdir(self) -> str:
        """The directory the event file is in."""
        return self._log_dir

    def add_event(self, event, step=None, walltime=None) -> None:
        """Write ``event`` (stamped with ``walltime``, default now, and ``step`` if given)."""
        if self._file is None:
            return
        event.wall_time = time.time() if walltime is None else walltime
        if step is not None:
            event.step = int(step)
        self._write(event)
        self._pending += 1
        if self._pending >= self._max_queue or time.time() - self._flushed_at >= self._flush_secs:
            self.flush()

    def add_summary(self, summary, global_step=None, walltime=None) -> None:
        """Write a ``Summary`` protocol buffer as an event at ``global_step``."""
        self.add_event(Event(summary=summary), global_step, walltime)

    def add_graph(self, graph_profile, walltime=None) -> None:
        """Write a ``(GraphDef, RunMetadata)`` pair as produced by a graph tracer."""
        graph, stepstats = graph_profile
        self.add_event(Event(graph_def=graph.SerializeToString()), None, walltime)
        from tensorboardX.proto.event_pb2 import TaggedRunMetadata

        meta = TaggedRunMetadata(tag="profiler", run_metadata=stepstats.SerializeToString())
        self.add_event(Event(tagged_run_metadata=meta), None, walltime)

    def add_onnx_graph(self, graph, walltime=None) -> None:
        """Write a ``GraphDef`` converted from an ONNX model."""
        self.add_event(Event(graph_def=graph.SerializeToString()), None, walltime)

    def flush(self) -> None:
        """Push everything written so far to disk."""
        if self._file is not None:
            self._file.flush()
            self._pending, self._flushed_at = 0, time.time()

    def close(self) -> None:
        """Flush and close the event file (a second close does nothing)."""
        if self._file is not None:
            self._file.close()
            self._file = None

    def reopen(self) -> None:
        """After :meth:`close`, start a new event file in the same directory."""
        if self._file is None:
            self._open()


def _default_bins() -> list[float]:
    """TensorFlow's histogram buckets: +-1e-12 growing by 10% up to 1e20, and 0."""
    positive = []
    v = 1e-12
    while v < 1e20:
        positive.append(v)
        v *= 1.1
    return [-b for b in reversed(positive)] + [0] + positive


_TENSOR_FIELDS = {  # numpy dtype -> (TensorProto dtype, value field)
    "float16": ("DT_HALF", "half_val"),
    "float32": ("DT_FLOAT", "float_val"),
    "float64": ("DT_DOUBLE", "double_val"),
    "int8": ("DT_INT8", "int_val"),
    "uint8": ("DT_UINT8", "uint32_val"),
    "int16": ("DT_INT16", "int_val"),
    "int32": ("DT_INT32", "int_val"),
    "int64": ("DT_INT64", "int64_val"),
    "bool": ("DT_BOOL", "bool_val"),
    "complex64": ("DT_COMPLEX64", "scomplex_val"),
    "complex128": ("DT_COMPLEX128", "dcomplex_val"),
}


def _tensor_summary(tag, array: np.ndarray):
    if array.nbytes >= 1 << 31:
        raise ValueError("tensor is bigger than protocol buffer's hard limit of 2GB in size")
    if array.dtype.name not in _TENSOR_FIELDS:
        raise ValueError(f"{tag} has unsupported tensor dtype {array.dtype}")
    dtype, field = _TENSOR_FIELDS[array.dtype.name]
    flat = array.reshape(-1)
    if array.dtype == np.float16:
        values = flat.view(np.uint16).tolist()  # half_val holds the raw bits
    elif array.dtype.kind == "c":
        values = np.stack([flat.real, flat.imag], axis=-1).reshape(-1).tolist()
    else:
        values = flat.tolist()
    shape = TensorShapeProto(dim=[TensorShapeProto.Dim(size=s) for s in array.shape])
    proto = TensorProto(dtype=dtype, tensor_shape=shape, **{field: values})
    meta = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name="tensor"))
    return Summary(value=[Summary.Value(tag=tag, metadata=meta, tensor=proto)])


def _scalar_summary(tag, value, new_style=False, double_precision=False):
    array = to_numpy(value)
    if array.squeeze().ndim != 0:
        raise ValueError(
            "Tensor should contain one element (0 dimensions). Was given size: "
            f"{array.size} and {array.ndim} dimensions."
        )
    number = float(array.reshape(-1)[0])
    if not new_style:
        return Summary(value=[Summary.Value(tag=tag, simple_value=number)])
    if double_precision:
        proto = TensorProto(double_val=[number], dtype="DT_DOUBLE")
    else:
        proto = TensorProto(float_val=[number], dtype="DT_FLOAT")
    meta = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name="scalars"))
    return Summary(value=[Summary.Value(tag=tag, tensor=proto, metadata=meta)])


def _image_summary(tag, hwc: np.ndarray):
    h, w, c = hwc.shape
    image = Summary.Image(height=h, width=w, colorspace=c, encoded_image_string=encode_png(hwc))
    return Summary(value=[Summary.Value(tag=tag, image=image)])


def _resize_nearest(hwc: np.ndarray, factor) -> np.ndarray:
    if factor == 1:
        return hwc
    h, w = hwc.shape[:2]
    rows = (np.arange(max(1, int(h * factor))) / factor).astype(int).clip(0, h - 1)
    cols = (np.arange(max(1, int(w * factor))) / factor).astype(int).clip(0, w - 1)
    return hwc[rows][:, cols]


def _encode_tag(tag: str) -> str:
    """A tag as one path component (``%``, ``/`` and ``\\`` percent-encoded)."""
    return tag.replace("%", "%25").replace("/", "%2f").replace("\\", "%5c")


def _check(condition, message) -> None:
    if not condition:
        raise AssertionError(message)  # torch asserts these


class SummaryWriter:
    """Write TensorBoard event files (``torch.utils.tensorboard.SummaryWriter``).

    Args:
        log_dir: the directory; default ``runs/<Mon><DD>_<HH>-<MM>-<SS>_<hostname><comment>``.
        comment: appended to the default ``log_dir`` (ignored when ``log_dir`` is given).
        purge_step: after a crash, hide the events of this step and later from a resumed run.
        max_queue: events written before the file is flushed.
        flush_secs: seconds between automatic flushes.
        filename_suffix: appended to the event file's name.

    The ``add_*`` methods take ember tensors, NumPy arrays or Python numbers. Use it as a
    context manager, or call :meth:`close`, to be sure everything reaches the disk.
    """

    def __init__(
        self,
        log_dir=None,
        comment="",
        purge_step=None,
        max_queue=10,
        flush_secs=120,
        filename_suffix="",
    ):
        if not log_dir:
            stamp = datetime.now().strftime("%b%d_%H-%M-%S")
            log_dir = os.path.join("runs", f"{stamp}_{socket.gethostname()}{comment}")
        self.log_dir = log_dir
        self.purge_step = purge_step
        self.max_queue = max_queue
        self.flush_secs = flush_secs
        self.filename_suffix = filename_suffix
        self.file_writer = self.all_writers = None
        self._get_file_writer()
        self.default_bins = _default_bins()

    def _get_file_writer(self) -> FileWriter:
        """The writer of ``log_dir`` (made again after :meth:`close`)."""
        if self.all_writers is None or self.file_writer is None:
            self.file_writer = FileWriter(
                self.log_dir, self.max_queue, self.flush_secs, self.filename_suffix
            )
            self.all_writers = {self.file_writer.get_logdir(): self.file_writer}
            if self.purge_step is not None:
                step = self.purge_step
                self.file_writer.add_event(Event(step=step, file_version="brain.Event:2"))
                start = SessionLog(status=SessionLog.START)
                self.file_writer.add_event(Event(step=step, session_log=start))
                self.purge_step = None
        return self.file_writer

    def _write(self, summary, global_step, walltime) -> None:
        self._get_file_writer().add_summary(summary, global_step, walltime)

    def get_logdir(self) -> str:
        """The directory events are written to."""
        return self._get_file_writer().get_logdir()

    # ------------------------------------------------------------ numbers
    def add_scalar(
        self,
        tag,
        scalar_value,
        global_step=None,
        walltime=None,
        new_style=False,
        double_precision=False,
    ) -> None:
        """Record one number (a Python number or a one-element tensor) under ``tag``."""
        summary = _scalar_summary(tag, scalar_value, new_style, double_precision)
        self._write(summary, global_step, walltime)

    def add_scalars(self, main_tag, tag_scalar_dict, global_step=None, walltime=None) -> None:
        """Record several numbers on one chart: each key gets its own run directory,
        ``<log_dir>/<main_tag>_<key>``, and its value is logged there under ``main_tag``."""
        walltime = time.time() if walltime is None else walltime
        root = self._get_file_writer().get_logdir()
        for tag, value in tag_scalar_dict.items():
            run = root + "/" + main_tag.replace("/", "_") + "_" + tag
            writer = self.all_writers.get(run)
            if writer is None:
                writer = FileWriter(run, self.max_queue, self.flush_secs, self.filename_suffix)
                self.all_writers[run] = writer
            writer.add_summary(_scalar_summary(main_tag, value), global_step, walltime)

    def add_tensor(self, tag, tensor, global_step=None, walltime=None) -> None:
        """Record a whole tensor (its values and shape) under ``tag``."""
        self._write(_tensor_summary(tag, to_numpy(tensor)), global_step, walltime)

    def add_histogram(
        self, tag, values, global_step=None, bins="tensorflow", walltime=None, max_bins=None
    ) -> None:
        """Record the distribution of ``values``; ``bins`` is ``'tensorflow'`` (TensorBoard's
        buckets) or anything ``numpy.histogram`` takes."""
        if isinstance(bins, str) and bins == "tensorflow":
            bins = self.default_bins
        array = to_numpy(values).astype(float)
        self._write(_tbx_summary.histogram(tag, array, bins, max_bins), global_step, walltime)

    def add_histogram_raw(
        self,
        tag,
        min,  # noqa: A002 - torch's argument names
        max,  # noqa: A002
        num,
        sum,  # noqa: A002
        sum_squares,
        bucket_limits,
        bucket_counts,
        global_step=None,
        walltime=None,
    ) -> None:
        """Record a histogram already counted: one count per bucket upper limit."""
        limits, counts = to_numpy(bucket_limits).tolist(), to_numpy(bucket_counts).tolist()
        if len(limits) != len(counts):
            raise ValueError("len(bucket_limits) != len(bucket_counts), see the document.")
        summary = _tbx_summary.histogram_raw(
            tag,
            *(to_python(v) for v in (min, max, num, sum, sum_squares)),
            limits,
            counts,
        )
        self._write(summary, global_step, walltime)

    # ------------------------------------------------------------ images, figures, media
    def add_image(self, tag, img_tensor, global_step=None, walltime=None, dataformats="CHW"):
        """Record an image: uint8 values as they are, any other dtype read as [0, 1].
        ``dataformats`` is the layout: ``CHW``, ``HWC``, ``HW``, ..."""
        hwc = scale_to_uint8(convert_to_HWC(to_numpy(img_tensor), dataformats))
        self._write(_image_summary(tag, hwc), global_step, walltime)

    def add_images(self, tag, img_tensor, global_step=None, walltime=None, dataformats="NCHW"):
        """Record a batch of images, tiled 8 per row into one image."""
        hwc = scale_to_uint8(convert_to_HWC(to_numpy(img_tensor), dataformats))
        self._write(_image_summary(tag, hwc), global_step, walltime)

    def add_image_with_boxes(
        self,
        tag,
        img_tensor,
        box_tensor,
        global_step=None,
        walltime=None,
        rescale=1,
        dataformats="CHW",
        labels=None,
    ) -> None:
        """Record an image with rectangles drawn on it (``box_tensor``: N x 4, xmin, ymin,
        xmax, ymax in pixels), then scaled by ``rescale``. ember draws the boxes but not their
        ``labels`` (it has no font renderer), and warns when labels are given."""
        boxes = to_numpy(box_tensor)
        if isinstance(labels, str):
            labels = [labels]
        if labels is not None and len(labels) == boxes.shape[0]:
            warnings.warn("ember draws the boxes without their labels", UserWarning, stacklevel=2)
        hwc = scale_to_uint8(convert_to_HWC(to_numpy(img_tensor), dataformats))
        hwc = _resize_nearest(draw_boxes(hwc, boxes), rescale)
        self._write(_image_summary(tag, hwc), global_step, walltime)

    def add_figure(self, tag, figure, global_step=None, close=True, walltime=None) -> None:
        """Record a matplotlib figure (or a list of them, tiled) as an image."""
        figures = figure if isinstance(figure, list) else [figure]
        images = [figure_to_chw(f) for f in figures]
        if close:
            import matplotlib.pyplot as plt

            for f in figures:
                plt.close(f)
        if isinstance(figure, list):
            self.add_images(tag, np.stack(images), global_step, walltime, dataformats="NCHW")
        else:
            self.add_image(tag, images[0], global_step, walltime, dataformats="CHW")

    def add_video(self, tag, vid_tensor, global_step=None, fps=4, walltime=None) -> None:
        """Record a video (N x T x C x H x W) as an animated GIF; needs ``moviepy``."""
        import importlib.util

        if importlib.util.find_spec("moviepy") is None:
            print("add_video needs package moviepy")
            return
        video = to_numpy(vid_tensor)
        video = video if video.dtype == np.uint8 else video.astype(np.float32)
        self._write(_tbx_summary.video(tag, video, fps), global_step, walltime)

    def add_audio(self, tag, snd_tensor, global_step=None, sample_rate=44100, walltime=None):
        """Record a mono clip (samples in [-1, 1]; louder ones are clipped) as 16-bit WAV."""
        samples = to_numpy(snd_tensor).squeeze()
        if np.abs(samples).max(initial=0) > 1:
            print("warning: audio amplitude out of range, auto clipped.")
            samples = samples.clip(-1, 1)
        _check(samples.ndim == 1, "input tensor should be 1 dimensional.")
        audio = Summary.Audio(
            sample_rate=sample_rate,
            num_channels=1,
            length_frames=samples.shape[0],
            encoded_audio_string=encode_wav(samples, sample_rate),
            content_type="audio/wav",
        )
        self._write(Summary(value=[Summary.Value(tag=tag, audio=audio)]), global_step, walltime)

    def add_text(self, tag, text_string, global_step=None, walltime=None) -> None:
        """Record a (Markdown) string; TensorBoard shows it under ``<tag>/text_summary``."""
        self._write(_tbx_summary.text(tag, text_string), global_step, walltime)

    # ------------------------------------------------------------ graphs
    def add_onnx_graph(self, prototxt) -> None:
        """Record the graph of an ONNX model file (needs the ``onnx`` package)."""
        from tensorboardX.onnx_graph import load_onnx_graph

        self._get_file_writer().add_onnx_graph(load_onnx_graph(prototxt))

    def add_graph(self, model, input_to_model=None, verbose=False, use_strict_trace=True):
        """torch traces the model into a graph here; ember cannot trace (no TorchScript), so
        this warns and writes nothing. :meth:`add_onnx_graph` records an ONNX model's graph."""
        warnings.warn(
            "ember cannot trace a model into a TensorBoard graph: add_graph writes nothing",
            UserWarning,
            stacklevel=2,
        )

    # ------------------------------------------------------------ projector, curves, meshes
    def add_embedding(
        self,
        mat,
        metadata=None,
        label_img=None,
        global_step=None,
        tag="default",
        metadata_header=None,
    ) -> None:
        """Write an embedding for TensorBoard's projector: ``mat`` (N x D) as ``tensors.tsv``,
        the optional ``metadata`` labels as ``metadata.tsv`` and ``label_img`` (N x C x H x W)
        as a sprite, in ``<log_dir>/<step:05d>/<tag>``, listed in ``projector_config.pbtxt``."""
        from tensorboardX.embedding import append_pbtxt, make_mat, make_tsv

        mat = to_numpy(mat)
        step = 0 if global_step is None else global_step
        subdir = f"{str(step).zfill(5)}/{_encode_tag(tag)}"
        root = self._get_file_writer().get_logdir()
        save_path = os.path.join(root, subdir)
        if os.path.isdir(save_path):
            print("warning: Embedding dir exists, did you set global_step for add_embedding()?")
        elif os.path.exists(save_path):
            raise NotADirectoryError(f"Path: `{save_path}` exists, but is a file. Cannot proceed.")
        os.makedirs(save_path, exist_ok=True)
        if metadata is not None:
            _check(mat.shape[0] == len(metadata), "#labels should equal with #data points")
            make_tsv(metadata, save_path, metadata_header=metadata_header)
        if label_img is not None:
            label_img = to_numpy(label_img)
            _check(mat.shape[0] == label_img.shape[0], "#images should equal with #data points")
            with open(os.path.join(save_path, "sprite.png"), "wb") as f:
                f.write(encode_png(sprite(label_img)))
        _check(mat.ndim == 2, "mat should be 2D, where mat.size(0) is the number of data points")
        make_mat(mat, save_path)
        append_pbtxt(metadata, label_img, root, subdir, step, tag)

    def add_pr_curve(
        self,
        tag,
        labels,
        predictions,
        global_step=None,
        num_thresholds=127,
        weights=None,
        walltime=None,
    ) -> None:
        """Record a precision-recall curve of ``predictions`` (probabilities) against the
        boolean ``labels``."""
        summary = _tbx_summary.pr_curve(
            tag, to_numpy(labels), to_numpy(predictions), num_thresholds, weights
        )
        self._write(summary, global_step, walltime)

    def add_pr_curve_raw(
        self,
        tag,
        true_positive_counts,
        false_positive_counts,
        true_negative_counts,
        false_negative_counts,
        precision,
        recall,
        global_step=None,
        num_thresholds=127,
        weights=None,
        walltime=None,
    ) -> None:
        """Record a precision-recall curve from counts already computed per threshold."""
        arrays = [
            to_numpy(a)
            for a in (
                true_positive_counts,
                false_positive_counts,
                true_negative_counts,
                false_negative_counts,
                precision,
                recall,
            )
        ]
        summary = _tbx_summary.pr_curve_raw(tag, *arrays, num_thresholds, weights)
        self._write(summary, global_step, walltime)

    def add_custom_scalars_multilinechart(self, tags, category="default", title="untitled"):
        """Lay out the scalars ``tags`` as lines of one chart of the custom-scalars plugin."""
        layout = {category: {title: ["Multiline", tags]}}
        self._get_file_writer().add_summary(_tbx_summary.custom_scalars(layout))

    def add_custom_scalars_marginchart(self, tags, category="default", title="untitled"):
        """Lay out three scalars (value, lower, upper) as one margin chart."""
        _check(len(tags) == 3, "tags should be a list of three scalar names")
        layout = {category: {title: ["Margin", tags]}}
        self._get_file_writer().add_summary(_tbx_summary.custom_scalars(layout))

    def add_custom_scalars(self, layout) -> None:
        """Lay out charts of the custom-scalars plugin: ``{category: {title: [kind, tags]}}``
        with kind ``'Multiline'`` or ``'Margin'``."""
        self._get_file_writer().add_summary(_tbx_summary.custom_scalars(layout))

    def add_mesh(
        self,
        tag,
        vertices,
        colors=None,
        faces=None,
        config_dict=None,
        global_step=None,
        walltime=None,
    ) -> None:
        """Record a 3D point cloud or mesh (B x N x 3 vertices, colors and faces)."""
        arrays = [None if a is None else to_numpy(a) for a in (vertices, colors, faces)]
        summary = _tbx_summary.mesh(tag, *arrays, config_dict)
        self._write(summary, global_step, walltime)

    # ------------------------------------------------------------ hyperparameters
    def add_hparams(
        self,
        hparam_dict,
        metric_dict,
        hparam_domain_discrete=None,
        run_name=None,
        global_step=None,
    ) -> None:
        """Record one run's hyperparameters and final metrics for the HParams dashboard, in
        the sub-run ``<log_dir>/<run_name>`` (default: the current time).

        ``hparam_domain_discrete`` optionally lists every value a hyperparameter may take.
        """
        if type(hparam_dict) is not dict or type(metric_dict) is not dict:
            raise TypeError("hparam_dict and metric_dict should be dictionary.")
        hparams = {k: to_python(v) for k, v in hparam_dict.items()}
        _check_domains(hparams, hparam_domain_discrete)
        exp, ssi, sei = _tbx_summary.hparams(hparams, metric_dict)
        if hparam_domain_discrete:
            _add_domains(exp, hparam_domain_discrete)
        run_name = run_name or str(time.time())
        with SummaryWriter(
            log_dir=os.path.join(self._get_file_writer().get_logdir(), run_name)
        ) as w:
            for s in (exp, ssi, sei):
                w.file_writer.add_summary(s, global_step)
            for k, v in metric_dict.items():
                w.add_scalar(k, v, global_step)

    # ------------------------------------------------------------ lifetime
    def flush(self) -> None:
        """Write everything recorded so far to disk."""
        if self.all_writers is None:
            return
        for writer in self.all_writers.values():
            writer.flush()

    def close(self) -> None:
        """Flush and close every event file (the writer reopens on the next ``add_*``)."""
        if self.all_writers is None:
            return
        for writer in self.all_writers.values():
            writer.flush()
            writer.close()
        self.file_writer = self.all_writers = None

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        self.close()


def _check_domains(hparams, domains) -> None:
    if domains is None:
        return
    if not isinstance(domains, dict):
        raise TypeError("parameter: hparam_domain_discrete should be a dictionary, nothing else.")
    for k, values in domains.items():
        if (
            k not in hparams
            or not isinstance(values, list)
            or not all(isinstance(d, type(hparams[k])) for d in values)
        ):
            raise TypeError(
                f"parameter: hparam_domain_discrete[{k}] should be a list of same type as "
                f"hparam_dict[{k}]."
            )


def _add_domains(exp_summary, domains) -> None:
    """Write the discrete domains into the experiment summary's hparam infos."""
    from tensorboardX.proto.plugin_hparams_pb2 import HParamsPluginData

    value = exp_summary.value[0]
    data = HParamsPluginData.FromString(value.metadata.plugin_data.content)
    for info in data.experiment.hparam_infos:
        if info.name in domains:
            info.domain_discrete.extend(domains[info.name])
    value.metadata.plugin_data.content = data.SerializeToString()
