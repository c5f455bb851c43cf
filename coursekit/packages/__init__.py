"""Module packages as content: finding, parsing, checking, caching, packing and rendering.

A package is a folder of plain files (``module.yaml``, Markdown lessons, quiz files,
media); ``docs/module-format.md`` is the reference. Nothing in a package is ever imported
or run.
"""
