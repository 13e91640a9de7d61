"""The ops, in two halves with the same family names.

- ``ops/prims/<family>.py``: the primitives, the derivative table. Each ``@defop`` forward
  (arrays in, array out, through the backend's ``xp``) sits beside its ``.vjp`` backward
  (written with ember ops, so it can be differentiated again). A primitive is defined once, in
  the family it belongs to, and imported wherever else it is used; ``defop`` raises on a
  duplicate name.
- ``ops/<family>.py``: the public functions of the same family (``ember.<name>``). They check
  arguments with PyTorch's exceptions, promote dtypes, honour ``out=``, call primitives, and
  declare their Tensor methods with ``@tensor_method`` (:mod:`ember.ops._binding`) on the
  definition. For the nn-layer families (attention, conv, pooling, rnn, normalization, vision)
  the public side is ``ember/nn/_functional/<family>.py``.

Composites without a primitive of their own (``composite.py``, ``random_ops.py``) have only the
public half. The machinery: ``_registry.py`` (``defop``, the op wrapper, ``REGISTRY``),
``_inplace.py``, ``_binding.py``, ``_promote.py``, ``_out.py``. Every primitive with a vjp is
covered by an op-db entry in ``tests/ops/db/<family>.py`` (``tests/ops/test_registry.py``).
"""
