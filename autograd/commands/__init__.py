"""One module per ``gradstep`` command: each has ``configure(parser)`` and ``run(args) -> exit code``."""
