"""Blind end-to-end dialogues (issue 13): customers' scripts, each with the state it must leave.

The dialogue files were written from SPEC §5 alone; see ``README.md`` in this folder for the
format, how they are run and what the two figures (share completed, containment) mean.
"""
