"""The worker-process side of the DataLoader: the worker loop, per-worker seeding,
:func:`get_worker_info`, and the wrapper that carries a worker's exception to the main process.

Protocol. The main process sends ``(task_idx, index)`` on a worker's own index queue, a
``_ResumeIteration`` to start a new epoch (persistent workers), or ``None`` to stop. The worker
answers on its own result channel (``_channel.py``) with ``(tag, task_idx, worker_id, data)``:
``_DATA`` with the batch (or an :class:`ExceptionWrapper`), ``_STOP`` when its IterableDataset
is exhausted, ``_RESUMED`` to acknowledge a new epoch. Batches are pickled here, in the worker,
so that a batch that cannot be pickled becomes an error in the main process, not a lost message.
"""

from __future__ import annotations

import os
import pickle
import queue
import random
import sys
import traceback

import numpy as np

import ember

from . import _channel
from ._fetch import _DatasetKind

__all__ = ["WorkerInfo", "get_worker_info"]

# How often an idle worker wakes up to check that the main process is still alive and has not
# asked it to stop (seconds). The done event, not only the final ``None``, ends the loop: when
# the main iterator is freed by the cycle collector, its index queues' feeder threads may
# already be closed, so a ``None`` put then is never delivered.
_WORKER_POLL_S = 0.2

_DATA, _STOP, _RESUMED = 0, 1, 2

_worker_info = None


class WorkerInfo:
    """What a worker knows about itself: ``id``, ``num_workers``, ``seed`` and its ``dataset``
    copy. Read-only once created."""

    __initialized = False

    def __init__(self, **kwargs) -> None:
        for k, v in kwargs.items():
            setattr(self, k, v)
        self.__keys = tuple(kwargs)
        self.__initialized = True

    def __setattr__(self, key, val) -> None:
        if self.__initialized:
            raise RuntimeError(f"Cannot assign attributes to {self.__class__.__name__} objects")
        super().__setattr__(key, val)

    def __repr__(self) -> str:
        items = ", ".join(f"{k}={getattr(self, k)}" for k in self.__keys)
        return f"{self.__class__.__name__}({items})"


def get_worker_info() -> WorkerInfo | None:
    """In a DataLoader worker, its :class:`WorkerInfo`; in the main process, ``None``.

    Use it in an IterableDataset's ``__iter__`` (or a ``worker_init_fn``) to give each worker
    its own shard of the data.
    """
    return _worker_info


class _ResumeIteration:
    """Tells a persistent worker that a new epoch starts."""


class _KeyErrorMessage(str):
    """A KeyError message that prints its newlines (KeyError shows the repr of its argument)."""

    def __repr__(self):
        return self


class ExceptionWrapper:
    """An exception caught in a worker, with its traceback as text, to re-raise in the main
    process."""

    def __init__(self, exc_info=None, where: str = "in background") -> None:
        exc_info = exc_info or sys.exc_info()
        self.exc_type = exc_info[0]
        self.exc_msg = "".join(traceback.format_exception(*exc_info))
        self.where = where

    def reraise(self):
        """Raise the original exception type, with the worker's traceback in the message."""
        msg = f"Caught {self.exc_type.__name__} {self.where}.\nOriginal {self.exc_msg}"
        if self.exc_type is KeyError:
            msg = _KeyErrorMessage(msg)
        elif getattr(self.exc_type, "message", None):
            raise self.exc_type(message=msg)
        try:
            exception = self.exc_type(msg)
        except Exception:
            # the exception type takes other arguments: keep the text, lose the type
            raise RuntimeError(msg) from None
        raise exception


def _seed_worker(seed: int, base_seed: int, worker_id: int) -> None:
    """Seed Python's, NumPy's and ember's global generators for this worker."""
    random.seed(seed)
    ember.manual_seed(seed)
    np.random.seed(np.random.SeedSequence(base_seed, spawn_key=(worker_id,)).generate_state(4))


_blas = {}


def blas_controller():
    """threadpoolctl's view of the loaded BLAS libraries, built once per process.

    Built in the main process before the workers fork, so that a forked worker can limit its
    BLAS threads in microseconds instead of rescanning the loaded libraries.
    """
    if "controller" not in _blas:
        from threadpoolctl import ThreadpoolController

        _blas["controller"] = ThreadpoolController()
    return _blas["controller"]


def _limit_blas_threads() -> None:
    # Parallelism comes from the workers: one BLAS thread each avoids oversubscription.
    _blas["limit"] = blas_controller().limit(limits=1)


def _reply(sock, tag: int, idx, worker_id: int, data) -> None:
    """Send a result to the main process; one that cannot be pickled is sent as its error."""
    try:
        parts = _channel.encode(data)
    except Exception:
        parts = _channel.encode(_wrap_current_exception(worker_id))
    _channel.send(sock, tag, idx, worker_id, parts)


def _picklable(obj) -> bool:
    try:
        pickle.dumps(obj)
    except Exception:
        return False
    return True


def _wrap_current_exception(worker_id: int) -> ExceptionWrapper:
    wrapped = ExceptionWrapper(where=f"in DataLoader worker process {worker_id}")
    if not _picklable(wrapped.exc_type):
        wrapped.exc_type = RuntimeError
    return wrapped


def _worker_loop(
    dataset_kind,
    dataset,
    index_queue,
    result_sock,
    main_ends,
    done_event,
    auto_collation,
    collate_fn,
    drop_last,
    base_seed,
    init_fn,
    worker_id,
    num_workers,
):
    """Body of a worker process: fetch the batches named on ``index_queue`` until told to stop
    (``None``) or until the main process disappears."""
    global _worker_info
    parent = os.getppid()
    for channel in main_ends:
        channel.close()
    try:
        seed = base_seed + worker_id
        _seed_worker(seed, base_seed, worker_id)
        _limit_blas_threads()
        _worker_info = WorkerInfo(id=worker_id, num_workers=num_workers, seed=seed, dataset=dataset)
        fetcher, init_error = None, None
        try:
            if init_fn is not None:
                init_fn(worker_id)
            fetcher = _DatasetKind.create_fetcher(
                dataset_kind, dataset, auto_collation, collate_fn, drop_last
            )
        except Exception:
            init_error = _wrap_current_exception(worker_id)
        exhausted = False
        while os.getppid() == parent:
            try:
                task = index_queue.get(timeout=_WORKER_POLL_S)
            except queue.Empty:
                if done_event.is_set():
                    break
                continue
            if task is None:
                break
            if isinstance(task, _ResumeIteration):
                exhausted = False
                try:
                    fetcher = _DatasetKind.create_fetcher(
                        dataset_kind, dataset, auto_collation, collate_fn, drop_last
                    )
                except Exception:
                    init_error = _wrap_current_exception(worker_id)
                _reply(result_sock, _RESUMED, None, worker_id, None)
                continue
            if done_event.is_set() or exhausted:
                continue  # draining: the main process no longer wants these
            idx, index = task
            tag = _DATA
            if init_error is not None:
                data, init_error = init_error, None
            else:
                try:
                    data = fetcher.fetch(index)
                except StopIteration:
                    if dataset_kind != _DatasetKind.Iterable:
                        data = _wrap_current_exception(worker_id)
                    else:
                        tag, data, exhausted = _STOP, None, True
                except Exception:
                    data = _wrap_current_exception(worker_id)
            _reply(result_sock, tag, idx, worker_id, data)
            del data, task, index
    except KeyboardInterrupt:
        pass  # the main process handles Ctrl-C
    except (BrokenPipeError, ConnectionResetError):
        pass  # the main process closed the channel (shutdown) or is gone: nobody reads these
    finally:
        result_sock.close()
