"""Placeholder until the engine lands (replaced in the same session)."""


def add_arguments(parser):
    parser.add_argument("--out", default="runs/default")


def main(args):
    raise NotImplementedError
