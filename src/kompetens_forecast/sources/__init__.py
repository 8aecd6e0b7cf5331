"""Data sources: SCB (PxWebApi 2, the v1 adapter, PX files) and Arbetsförmedlingen.

Every SCB reader returns the same *tidy frame*: one row per cell, and for each dimension of the
table (in the table's own order) two string columns — the code (named after the dimension id,
e.g. ``Region``) and its label (``Region_label``) — then ``value`` (float64, NaN when missing)
and ``symbol`` (object: SCB's marker such as "..", ".", "-" for a missing or special value,
None for an ordinary number). A marker is never turned into 0. See `tidy.py`.
"""
