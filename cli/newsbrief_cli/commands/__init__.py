"""One module per command; each registers its parser and its ``run(args, target)``."""
