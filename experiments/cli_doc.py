"""Generate the command-line reference (``docs/cli.md``) from the ``snn`` argparse parser itself, so the docs
cannot drift from the code:

    python -m snn.experiments.cli_doc > docs/cli.md

``tests/docs/test_cli_doc.py`` checks that the committed file equals what this prints.
"""
import argparse
import sys

from .cli import COMMANDS, build_parser

HEADER = """# Command-line reference

Generated from the argparse parser (`snn.experiments.cli.build_parser`) by
`python -m snn.experiments.cli_doc > docs/cli.md`; do not edit by hand (a test compares the two).
Every command prints one line and exits with status 2 on a user error; `snn COMMAND --help` shows the same
options. Where a default is "-", the option is unset unless given (the command's own default applies, as
its help says).
"""


def _cell(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


def _subparsers(parser):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: a.help for a in action._choices_actions}
            for name, sub in action.choices.items():
                yield name, sub, helps.get(name, "")


def _value(action):
    if action.nargs == 0:
        return "(flag)"
    if action.choices is not None:
        return "{" + ",".join(str(c) for c in action.choices) + "}"
    if action.type is not None and getattr(action.type, "__name__", None) in ("int", "float"):
        return action.type.__name__.upper()
    return action.metavar or action.dest.upper()


def _default(action):
    if action.nargs == 0 or action.default in (None, argparse.SUPPRESS):
        return "-"
    return f"`{action.default}`" if action.default != "" else '`""`'


def _command(lines, prog, parser, help_text):
    positionals = [a for a in parser._actions if not a.option_strings
                   and not isinstance(a, argparse._SubParsersAction)]
    options = [a for a in parser._actions if a.option_strings and not isinstance(a, argparse._HelpAction)]
    subs = list(_subparsers(parser))
    synopsis = " ".join([prog] + [a.metavar or a.dest.upper() for a in positionals]
                        + (["ACTION"] if subs else []) + (["[options]"] if options else []))
    lines += [f"## `{prog}`", "", _cell(help_text or parser.description or ""), "", "```text", synopsis, "```", ""]
    if positionals:
        lines += ["| argument | help |", "|---|---|"]
        lines += [f"| `{a.metavar or a.dest.upper()}` | {_cell(a.help or '')} |" for a in positionals]
        lines.append("")
    if options:
        lines += ["| option | value | default | help |", "|---|---|---|---|"]
        for a in options:
            req = " (required)" if a.required else ""
            lines.append(f"| `{', '.join(a.option_strings)}` | {_cell(_value(a))} | {_cell(_default(a))} | "
                         f"{_cell(a.help or '')}{req} |")
        lines.append("")
    if subs:
        lines += ["| action | what |", "|---|---|"]
        lines += [f"| [`{name}`](#{(prog + ' ' + name).replace(' ', '-')}) | {_cell(h)} |" for name, _, h in subs]
        lines.append("")
    for name, sub, h in subs:
        _command(lines, f"{prog} {name}", sub, h)


def render():
    """The whole reference as Markdown text."""
    parser = build_parser()
    lines = [HEADER, "## Commands", "", "| command | what |", "|---|---|"]
    lines += [f"| [`snn {name}`](#snn-{name}) | {_cell(help_text)} |" for name, (_, help_text) in COMMANDS.items()]
    lines += ["", "`snn --version` prints the version.", ""]
    for name, sub, h in _subparsers(parser):
        _command(lines, f"snn {name}", sub, h)
    return "\n".join(lines).rstrip() + "\n"


def main():
    sys.stdout.write(render())
    return 0


if __name__ == "__main__":
    sys.exit(main())
