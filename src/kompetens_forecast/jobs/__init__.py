"""The commands: one module per `forecast` command, plus what they share.

Each module here loads its inputs (store, configs), calls `analysis`/`report`, and writes its
outputs through `jobs.outputs`. The CLI imports only this package (and errors, console,
languages). Nothing is imported here, so `forecast --help` stays fast.
"""
