"""The multi-process DataLoader iterator: worker start-up, task dispatch, the reorder buffer,
failure detection and shutdown.

Task ``i`` (the i-th batch of the epoch) goes to one worker's index queue; results come back on
one shared queue in whatever order the workers finish. ``_task_info[i]`` is ``(worker_id,)``
while task ``i`` is pending and ``(worker_id, payload)`` once it has arrived early, so batches
are yielded in sampler order (``in_order=True``) or as they arrive. At most
``prefetch_factor * num_workers`` tasks are in flight.

The main process never blocks for long: it polls the result queue every ``_POLL_S`` seconds and
checks that the workers it waits on are alive, so a killed worker becomes a RuntimeError, not a
hang. Shutdown (end of epoch, error, or the iterator being garbage collected) sets the done
event, sends ``None`` to every worker, joins them briefly and terminates any that linger.
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import multiprocessing
import os
import pickle
import queue
import time

from ._worker import (
    _RESUMED,
    _STOP,
    ExceptionWrapper,
    _ResumeIteration,
    _worker_loop,
    blas_controller,
)
from .dataloader import _BaseDataLoaderIter

# How often the main process re-checks worker liveness while waiting for a batch (seconds).
_POLL_S = 0.25
# How long shutdown waits for a worker to exit by itself before terminating it (seconds).
_JOIN_S = 2.0

_exiting = [False]


@atexit.register
def _mark_exiting():
    # At interpreter exit multiprocessing terminates daemonic workers itself; iterators
    # finalised after this point must not touch queues that may already be torn down.
    _exiting[0] = True


class _MultiProcessingDataLoaderIter(_BaseDataLoaderIter):
    """Loads batches in ``num_workers`` worker processes."""

    def __init__(self, loader) -> None:
        super().__init__(loader)
        self._shutdown = True  # until the workers exist, there is nothing to shut down
        self._owner_pid = os.getpid()
        self._prefetch_factor = loader.prefetch_factor
        if self._prefetch_factor <= 0:
            raise AssertionError(
                "prefetch_factor must be greater than 0 for MultiProcessingDataLoaderIter"
            )
        self._in_order = loader.in_order
        ctx = loader.multiprocessing_context or multiprocessing.get_context()
        blas_controller()  # scan the BLAS libraries once here; forked workers inherit it
        self._data_queue = ctx.Queue()
        self._done_event = ctx.Event()
        self._index_queues, self._workers = [], []
        self._shutdown = False
        try:
            for worker_id in range(self._num_workers):
                index_queue = ctx.Queue()
                # the main process must never wait at exit to flush indices to a dead worker
                index_queue.cancel_join_thread()
                worker = ctx.Process(
                    target=_worker_loop,
                    args=(
                        self._dataset_kind,
                        self._dataset,
                        index_queue,
                        self._data_queue,
                        self._done_event,
                        self._auto_collation,
                        self._collate_fn,
                        self._drop_last,
                        self._base_seed,
                        loader.worker_init_fn,
                        worker_id,
                        self._num_workers,
                    ),
                    daemon=True,
                )
                worker.start()
                self._index_queues.append(index_queue)
                self._workers.append(worker)
        except BaseException:
            self._shutdown_workers()
            raise
        self._reset(loader, first_iter=True)

    # ------------------------------------------------------------------ epochs
    def _reset(self, loader, first_iter: bool = False) -> None:
        super()._reset(loader, first_iter)
        n = self._num_workers
        self._send_idx = 0  # next task to send
        self._rcvd_idx = 0  # next task to yield (in order)
        self._task_info = {}
        self._tasks_outstanding = 0
        self._worker_tasks = [0] * n  # tasks sent to each worker and not yet answered
        self._workers_status = [True] * n  # False once a worker's IterableDataset is exhausted
        self._worker_cycle = itertools.cycle(range(n))
        if not first_iter:
            # Persistent workers: start a new epoch. Results of an abandoned epoch still in
            # flight arrive before each worker's acknowledgement and are dropped.
            for q in self._index_queues:
                q.put(_ResumeIteration())
            pending = n
            while pending:
                if self._get_data()[0] == _RESUMED:
                    pending -= 1
        for _ in range(self._prefetch_factor * n):
            self._try_put_index()

    def _pick_worker(self):
        """The worker for the next task, or None if none is active (or all are busy)."""
        n = self._num_workers
        active = [w for w in range(n) if self._workers_status[w]]
        if not active:
            return None
        if self._in_order:
            # round robin keeps the batch -> worker assignment (and so each batch's
            # per-worker random state) reproducible
            for _ in range(n):
                w = next(self._worker_cycle)
                if self._workers_status[w]:
                    return w
        return min(active, key=self._worker_tasks.__getitem__)

    def _try_put_index(self) -> None:
        if self._tasks_outstanding >= self._prefetch_factor * self._num_workers:
            return
        worker_id = self._pick_worker()
        if worker_id is None:
            return
        try:
            index = self._next_index()
        except StopIteration:
            return
        self._index_queues[worker_id].put((self._send_idx, index))
        self._task_info[self._send_idx] = (worker_id,)
        self._worker_tasks[worker_id] += 1
        self._tasks_outstanding += 1
        self._send_idx += 1

    # ------------------------------------------------------------------ receiving
    def _next_data(self):
        while True:
            # Skip tasks that will never be answered (their worker's iterable ran out) and
            # tasks already yielded out of order.
            while self._rcvd_idx < self._send_idx:
                info = self._task_info.get(self._rcvd_idx)
                if info is not None:
                    if len(info) == 2 or self._workers_status[info[0]]:
                        break
                    del self._task_info[self._rcvd_idx]
                self._rcvd_idx += 1
            else:
                if not self._persistent_workers:
                    self._shutdown_workers()
                raise StopIteration
            info = self._task_info[self._rcvd_idx]
            if len(info) == 2:  # arrived earlier, buffered
                del self._task_info[self._rcvd_idx]
                self._rcvd_idx += 1
                return self._process_data(info[1])

            tag, idx, worker_id, payload = self._get_data()
            if tag == _RESUMED:
                continue
            self._worker_tasks[worker_id] -= 1
            self._tasks_outstanding -= 1
            if tag == _STOP:
                self._retire_worker(worker_id)
                self._try_put_index()
                continue
            if idx == self._rcvd_idx:
                del self._task_info[idx]
                self._rcvd_idx += 1
                return self._process_data(payload)
            if self._in_order:
                self._task_info[idx] = (worker_id, payload)
            else:
                del self._task_info[idx]
                return self._process_data(payload)

    def _retire_worker(self, worker_id: int) -> None:
        """A worker's IterableDataset is exhausted: send it no more tasks this epoch."""
        self._workers_status[worker_id] = False
        # the tasks it still holds will be dropped by the worker, never answered
        self._tasks_outstanding -= self._worker_tasks[worker_id]
        self._worker_tasks[worker_id] = 0
        if not self._persistent_workers:
            self._index_queues[worker_id].put(None)

    def _process_data(self, payload):
        self._try_put_index()
        data = pickle.loads(payload)
        if isinstance(data, ExceptionWrapper):
            data.reraise()
        return data

    def _get_data(self):
        """The next message from the workers; raises on timeout or on a dead worker."""
        if self._timeout > 0:
            msg = self._try_get_data(self._timeout)
            if msg is None:
                self._shutdown_workers()
                raise RuntimeError(f"DataLoader timed out after {self._timeout} seconds")
            return msg
        while True:
            msg = self._try_get_data(_POLL_S)
            if msg is not None:
                return msg

    def _try_get_data(self, timeout: float):
        """A message within ``timeout`` seconds, else None; checks worker liveness meanwhile."""
        deadline = time.monotonic() + timeout
        while True:
            wait = min(_POLL_S, deadline - time.monotonic())
            try:
                return self._data_queue.get(timeout=max(wait, 0.0))
            except queue.Empty:
                pass
            dead = [
                w
                for w, alive in zip(self._workers, self._workers_status)
                if alive and not w.is_alive()
            ]
            if dead:
                pids = ", ".join(str(w.pid) for w in dead)
                self._shutdown_workers()
                raise RuntimeError(f"DataLoader worker (pid(s) {pids}) exited unexpectedly")
            if time.monotonic() >= deadline:
                return None

    # ------------------------------------------------------------------ shutdown
    def _shutdown_workers(self) -> None:
        if self._shutdown or _exiting[0]:
            return
        self._shutdown = True
        try:
            self._done_event.set()
            for q in self._index_queues:
                with contextlib.suppress(Exception):  # already closed: the event suffices
                    q.put(None)
            deadline = time.monotonic() + _JOIN_S
            for w in self._workers:
                w.join(timeout=max(deadline - time.monotonic(), 0.0))
            for q in [*self._index_queues, self._data_queue]:
                q.cancel_join_thread()
                q.close()
        finally:
            for w in self._workers:
                if w.is_alive():
                    w.terminate()
                    w.join(timeout=_JOIN_S)

    def __del__(self):
        # (a forked child holds a copy of this object: only the owner shuts the workers down)
        if getattr(self, "_shutdown", True) is False and os.getpid() == self._owner_pid:
            self._shutdown_workers()
