"""The multi-process DataLoader iterator: worker start-up, task dispatch, the reorder buffer,
failure detection and shutdown.

Task ``i`` (the i-th batch of the epoch) goes to one worker's index queue; results come back on
each worker's own result channel (``_channel.py``) in whatever order the workers finish.
``_task_info[i]`` is ``(worker_id,)`` while task ``i`` is pending and ``(worker_id, payload)``
once it has arrived early, so batches are yielded in sampler order (``in_order=True``) or as
they arrive. At most ``prefetch_factor * num_workers`` tasks are in flight.

Waiting for a result, the main process waits at once on the workers' channels and on their
process sentinels (``multiprocessing.connection.wait``), so a worker that dies is noticed the
moment it dies, as torch notices it through SIGCHLD, and ``timeout`` expires on time. Shutdown at
the end of an epoch (or when the iterator is garbage collected) sets the done event, sends
``None`` to every worker, joins them briefly and terminates any that linger; shutdown on an
error (timeout, dead worker) terminates the workers at once, so the error is raised without
delay.
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import multiprocessing
import multiprocessing.connection
import os
import signal
import time

from . import _channel
from ._worker import (
    _RESUMED,
    _STOP,
    ExceptionWrapper,
    _ResumeIteration,
    _worker_loop,
    blas_controller,
)
from .dataloader import _BaseDataLoaderIter

# How long shutdown waits for a worker to exit by itself before terminating it (seconds).
_JOIN_S = 2.0
# How long a terminated worker has to exit before it is killed (seconds): a hung worker, or one
# that ignores SIGTERM, must not hold up the error being raised.
_TERM_S = 0.1

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
        forked = ctx.get_start_method() == "fork"
        blas_controller()  # scan the BLAS libraries once here; forked workers inherit it
        self._done_event = ctx.Event()
        self._index_queues, self._workers, self._channels = [], [], []
        self._shutdown = False
        try:
            for worker_id in range(self._num_workers):
                index_queue = ctx.Queue()
                # the main process must never wait at exit to flush indices to a dead worker
                index_queue.cancel_join_thread()
                channel, worker_end = _channel.socket_pair()
                self._channels.append(channel)
                worker = ctx.Process(
                    target=_worker_loop,
                    args=(
                        self._dataset_kind,
                        self._dataset,
                        index_queue,
                        worker_end,
                        # a forked worker closes its copies of the main process's ends, so
                        # that its sends fail, rather than block, once the main process is gone
                        self._channels if forked else [],
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
                try:
                    worker.start()
                finally:
                    # only the worker holds its end: its death is end of file, never a hang
                    worker_end.close()
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
        data = _channel.load(payload)
        if isinstance(data, ExceptionWrapper):
            data.reraise()
        return data

    def _get_data(self):
        """The next message from the workers; raises on timeout or on a dead worker."""
        if self._shutdown:
            raise RuntimeError(
                "DataLoader iterator was shut down after an error (its workers are stopped); "
                "start a new one with iter(loader)"
            )
        deadline = time.monotonic() + self._timeout if self._timeout > 0 else None
        while True:
            # The workers that owe a result: their channels, and their sentinels, which become
            # ready when the process ends (a retired worker may exit normally: not watched).
            watched = [w for w in range(self._num_workers) if self._workers_status[w]]
            channels = {self._channels[w]: w for w in watched}
            sentinels = {self._workers[w].sentinel: w for w in watched}
            remaining = None if deadline is None else max(deadline - time.monotonic(), 0.0)
            ready = multiprocessing.connection.wait([*channels, *sentinels], remaining)
            dead = sorted(sentinels[r] for r in ready if r in sentinels)
            if dead:
                self._raise_worker_failed(dead)
            if not ready:
                self._shutdown_workers(graceful=False)
                raise RuntimeError(f"DataLoader timed out after {self._timeout} seconds")
            worker_id = channels[ready[0]]
            try:
                return _channel.recv(self._channels[worker_id])
            except _channel.ChannelClosed:
                self._workers[worker_id].join(_TERM_S)  # it is gone: collect its exit status
                self._raise_worker_failed([worker_id])

    def _raise_worker_failed(self, worker_ids) -> None:
        """Raise torch's error for workers that died, with how they died as its cause."""
        workers = [self._workers[w] for w in worker_ids]
        self._shutdown_workers(graceful=False)
        pids = ", ".join(str(w.pid) for w in workers)
        error = RuntimeError(f"DataLoader worker (pid(s) {pids}) exited unexpectedly")
        raise error from _exit_status_error(workers[0])

    # ------------------------------------------------------------------ shutdown
    def _shutdown_workers(self, graceful: bool = True) -> None:
        """Stop the workers: ``graceful`` asks them and waits up to ``_JOIN_S`` seconds (end of
        an epoch); otherwise, on an error, they are terminated at once."""
        if self._shutdown or _exiting[0]:
            return
        self._shutdown = True
        try:
            self._done_event.set()
            if graceful:
                for q in self._index_queues:
                    with contextlib.suppress(Exception):  # already closed: the event suffices
                        q.put(None)
            for channel in self._channels:
                channel.close()  # a worker blocked sending a result gets EPIPE and stops
            if graceful:
                deadline = time.monotonic() + _JOIN_S
                for w in self._workers:
                    w.join(timeout=max(deadline - time.monotonic(), 0.0))
            for q in self._index_queues:
                q.cancel_join_thread()
                q.close()
        finally:
            _stop(self._workers)

    def __del__(self):
        # (a forked child holds a copy of this object: only the owner shuts the workers down)
        if getattr(self, "_shutdown", True) is False and os.getpid() == self._owner_pid:
            self._shutdown_workers()


def _stop(workers) -> None:
    """Terminate the workers still alive; kill those still there ``_TERM_S`` seconds later."""
    alive = [w for w in workers if w.is_alive()]
    for w in alive:
        with contextlib.suppress(OSError):  # exited meanwhile
            w.terminate()
    deadline = time.monotonic() + _TERM_S
    for w in alive:
        w.join(timeout=max(deadline - time.monotonic(), 0.0))
    for w in alive:
        if w.is_alive():
            with contextlib.suppress(OSError):
                w.kill()
            w.join(timeout=_JOIN_S)


def _exit_status_error(worker) -> RuntimeError | None:
    """torch's description of how a worker ended (its SIGCHLD handler's error), if it failed."""
    code = worker.exitcode
    if code is None or code == 0:
        return None
    if code < 0:
        try:
            name = signal.strsignal(-code)
        except ValueError:
            name = None
        msg = f"DataLoader worker (pid {worker.pid}) is killed by signal: {name}. "
        if -code == signal.SIGBUS:
            msg += (
                "It is possible that dataloader's workers are out of shared memory. "
                "Please try to raise your shared memory limit."
            )
        return RuntimeError(msg)
    return RuntimeError(
        f"DataLoader worker (pid {worker.pid}) exited unexpectedly with exit code {code}. "
        "Details are lost due to multiprocessing. Rerunning with num_workers=0 may give "
        "better error trace."
    )
