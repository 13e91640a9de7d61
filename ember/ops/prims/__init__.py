"""The primitives: every differentiable op, forward and backward side by side, one module per
family (the derivative table).

``prims/<family>.py`` holds the ``@defop`` primitives of one family, each followed by its
``.vjp``; the public functions of the family are in ``ember/ops/<family>.py`` (or
``ember/nn/_functional/<family>.py`` for the nn-layer families). A primitive is defined once, in
its own family, and other families import it: the selection ops of ``sorting`` gather with
``indexing``'s ``gather``, the matrix norms use ``linalg``'s ``linalg_svdvals``, the activations
compute with ``pointwise``'s ``sigmoid_kernel``. ``defop`` raises on a second definition of a
name, and every primitive with a vjp is covered by the op db (``tests/ops/test_registry.py``).
"""
