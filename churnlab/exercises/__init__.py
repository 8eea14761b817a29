"""Auto-checked exercise questions, one module per lesson (``lesson01``, ``lesson02``, ...).

Each module exports ``q1``, ``q2``, ... and the blank ``____``; see ``core`` for how checks work.
"""
